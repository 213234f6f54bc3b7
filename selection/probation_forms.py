"""Forms of the probation review: they parse input and keep what was typed; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DATE_INPUT


class ConfirmForm(forms.Form):
    note = forms.CharField(
        label=_("考核意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("试用期满考核的结论：思想政治表现、履职能力、工作实绩、廉洁自律等。"),
    )


class ExtendForm(forms.Form):
    new_end = forms.DateField(label=_("新的试用期满日期"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("延长理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class EndForm(forms.Form):
    reason = forms.CharField(
        label=_("不胜任的理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("免去试任职务，一般按试任前职级安排工作。"),
    )
