"""谁考察谁反馈: a unit's report of its published results for its main leader, the main leader above
and org staff (404 for anyone else); team 反测评 counts under the anonymity threshold; staff note; PDF."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations.models import AnnualResult, Grade, Period, PeriodKind, PeriodState, ProblemCount, UnitSheetTally

from .support import pdf_text
from .test_archive_results import quarterly_result

pytestmark = pytest.mark.django_db
YEAR = 2025


def published_year(personas, *, sheets: int):
    period = Period.objects.create(kind=PeriodKind.ANNUAL, year=YEAR, state=PeriodState.PUBLISHED)
    for rank, cadre, grade in ((1, personas.leader, Grade.EXCELLENT), (2, personas.cadre, Grade.COMPETENT)):
        AnnualResult.objects.create(
            cadre=cadre,
            year=YEAR,
            unit=personas.unit,
            unit_category=personas.unit.category,
            role=cadre.role,
            rank=cadre.rank,
            annual_score=Decimal("90.50") - rank,
            rank_in_unit=rank,
            unit_size=2,
            grade=grade,
            is_published=True,
            period=period,
        )
    AnnualResult.objects.create(  # not published: never in the report
        cadre=personas.colleague,
        year=YEAR,
        unit=personas.unit,
        unit_category=personas.unit.category,
        role=personas.colleague.role,
        rank=personas.colleague.rank,
        annual_score=Decimal("55.00"),
        is_published=False,
    )
    quarterly_result(personas.cadre, YEAR, 2)
    UnitSheetTally.objects.create(period=period, unit=personas.unit, sheets=sheets)
    ProblemCount.objects.create(period=period, unit=personas.unit, item="management", count=3, sheet_count=sheets)


def url(personas):
    return reverse("supervision:unit_report", args=[personas.unit.pk, YEAR])


def test_main_leader_and_the_leader_above_read_the_unit_report(client, personas):
    published_year(personas, sheets=20)
    for who in (personas.leader.user, personas.superior_leader.user, personas.org_staff.user):
        client.force_login(who)
        text = client.get(url(personas)).content.decode()
        assert "区教师发展中心 2025 年度考核反馈" in text
        assert personas.cadre.name in text and personas.colleague.name not in text
        assert "优秀 1；称职 1" in text and "内部管理混乱 3" in text and "第2季度" in text
    for who in (personas.cadre, personas.colleague, personas.team_member, personas.stranger):
        client.force_login(who.user)
        assert client.get(url(personas)).status_code == 404
    client.force_login(personas.discipline)
    assert client.get(url(personas)).status_code == 404


def test_team_counts_hidden_below_the_anonymity_threshold(client, personas):
    published_year(personas, sheets=2)
    client.force_login(personas.leader.user)
    text = client.get(url(personas)).content.decode()
    assert "内部管理混乱 3" not in text and "低于匿名显示门槛" in text


def test_staff_note_and_pdf(client, personas, tmp_path):
    published_year(personas, sheets=20)
    client.force_login(personas.org_staff.user)
    client.post(url(personas), {"text": "班子团结协作较好，内部管理需加强。"})
    client.force_login(personas.leader.user)
    assert client.post(url(personas), {"text": "改写"}).status_code == 403
    assert "内部管理需加强" in client.get(url(personas)).content.decode()
    response = client.get(reverse("supervision:unit_report_pdf", args=[personas.unit.pk, YEAR]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "年度考核反馈" in text and "内部管理需加强" in text and personas.cadre.name in text
