"""The 实绩综合分析材料 drafted from the record (析): what the record says about a candidate, each
figure with the page it comes from, and the draft text the inspection team then edits.

It reads the record through the apps below (achievements, evaluations, cadres): published annual
grades and ranks, the quarterly trend, verified achievements with the candidate's role and share,
反测评 counts (only where enough sheets make them showable), follow-ups, the 改非 age alert and the
qualification and registered checks.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from achievements.models import Achievement, VerificationStatus
from cadres.models import OrgSettings
from cadres.rules import leadership_tier, reach_date
from evaluations.models import AnnualResult, FollowUp, PeriodState, ProblemCount, ProblemItem, QuarterlyResult
from evaluations.rules import may_show_count, settings_for

from . import candidate_flags, rules
from .models import Candidate

SOURCE_VERSION = 1
YEARS = 3


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def build(candidate: Candidate, *, today: date) -> dict[str, Any]:
    """The record of one candidate as JSON-safe figures, each with `url` to its source page."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build(candidate, today=today)


def _build(candidate: Candidate, *, today: date) -> dict[str, Any]:
    cadre = candidate.cadre
    years = list(range(today.year - YEARS, today.year))
    annual = [
        {
            "year": r.year,
            "grade": r.get_grade_display() if r.grade else "",
            "score": _num(r.annual_score),
            "rank_in_unit": r.rank_in_unit,
            "unit_size": r.unit_size,
            "rank_in_rank_level": r.rank_in_rank_level,
            "rank_level_size": r.rank_level_size,
            "url": reverse("evaluations:annual_detail", args=[r.pk]),
        }
        for r in AnnualResult.objects.published().filter(cadre=cadre, year__in=years).order_by("year")
    ]
    quarterly = [
        {
            "year": q.period.year,
            "quarter": q.period.quarter,
            "score": _num(q.score),
            "rank_in_unit": q.rank_in_unit,
            "unit_size": q.unit_size,
            "url": reverse("evaluations:result_detail", args=[q.period_id, cadre.pk]),
        }
        for q in QuarterlyResult.objects.filter(
            cadre=cadre, period__year__in=[*years, today.year], period__state=PeriodState.PUBLISHED
        )
        .select_related("period")
        .order_by("period__year", "period__quarter")
    ]
    scores = [Decimal(q["score"]) for q in quarterly if q["score"] is not None]
    if len(scores) >= 2:
        delta = scores[-1] - scores[0]
        trend = _("上升") if delta > 0 else _("下降") if delta < 0 else _("持平")
    else:
        trend = ""
    achievements = []
    for item in (
        Achievement.objects.filter(Q(created_by=cadre) | Q(participants__cadre=cadre))
        .filter(verification_status=VerificationStatus.VERIFIED, date__gte=date(years[0], 1, 1), date__lte=today)
        .distinct()
        .select_related("category")
        .prefetch_related("participants")
        .order_by("date", "pk")
    ):
        mine = next((p for p in item.participants.all() if p.cadre_id == cadre.pk), None)
        achievements.append(
            {
                "title": item.title,
                "date": item.date.isoformat(),
                "category": item.category.name,
                "role": mine.get_role_display() if mine else "",
                "share": _num(mine.share) if mine else None,
                "url": reverse("achievements:record_detail", args=[item.pk]),
            }
        )
    problems = []
    for count in (
        ProblemCount.objects.filter(cadre=cadre, period__year__in=[*years, today.year], count__gt=0)
        .select_related("period")
        .order_by("period__year", "period__quarter", "item")
    ):
        if not may_show_count(count.sheet_count, settings_for(count.period.year)):
            continue
        problems.append(
            {
                "year": count.period.year,
                "quarter": count.period.quarter,
                "item": str(ProblemItem(count.item).label),
                "count": count.count,
                "sheets": count.sheet_count,
                "url": reverse("evaluations:result_detail", args=[count.period_id, cadre.pk]),
            }
        )
    follow_ups = [
        {
            "year": f.year,
            "kind": f.get_kind_display(),
            "status": f.get_status_display(),
            "url": reverse("evaluations:follow_up_detail", args=[f.pk]),
        }
        for f in FollowUp.objects.filter(cadre=cadre).order_by("year")
    ]
    age_alert = None
    tier = leadership_tier(cadre)
    if tier:
        threshold = OrgSettings.load().threshold_age(tier=tier, gender=cadre.gender)
        reaches = reach_date(cadre.birth_date, threshold)
        if reaches <= date(today.year + 1, 12, 31):
            age_alert = {"threshold": threshold, "reaches_on": reaches.isoformat(), "url": reverse("cadres:age_alerts")}
    flags = [
        {"text": text, "url": reverse("selection:eligible", args=[candidate.selection_id]) + "?all=1"}
        for text in rules.qualification_failures(cadre, candidate.selection)
    ]
    flags += [{"text": f.text, "url": f.url} for f in candidate_flags.flags_for(cadre, today)]
    return {
        "version": SOURCE_VERSION,
        "as_of": today.isoformat(),
        "years": years,
        "name": cadre.name,
        "age": cadre.age_on(today),
        "annual": annual,
        "quarterly": quarterly,
        "trend": str(trend),
        "achievements": achievements,
        "problems": problems,
        "follow_ups": follow_ups,
        "age_alert": age_alert,
        "flags": flags,
    }


