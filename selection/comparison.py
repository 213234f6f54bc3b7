"""比实绩: the inspection candidates of one selection side by side, the same figures in the same rows,
each one's place among comparable cadres (same rank level and unit category), the differences
highlighted, and the "实绩不明显的不推荐" flag (InspectionSettings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from achievements.models import Achievement, VerificationStatus
from evaluations.models import AnnualResult, Grade, PeriodState, QuarterlyResult

from . import inspection_selectors
from .models import Candidate, InspectionPoll, InspectionSettings, Selection

GRADE_ORDER = {Grade.EXCELLENT: 4, Grade.COMPETENT: 3, Grade.BASICALLY_COMPETENT: 2, Grade.INCOMPETENT: 1}


@dataclass
class Cell:
    text: str
    value: Decimal | None = None  # what "best" compares; None: not comparable
    url: str = ""
    best: bool = False


@dataclass
class Row:
    label: str
    cells: list[Cell]
    higher_is_better: bool = True

    @property
    def differs(self) -> bool:
        return len({c.text for c in self.cells}) > 1


@dataclass
class Comparison:
    candidates: list[Candidate]
    rows: list[Row] = field(default_factory=list)
    unclear: dict[int, bool] = field(default_factory=dict)
    settings: InspectionSettings | None = None
    years: list[int] = field(default_factory=list)


def comparable_position(result: AnnualResult) -> tuple[int, int] | None:
    """(position, size) of a result among the year's results of the same rank level and unit category."""
    if result.annual_score is None:
        return None
    peers = AnnualResult.objects.filter(
        year=result.year, rank_id=result.rank_id, unit_category=result.unit_category, annual_score__isnull=False
    )
    return peers.filter(annual_score__gt=result.annual_score).count() + 1, peers.count()


def is_unclear(results: list[AnnualResult]) -> bool:
    """No 优秀 and no year in the top half of the rank level in the years looked at."""
    for r in results:
        if r.grade == Grade.EXCELLENT:
            return False
        if r.rank_in_rank_level and r.rank_level_size and r.rank_in_rank_level * 2 <= r.rank_level_size:
            return False
    return True


def compare(selection: Selection, *, today: date) -> Comparison:
    settings = InspectionSettings.load()
    candidates = list(
        Candidate.objects.filter(selection=selection, is_inspection_candidate=True)
        .select_related("cadre__unit", "cadre__rank", "discipline_opinion")
        .order_by("cadre__code")
    )
    n = settings.unclear_lookback_years
    years = list(range(today.year - n, today.year))
    results = {
        (r.cadre_id, r.year): r
        for r in AnnualResult.objects.published()
        .filter(cadre__in=[c.cadre_id for c in candidates], year__in=years)
        .select_related("rank")
    }
    poll = InspectionPoll.objects.filter(selection=selection).first()
    tallies = inspection_selectors.poll_tallies(poll)
    out = Comparison(candidates=candidates, settings=settings, years=years)
    rows = out.rows

    def row(label: str, cells: list[Cell], higher: bool = True) -> None:
        rows.append(Row(label, cells, higher))

    row(_("年龄"), [Cell(str(c.cadre.age_on(today)), None) for c in candidates])
    row(_("现任职务"), [Cell(f"{c.cadre.unit.name}{c.cadre.post_title}") for c in candidates])
    row(_("职级"), [Cell(c.cadre.rank.name) for c in candidates])
    row(_("单位类别"), [Cell(c.cadre.unit.get_category_display()) for c in candidates])
    for year in years:
        grades, scores, places, peers = [], [], [], []
        for c in candidates:
            r = results.get((c.cadre_id, year))
            url = reverse("evaluations:annual_detail", args=[r.pk]) if r else ""
            grade = r.get_grade_display() if r and r.grade else "—"
            grades.append(Cell(grade, Decimal(GRADE_ORDER.get(r.grade, 0)) if r and r.grade else None, url))
            scores.append(
                Cell(
                    str(r.annual_score) if r and r.annual_score is not None else "—", r.annual_score if r else None, url
                )
            )
            if r and r.rank_in_rank_level and r.rank_level_size:
                places.append(
                    Cell(
                        f"{r.rank_in_rank_level}/{r.rank_level_size}",
                        -Decimal(r.rank_in_rank_level) / r.rank_level_size,
                        url,
                    )
                )
            else:
                places.append(Cell("—"))
            position = comparable_position(r) if r else None
            if position:
                peers.append(Cell(f"{position[0]}/{position[1]}", -Decimal(position[0]) / position[1], url))
            else:
                peers.append(Cell("—"))
        row(_("%(y)s 年度等次") % {"y": year}, grades)
        row(_("%(y)s 年度得分") % {"y": year}, scores)
        row(_("%(y)s 年同职级排名") % {"y": year}, places)
        row(_("%(y)s 年同职级同类别单位排名") % {"y": year}, peers)
    last = years[-1]
    quarter_cells = []
    for c in candidates:
        mean = QuarterlyResult.objects.filter(
            cadre=c.cadre, period__year=last, period__state=PeriodState.PUBLISHED, score__isnull=False
        ).aggregate(m=Avg("score"))["m"]
        mean = Decimal(mean).quantize(Decimal("0.01")) if mean is not None else None
        quarter_cells.append(Cell(str(mean) if mean is not None else "—", mean))
    row(_("%(y)s 年季度平均分") % {"y": last}, quarter_cells)
    achievement_cells = []
    for c in candidates:
        count = (
            Achievement.objects.filter(Q(created_by=c.cadre) | Q(participants__cadre=c.cadre))
            .filter(verification_status=VerificationStatus.VERIFIED, date__gte=date(years[0], 1, 1), date__lte=today)
            .distinct()
            .count()
        )
        achievement_cells.append(Cell(str(count), Decimal(count)))
    row(_("近 %(n)s 年经核实的实绩（项）") % {"n": n}, achievement_cells)
    poll_cells = []
    for c in candidates:
        items = tallies.get(c.pk, [])
        total = sum(t.total for t in items)
        good = sum(t.counts[0] + t.counts[1] for t in items)
        if total:
            share = (Decimal(good) * 100 / total).quantize(Decimal("0.1"))
            poll_cells.append(Cell(f"{share}%", share))
        else:
            poll_cells.append(Cell("—"))
    row(_("考察民主测评优秀、较好率"), poll_cells)
    row(
        _("党风廉政意见"),
        [
            Cell(c.discipline_opinion.get_result_display() if hasattr(c, "discipline_opinion") else _("尚未回复"))
            for c in candidates
        ],
    )
    for r in rows:
        values = [c.value for c in r.cells if c.value is not None]
        if len(values) >= 2 and len(set(values)) > 1:
            best = max(values) if r.higher_is_better else min(values)
            for c in r.cells:
                c.best = c.value == best
    if settings.unclear_rule_enabled:
        for c in candidates:
            out.unclear[c.pk] = is_unclear([results[(c.cadre_id, y)] for y in years if (c.cadre_id, y) in results])
    return out
