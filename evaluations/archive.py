"""The published results that the 晒实绩 archive and dossier show (registered in `apps.ready`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from achievements.results import Ranking, ResultLine
from cadres.access import is_org_staff
from cadres.models import Cadre
from cadres.types import Actor

from .models import AnnualResult, Period, PeriodKind, PeriodState, QuarterlyResult


class PublishedResults:
    """Only published results: a computed but unpublished period is not part of anyone's archive."""

    def result_years(self, cadre: Cadre) -> set[int]:
        quarterly = QuarterlyResult.objects.filter(cadre=cadre, period__state=PeriodState.PUBLISHED)
        annual = AnnualResult.objects.published().filter(cadre=cadre)
        return set(quarterly.values_list("period__year", flat=True)) | set(annual.values_list("year", flat=True))

    def year_results(self, *, cadre: Cadre, year: int, actor: Actor | None) -> list[ResultLine]:
        staff = is_org_staff(actor)
        lines = []
        quarterly = (
            QuarterlyResult.objects.filter(cadre=cadre, period__year=year, period__state=PeriodState.PUBLISHED)
            .select_related("period")
            .order_by("period__quarter")
        )
        for result in quarterly:
            url = (
                reverse("evaluations:result_detail", args=[result.period_id, cadre.pk])
                if staff
                else reverse("evaluations:my_result_detail", args=[result.period_id])
            )
            lines.append(
                ResultLine(
                    label=_("第%(quarter)s季度") % {"quarter": result.period.quarter},
                    score=result.score,
                    rankings=[
                        Ranking(_("单位内排名"), result.rank_in_unit, result.unit_size),
                        Ranking(_("同职级排名"), result.rank_in_rank_level, result.rank_level_size),
                        Ranking(_("同类别排名"), result.rank_in_category, result.category_size),
                    ],
                    explained_url=url,
                    provisional=result.period.is_provisional,
                )
            )
        annual_period = Period.objects.filter(kind=PeriodKind.ANNUAL, year=year).first()
        for result in AnnualResult.objects.published().filter(cadre=cadre, year=year):
            lines.append(
                ResultLine(
                    label=_("年度"),
                    score=result.annual_score,
                    rankings=[
                        Ranking(_("单位内排名"), result.rank_in_unit, result.unit_size),
                        Ranking(_("同职级排名"), result.rank_in_rank_level, result.rank_level_size),
                    ],
                    grade=result.get_grade_display() if result.grade else "",
                    explained_url=reverse("evaluations:annual_detail", args=[result.pk]),
                    is_annual=True,
                    provisional=bool(annual_period and annual_period.is_provisional),
                )
            )
        return lines
