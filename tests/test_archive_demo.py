"""The demo district: a cadre's archive has the 2025 tab with the published results of that year,
and the dossier form on the 2025 page downloads."""

import re
from datetime import date

import pytest
from django.urls import reverse

from achievements import demo as achievements_demo
from cadres import demo as cadres_demo
from evaluations import demo as evaluations_demo
from evaluations.models import AnnualResult, PeriodState, QuarterlyResult

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)


def test_demo_archive_shows_last_years_tab_results_and_a_working_dossier_form(client, tmp_path):
    cadres_demo.seed(TODAY)
    achievements_demo.seed(TODAY)
    evaluations_demo.seed(TODAY)
    result = AnnualResult.objects.filter(year=2025, is_published=True, cadre__user__isnull=False).first()
    assert result is not None
    cadre = result.cadre
    quarters = QuarterlyResult.objects.filter(cadre=cadre, period__year=2025, period__state=PeriodState.PUBLISHED)
    assert quarters.count() == 4
    client.force_login(cadre.user)

    page = client.get(reverse("achievements:my_archive"), follow=True).content.decode()
    tabs = page.split('id="archive-years"', 1)[1].split("</ul>", 1)[0]
    assert ">2025</a>" in tabs

    past = client.get(reverse("achievements:cadre_archive", args=[cadre.pk, 2025])).content.decode()
    table = past.split('id="archive-results"', 1)[1].split("</table>", 1)[0]
    for quarter in quarters:
        assert f"第{quarter.period.quarter}季度" in table and str(quarter.score) in table
    assert str(result.annual_score) in table
    form = past.split('id="dossier-form"', 1)[1].split("</form>", 1)[0]
    year_from = re.search(r'name="year_from"[^>]*value="(\d+)"', form).group(1)
    year_to = re.search(r'name="year_to"[^>]*value="(\d+)"', form).group(1)
    assert int(year_from) <= int(year_to) == 2025
    pdf = client.get(reverse("achievements:dossier_pdf", args=[cadre.pk]), {"year_from": year_from, "year_to": year_to})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
