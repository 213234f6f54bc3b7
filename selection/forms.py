"""Forms of selection work: they parse input and keep what was typed; the rules are checked by the
services, whose errors land next to the field they are about."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Gender, LeadershipTier, RankLevel, Unit
from evaluations.models import FIRST_YEAR, LAST_YEAR

from .models import ApprovedPost, Education, ReserveEntry, Selection, SelectionSettings, VoteKind, VoteMode

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def active_cadres() -> Any:
    return Cadre.objects.filter(is_active=True).select_related("unit").order_by("unit__sort_order", "code")


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Cadre) -> str:
        return f"{obj.name}（{obj.code}，{obj.unit.name}{obj.post_title}）"


class CadreMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Cadre) -> str:
        return f"{obj.name}（{obj.code}，{obj.unit.name}）"


class PostForm(forms.ModelForm):
    class Meta:
        model = ApprovedPost
        fields = ["unit", "title", "tier", "count", "document_number"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True)


class SelectionForm(forms.ModelForm):
    class Meta:
        model = Selection
        fields = [
            "post",
            "title",
            "method",
            "rounds",
            "plan",
            "qualification_date",
            "min_rank",
            "min_years_in_rank",
            "min_education",
            "max_age",
            "quota_exception_document",
            "quota_exception_reason",
        ]
        widgets = {"qualification_date": DATE_INPUT, "plan": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "quota_exception_document": _("仅在超职数选拔时填写：经批准的文件文号。"),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = ApprovedPost.objects.select_related("unit")
        self.fields["min_rank"].queryset = RankLevel.objects.all()


class VotersForm(forms.Form):
    voters = CadreMultipleChoiceField(
        label=_("参加人员"), queryset=Cadre.objects.none(), widget=forms.SelectMultiple(attrs={"size": 10})
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["voters"].queryset = active_cadres().filter(user__isnull=False)


class UnitRecommendationForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("推荐单位"), queryset=Unit.objects.filter(is_active=True))
    cadre = CadreChoiceField(label=_("被推荐人"), queryset=Cadre.objects.none())
    reason = forms.CharField(label=_("推荐理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    document_number = forms.CharField(label=_("推荐文件文号"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = active_cadres()


class Round1CloseForm(forms.Form):
    publicity_start = forms.DateField(
        label=_("海推结果公示开始日期"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("留空则不公示，直接进入下一步。"),
    )


class EventSetupForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=VoteKind.choices, widget=forms.HiddenInput)
    mode = forms.ChoiceField(
        label=_("方式"), choices=VoteMode.choices, widget=forms.RadioSelect, initial=VoteMode.ONLINE
    )
    voters = CadreMultipleChoiceField(
        label=_("参加人员（网上投票）"),
        queryset=Cadre.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    expected = forms.IntegerField(label=_("应参加人数（纸质票）"), required=False, min_value=1, max_value=100000)
    max_choices = forms.IntegerField(label=_("每票最多推荐人数"), min_value=1, max_value=50, initial=1)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["voters"].queryset = active_cadres().filter(user__isnull=False)


class PaperCountsForm(forms.Form):
    actual = forms.IntegerField(label=_("实参加人数"), min_value=0, max_value=100000)

    def __init__(self, *args: Any, rows: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[f"votes_{row.candidate_id}"] = forms.IntegerField(
                label=row.candidate.cadre.name, min_value=0, max_value=100000, initial=0
            )

    def counts(self) -> dict[int, int]:
        return {
            int(name.removeprefix("votes_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("votes_")
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class NominationForm(forms.Form):
    nominee = CadreChoiceField(label=_("推荐人选"), queryset=Cadre.objects.none())
    reason = forms.CharField(
        label=_("推荐理由（可选）"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(label=_("我以本人真实姓名签名推荐，推荐后不能更改"))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["nominee"].queryset = active_cadres()


class ApplicationForm(forms.Form):
    statement = forms.CharField(label=_("报名理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class ReserveAddForm(forms.ModelForm):
    cadre = CadreChoiceField(label=_("干部"), queryset=Cadre.objects.none())

    class Meta:
        model = ReserveEntry
        fields = ["cadre", "tier", "reason", "entered_on", "review_on"]
        widgets = {"entered_on": DATE_INPUT, "review_on": DATE_INPUT}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = active_cadres()
        self.fields["review_on"].required = False
        self.fields["review_on"].help_text = _("留空则按设置的复核周期计算。")

    def validate_unique(self) -> None:
        """The service refuses a second entry in its own words."""

    def _post_clean(self) -> None:
        """The model's check constraint is the service's rule; it speaks for itself there."""


class PoolFilterForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.all(), required=False)
    rank = forms.ModelChoiceField(label=_("职级"), queryset=RankLevel.objects.all(), required=False)
    tier = forms.ChoiceField(label=_("后备层级"), choices=[("", "—"), *LeadershipTier.choices], required=False)
    gender = forms.ChoiceField(label=_("性别"), choices=[("", "—"), *Gender.choices], required=False)
    party = forms.ChoiceField(
        label=_("党员"), choices=[("", "—"), ("yes", _("中共党员")), ("no", _("党外"))], required=False
    )
    education = forms.TypedChoiceField(
        label=_("学历（及以上）"), choices=[("", "—"), *Education.choices], required=False, coerce=int, empty_value=None
    )
    min_age = forms.IntegerField(label=_("年龄从"), min_value=18, max_value=70, required=False)
    max_age = forms.IntegerField(label=_("年龄至"), min_value=18, max_value=70, required=False)


class YearPickForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("年度"), coerce=int, choices=lambda: [(y, y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = SelectionSettings
        fields = [
            "round1_top_k",
            "round2_top_m",
            "round1_publicity_workdays",
            "min_attendance_percent",
            "min_vote_percent",
            "reserve_required",
            "young_age_max",
            "target_young_percent",
            "target_female_percent",
            "target_non_party_percent",
            "reserve_review_months",
            "probation_months",
            "probation_reminder_days",
        ]
