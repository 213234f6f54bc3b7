"""Forms of the inspection (考察) and the discipline opinion: they parse input and keep what was
typed; the rules are checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.models import User

from .forms import DATE_INPUT, CadreMultipleChoiceField, active_cadres
from .models import DEFAULT_POLL_ITEMS, MeetingKind, OpinionResult, VisitKind


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        from cadres.access import user_display_name

        return f"{user_display_name(obj)}（{obj.username}）"


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        from cadres.access import user_display_name

        return f"{user_display_name(obj)}（{obj.username}）"


class TeamForm(forms.Form):
    leader = UserChoiceField(label=_("组长"), queryset=User.objects.none())
    staff = UserMultipleChoiceField(
        label=_("组织部门成员"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    discipline = UserMultipleChoiceField(
        label=_("纪检监察成员"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(is_active=True, is_org_staff=True).order_by("username")
        self.fields["leader"].queryset = staff
        self.fields["staff"].queryset = staff
        self.fields["discipline"].queryset = User.objects.filter(is_active=True, is_discipline_staff=True).order_by(
            "username"
        )


class PollSetupForm(forms.Form):
    items = forms.CharField(
        label=_("测评项目（每行一项）"),
        initial="\n".join(DEFAULT_POLL_ITEMS),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=600,
        help_text=_("每个项目按优秀、较好、一般、较差、差五个等次测评，测评表密封保存，测评结束后才统计。"),
    )
    voters = CadreMultipleChoiceField(
        label=_("参加人员"), queryset=User.objects.none(), widget=forms.SelectMultiple(attrs={"size": 8})
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["voters"].queryset = active_cadres().filter(user__isnull=False)

    def item_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class TalkForm(forms.Form):
    talker_name = forms.CharField(label=_("谈话对象"), max_length=50)
    talker_post = forms.CharField(label=_("谈话对象职务"), max_length=100, required=False)
    talked_on = forms.DateField(label=_("谈话日期"), widget=DATE_INPUT)
    summary = forms.CharField(label=_("谈话要点"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("方式"), choices=VisitKind.choices)
    place = forms.CharField(label=_("地点或对象"), max_length=200)
    visited_on = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    note = forms.CharField(label=_("情况"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class DocumentForm(forms.Form):
    document = forms.CharField(label=_("查阅材料"), max_length=200)
    checked_on = forms.DateField(label=_("查阅日期"), widget=DATE_INPUT)
    finding = forms.CharField(label=_("查阅结果"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AnalysisForm(forms.Form):
    text = forms.CharField(label=_("综合分析"), max_length=20000, widget=forms.Textarea(attrs={"rows": 16}))


class OpinionForm(forms.Form):
    result = forms.ChoiceField(label=_("意见"), choices=OpinionResult.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CorrectionForm(forms.Form):
    text = forms.CharField(label=_("更正内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("会议"), choices=MeetingKind.choices)
    held_on = forms.DateField(label=_("会议日期"), widget=DATE_INPUT)
    members_total = forms.IntegerField(label=_("应到会成员"), min_value=1, max_value=200)
    present = forms.IntegerField(label=_("实到会成员"), min_value=0, max_value=200)
    attendees = forms.CharField(label=_("出席人员"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(
        label=_("会议情况"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    speech = forms.FileField(label=_("施政演说材料（可选）"), required=False)
    has_vote = forms.BooleanField(label=_("进行差额票决"), required=False)

    def __init__(self, *args: Any, candidates: list | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.candidates = candidates or []
        for c in self.candidates:
            for part, label in (("for", _("赞成")), ("against", _("反对")), ("abstain", _("弃权"))):
                self.fields[f"votes_{c.pk}_{part}"] = forms.IntegerField(
                    label=f"{c.cadre.name} {label}", min_value=0, max_value=200, required=False
                )

    def vote_rows(self) -> list[tuple[Any, list]]:
        return [(c, [self[f"votes_{c.pk}_{part}"] for part in ("for", "against", "abstain")]) for c in self.candidates]

    def votes(self) -> dict[int, tuple[int, int, int]]:
        if not self.cleaned_data.get("has_vote"):
            return {}
        return {
            c.pk: tuple(self.cleaned_data.get(f"votes_{c.pk}_{part}") or 0 for part in ("for", "against", "abstain"))
            for c in self.candidates
        }
