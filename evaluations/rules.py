"""The rules 考实绩 / 用实绩 run on, as pure functions over the settings of a year.

The computation itself runs as set-based SQL (services/scoring.py); the functions here are the
same rules in plain Python, used to validate sheets, to explain a number on a page, and as the
reference the SQL is tested against.

This module is the executable specification of the scoring rules: where the SQL and these
functions disagree, the SQL is wrong. Some of them (used_scores, weighted_score, annual_weights)
are called only by the tests that check the SQL against them; they stay here, next to the rules
they state, on purpose.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from cadres.models import UnitCategory, UnitRole

from .models import (
    FIRST_YEAR,
    LAST_YEAR,
    RATER_GROUPS,
    EvaluationSettings,
    FollowUpKind,
    PeriodKind,
    RaterGroup,
)

# --- Settings ---------------------------------------------------------------------------------


def settings_table(year: int) -> dict[str, EvaluationSettings]:
    """The settings of every unit category of a year ("" = the default row), in one query."""
    return EvaluationSettings.table(year, UnitCategory.values)


def settings_for(year: int, unit_category: str = "") -> EvaluationSettings:
    return EvaluationSettings.for_year(year, unit_category)


# --- Period codes ---------------------------------------------------------------------------

PERIOD_CODE = re.compile(r"^\s*(\d{4})\s*(?:[Qq]([1-4])|[Yy])\s*$")


class BadPeriodCode(ValueError):
    pass


def parse_period_code(code: str) -> tuple[str, int, int | None]:
    """ "2026Q1" → a quarter, "2026Y" → the year's democratic evaluation and annual results."""
    match = PERIOD_CODE.match(code or "")
    if not match:
        raise BadPeriodCode(_("无法识别考核周期“%(code)s”：季度写作 2026Q1，年度写作 2026Y。") % {"code": code})
    year, quarter = int(match.group(1)), match.group(2)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadPeriodCode(
            _("考核周期“%(code)s”的年度超出范围：年度须在 %(first)s–%(last)s 之间。")
            % {"code": code, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    if quarter:
        return PeriodKind.QUARTERLY, year, int(quarter)
    return PeriodKind.ANNUAL, year, None


# --- Sheets -----------------------------------------------------------------------------------


def band_limit(ratee_count: int, settings: EvaluationSettings) -> int:
    """How many scores at or above the band threshold one sheet may hold: ⌊share × N⌋, at least the minimum."""
    limit = ratee_count * settings.band_share_percent // 100
    return min(ratee_count, max(limit, settings.band_minimum))


@dataclass(frozen=True)
class SheetProblem:
    rule: str  # "integer", "range", "missing", "band", "unknown"
    message: str
    ratee_id: int | None = None


@dataclass(frozen=True)
class Entry:
    ratee_id: int
    name: str
    value: Any  # what the rater typed: int, str or None


# Anything written as a number, including 1e309, Infinity and NaN: these are out of range, not "not whole".
NUMBER = re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?|inf(inity)?|nan)", re.IGNORECASE)


def parse_score(value: Any) -> int | float | str | None:
    """An int, None for blank, infinity for a number no score range holds, or the text itself when not whole."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text:
        return None
    if isinstance(value, float):
        number = value
    elif re.fullmatch(r"[+-]?\d+", text):
        # Digits alone: beyond six of them no range can hold it (and int() refuses 4,300 and more).
        return int(text) if len(text.lstrip("+-")) <= 6 else math.inf
    elif NUMBER.fullmatch(text):
        number = float(text)
    else:
        return text
    if not math.isfinite(number):
        return math.inf
    return int(number) if number.is_integer() else text


def shown_value(value: Any) -> str:
    """What the rater typed, cut short for a message."""
    text = str(value).strip()
    return text if len(text) <= 12 else text[:12] + "…"


def check_sheet(
    entries: Sequence[Entry], settings: EvaluationSettings, *, complete: bool, label: str = ""
) -> tuple[dict[int, int], list[SheetProblem]]:
    """Validate a sheet's scores: whole numbers, within the range, the forced band, and (to submit) all filled.

    Returns the valid scores and the problems, each message naming the rule it breaks.
    """
    prefix = f"{label}：" if label else ""
    scores: dict[int, int] = {}
    problems: list[SheetProblem] = []
    missing: list[str] = []
    for entry in entries:
        value = parse_score(entry.value)
        if value is None:
            missing.append(entry.name)
        elif isinstance(value, str):
            problems.append(
                SheetProblem(
                    "integer",
                    prefix
                    + _("评分须为整数：%(name)s 的分数“%(value)s”不是整数。")
                    % {"name": entry.name, "value": shown_value(value)},
                    entry.ratee_id,
                )
            )
        elif not settings.score_min <= value <= settings.score_max:
            problems.append(
                SheetProblem(
                    "range",
                    prefix
                    + _("评分范围：每个分数须为 %(min)s–%(max)s 的整数，%(name)s 的分数 %(value)s 超出范围。")
                    % {
                        "min": settings.score_min,
                        "max": settings.score_max,
                        "name": entry.name,
                        "value": shown_value(entry.value),
                    },
                    entry.ratee_id,
                )
            )
        else:
            scores[entry.ratee_id] = value
    if complete and missing:
        problems.append(
            SheetProblem(
                "missing",
                prefix + _("尚未评分：%(names)s。提交前须为表内每个人评分。") % {"names": "、".join(missing)},
            )
        )
    limit = band_limit(len(entries), settings)
    high = sum(1 for v in scores.values() if v >= settings.band_threshold)
    if high > limit:
        problems.append(
            SheetProblem(
                "band",
                prefix
                + _(
                    "强制分档：本表共 %(n)s 人，%(threshold)s 分及以上最多 %(limit)s 人（%(share)s%%，向下取整），"
                    "现有 %(count)s 人。"
                )
                % {
                    "n": len(entries),
                    "threshold": settings.band_threshold,
                    "limit": limit,
                    "share": settings.band_share_percent,
                    "count": high,
                },
            )
        )
    return scores, problems


# --- Rater groups (rules.md §4) ------------------------------------------------------------------

ROLE_ORDER = {UnitRole.MAIN_LEADER: 0, UnitRole.TEAM_MEMBER: 1, UnitRole.STAFF: 2}


@dataclass(frozen=True)
class Member:
    cadre_id: int
    role: str
    code: str = ""


def leader_raters(ratee: Member, members: Sequence[Member], superiors: Iterable[int]) -> list[int]:
    """领导主评: 主要领导 and 班子成员 for a 一般干部, the 主要领导 for a 班子成员, named superiors for a 主要领导."""
    if ratee.role == UnitRole.MAIN_LEADER:
        return list(superiors)
    wanted = (
        {UnitRole.MAIN_LEADER} if ratee.role == UnitRole.TEAM_MEMBER else {UnitRole.MAIN_LEADER, UnitRole.TEAM_MEMBER}
    )
    return [m.cadre_id for m in members if m.role in wanted]


def ratee_order(members: Iterable[Member]) -> list[Member]:
    """A unit's members in the order of its sheets: 主要领导, 班子成员, others; then code and id."""
    return sorted(members, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.code, m.cadre_id))


