"""领导班子等次: proposed by the rule in the settings, its own 优秀 quota, confirmed by org staff with
a trail; the team's grade feeds the commendation rule for the team's head."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from cadres.models import UnitRole
from evaluations.models import AnnualResult, Grade, UnitAnnualScore
from supervision.models import RewardSanction, TeamGrade
from supervision.services import records

from .factories import CadreFactory, UnitFactory, annual_grade
from .support import today

pytestmark = pytest.mark.django_db
YEAR = 2025


def unit_with(score, grades, name):
    unit = UnitFactory(name=name)
    UnitAnnualScore.objects.create(unit=unit, year=YEAR, score=Decimal(score))
    heads = []
    for i, grade in enumerate(grades):
        role = UnitRole.MAIN_LEADER if i == 0 else UnitRole.STAFF
        cadre = CadreFactory(unit=unit, role=role)
        AnnualResult.objects.create(
            cadre=cadre,
            year=YEAR,
            unit=unit,
            unit_category=unit.category,
            role=role,
            rank=cadre.rank,
            grade=grade,
            is_published=True,
        )
        heads.append(cadre)
    return unit, heads[0]


def test_rule_quota_confirmation_trail_and_commendation_of_the_head(client, personas):
    a, head_a = unit_with("96", [Grade.EXCELLENT, Grade.COMPETENT], "甲单位")
    b, _ = unit_with("93", [Grade.COMPETENT], "乙单位")  # eligible, beyond the quota of 1 (30% of 4)
    unit_with("85", [Grade.COMPETENT, Grade.BASICALLY_COMPETENT], "丙单位")
    unit_with("60", [Grade.COMPETENT], "丁单位")
    client.force_login(personas.org_staff.user)
    url = reverse("supervision:team_grades") + f"?year={YEAR}"
    client.post(url, {"action": "propose"})
    proposed = dict(TeamGrade.objects.values_list("unit__name", "proposed"))
    assert proposed == {"甲单位": "excellent", "乙单位": "good", "丙单位": "fair", "丁单位": "poor"}
    assert "符合优秀条件，但超出优秀名额" in client.get(url).content.decode()

    # Before the team is confirmed 优秀 its head gets no 嘉奖, though graded 优秀 personally.
    with pytest.raises(records.SupervisionError, match="领导班子等次尚未确定"):
        records.record_create(
            cadre=head_a,
            kind="commendation",
            for_year=YEAR,
            document_no="青组奖〔2026〕1号",
            issuing_body="中共青山区委组织部",
            date=today(),
            reason="年度考核优秀",
            actor=personas.org_staff.user,
        )
    grade_a, grade_b = TeamGrade.objects.get(unit=a), TeamGrade.objects.get(unit=b)
    client.post(url, {"team_grade": grade_b.pk, "grade": "excellent"})
    grade_b.refresh_from_db()
    assert grade_b.grade == ""  # differs from the proposal without a reason
    client.post(url, {"team_grade": grade_b.pk, "grade": "excellent", "reason": "重点工作获省表彰"})
    response = client.post(url, {"team_grade": grade_a.pk, "grade": "excellent"}, follow=True)
    assert "优秀领导班子名额为 1 个，已确定 1 个" in response.content.decode()
    grade_a.refresh_from_db()
    assert grade_a.grade == ""
    client.post(url, {"team_grade": grade_b.pk, "grade": "good", "reason": "复核后调整"})
    client.post(url, {"team_grade": grade_a.pk, "grade": "excellent"})
    grade_a.refresh_from_db()
    assert grade_a.grade == "excellent" and grade_a.confirmed_by == personas.org_staff.user
    assert list(TeamGrade.objects.get(unit=b).changes.values_list("before", "after", "reason")) == [
        ("", "excellent", "重点工作获省表彰"),
        ("excellent", "good", "复核后调整"),
    ]
    records.record_create(
        cadre=head_a,
        kind="commendation",
        for_year=YEAR,
        document_no="青组奖〔2026〕1号",
        issuing_body="中共青山区委组织部",
        date=today(),
        reason="年度考核优秀",
        actor=personas.org_staff.user,
    )
    assert RewardSanction.objects.filter(cadre=head_a).exists()
    client.force_login(personas.discipline)
    assert client.get(url).status_code == 403


def test_a_non_head_is_not_bound_by_the_team_grade(personas):
    annual_grade(personas.cadre, YEAR)
    records.record_create(
        cadre=personas.cadre,
        kind="merit",
        for_year=YEAR,
        document_no="青组奖〔2026〕2号",
        issuing_body="中共青山区委组织部",
        date=today(),
        reason="年度考核优秀",
        actor=personas.org_staff.user,
    )
