"""The archive's year tabs, its dossier form on a past year, and the published quarterly and annual
results in the archive and the PDF dossier (for the cadre and org staff only)."""

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from achievements.models import DailyLog
from evaluations.models import AnnualResult, Grade, Period, PeriodKind, PeriodState, QuarterlyResult

from .factories import CHINESE_LOG
from .support import pdf_text, today

pytestmark = pytest.mark.django_db

LAST_YEAR = today().year - 1


def quarterly_result(cadre, year, quarter, *, state=PeriodState.PUBLISHED, score="88.40"):
    period = Period.objects.create(kind=PeriodKind.QUARTERLY, year=year, quarter=quarter, state=state)
    return QuarterlyResult.objects.create(
        period=period,
        cadre=cadre,
        unit=cadre.unit,
        unit_category=cadre.unit.category,
        role=cadre.role,
        rank=cadre.rank,
        rater_count=9,
        weighted_score=Decimal(score),
        score=Decimal(score),
        rank_in_unit=2,
        unit_size=7,
        rank_in_rank_level=11,
        rank_level_size=52,
        rank_in_category=4,
        category_size=30,
    )


@pytest.fixture
def results_only_last_year(personas):
    """Last year the cadre has published results but no log, summary or record (as in the demo's 2025)."""
    cadre = personas.cadre
    DailyLog.objects.create(author=cadre, unit=cadre.unit, day=today(), text=CHINESE_LOG)
    quarterly_result(cadre, LAST_YEAR, 3)
    quarterly_result(cadre, LAST_YEAR, 4, state=PeriodState.COMPUTED, score="61.00")  # not published
    AnnualResult.objects.create(
        cadre=cadre,
        year=LAST_YEAR,
        unit=cadre.unit,
        unit_category=cadre.unit.category,
        role=cadre.role,
        rank=cadre.rank,
        annual_score=Decimal("91.25"),
        rank_in_unit=1,
        unit_size=7,
        grade=Grade.EXCELLENT,
        is_published=True,
    )
    return cadre


def archive(client, cadre, year):
    return client.get(reverse("achievements:cadre_archive", args=[cadre.pk, year]))


def tabs(page: str) -> list[int]:
    block = page.split('id="archive-years"', 1)[1].split("</ul>", 1)[0]
    return [int(y) for y in re.findall(r">(\d{4})</a>", block)]


@pytest.mark.parametrize("persona", ["cadre", "org_staff"])
def test_archive_has_a_tab_for_a_year_with_only_published_results(client, personas, results_only_last_year, persona):
    client.force_login(personas.user(persona))
    page = archive(client, results_only_last_year, today().year).content.decode()
    assert tabs(page) == [today().year, LAST_YEAR]


def test_dossier_form_on_a_past_year_page_covers_a_valid_range_and_downloads(
    client, personas, results_only_last_year, tmp_path
):
    client.force_login(personas.cadre.user)
    page = archive(client, results_only_last_year, LAST_YEAR).content.decode()
    form = page.split('id="dossier-form"', 1)[1].split("</form>", 1)[0]
    year_from = int(re.search(r'name="year_from"[^>]*value="(\d+)"', form).group(1))
    year_to = int(re.search(r'name="year_to"[^>]*value="(\d+)"', form).group(1))
    assert (year_from, year_to) == (LAST_YEAR, LAST_YEAR)
    response = client.get(
        reverse("achievements:dossier_pdf", args=[results_only_last_year.pk]),
        {"year_from": year_from, "year_to": year_to},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("persona", "explained"),
    [("cadre", "evaluations:my_result_detail"), ("org_staff", "evaluations:result_detail")],
)
def test_archive_shows_published_quarterly_and_annual_results_with_explanations(
    client, personas, results_only_last_year, persona, explained
):
    cadre = results_only_last_year
    client.force_login(personas.user(persona))
    page = archive(client, cadre, LAST_YEAR).content.decode()
    table = page.split('id="archive-results"', 1)[1].split("</table>", 1)[0]
    for text in ("第3季度", "88.40", "2 / 7", "11 / 52", "4 / 30", "年度", "91.25", "1 / 7", "优秀"):
        assert text in table, text
    assert "第4季度" not in table and "61.00" not in table  # computed, not published
    published = QuarterlyResult.objects.get(cadre=cadre, period__quarter=3)
    args = [published.period_id] if persona == "cadre" else [published.period_id, cadre.pk]
    link = reverse(explained, args=args)
    assert f'href="{link}"' in table
    assert client.get(link).status_code == 200
    annual = reverse("evaluations:annual_detail", args=[AnnualResult.objects.get(cadre=cadre).pk])
    assert f'href="{annual}"' in table and client.get(annual).status_code == 200


@pytest.mark.parametrize("persona", ["leader", "superior_leader"])
def test_leaders_see_neither_results_nor_the_results_only_year(client, personas, results_only_last_year, persona):
    client.force_login(personas.user(persona))
    page = archive(client, results_only_last_year, today().year).content.decode()
    assert tabs(page) == [today().year]
    past = archive(client, results_only_last_year, LAST_YEAR).content.decode()
    assert "archive-results" not in past and "88.40" not in past and "91.25" not in past


@pytest.mark.parametrize(("persona", "sees"), [("cadre", True), ("org_staff", True), ("leader", False)])
def test_dossier_pdf_carries_the_published_quarterly_results(
    client, personas, results_only_last_year, tmp_path, persona, sees
):
    client.force_login(personas.user(persona))
    response = client.get(
        reverse("achievements:dossier_pdf", args=[results_only_last_year.pk]),
        {"year_from": LAST_YEAR, "year_to": today().year},
    )
    text = pdf_text(response.content, tmp_path)
    for expected in ("88.40", "同职级排名 11 / 52", "同类别排名 4 / 30", "91.25"):
        assert (expected in text) is sees, expected
    assert "61.00" not in text


@pytest.mark.parametrize("persona", ["cadre", "org_staff"])
def test_a_provisional_published_result_is_marked_in_the_archive_and_the_dossier(
    client, personas, results_only_last_year, tmp_path, persona
):
    from django.utils import timezone

    Period.objects.filter(year=LAST_YEAR, quarter=3).update(
        provisional_until=timezone.now() + timezone.timedelta(days=3)
    )
    client.force_login(personas.user(persona))
    page = archive(client, results_only_last_year, LAST_YEAR).content.decode()
    table = page.split('id="archive-results"', 1)[1].split("</table>", 1)[0]
    row = table.split("第3季度", 1)[1].split("</tr>", 1)[0]
    assert "暂定" in row and "暂定" not in table.split("第3季度", 1)[0]
    response = client.get(
        reverse("achievements:dossier_pdf", args=[results_only_last_year.pk]),
        {"year_from": LAST_YEAR, "year_to": LAST_YEAR},
    )
    assert "88.40（暂定）" in pdf_text(response.content, tmp_path).replace(" ", "")


def test_achievements_never_imports_evaluations():
    """An import never runs up a floor: evaluations registers its results with achievements."""
    offenders = []
    for path in Path("achievements").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            offenders += [
                f"{path}:{node.lineno}" for name in names if name.split(".")[0] in {"evaluations", "publicity"}
            ]
    assert offenders == []