def rater_group(rater_role: str | None, ratee_role: str, *, superior: bool, external: bool) -> str | None:
    """The group in which a rater rates one ratee of a unit, or None when they do not rate them.

    `rater_role` is the rater's role in the unit (None for someone from outside it); `superior`
    and `external` say whether the unit's evaluator scope names them (a sheet keeps both).
    """
    if superior and ratee_role == UnitRole.MAIN_LEADER:
        return RaterGroup.LEADER
    if rater_role is not None:
        if ratee_role == UnitRole.TEAM_MEMBER and rater_role == UnitRole.MAIN_LEADER:
            return RaterGroup.LEADER
        if ratee_role not in (UnitRole.MAIN_LEADER, UnitRole.TEAM_MEMBER) and rater_role in (
            UnitRole.MAIN_LEADER,
            UnitRole.TEAM_MEMBER,
        ):
            return RaterGroup.LEADER
        return RaterGroup.PEER if rater_role == ratee_role else RaterGroup.OTHER
    return RaterGroup.OTHER if external else None


def sheet_lines(
    ordered: Sequence[Member], rater_id: int, *, superior: bool, external: bool
) -> list[tuple[int, str, int]]:
    """One rater's sheet for a unit, from its members in `ratee_order`: [(ratee id, group, position)].

    What a sheet shows is derived, not stored: the unit's members come from the period's
    snapshot, and the sheet row keeps whether the rater was a named superior or external
    evaluator. A line's position is the ratee's place in the unit (so the rater's own is skipped).
    """
    own = next((m.role for m in ordered if m.cadre_id == rater_id), None)
    # The group depends only on the two roles: worked out once per role of the unit.
    group_of = {
        role: rater_group(own, role, superior=superior, external=external) for role in {m.role for m in ordered}
    }
    return [
        (ratee.cadre_id, group, position)
        for position, ratee in enumerate(ordered)
        if (group := group_of[ratee.role]) is not None and ratee.cadre_id != rater_id
    ]


