"""Forms of public feedback: the public form on a notice, the receipt lookup, and staff triage."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.ids import MAX_ID

from .models import FeedbackState
from .services.feedback import MIN_TEXT_CHARS, FeedbackError, check_text

HONEYPOT = "website"


class FeedbackForm(forms.Form):
    """Name and contact are optional; the honeypot and the signed token are checked by the service."""

    name = forms.CharField(label=_("姓名（可不填）"), max_length=50, required=False)
    contact = forms.CharField(
        label=_("联系方式（可不填）"),
        max_length=100,
        required=False,
        help_text=_("留下电话或邮箱，便于核实情况时与您联系；仅组织部门工作人员可见。"),
    )
    text = forms.CharField(label=_("反映内容"), widget=forms.Textarea(attrs={"rows": 6}))
    # Left empty by people (the field is hidden from them); bots fill every field they see.
    website = forms.CharField(label=_("请勿填写此项"), required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, max_chars: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.max_chars = max_chars
        self.fields["text"].widget.attrs.update({"maxlength": max_chars, "minlength": MIN_TEXT_CHARS})
        self.fields["text"].help_text = _("请写明具体事实，%(min)s 至 %(max)s 字。") % {
            "min": MIN_TEXT_CHARS,
            "max": max_chars,
        }
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})

    def clean_text(self) -> str:
        try:
            return check_text(self.cleaned_data.get("text", ""), max_chars=self.max_chars)
        except FeedbackError as error:
            raise forms.ValidationError(error.message) from None


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": "XXXX-XXXX-XXXX", "autocapitalize": "characters"}
        ),
    )


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("办理为"), choices=FeedbackState.choices)
    note = forms.CharField(
        label=_("办理意见"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("作出“反映属实/不属实”的结论时必填；仅工作人员可见。"),
    )
    public_reply = forms.CharField(
        label=_("答复（公开查询可见）"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("反映人凭查询码可以看到这段答复；不要写入反映人或他人的个人信息。"),
    )


class FeedbackFilterForm(forms.Form):
    notice = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    state = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *FeedbackState.choices], required=False)
    q = forms.CharField(label=_("搜索"), max_length=100, required=False)
