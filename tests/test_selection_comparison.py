"""比实绩: candidates side by side, ranking among comparable cadres, differences highlighted, the
"实绩不明显的不推荐" flag, and the printable PDF read back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import AnnualResult, Grade
from selection.comparison import compare
from selection.models import InspectionSettings

from .factories import CadreFactory, rank, to_inspection
from .support import pdf_text

pytestmark = pytest.mark.django_db


def _result(cadre, year, score, grade, position, size=10, category=None):
    return AnnualResult.objects.create(
        cadre=cadre,
        year=year,
        unit=cadre.unit,
        unit_category=category or cadre.unit.category,
        role=cadre.role,
        rank=cadre.rank,
        annual_score=Decimal(score),
        rank_in_rank_level=position,
        rank_level_size=size,
        grade=grade,
        is_published=True,
    )


def _setup(personas):
    selection, (a, b) = to_inspection(personas)
    year = timezone.localdate().year - 1
    _result(a.cadre, year, "95.00", Grade.EXCELLENT, 1)
    _result(b.cadre, year, "85.00", Grade.COMPETENT, 8)
    # Peers of the same rank level and unit category; one of another category is not comparable.
    for i, score in enumerate(("96.00", "90.00", "80.00")):
        peer = CadreFactory(unit=a.cadre.unit, rank=rank("副科级"), code=f"PEER{i}")
        _result(peer, year, score, Grade.COMPETENT, 5)
    other = CadreFactory(unit=personas.unit, rank=rank("副科级"), code="PEERX")
    _result(
        other,
        year,
        "99.00",
        Grade.COMPETENT,
        5,
        category="subordinate" if a.cadre.unit.category != "subordinate" else "township",
    )
    return selection, a, b, year


def test_same_rows_comparable_ranking_best_and_unclear(personas):
    selection, a, b, year = _setup(personas)
    result = compare(selection, today=timezone.localdate())
    rows = {r.label: r for r in result.rows}
    assert [c.text for c in rows[f"{year} 年度等次"].cells] == ["优秀", "称职"]
    peers = rows[f"{year} 年同职级同类别单位排名"]
    # a: 95 behind 96 → 2nd of 5; b: 85 behind 96, 95, 90 → 4th of 5 (the other category's 99 is left out).
    assert [c.text for c in peers.cells] == ["2/5", "4/5"]
    assert [c.best for c in peers.cells] == [True, False] and peers.differs
    assert [c.best for c in rows[f"{year} 年度得分"].cells] == [True, False]
    assert not rows["职级"].differs
    # b: no 优秀 and 8th of 10 (not in the top half) in the years looked at → flagged.
    assert result.unclear == {a.pk: False, b.pk: True}
    InspectionSettings.objects.update_or_create(pk=1, defaults={"unclear_rule_enabled": False})
    assert compare(selection, today=timezone.localdate()).unclear == {}


def test_comparison_page_and_pdf(client, personas, tmp_path):
    selection, a, b, _year = _setup(personas)
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("selection:comparison", args=[selection.pk])).content.decode()
    assert "实绩不明显，不推荐" in page and 'class="best"' in page and "css/selection.css" in page
    response = client.get(reverse("selection:comparison_pdf", args=[selection.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert a.cadre.name in text and b.cadre.name in text and "实绩不明显，不推荐" in text and "2/5" in text
    for who in ("cadre", "leader", "discipline"):
        client.force_login(personas.user(who))
        assert client.get(reverse("selection:comparison", args=[selection.pk])).status_code == 404
        assert client.get(reverse("selection:comparison_pdf", args=[selection.pk])).status_code == 404