def unit_sheets(
    members: Sequence[Member], superiors: Iterable[int] = (), externals: Iterable[int] = ()
) -> dict[int, list[tuple[int, str]]]:
    """Every rater's sheet for one unit: rater id → [(ratee id, rater group)], in ratee order.

    A rater falls in the first group that claims them: LEADER, then PEER (same role in the same
    unit), then OTHER (everyone else in the scope, external evaluators included). Nobody rates
    themself.
    """
    superiors, externals = list(superiors), list(externals)
    ordered = sorted(members, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.code, m.cadre_id))
    sheets: dict[int, list[tuple[int, str]]] = {}
    for ratee in ordered:
        groups: dict[int, str] = {}
        for rater in leader_raters(ratee, ordered, superiors):
            groups.setdefault(rater, RaterGroup.LEADER)
        for member in ordered:
            if member.role == ratee.role:
                groups.setdefault(member.cadre_id, RaterGroup.PEER)
        for rater in [m.cadre_id for m in ordered] + externals:
            groups.setdefault(rater, RaterGroup.OTHER)
        groups.pop(ratee.cadre_id, None)
        for rater, group in groups.items():
            sheets.setdefault(rater, []).append((ratee.cadre_id, group))
    return sheets


# --- Scores -----------------------------------------------------------------------------------


def round_half_up(value: Fraction) -> Decimal:
    """Exact half-up rounding to cents (scores are positive)."""
    cents = (value * 200 + 1) // 2
    return Decimal(int(cents)) / 100


def group_weights(settings: EvaluationSettings) -> dict[str, Decimal]:
    return {
        RaterGroup.LEADER: settings.leader_weight,
        RaterGroup.PEER: settings.peer_weight,
        RaterGroup.OTHER: settings.other_weight,
    }


def used_scores(count: int, total: int, lowest: int, highest: int, settings: EvaluationSettings) -> tuple[int, int]:
    """(count, sum) after dropping one highest and one lowest score when the setting applies."""
    if settings.drop_extremes and count >= settings.drop_extremes_min_raters:
        return count - 2, total - lowest - highest
    return count, total


def weighted_score(groups: Mapping[str, tuple[int, int]], weights: Mapping[str, Decimal]) -> Decimal | None:
    """Q before deductions: Σ w·avg / Σ w over the non-empty groups, half-up to cents (exact).

    `groups` maps a rater group to (scores used, their sum). An empty group's weight is shared
    out among the others, never counted as 0.
    """
    numerator, denominator = Fraction(0), Fraction(0)
    for group, (count, total) in groups.items():
        if count > 0:
            weight = Fraction(weights[group])
            numerator += weight * Fraction(total, count)
            denominator += weight
    if denominator == 0:
        return None
    return round_half_up(numerator / denominator)


def competition_ranks(values: Sequence[Any]) -> list[int]:
    """1,2,2,4: one plus the number of strictly better values (higher is better)."""
    return [1 + sum(1 for other in values if other > value) for value in values]


def in_top_share(rank: int | None, size: int | None, percent: int) -> bool:
    """Within the top `percent` of `size` (top half: rank × 2 ≤ size)."""
    return bool(rank and size) and rank * 100 <= size * percent


# --- Anonymity on display -------------------------------------------------------------------


class Visibility:
    SHOWN = "shown"
    EMPTY = "empty"
    BELOW_THRESHOLD = "below_threshold"
    COMPLEMENTARY = "complementary"


@dataclass(frozen=True)
class GroupView:
    group: str
    label: str
    rater_count: int
    used_count: int
    average: Decimal | None  # None unless it may be shown
    visibility: str
    weight: Decimal
    effective_share: Decimal | None  # the group's share of Q after empty groups' weights are shared out
    dropped_extremes: bool = False

    @property
    def shown(self) -> bool:
        return self.visibility == Visibility.SHOWN


