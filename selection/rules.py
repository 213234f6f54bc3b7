"""The rules selection work runs on: qualifications, the top-K cut, attendance and vote shares.

Numbers come from `SelectionSettings` or the selection itself; nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadres.models import Cadre

from . import checks
from .models import Education, Selection

# How a free-text 学历 on the roster maps to a level; the first keyword found wins.
EDUCATION_KEYWORDS = (
    ("博士", Education.POSTGRADUATE),
    ("硕士", Education.POSTGRADUATE),
    ("研究生", Education.POSTGRADUATE),
    ("本科", Education.BACHELOR),
    ("大学", Education.BACHELOR),
    ("大专", Education.JUNIOR_COLLEGE),
    ("专科", Education.JUNIOR_COLLEGE),
    ("高中", Education.HIGH_SCHOOL),
    ("中专", Education.HIGH_SCHOOL),
)


def education_level(text: str) -> int | None:
    for keyword, level in EDUCATION_KEYWORDS:
        if keyword in (text or ""):
            return level
    return None


def full_years_between(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def qualification_failures(cadre: Cadre, selection: Selection, *, extra: list[str] | None = None) -> list[str]:
    """Every 任职资格条件 the cadre's record does not meet, each with the reason (empty: qualified).

    `extra` are the registered apps' reasons (`checks.extra_failures`), when already fetched for a list.
    """
    day = selection.qualification_date
    failures: list[str] = []
    if not cadre.is_active:
        failures.append(_("不在职"))
    # Ranks are ordered by sort_order: a smaller number is a higher rank.
    if selection.min_rank_id and cadre.rank.sort_order > selection.min_rank.sort_order:
        failures.append(
            _("职级为%(rank)s，须为%(min)s或以上") % {"rank": cadre.rank.name, "min": selection.min_rank.name}
        )
    if selection.min_years_in_rank:
        if cadre.rank_since is None:
            failures.append(_("档案中没有任现职级时间，无法核对任职年限"))
        else:
            years = full_years_between(cadre.rank_since, day)
            if years < selection.min_years_in_rank:
                failures.append(
                    _("任现职级 %(years)s 年（自 %(since)s），须满 %(min)s 年")
                    % {"years": years, "since": cadre.rank_since.isoformat(), "min": selection.min_years_in_rank}
                )
    if selection.min_education:
        level = education_level(cadre.education)
        required = Education(selection.min_education).label
        if level is None:
            failures.append(
                _("学历“%(edu)s”无法认定，须为%(min)s或以上") % {"edu": cadre.education or "—", "min": required}
            )
        elif level < selection.min_education:
            failures.append(_("学历为%(edu)s，须为%(min)s或以上") % {"edu": cadre.education, "min": required})
    if selection.max_age:
        age = cadre.age_on(day)
        if age > selection.max_age:
            failures.append(
                _("%(day)s 时年龄 %(age)s 周岁，超过 %(max)s 周岁的上限")
                % {"day": day.isoformat(), "age": age, "max": selection.max_age}
            )
    if extra is None:
        extra = checks.extra_failures([cadre.pk], day).get(cadre.pk, [])
    failures.extend(extra)
    return failures


# --- Cuts and thresholds ------------------------------------------------------------------------

TIE_RULE = _("并列规则：得票与第 %(n)s 名相同的人一并入围（入围人数可能多于 %(n)s 人）；得票为 0 的不入围。")


def top_n(votes: Sequence[tuple[int, int]], n: int) -> set[int]:
    """The ids that pass a top-n cut of (id, votes): everyone tied with the n-th passes; 0 never passes."""
    ranked = sorted((v for v in votes if v[1] > 0), key=lambda v: -v[1])
    if len(ranked) <= n:
        return {i for i, _v in ranked}
    line = ranked[n - 1][1]
    return {i for i, v in ranked if v >= line}


@dataclass(frozen=True)
class Attendance:
    expected: int
    actual: int
    minimum: Decimal

    @property
    def percent(self) -> Decimal | None:
        if not self.expected:
            return None
        return (Decimal(self.actual) * 100 / Decimal(self.expected)).quantize(Decimal("0.01"))

    @property
    def valid(self) -> bool:
        # Exact comparison (actual/expected ≥ min%), no rounding at the edge.
        return self.expected > 0 and Decimal(self.actual) * 100 >= self.minimum * self.expected


def vote_share(votes: int, actual: int) -> Decimal | None:
    if not actual:
        return None
    return (Decimal(votes) * 100 / Decimal(actual)).quantize(Decimal("0.01"))


def share_exceeds(votes: int, actual: int, minimum: Decimal) -> bool:
    """More than `minimum` percent of the ballots cast (exactly the minimum is not more)."""
    return actual > 0 and Decimal(votes) * 100 > minimum * actual


def shares(values: Iterable[bool]) -> tuple[int, int]:
    items = list(values)
    return sum(items), len(items)


# --- 任职试用期 ------------------------------------------------------------------------------------

PROBATION_BASIS = gettext_lazy(
    "《党政领导干部选拔任用工作条例》第五十条：提任非选举产生的党委、人大常委会、政府、政协工作部门副职"
    "和内设机构领导职务，实行任职试用期制度，试用期为一年。"
)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def probation_end(start: date, months: int) -> date:
    """The last day of a probation of `months` that starts on `start` (一年: 3-10 → next 3-09)."""
    from datetime import timedelta

    return add_months(start, months) - timedelta(days=1)


def probation_applies(cadre: Cadre, post: object) -> tuple[bool, str]:
    """Whether an appointment to `post` is a promotion the regulation puts under probation, and why.

    Under probation: a deputy post (副职) of a district department or one of its subordinate units
    (工作部门副职), taken by a cadre whose current post is not a leadership one (提任). Not under
    probation: township and street posts (乡镇街道领导职务多经选举产生), principal posts (not in the
    regulation's list), and a leader moving sideways.
    """
    from cadres.models import LeadershipTier, UnitCategory

    unit = post.unit  # type: ignore[attr-defined]
    if unit.category == UnitCategory.TOWNSHIP:
        return False, str(_("乡镇街道领导职务多经选举产生，不实行任职试用期。"))
    if post.tier != LeadershipTier.DEPUTY:  # type: ignore[attr-defined]
        return False, str(_("拟任职务为正职，不在条例规定的试用职务范围内。"))
    if cadre.is_leader:
        return False, str(_("本人已任领导职务，不属于提任，不实行任职试用期。"))
    return True, str(PROBATION_BASIS)
