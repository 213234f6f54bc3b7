"""The rules supervision runs on: which kinds are rewards, each sanction's 影响期 and where it comes
from, the commendation rule, and the triage deadlines. Defaults here; the numbers in use are the
settings (`SupervisionSettings`), which org staff edit.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from publicity.models import FeedbackState

from .models import RecordKind, SupervisionSettings

REWARD_KINDS = frozenset({RecordKind.COMMENDATION, RecordKind.MERIT, RecordKind.MAJOR_MERIT, RecordKind.HONOR})
# 嘉奖/记功 only in a year graded 优秀 (衡南: 年度考核优秀的给予嘉奖，连续优秀的记功).
COMMENDATION_KINDS = frozenset({RecordKind.COMMENDATION, RecordKind.MERIT})
SANCTION_KINDS = tuple(k for k in RecordKind.values if k not in REWARD_KINDS)
# Staff raise these by hand with a 限期整改 deadline.
RECTIFY_KINDS = frozenset({RecordKind.YELLOW_CARD, RecordKind.ADMONITION})
# 问责方式 (《中国共产党问责条例》第八条: 通报、诫勉、组织调整或者组织处理、纪律处分).
ACCOUNTABILITY_FORMS = tuple(k for k in SANCTION_KINDS if k not in (RecordKind.ACCOUNTABILITY, RecordKind.YELLOW_CARD))

# Months during which promotion is refused, and the regulation each default comes from (rules.md §8).
DEFAULT_IMPACT_MONTHS: dict[str, int] = {
    RecordKind.CRITICISM: 0,
    RecordKind.YELLOW_CARD: 0,
    RecordKind.ADMONITION: 6,
    RecordKind.ACCOUNTABILITY: 0,  # takes the months of its form
    RecordKind.SUSPENSION: 6,
    RecordKind.POST_ADJUSTMENT: 12,
    RecordKind.ORDERED_RESIGNATION: 24,
    RecordKind.REMOVAL: 24,
    RecordKind.DEMOTION: 24,
    RecordKind.PARTY_WARNING: 12,
    RecordKind.PARTY_SERIOUS_WARNING: 18,
    RecordKind.PARTY_POST_REMOVAL: 24,
    # 留党察看: the probation itself (one year by default) and two years after the rights come back.
    RecordKind.PARTY_PROBATION: 36,
    RecordKind.GOV_WARNING: 6,
    RecordKind.GOV_DEMERIT: 12,
    RecordKind.GOV_MAJOR_DEMERIT: 18,
    RecordKind.GOV_DOWNGRADE: 24,
    RecordKind.GOV_DISMISSAL: 24,
}

_GOV = _(
    "《中华人民共和国公职人员政务处分法》第八条（政务处分期间：警告六个月，记过十二个月，记大过十八个月，"
    "降级、撤职二十四个月）、第十九条（政务处分期内不得晋升职务、职级、衔级和级别）"
)
IMPACT_BASIS: dict[str, object] = {
    RecordKind.CRITICISM: _("法规未规定影响期，默认不影响提拔"),
    RecordKind.YELLOW_CARD: _("本地做法，以限期整改为主，默认不设影响期"),
    RecordKind.ADMONITION: _(
        "《党政领导干部选拔任用工作条例》第二十四条第（六）项：受到诫勉影响期未满的，不得列为考察对象；"
        "受到诫勉的，六个月内不得提拔或者重用"
    ),
    RecordKind.ACCOUNTABILITY: _("《中国共产党问责条例》：按问责方式对应的影响期执行"),
    RecordKind.SUSPENSION: _("《中国共产党组织处理规定（试行）》：停职检查，默认按六个月计"),
    RecordKind.POST_ADJUSTMENT: _("《中国共产党组织处理规定（试行）》：受到调整职务处理的，一年内不得提拔"),
    RecordKind.ORDERED_RESIGNATION: _(
        "《中国共产党组织处理规定（试行）》：受到责令辞职、免职处理的，一年内不安排领导职务，两年内不得担任高于原任职务层级的领导职务"
    ),
    RecordKind.REMOVAL: _(
        "《中国共产党组织处理规定（试行）》：受到责令辞职、免职处理的，一年内不安排领导职务，两年内不得担任高于原任职务层级的领导职务"
    ),
    RecordKind.DEMOTION: _("《中国共产党组织处理规定（试行）》：受到降职处理的，两年内不得提拔"),
    RecordKind.PARTY_WARNING: _(
        "《中国共产党纪律处分条例》（2023年修订）第十条：受到警告处分一年内，不得在党内提拔职务或者进一步使用"
    ),
    RecordKind.PARTY_SERIOUS_WARNING: _(
        "《中国共产党纪律处分条例》（2023年修订）第十条：受到严重警告处分一年半内，不得在党内提拔职务或者进一步使用"
    ),
    RecordKind.PARTY_POST_REMOVAL: _(
        "《中国共产党纪律处分条例》（2023年修订）第十一条：受到撤销党内职务处分的，二年内不得在党内担任和向党外组织推荐担任与其原任职务相当或者高于其原任职务的职务"
    ),
    RecordKind.PARTY_PROBATION: _(
        "《中国共产党纪律处分条例》（2023年修订）第十二条：留党察看期间，以及恢复党员权利后二年内，不得在党内担任和向党外组织推荐担任与其原任职务相当"
        "或者高于其原任职务的职务；默认按留党察看一年计（一年加二年）"
    ),
    RecordKind.GOV_WARNING: _GOV,
    RecordKind.GOV_DEMERIT: _GOV,
    RecordKind.GOV_MAJOR_DEMERIT: _GOV,
    RecordKind.GOV_DOWNGRADE: _GOV,
    RecordKind.GOV_DISMISSAL: _GOV,
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def impact_months(kind: str, *, form: str = "", settings: SupervisionSettings | None = None) -> int:
    """The 影响期 in months of a sanction kind (问责 takes its form's), from the settings."""
    months = (settings or SupervisionSettings.load()).impact_months or {}
    if kind == RecordKind.ACCOUNTABILITY and form:
        kind = form
    return int(months.get(kind, DEFAULT_IMPACT_MONTHS.get(kind, 0)))


def impact_end(day: date, months: int) -> date | None:
    """The last day of the 影响期 that starts on `day`; None when the kind has none."""
    return add_months(day, months) - timedelta(days=1) if months else None


def step_due(state: str, day: date, settings: SupervisionSettings | None = None) -> date | None:
    """The deadline of the triage step a report has just entered on `day` (None once closed)."""
    settings = settings or SupervisionSettings.load()
    days = {
        FeedbackState.RECEIVED: settings.receive_days,
        FeedbackState.VERIFYING: settings.verify_days,
        FeedbackState.SUBSTANTIATED: settings.close_days,
        FeedbackState.UNSUBSTANTIATED: settings.close_days,
    }.get(state)
    return day + timedelta(days=days) if days else None


# --- Tenure (任期) ---------------------------------------------------------------------------------


def min_tenure_years(cadre, settings: SupervisionSettings | None = None) -> int:
    """The minimum years in post before a move, by post type (0: no minimum)."""
    from cadres.models import UnitCategory, UnitRole

    if cadre.role != UnitRole.MAIN_LEADER:
        return 0
    settings = settings or SupervisionSettings.load()
    if cadre.unit.category == UnitCategory.TOWNSHIP:
        return settings.township_head_min_years
    return settings.department_head_min_years


def full_years(start: date, day: date) -> int:
    return day.year - start.year - ((day.month, day.day) < (start.month, start.day))