def draft_text(source: dict[str, Any]) -> str:
    """The draft of the 实绩综合分析材料, written from the figures (the team edits it afterwards)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _draft_text(source)


def _draft_text(source: dict[str, Any]) -> str:
    lines = [_("%(name)s同志实绩综合分析") % {"name": source["name"]}, ""]
    lines.append(_("一、年度考核"))
    if source["annual"]:
        for r in source["annual"]:
            lines.append(
                _("%(year)s 年度：%(grade)s，得分 %(score)s，单位内第 %(u)s/%(us)s 名，同职级第 %(r)s/%(rs)s 名。")
                % {
                    "year": r["year"],
                    "grade": r["grade"] or _("未定等次"),
                    "score": r["score"] or "—",
                    "u": r["rank_in_unit"] or "—",
                    "us": r["unit_size"] or "—",
                    "r": r["rank_in_rank_level"] or "—",
                    "rs": r["rank_level_size"] or "—",
                }
            )
    else:
        lines.append(_("近 %(n)s 年没有已公布的年度考核结果。") % {"n": len(source["years"])})
    lines.append(_("二、平时考核"))
    if source["quarterly"]:
        lines.append(
            "；".join(
                _("%(y)s 年第 %(q)s 季度 %(s)s 分") % {"y": q["year"], "q": q["quarter"], "s": q["score"] or "—"}
                for q in source["quarterly"]
            )
            + "。"
        )
        if source["trend"]:
            lines.append(_("季度得分总体%(trend)s。") % {"trend": source["trend"]})
    else:
        lines.append(_("没有已公布的季度考核结果。"))
    lines.append(_("三、经核实的实绩"))
    if source["achievements"]:
        for a in source["achievements"]:
            role = (
                _("（%(role)s，贡献占比 %(share)s%%）") % {"role": a["role"], "share": a["share"]} if a["role"] else ""
            )
            lines.append(f"{a['date'][:7]} {a['title']}{role}")
    else:
        lines.append(_("近 %(n)s 年没有经核实的实绩记录。") % {"n": len(source["years"])})
    lines.append(_("四、反测评、跟进事项与提醒"))
    notes = [
        _("%(y)s 年第 %(q)s 季度“%(item)s” %(c)s 票（共 %(s)s 张测评表）")
        % {"y": p["year"], "q": p["quarter"], "item": p["item"], "c": p["count"], "s": p["sheets"]}
        for p in source["problems"]
    ]
    notes += [
        _("%(y)s 年度%(kind)s（%(status)s）") % {"y": f["year"], "kind": f["kind"], "status": f["status"]}
        for f in source["follow_ups"]
    ]
    if source["age_alert"]:
        notes.append(
            _("将于 %(day)s 达到 %(age)s 周岁改非年龄")
            % {"day": source["age_alert"]["reaches_on"], "age": source["age_alert"]["threshold"]}
        )
    notes += [f["text"] for f in source["flags"]]
    lines.append("；".join(notes) + "。" if notes else _("无。"))
    return "\n".join(lines)
