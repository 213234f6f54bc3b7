"""Forms of supervision: a reward or sanction, the 限期整改 follow-up, settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from publicity.forms import FeedbackForm
from publicity.models import Notice
from selection.forms import CadreChoiceField, active_cadres
from selection.models import Selection

from . import rules
from .errors import SupervisionError
from .models import Channel, InfoSource, InfoStatus, RecordKind, SupervisionSettings

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_error(form: forms.BaseForm, error: SupervisionError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class RecordForm(forms.Form):
    cadre = CadreChoiceField(label=_("干部"), queryset=active_cadres())
    kind = forms.ChoiceField(label=_("类别"), choices=RecordKind.choices)
    accountability_form = forms.ChoiceField(
        label=_("问责方式"),
        required=False,
        choices=[("", "—"), *[(k, RecordKind(k).label) for k in rules.ACCOUNTABILITY_FORMS]],
        help_text=_("仅问责填写；影响期按问责方式计算。"),
    )
    for_year = forms.IntegerField(
        label=_("考核年度"), required=False, min_value=2000, max_value=2100, help_text=_("嘉奖、记功须填写。")
    )
    # Required, but the service says so in its own words (请填写文号。).
    document_no = forms.CharField(label=_("文号"), max_length=100, required=False)
    issuing_body = forms.CharField(label=_("决定机关"), max_length=100, required=False)
    date = forms.DateField(label=_("决定日期"), widget=DATE_INPUT, error_messages={"required": _("请填写决定日期。")})
    reason = forms.CharField(label=_("事由"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    rectify_deadline = forms.DateField(
        label=_("整改期限"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("黄牌警告必填；诫勉等需要限期整改时填写。"),
    )


class FollowUpForm(forms.Form):
    text = forms.CharField(label=_("跟进情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    note = forms.CharField(label=_("办结说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SettingsForm(forms.ModelForm):
    """The plain settings plus one number of months per sanction kind."""

    class Meta:
        model = SupervisionSettings
        fields = [
            "commendation_requires_excellent",
            "receive_days",
            "verify_days",
            "close_days",
            "township_head_min_years",
            "department_head_min_years",
            "team_excellent_quota_percent",
            "team_excellent_min_unit_score",
            "team_excellent_max_problem_share",
            "team_poor_max_unit_score",
        ]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        months = self.instance.impact_months or {}
        for kind in rules.SANCTION_KINDS:
            self.fields[f"months_{kind}"] = forms.IntegerField(
                label=RecordKind(kind).label,
                min_value=0,
                max_value=120,
                initial=months.get(kind, rules.DEFAULT_IMPACT_MONTHS[kind]),
                help_text=_("默认 %(n)s 个月。依据：%(basis)s")
                % {"n": rules.DEFAULT_IMPACT_MONTHS[kind], "basis": rules.IMPACT_BASIS[kind]},
            )

    def impact_fields(self) -> list[forms.BoundField]:
        return [self[f"months_{k}"] for k in rules.SANCTION_KINDS]

    def plain_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.Meta.fields]

    def values(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["impact_months"] = {k: self.cleaned_data[f"months_{k}"] for k in rules.SANCTION_KINDS}
        return data


# --- Reports -------------------------------------------------------------------------------------


class ReportRegisterForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("渠道"), choices=[(c, Channel(c).label) for c in (Channel.PHONE, Channel.LETTER, Channel.VISIT)]
    )
    received_on = forms.DateField(label=_("受理日期"), widget=DATE_INPUT)
    cadre = CadreChoiceField(label=_("被反映干部"), queryset=active_cadres(), required=False)
    selection = forms.ModelChoiceField(
        label=_("选拔任用工作"), queryset=Selection.objects.order_by("-pk"), required=False
    )
    notice = forms.ModelChoiceField(label=_("任前公示"), queryset=Notice.objects.order_by("-pk"), required=False)
    subject = forms.CharField(
        label=_("被反映人或事项"), max_length=200, required=False, help_text=_("未在名册中的人或其他事项写在这里。")
    )
    reporter_name = forms.CharField(
        label=_("反映人姓名（可不填）"),
        max_length=50,
        required=False,
        help_text=_("受保护：仅组织、纪检监察人员可见。"),
    )
    reporter_contact = forms.CharField(label=_("反映人联系方式（可不填）"), max_length=100, required=False)
    text = forms.CharField(label=_("反映内容"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    scan = forms.FileField(label=_("扫描件（可不传）"), required=False, help_text=_("来信或来访记录的扫描件。"))


class PublicReportForm(FeedbackForm):
    """The notice feedback form (honeypot, token, limits) with what the report is about."""

    subject = forms.CharField(
        label=_("被反映人或事项"),
        max_length=200,
        help_text=_("被反映干部的姓名、单位和职务，或者选拔任用工作、公示的名称。"),
    )
    field_order = ["subject", "text", "name", "contact", "website", "token"]


class ReportLinkForm(forms.Form):
    cadre = CadreChoiceField(label=_("被反映干部"), queryset=active_cadres(), required=False)
    selection = forms.ModelChoiceField(
        label=_("选拔任用工作"), queryset=Selection.objects.order_by("-pk"), required=False
    )
    notice = forms.ModelChoiceField(label=_("任前公示"), queryset=Notice.objects.order_by("-pk"), required=False)


class ScanForm(forms.Form):
    file = forms.FileField(label=_("扫描件"))


class InfoForm(forms.Form):
    cadre = CadreChoiceField(label=_("干部"), queryset=active_cadres())
    source = forms.ChoiceField(label=_("来源"), choices=InfoSource.choices)
    # Required, but the service says so in its own words.
    provided_by = forms.CharField(label=_("提供单位"), max_length=100, required=False)
    summary = forms.CharField(
        label=_("情况"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    date = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    status = forms.ChoiceField(label=_("状态"), choices=InfoStatus.choices)
