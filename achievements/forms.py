"""Forms of 晒实绩. Every rule check calls the same function the services and the API call, so a
refusal reads the same on every path; the forms only parse input and keep what the user typed."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Unit
from core.errors import show_error
from core.widgets import FastSelect

from . import rules, services
from .errors import RecordError
from .models import (
    AchievementCategory,
    LeaveKind,
    ParticipantRole,
    RecordRules,
    SelfAssessment,
    VerificationStatus,
)
from .pdf import normalize_code

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def counter_attrs(*, minimum: int, target: int | None = None, rows: int = 3, maximum: int | None = None) -> dict:
    attrs = {"rows": rows, "data-counter": "", "data-counter-min": minimum}
    if target:
        attrs["data-counter-target"] = target
    if maximum:
        attrs["maxlength"] = maximum
    return attrs


# --- Logs and summaries ------------------------------------------------------------------------


class DailyLogForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    text = forms.CharField(label=_("今天做了什么"), widget=forms.Textarea, strip=False, max_length=2000)
    # The DailyLog.version the text was loaded from ("" for a day without a log).
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, author: Cadre, min_chars: int, target_chars: int, check_rules: bool = True, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.author = author
        # False where the caller saves through daily_log_save right after and puts its RecordError
        # on this form (the same check, messages and fields; not made twice per save).
        self.check_rules = check_rules
        self.fields["text"].widget.attrs.update(
            counter_attrs(minimum=min_chars, target=target_chars, rows=4, maximum=2000)
            | {"placeholder": _("例如：走访青石村 3 户困难群众，核实低保材料；参加镇防汛调度会，部署下周巡查。")}
        )
        self.fields["text"].error_messages["required"] = _("请填写今天的工作内容。")

    def clean(self) -> dict:
        data = super().clean()
        if self.check_rules and "day" in data and "text" in data:
            try:
                data["text"] = services.daily_log_check(author=self.author, day=data["day"], text=data["text"])
            except RecordError as error:
                show_error(error, form=self)
        return data


class SummaryForm(forms.Form):
    text = forms.CharField(label=_("内容"), widget=forms.Textarea, strip=False, max_length=10000)

    def __init__(self, *args: Any, author: Cadre, period: Any, min_chars: int, target_chars: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.author, self.period = author, period
        self.fields["text"].widget.attrs.update(counter_attrs(minimum=min_chars, target=target_chars, rows=12))

    def clean(self) -> dict:
        data = super().clean()
        if "text" in data:
            try:
                data["text"] = services.summary_check(
                    author=self.author,
                    kind=self.period.kind,
                    year=self.period.year,
                    quarter=self.period.quarter,
                    text=data["text"],
                )
            except RecordError as error:
                show_error(error, form=self)
        return data


class FeedFilterForm(forms.Form):
    # Many options (a leader's units, a unit's people): rendered without a template per option.
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none(), empty_label=None, widget=FastSelect)
    author = forms.ModelChoiceField(label=_("人员"), queryset=Cadre.objects.none(), required=False, widget=FastSelect)
    start = forms.DateField(label=_("从"), widget=DATE_INPUT, required=False)
    end = forms.DateField(label=_("到"), widget=DATE_INPUT, required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data


# --- Leave -----------------------------------------------------------------------------------------


def resolve_cadre(value: str, cadres: Any) -> Cadre | None:
    """A cadre picked as "姓名（编号）" (from the suggestions) or typed as a bare 编号."""
    value = value.strip()
    code = value.rsplit("（", 1)[-1].rstrip("）").strip() if "（" in value else value
    return cadres.filter(code__iexact=code).first()


class LeaveForm(forms.Form):
    cadre = forms.CharField(
        label=_("干部（姓名或编号）"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "leave-cadre-options", "autocomplete": "off", "data-participant": ""}),
    )
    start = forms.DateField(label=_("开始日期"), widget=DATE_INPUT)
    end = forms.DateField(label=_("结束日期"), widget=DATE_INPUT)
    kind = forms.ChoiceField(label=_("类型"), choices=LeaveKind.choices, initial=LeaveKind.LEAVE)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, cadres: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.cadres = cadres

    def clean_cadre(self) -> Cadre:
        cadre = resolve_cadre(self.cleaned_data["cadre"], self.cadres)
        if cadre is None:
            raise ValidationError(
                _("「%(value)s」不是您可以登记请假的干部（本人的请假由上级领导或考核办登记）。")
                % {"value": self.cleaned_data["cadre"]}
            )
        return cadre

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data


# --- Achievements --------------------------------------------------------------------------------


class AchievementForm(forms.Form):
    title = forms.CharField(label=_("实绩名称"), max_length=200)
    date = forms.DateField(label=_("取得日期"), widget=DATE_INPUT)
    category = forms.ModelChoiceField(label=_("类别"), queryset=AchievementCategory.objects.all())
    description = forms.CharField(
        label=_("具体内容"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000, strip=False
    )


class FigureForm(forms.Form):
    label = forms.CharField(
        label=_("指标"), max_length=50, widget=forms.TextInput(attrs={"placeholder": _("如：新增就业")})
    )
    value = forms.DecimalField(label=_("数值"), max_digits=14, decimal_places=2)
    unit = forms.CharField(
        label=_("计量单位"), max_length=20, widget=forms.TextInput(attrs={"placeholder": _("如：人")})
    )


class BaseFigureFormSet(forms.BaseFormSet):
    def figures(self) -> list[services.FigureInput]:
        return [
            services.FigureInput(f.cleaned_data["label"], f.cleaned_data["value"], f.cleaned_data["unit"])
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


FigureFormSet = formset_factory(
    FigureForm, formset=BaseFigureFormSet, extra=0, can_delete=True, max_num=services.records.MAX_FIGURES
)


class ParticipantForm(forms.Form):
    cadre_code = forms.CharField(
        label=_("参与人编号"),
        max_length=32,
        widget=forms.TextInput(attrs={"list": "participant-options", "autocomplete": "off", "data-participant": ""}),
        help_text=_("输入姓名或编号查找"),
    )
    role = forms.ChoiceField(label=_("角色"), choices=ParticipantRole.choices)
    share = forms.DecimalField(
        label=_("贡献占比（%）"), max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("100")
    )

    def clean_cadre_code(self) -> Cadre:
        value = self.cleaned_data["cadre_code"]
        cadre = resolve_cadre(value, Cadre.objects.filter(is_active=True))
        if cadre is None:
            code = value.strip().rsplit("（", 1)[-1].rstrip("）").strip()
            raise ValidationError(_("找不到编号为「%(code)s」的在职干部。") % {"code": code})
        return cadre


class BaseParticipantFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        try:
            services.check_participants(
                (c.pk, c.name, f.cleaned_data["share"]) for f, c in self._rows() if c is not None
            )
        except RecordError as error:
            raise ValidationError(error.message) from error

    def _rows(self) -> list[tuple[forms.Form, Cadre | None]]:
        return [
            (f, f.cleaned_data.get("cadre_code"))
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]

    def participants(self) -> list[services.ParticipantInput]:
        return [
            services.ParticipantInput(cadre, f.cleaned_data["role"], f.cleaned_data["share"])
            for f, cadre in self._rows()
        ]


ParticipantFormSet = formset_factory(
    ParticipantForm,
    formset=BaseParticipantFormSet,
    extra=0,
    can_delete=True,
    max_num=services.records.MAX_PARTICIPANTS,
)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("佐证材料"))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        extensions = ",".join(f".{e}" for e in sorted(rules.ATTACHMENT_TYPES))
        self.fields["file"].widget.attrs["accept"] = extensions
        self.fields["file"].help_text = _("允许 %(types)s，每个不超过 %(limit)s。") % {
            "types": "、".join(sorted(rules.ATTACHMENT_TYPES)),
            "limit": filesizeformat(rules.attachment_max_bytes()),
        }


class VerifyForm(forms.Form):
    verification_status = forms.ChoiceField(
        label=_("核实结果"), choices=VerificationStatus.choices, widget=forms.RadioSelect
    )
    verification_note = forms.CharField(
        label=_("核实意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("verification_status") == VerificationStatus.DOUBTFUL
            and not data.get("verification_note", "").strip()
        ):
            self.add_error("verification_note", _("标记为存疑时请写明核实意见。"))
        return data


# --- Self-assessment --------------------------------------------------------------------------------


class SelfAssessmentForm(forms.ModelForm):
    class Meta:
        model = SelfAssessment
        fields = ["year", "performance", "shortcomings", "plans"]
        widgets = {
            "performance": forms.Textarea(attrs={"rows": 10}),
            "shortcomings": forms.Textarea(attrs={"rows": 4}),
            "plans": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, years: list[int], min_chars: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["year"] = forms.TypedChoiceField(
            label=_("年度"), choices=[(y, y) for y in years], coerce=int, initial=years[0]
        )
        if self.instance.pk:
            self.fields["year"].disabled = True
        self.fields["performance"].widget.attrs.update(counter_attrs(minimum=min_chars, rows=10))
        self.fields["performance"].help_text = _("提交审核时至少 %(n)s 字。当年的实绩记录会自动附在表后。") % {
            "n": min_chars
        }


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("异议内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


# --- Archive and exports ------------------------------------------------------------------------------


class YearRangeForm(forms.Form):
    year_from = forms.IntegerField(label=_("起始年度"), min_value=2000, max_value=2100)
    year_to = forms.IntegerField(label=_("截止年度"), min_value=2000, max_value=2100)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("year_from") and data.get("year_to"):
            try:
                services.dossiers.check_years(data["year_from"], data["year_to"])
            except RecordError as error:
                show_error(error, form=self)
        return data


class UnitExportForm(YearRangeForm):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.filter(is_active=True))

    field_order = ["unit", "year_from", "year_to"]


class VerifyExportForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        max_length=16,
        widget=forms.TextInput(attrs={"placeholder": "ABCDE-23456", "autocomplete": "off"}),
    )
    file = forms.FileField(
        label=_("PDF 文件"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"})
    )

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if len(code) != 11:
            raise ValidationError(_("验证码是 10 位字母和数字，印在 PDF 每页页脚，如 ABCDE-23456。"))
        return code

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise ValidationError(_("文件超过 50 MB，不可能是本系统导出的档案。"))
        return upload


# --- Org-staff settings --------------------------------------------------------------------------------


class OverrideRangeForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=DATE_INPUT)
    end = forms.DateField(label=_("结束日期"), widget=DATE_INPUT, required=False, help_text=_("只设一天可留空。"))
    is_workday = forms.TypedChoiceField(
        label=_("设为"),
        choices=[("0", _("放假")), ("1", _("上班（调休上班日）"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    note = forms.CharField(
        label=_("说明"), max_length=100, required=False, widget=forms.TextInput(attrs={"placeholder": _("如：春节")})
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and not data.get("end"):
            data["end"] = data["start"]
        return data


_DATE_TEXT = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
_HOLIDAY_LINE = re.compile(rf"^{_DATE_TEXT}(?:\s*(?:至|到|—|–|~|～|-{{1,2}})\s*{_DATE_TEXT})?\s*(.*)$")
_WORKDAY_ITEM = re.compile(rf"^{_DATE_TEXT}\s*(.*)$")


def _date_of(groups: tuple[str, ...]) -> date:
    return date(int(groups[0]), int(groups[1]), int(groups[2]))


class HolidayYearForm(forms.Form):
    """A year's 放假安排 as the State Council publishes it: holiday ranges and 调休 working days."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    holidays = forms.CharField(
        label=_("放假日期"),
        widget=forms.Textarea(attrs={"rows": 7, "placeholder": "2027-01-01 元旦\n2027-02-06 至 2027-02-13 春节"}),
        help_text=_("每行一段：开始日期 至 结束日期 名称；只放一天写一个日期。"),
    )
    workdays = forms.CharField(
        label=_("调休上班日期"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2027-02-14 春节调休\n2027-02-20 春节调休"}),
        help_text=_("每行一个日期，可加说明；没有调休上班日可留空。"),
    )
    confirm = forms.BooleanField(
        label=_("以上已是该年全部放假和调休安排，确认录入完整"),
        required=False,
        help_text=_("确认后不再提示该年日历待录入；不确认可稍后在本页确认。"),
    )

    def clean_holidays(self) -> list:
        ranges = []
        for number, line in enumerate(self.cleaned_data["holidays"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            match = _HOLIDAY_LINE.match(line)
            try:
                if not match:
                    raise ValueError(line)
                groups = match.groups()
                start = _date_of(groups[0:3])
                end = _date_of(groups[3:6]) if groups[3] else start
            except ValueError:
                raise ValidationError(
                    _("第 %(n)s 行“%(line)s”无法识别，应为“2027-02-06 至 2027-02-13 春节”这样的格式。")
                    % {"n": number, "line": line}
                ) from None
            ranges.append(services.HolidayRange(start, end, groups[6].strip()[:100]))
        if not ranges:
            raise ValidationError(_("请至少填写一段放假日期。"))
        return ranges

    def clean_workdays(self) -> list[tuple[date, str]]:
        days = []
        items = re.split(r"[\n,，;；]+", self.cleaned_data["workdays"])
        for item in (i.strip() for i in items):
            if not item:
                continue
            match = _WORKDAY_ITEM.match(item)
            try:
                if not match:
                    raise ValueError(item)
                days.append((_date_of(match.groups()[0:3]), match.groups()[3].strip()[:100]))
            except ValueError:
                raise ValidationError(
                    _("“%(item)s”不是有效的日期，应为 2027-02-14 这样的格式。") % {"item": item}
                ) from None
        return days


class RecordRulesForm(forms.ModelForm):
    class Meta:
        model = RecordRules
        fields = [
            "year",
            "unit_category",
            "daily_log_min_chars",
            "daily_log_target_chars",
            "quarterly_summary_min_chars",
            "quarterly_summary_target_chars",
            "annual_summary_min_chars",
            "annual_summary_target_chars",
            "backfill_workdays",
            "missing_log_deduction",
            "missing_quarterly_summary_deduction",
            "missing_annual_summary_deduction",
            "self_assessment_min_chars",
            "self_assessment_posting_days",
        ]

    def clean(self) -> dict:
        data = super().clean()
        for record in ("daily_log", "quarterly_summary", "annual_summary"):
            minimum, target = data.get(f"{record}_min_chars"), data.get(f"{record}_target_chars")
            if minimum is not None and target is not None and target < minimum:
                self.add_error(f"{record}_target_chars", _("建议字数不能少于最少字数。"))
        return data


class ReminderSettingsForm(forms.Form):
    enabled = forms.BooleanField(label=_("启用每日提醒"), required=False)
    send_at = forms.TimeField(
        label=_("提醒时间"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("北京时间，仅在工作日发送。"),
    )
    warn_window_closing = forms.BooleanField(label=_("同时提醒补记期限将到的缺记日志"), required=False)
