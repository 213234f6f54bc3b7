from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from achievements.models import RecordRules
from cadres.models import Cadre, RankLevel, Unit, UnitCategory, UnitRole

from .inputs import DEDUCTION_FIELDS, SETTINGS_FIELDS, SheetInput
from .models import (
    DIMENSIONS,
    PERSON_PROBLEMS,
    TEAM_PROBLEMS,
    EvaluationSettings,
    Grade,
    PeriodKind,
    RaterGroup,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
XLSX_OR_CSV = ".xlsx,.csv"
UPLOAD_LIMIT = 10 * 1024 * 1024


def _year_choices() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(y, y) for y in range(this_year + 1, this_year - 6, -1)]


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=PeriodKind.choices)
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=_year_choices)
    quarter = forms.TypedChoiceField(
        label=_("季度"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), *[(q, q) for q in range(1, 5)]],
        help_text=_("年度考核不填季度。"),
    )
    deadline = forms.DateField(
        label=_("测评截止日期"), required=False, widget=DATE_INPUT, help_text=_("用于提醒评价人，到期不自动截止。")
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == PeriodKind.QUARTERLY and not data.get("quarter"):
            self.add_error("quarter", _("季度考核须选择季度。"))
        if data.get("kind") == PeriodKind.ANNUAL:
            data["quarter"] = None
        return data


class SettingsPickForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=_year_choices)
    category = forms.ChoiceField(
        label=_("单位类别"), required=False, choices=[("", _("所有类别（通用）")), *UnitCategory.choices]
    )


class EvaluationSettingsForm(forms.ModelForm):
    class Meta:
        model = EvaluationSettings
        fields = list(SETTINGS_FIELDS)


class DeductionRatesForm(forms.ModelForm):
    class Meta:
        model = RecordRules
        fields = list(DEDUCTION_FIELDS)


CODE_SPLIT = re.compile(r"[\s,，、;；]+")


class CadreCodesField(forms.CharField):
    """Cadres by 编号, separated by spaces, commas or new lines."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value: Any) -> list[Cadre]:
        text = super().clean(value) or ""
        codes = [c for c in CODE_SPLIT.split(text) if c]
        found = {c.code: c for c in Cadre.objects.filter(code__in=codes).select_related("unit")}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise ValidationError(_("以下编号不存在：%(codes)s。") % {"codes": "、".join(unknown)})
        return list(dict.fromkeys(found[c] for c in codes))


class ScopeForm(forms.Form):
    superiors = CadreCodesField(
        label=_("上级评价人（编号）"),
        required=False,
        help_text=_("对本单位主要领导进行“领导主评”的人，如上级单位主要领导。多个编号用空格、逗号或换行分隔。"),
    )
    externals = CadreCodesField(
        label=_("外单位评价人（编号）"),
        required=False,
        help_text=_("参与评价本单位全体干部的外单位人员，计入“其他参评”。小单位（人数少于设置的界限）必须设置。"),
    )
    add_unit = forms.ModelChoiceField(
        label=_("把某单位全体在职干部加为外单位评价人"), queryset=Unit.objects.filter(is_active=True), required=False
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class RemindForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.all(), required=False)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("文件（.xlsx 或 .csv）"), widget=forms.ClearableFileInput(attrs={"accept": XLSX_OR_CSV})
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_LIMIT:
            raise ValidationError(_("文件不能超过 10 MB。"))
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("只支持 .xlsx 和 .csv 格式的文件。"))
        return upload


class PaperUploadForm(UploadForm):
    unit = forms.ModelChoiceField(
        label=_("限定单位（可不选）"),
        queryset=Unit.objects.all(),
        required=False,
        help_text=_("选定后，文件中所有被评价人都必须是该单位的干部。"),
    )


class PaperSheetHeadForm(forms.Form):
    number = forms.CharField(label=_("表号"), max_length=30)
    group = forms.ChoiceField(label=_("评价组（全表）"), choices=RaterGroup.choices)


class ResultFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名或编号"), required=False)
    # A city has thousands of units: no <select> of them. The unit is chosen in the tree picker
    # (htmx, evaluations:unit_picker) and kept as a hidden id; without script, the name field
    # filters by part of the unit's name.
    unit = forms.ModelChoiceField(
        label=_("单位"), queryset=Unit.objects.all(), required=False, widget=forms.HiddenInput
    )
    unit_name = forms.CharField(
        label=_("单位名称"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("输入单位名称的一部分"),
                "autocomplete": "off",
                "hx-get": reverse_lazy("evaluations:unit_picker"),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#unit-picker-list",
                "hx-swap": "innerHTML",
            }
        ),
    )
    category = forms.ChoiceField(label=_("单位类别"), choices=[("", _("全部")), *UnitCategory.choices], required=False)
    rank = forms.ModelChoiceField(label=_("职级"), queryset=RankLevel.objects.all(), required=False)
    role = forms.ChoiceField(label=_("班子角色"), choices=[("", _("全部")), *UnitRole.choices], required=False)
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[("score", _("按得分")), ("unit", _("按单位内排名")), ("rank", _("按职级排名")), ("code", _("按编号"))],
    )


class AnnualFilterForm(ResultFilterForm):
    category = None
    grade = forms.ChoiceField(
        label=_("等次"), required=False, choices=[("", _("全部")), ("undecided", _("未确定")), *Grade.choices]
    )


class GradeForm(forms.Form):
    grade = forms.ChoiceField(label=_("等次"), choices=Grade.choices)
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("与建议等次不同，或改动已确定的等次时必填，将记入调整记录。"),
    )


class FollowUpCloseForm(forms.Form):
    note = forms.CharField(label=_("办理情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class UnitScoreForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.filter(is_active=True))
    score = forms.DecimalField(label=_("年度考核得分"), min_value=0, max_value=100, max_digits=6, decimal_places=2)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


def sheet_input_from_post(post: Any, lines: list, *, annual: bool) -> SheetInput:
    """What the rater typed on the sheet page: score-<ratee>, dim-<ratee>-<dimension>, problem-<ratee>, team."""
    data = SheetInput()
    for line in lines:
        ratee = line.ratee_id
        if annual:
            data.dimensions[ratee] = {d.value: post.get(f"dim-{ratee}-{d.value}", "") for d in DIMENSIONS}
            data.problems[ratee] = [p for p in post.getlist(f"problem-{ratee}") if p in PERSON_PROBLEMS]
        else:
            data.scores[ratee] = post.get(f"score-{ratee}", "")
    if annual:
        data.team_problems = [p for p in post.getlist("team") if p in TEAM_PROBLEMS]
    return data


class DeadlineForm(forms.Form):
    deadline = forms.DateField(
        label=_("测评截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"),
        help_text=_("用于提醒评价人，到期不自动截止。"),
    )
