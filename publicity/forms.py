"""Forms of the staff side of 任前公示: they parse input and keep what was typed; the rules are
checked by the services, whose errors land next to the field they are about."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre

from .errors import PublicityError
from .models import GateCheck, GateCheckResult, Notice, Outcome, PublicitySettings
from .services.notices import EDIT_FIELDS

# django-ratelimit's rate syntax: count per second, minute, hour or day (optionally "per 10m").
RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_error(form: forms.BaseForm, error: PublicityError) -> None:
    """Show a domain error next to its field (or above the form when it has no such field)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class NoticeCreateForm(forms.Form):
    cadre = forms.ModelChoiceField(
        label=_("干部"),
        queryset=Cadre.objects.filter(is_active=True).select_related("unit"),
        widget=forms.HiddenInput,
        error_messages={"required": _("请先搜索并选择一名干部。"), "invalid_choice": _("请先搜索并选择一名干部。")},
    )
    proposed_post = forms.CharField(
        label=_("拟任职务"),
        max_length=Notice._meta.get_field("proposed_post").max_length,
        error_messages={"required": _("请填写拟任职务。")},
    )
    current_post = forms.CharField(
        label=_("现任职务"),
        max_length=Notice._meta.get_field("current_post").max_length,
        required=False,
        help_text=_("留空时按干部名册中的单位和职务填写。"),
    )


class NoticeEditForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = list(EDIT_FIELDS)
        widgets = {
            "basic_info": forms.Textarea(attrs={"rows": 4}),
            "resume": forms.Textarea(attrs={"rows": 8}),
            "study_credits": forms.Textarea(attrs={"rows": 4}),
            "achievements": forms.Textarea(attrs={"rows": 16}),
            "evaluation_results": forms.Textarea(attrs={"rows": 4}),
            "feedback_channels": forms.Textarea(attrs={"rows": 4}),
        }


class GateCheckForm(forms.Form):
    result = forms.ChoiceField(
        label=_("结论"),
        choices=GateCheckResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择通过或未通过。")},
    )
    note = forms.CharField(
        label=_("说明"),
        max_length=GateCheck._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写把关说明。")},
    )


class SendBackForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写退回原因。")},
    )


class PublishForm(forms.Form):
    start_date = forms.DateField(
        label=_("公示开始日期"), widget=DATE_INPUT, error_messages={"required": _("请选择公示开始日期。")}
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("任用结果"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择任用结果。")},
    )
    reason = forms.CharField(
        label=_("结果说明"),
        max_length=Notice._meta.get_field("outcome_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写结果说明。")},
    )


class PublicitySettingsForm(forms.ModelForm):
    class Meta:
        model = PublicitySettings
        fields = [
            "min_workdays",
            "record_years",
            "show_outcome_publicly",
            "issuer_name",
            "feedback_channels",
            "feedback_max_chars",
            "feedback_rate_limit",
        ]
        widgets = {"feedback_channels": forms.Textarea(attrs={"rows": 4})}

    def clean_feedback_rate_limit(self) -> Any:
        value = self.cleaned_data["feedback_rate_limit"].strip()
        match = RATE.match(value)
        if not match or int(match.group(1)) < 1:
            raise forms.ValidationError(_("频率格式应为“次数/时间单位”，如 5/h、20/d、3/m。"))
        return value
