"""Forms of 任前公示 (the staff side, and the public feedback form and receipt lookup): they parse
input and keep what was typed; the rules are checked by the services, whose errors land next to
the field they are about."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre
from core.ids import MAX_ID

from .errors import FeedbackError
from .models import FeedbackState, GateCheck, GateCheckResult, Notice, Outcome, PublicitySettings
from .services.feedback import MIN_TEXT_CHARS, check_text
from .services.notices import EDIT_FIELDS

# django-ratelimit's rate syntax: count per second, minute, hour or day (optionally "per 10m").
RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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


# --- Public feedback: the public form, the receipt lookup and staff triage ---------------------


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