def group_views(
    stats: Mapping[str, tuple[int, int, Decimal | None, bool]], settings: EvaluationSettings
) -> list[GroupView]:
    """What of each rater group may be shown: stats maps group → (raters, used, average, dropped).

    A group average is shown only when the group has at least the display threshold of raters.
    When exactly one non-empty group is hidden, the score and the shown averages would let
    anyone solve for it, so the smallest shown group is hidden as well (complementary
    suppression); hidden groups still count in the score.
    """
    weights = group_weights(settings)
    threshold = settings.display_threshold
    nonempty = [g for g in RATER_GROUPS if stats.get(g, (0, 0, None, False))[1] > 0]
    total_weight = sum((weights[g] for g in nonempty), Decimal(0))
    visibility: dict[str, str] = {}
    for group in RATER_GROUPS:
        raters = stats.get(group, (0, 0, None, False))[0]
        if group not in nonempty:
            visibility[group] = Visibility.EMPTY
        elif raters < threshold:
            visibility[group] = Visibility.BELOW_THRESHOLD
        else:
            visibility[group] = Visibility.SHOWN
    hidden = [g for g in nonempty if visibility[g] == Visibility.BELOW_THRESHOLD]
    shown = [g for g in nonempty if visibility[g] == Visibility.SHOWN]
    if len(hidden) == 1 and shown:
        smallest = min(shown, key=lambda g: (stats[g][0], RATER_GROUPS.index(g)))
        visibility[smallest] = Visibility.COMPLEMENTARY
    views = []
    for group in RATER_GROUPS:
        raters, used, average, dropped = stats.get(group, (0, 0, None, False))
        share = (weights[group] / total_weight) if group in nonempty and total_weight else None
        views.append(
            GroupView(
                group=group,
                label=str(RaterGroup(group).label),
                rater_count=raters,
                used_count=used,
                average=average if visibility[group] == Visibility.SHOWN else None,
                visibility=visibility[group],
                weight=weights[group],
                effective_share=share,
                dropped_extremes=dropped,
            )
        )
    return views


def may_show_count(sheet_count: int, settings: EvaluationSettings) -> bool:
    """反测评 counts and democratic averages follow the same threshold as group averages."""
    return sheet_count >= settings.display_threshold


# --- Annual results (rules.md §5) ---------------------------------------------------------------


def annual_weights(role: str, settings: EvaluationSettings) -> tuple[Decimal, Decimal, Decimal]:
    """(w_D, w_U, w_Q) in percent: 10/30/60 for a 主要领导, 10/20/70 for everyone else by default."""
    if role == UnitRole.MAIN_LEADER:
        return (
            settings.main_leader_democratic_weight,
            settings.main_leader_unit_weight,
            settings.main_leader_quarterly_weight,
        )
    return settings.others_democratic_weight, settings.others_unit_weight, settings.others_quarterly_weight


def annual_score(
    democratic: Decimal | None, unit: Decimal | None, quarterly: Decimal | None, weights: Sequence[Decimal]
) -> Decimal | None:
    """A = w_D·D + w_U·U + w_Q·Q̄ over the parts that exist (a missing part's weight is shared out)."""
    numerator, denominator = Fraction(0), Fraction(0)
    for value, weight in zip((democratic, unit, quarterly), weights, strict=True):
        if value is not None and weight:
            numerator += Fraction(weight) * Fraction(value)
            denominator += Fraction(weight)
    if denominator == 0:
        return None
    return round_half_up(numerator / denominator)


def excellent_quota(unit_size: int, settings: EvaluationSettings) -> int:
    """优秀 places of a unit: ⌊percent × N⌋, at least 1 where the unit has the minimum size."""
    quota = unit_size * settings.excellent_quota_percent // 100
    if quota == 0 and unit_size >= settings.excellent_quota_min_unit_size:
        quota = 1
    return quota


def is_last_place(rank_in_unit: int, worst_rank_in_unit: int) -> bool:
    """Last in the unit (ties at the bottom included); where everyone shares first place, nobody is."""
    return worst_rank_in_unit > 1 and rank_in_unit == worst_rank_in_unit


def follow_up_kind(consecutive_last_places: int) -> str | None:
    """Last place in the unit: 1 year 提醒谈话, 2 in a row 诫勉谈话, 3 or more 组织处理."""
    if consecutive_last_places <= 0:
        return None
    if consecutive_last_places == 1:
        return FollowUpKind.REMINDER_TALK
    if consecutive_last_places == 2:
        return FollowUpKind.ADMONITION_TALK
    return FollowUpKind.ORGANIZATIONAL
