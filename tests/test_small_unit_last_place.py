"""Last place in a small unit is judged in a wider comparison group (a setting), and the pages say which."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from cadres.models import UnitCategory
from evaluations.models import AnnualResult, EvaluationSettings, FollowUp, FollowUpKind, Grade, LastPlaceComparison
from evaluations.services import annual

from .factories import CadreFactory, UnitFactory, rank

pytestmark = pytest.mark.django_db


def unit_results(scores: list[int], *, category=UnitCategory.DISTRICT_DEPARTMENT, year: int = 2025, name: str = ""):
    """Published annual results of one unit, ranked by score (competition ranking)."""
    unit = UnitFactory(category=category, **({"name": name} if name else {}))
    people = [CadreFactory(unit=unit, rank=rank("一般干部")) for _ in scores]
    for cadre, score in zip(people, scores, strict=True):
        AnnualResult.objects.create(
            cadre=cadre, year=year, unit=unit, unit_category=category, role="staff", rank=cadre.rank,
            annual_score=Decimal(score), rank_in_unit=1 + sum(1 for s in scores if s > score),
            unit_size=len(scores), grade=Grade.COMPETENT, is_published=True,
        )  # fmt: skip
    return unit, people


@pytest.fixture
def district(db):
    """A 3-person unit whose last (80) is mid-table among the district's 一般干部, a 3-person unit whose
    last (60) is the lowest of all, and a 9-person unit judged within itself."""
    _small, small = unit_results([85, 84, 80], name="小单位甲")
    _weak, weak = unit_results([82, 78, 60], name="小单位乙")
    _big, big = unit_results([90, 88, 86, 83, 81, 79, 77, 75, 70], name="大单位")
    return small, weak, big


def test_small_unit_last_place_is_judged_among_the_rank_level(district):
    small, weak, big = district
    annual.follow_ups_create(year=2025)
    followed = set(FollowUp.objects.values_list("cadre_id", "kind"))
    assert (small[2].pk, FollowUpKind.REMINDER_TALK) not in followed  # last of 3, but 9th of 15 一般干部
    assert (weak[2].pk, FollowUpKind.REMINDER_TALK) in followed  # the lowest 一般干部 of the district
    assert (big[8].pk, FollowUpKind.REMINDER_TALK) in followed  # 9 people: judged in the unit as before
    assert len(followed) == 2


def test_pages_say_which_group_was_used(client, personas, district):
    small, weak, _big = district
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("evaluations:use_of_results"), {"year": 2025, "kind": "last_place"}).content.decode()
    assert "单位仅 3 人，按全区同职级（一般干部）比较：第 15 名（共 15 人，末位）" in page
    assert 'id="last-place-note"' in page and "人数少于 8 人的单位，末位按全区同职级比较" in page
    mid = AnnualResult.objects.get(cadre=small[2], year=2025)
    text = client.get(reverse("evaluations:annual_detail", args=[mid.pk])).content.decode()
    basis = text.split('id="last-place-basis">')[1].split("</p>")[0]
    assert basis == "末位判断范围：单位仅 3 人（少于 8 人），按全区同职级（一般干部）比较，第 9 名，共 15 人。"
    last = AnnualResult.objects.get(cadre=weak[2], year=2025)
    text = client.get(reverse("evaluations:annual_detail", args=[last.pk])).content.decode()
    assert "第 15 名，共 15 人。为末位。" in text


def test_the_comparison_group_is_a_setting(client, personas, district):
    _small, weak, _big = district
    # Another category: the weak unit's cadre is compared among its category only (one township unit).
    _town, town = unit_results([95, 94, 93], category=UnitCategory.TOWNSHIP, name="镇")
    EvaluationSettings.objects.create(year=2025, last_place_comparison=LastPlaceComparison.UNIT_CATEGORY)
    annual.follow_ups_create(year=2025)
    followed = set(FollowUp.objects.values_list("cadre_id", flat=True))
    assert weak[2].pk in followed and town[2].pk in followed  # last of its category (3 township cadres)
    client.force_login(personas.org_staff.user)
    result = AnnualResult.objects.get(cadre=town[2], year=2025)
    text = client.get(reverse("evaluations:annual_detail", args=[result.pk])).content.decode()
    assert "按同类别单位（乡镇街道）比较，第 3 名，共 3 人。为末位。" in text
    settings_page = client.get(reverse("evaluations:settings"), {"year": 2025}).content.decode()
    assert "小单位末位比较范围" in settings_page
