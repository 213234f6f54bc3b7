"""用实绩: democratic evaluation, unit scores, annual score by role, quota, calibration, use of results."""

from __future__ import annotations

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluations.errors import GradesNotConfirmed
from evaluations.inputs import SheetInput
from evaluations.lines import sheet_lines
from evaluations.models import (
    AnnualResult,
    DemocraticScore,
    EvaluationSettings,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Grade,
    GradeChange,
    PeriodKind,
    PeriodState,
    ProblemItem,
    ProblemTick,
    SheetAssignment,
    UnitAnnualScore,
)
from evaluations.services import annual, ballots, periods

from .evaluation_helpers import box_sheets, close_and_compute, make_team, open_period, submit_all

pytestmark = pytest.mark.django_db
DIMS = ("virtue", "ability", "diligence", "performance", "integrity")


def submit_democratic(period, score_of, problems_of=lambda rater, ratee: [], team_of=lambda rater: []):
    for sheet in SheetAssignment.objects.filter(period=period).select_related("rater"):
        lines = sheet_lines(sheet)
        data = SheetInput(
            dimensions={line.ratee_id: dict.fromkeys(DIMS, score_of(sheet.rater, line.ratee)) for line in lines},
            problems={line.ratee_id: problems_of(sheet.rater, line.ratee) for line in lines},
            team_problems=team_of(sheet.rater),
        )
        ballots.sheet_submit(assignment_id=sheet.pk, rater=sheet.rater, data=data)


@pytest.fixture
def year_2025(db):
    """Two computed quarters, a democratic evaluation, a unit score: ready to compute the year."""
    team = make_team("年度镇", team_members=1, staff=4, accounts=True)  # 6 cadres: one Excellent place
    quarters = {1: {"M1": 84, "S1": 85, "S2": 80, "S3": 75, "S4": 70, "T1": 82}, 2: {"M1": 86, "S1": 85}}
    for quarter, levels in quarters.items():
        period = open_period(2025, quarter)
        submit_all(period, lambda rater, ratee, levels=levels: levels.get(_name(team, ratee), 78))
        close_and_compute(period)
    annual_period = open_period(2025, None, kind=PeriodKind.ANNUAL)
    democratic = {"M1": 90, "S1": 90, "S2": 88, "S3": 80, "S4": 70, "T1": 85}
    submit_democratic(
        annual_period,
        lambda rater, ratee: democratic.get(_name(team, ratee), 80),
        problems_of=lambda rater, ratee: [ProblemItem.ABILITY] if _name(team, ratee) == "S4" else [],
        team_of=lambda rater: [ProblemItem.DIRECTION] if _name(team, rater) in ("S1", "S2", "S3") else [],
    )
    annual.unit_annual_score_save(unit=team.unit, year=2025, score=Decimal("95"), actor=None)
    return team, annual_period


def _name(team, cadre):
    return next((k for k, v in team.people.items() if v.pk == cadre.pk), None)


def result(team, name) -> AnnualResult:
    return AnnualResult.objects.get(year=2025, cadre=team[name])


def test_annual_score_by_role_from_democratic_unit_and_quarterly_scores(year_2025):
    team, period = year_2025
    close_and_compute(period)
    leader, staff = result(team, "M1"), result(team, "S1")
    assert (leader.democratic_score, leader.unit_score, leader.quarterly_mean) == (
        Decimal(90),
        Decimal(95),
        Decimal(85),
    )
    assert leader.annual_score == Decimal("88.50")  # 10%·90 + 30%·95 + 60%·85
    assert (staff.democratic_score, staff.unit_score, staff.quarterly_mean) == (Decimal(90), Decimal(95), Decimal(85))
    assert staff.annual_score == Decimal("87.50")  # 10%·90 + 20%·95 + 70%·85
    assert (leader.democratic_weight, leader.unit_weight, leader.quarterly_weight) == (10, 30, 60)
    assert (leader.democratic_rater_count, leader.quarter_count) == (5, 2)
    # Every row agrees with the rule in plain Python (exact fractions, half up).
    from evaluations import rules

    settings = rules.settings_for(2025)
    for row in AnnualResult.objects.filter(period=period, annual_score__isnull=False):
        weights = rules.annual_weights(row.role, settings)
        assert row.annual_score == rules.annual_score(row.democratic_score, row.unit_score, row.quarterly_mean, weights)
    # S3: 75 in the first quarter, 78 in the second.
    assert result(team, "S3").quarterly_mean == Decimal("76.50")


def test_proposed_excellent_by_quota_and_ties_left_to_staff(year_2025):
    team, period = year_2025
    close_and_compute(period)
    assert result(team, "M1").proposed_grade == Grade.EXCELLENT and result(team, "M1").excellent_quota == 1
    assert result(team, "S1").proposed_grade == Grade.COMPETENT
    assert result(team, "S4").proposed_grade == Grade.COMPETENT and result(team, "S4").rank_in_unit == 6


def test_a_missing_annual_summary_comes_off_the_democratic_score(db):
    from datetime import date

    from cadres.models import Cadre

    team = make_team("总结镇", team_members=1, staff=3)
    Cadre.objects.filter(pk=team["S1"].pk).update(records_from=date(2025, 1, 1))
    period = open_period(2025, None, kind=PeriodKind.ANNUAL)
    submit_democratic(period, lambda rater, ratee: 86)
    close_and_compute(period)
    late, fine = result_for(team, "S1"), result_for(team, "S2")
    assert (late.democratic_raw, late.democratic_deduction, late.democratic_score) == (86, 1, 85)
    assert (fine.democratic_deduction, fine.democratic_score) == (0, 86)
    # Without unit score or quarters, A is D alone: its weight is the only one left.
    assert late.annual_score == Decimal("85.00")


def test_tie_at_the_quota_boundary(db):
    team = make_team("并列镇", team_members=1, staff=4)
    period = open_period(2025, None, kind=PeriodKind.ANNUAL)
    submit_democratic(period, lambda rater, ratee: 90 if ratee in (team["S1"], team["S2"]) else 80)
    close_and_compute(period)
    top = [result_for(team, n) for n in ("S1", "S2")]
    assert all(r.proposed_grade == Grade.COMPETENT and r.quota_tie and r.rank_in_unit == 1 for r in top)


def result_for(team, name):
    return AnnualResult.objects.get(cadre=team[name])


def test_problem_items_are_counted_and_shown_only_above_the_threshold(client, personas, year_2025):
    team, period = year_2025
    close_and_compute(period)
    client.force_login(personas.org_staff.user)
    text = client.get(reverse("evaluations:annual_detail", args=[result(team, "S4").pk])).content.decode()
    assert "能力水平较差 5" in text and "团结协作不好 0" in text
    leader_page = client.get(reverse("evaluations:annual_detail", args=[result(team, "M1").pk])).content.decode()
    assert "工作思路不清 3" in leader_page  # the leadership team's items, on a leader's page
    # A unit whose people have fewer than three raters: averages and counts hidden, D still counted.
    pair = make_team("两人镇", team_members=0, staff=1)
    small = open_period(2026, None, kind=PeriodKind.ANNUAL)
    submit_democratic(small, lambda rater, ratee: 77, problems_of=lambda rater, ratee: [ProblemItem.SERVICE])
    close_and_compute(small)
    hidden = AnnualResult.objects.get(year=2026, cadre=pair["S1"])
    page = client.get(reverse("evaluations:annual_detail", args=[hidden.pk])).content.decode()
    assert "测评人数少于 3 人" in page and "服务意识不强 <span" in page and "服务意识不强 1" not in page
    assert hidden.democratic_score == Decimal("77")


def test_grades_confirmed_with_a_calibration_trail_then_published(client, personas, year_2025):
    team, period = year_2025
    close_and_compute(period)
    client.force_login(personas.org_staff.user)
    s2 = result(team, "S2")
    refused = client.post(reverse("evaluations:grade_set", args=[s2.pk]), {"grade": Grade.BASICALLY_COMPETENT})
    assert refused.status_code == 200 and "须填写理由" in refused.content.decode()
    client.post(
        reverse("evaluations:grade_set", args=[s2.pk]),
        {"grade": Grade.BASICALLY_COMPETENT, "reason": "年度内受到通报批评"},
    )
    change = GradeChange.objects.get(result=s2)
    assert (change.before, change.after, change.changed_by, change.reason) == (
        Grade.COMPETENT,
        Grade.BASICALLY_COMPETENT,
        personas.org_staff.user,
        "年度内受到通报批评",
    )
    assert change.changed_at is not None
    with pytest.raises(GradesNotConfirmed):
        periods.period_publish(period=period)
    client.post(reverse("evaluations:grades_confirm", args=[period.pk]))
    assert not AnnualResult.objects.filter(period=period, grade="", annual_score__isnull=False).exists()
    assert result(team, "S2").grade == Grade.BASICALLY_COMPETENT  # a decided grade is not overwritten
    page = client.get(reverse("evaluations:annual_detail", args=[s2.pk])).content.decode()
    assert "年度内受到通报批评" in page and "称职 → 基本称职" in page
    client.post(reverse("evaluations:period_action", args=[period.pk, "publish"]))
    period.refresh_from_db()
    assert (
        period.state == PeriodState.PUBLISHED
        and AnnualResult.objects.filter(year=2025, unit=team.unit, is_published=True).count() == 6
    )
    with pytest.raises(Exception, match="不能调整等次"):
        annual.grade_set(result=result(team, "S1"), grade=Grade.EXCELLENT, reason="x", actor=personas.org_staff.user)
    assert LogEntry.objects.filter(content_type__model="annualresult").exists()


def test_recomputing_keeps_decided_grades(year_2025):
    team, period = year_2025
    close_and_compute(period)
    annual.grade_set(result=result(team, "S1"), grade=Grade.EXCELLENT, reason="突出贡献", actor=None)
    from .evaluation_helpers import recompute

    recompute(period)
    assert result(team, "S1").grade == Grade.EXCELLENT and result(team, "S1").proposed_grade == Grade.COMPETENT


def test_last_places_raise_follow_ups_that_staff_close_with_a_note(client, personas, year_2025):
    team, period = year_2025
    # A 6-person unit is judged within itself once the small-unit size is 5 or less (default 8).
    for year in (2024, 2025):
        EvaluationSettings.objects.create(year=year, small_unit_size=5)
    close_and_compute(period)
    AnnualResult.objects.create(
        cadre=team["S4"], year=2024, unit=team.unit, unit_category=team.unit.category, role="staff",
        rank=team["S4"].rank, annual_score=70, rank_in_unit=6, unit_size=6, grade=Grade.COMPETENT, is_published=True,
    )  # fmt: skip
    annual.grades_confirm(period=period, actor=personas.org_staff.user)
    periods.period_publish(period=period)
    follow_up = FollowUp.objects.get(year=2025, annual_result__unit=team.unit)
    assert (follow_up.cadre, follow_up.kind, follow_up.consecutive_years) == (
        team["S4"],
        FollowUpKind.ADMONITION_TALK,
        2,
    )
    periods.period_unpublish(period=period)
    periods.period_publish(period=period)
    assert FollowUp.objects.filter(year=2025, cadre=team["S4"]).count() == 1  # publishing again: nothing twice

    client.force_login(personas.org_staff.user)
    url = reverse("evaluations:follow_up_detail", args=[follow_up.pk])
    assert "连续 2 年末位" in client.get(url).content.decode()
    blank = client.post(url, {"note": "  "})
    assert blank.status_code == 200 and "errorlist" in blank.content.decode()
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.OPEN
    client.post(url, {"note": "已由镇党委书记进行诫勉谈话，本人作出书面检查。"})
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.CLOSED and follow_up.closed_by == personas.org_staff.user
    assert follow_up.closed_at and "诫勉谈话" in follow_up.note
    listing = client.get(reverse("evaluations:follow_up_list"), {"status": "closed"}).content.decode()
    assert team["S4"].name in listing


def test_use_of_results_flags_link_to_the_rule_and_the_numbers(client, personas, year_2025):
    team, period = year_2025
    close_and_compute(period)
    annual.grades_confirm(period=period, actor=personas.org_staff.user)
    periods.period_publish(period=period)
    client.force_login(personas.org_staff.user)
    response = client.get(reverse("evaluations:use_of_results"), {"year": 2025})
    flags = list(response.context["page"])
    kinds = {(f.result.cadre_id, f.kind) for f in flags}
    assert (team["M1"].pk, "promotion") in kinds  # 优秀 this year
    assert (team["S4"].pk, "last_place") in kinds and (team["S4"].pk, "promotion") not in kinds
    text = response.content.decode()
    assert "#rule-promotion" in text and "#rule-last-place" in text and "提醒谈话" in text
    rules_page = client.get(reverse("evaluations:rules"), {"year": 2025}).content.decode()
    assert 'id="rule-promotion"' in rules_page and "前 50%" in rules_page
    only_last = client.get(reverse("evaluations:use_of_results"), {"year": 2025, "kind": "last_place"})
    assert {f.kind for f in only_last.context["page"]} == {"last_place"}
    assert "flag-tally" in text


def test_unit_scores_entered_or_imported_all_or_nothing(client, personas):
    client.force_login(personas.org_staff.user)
    url = reverse("evaluations:unit_scores") + "?year=2025"
    client.post(url, {"save": "1", "one-unit": personas.unit.pk, "one-score": "93.5"})
    assert UnitAnnualScore.objects.get(unit=personas.unit, year=2025).score == Decimal("93.5")
    good = f"单位,年度考核得分,说明\n{personas.unit.name},94,复核后\n{personas.other_unit.name},88.25,\n".encode()
    client.post(url, {"upload": "1", "file-file": SimpleUploadedFile("u.csv", good)})
    assert UnitAnnualScore.objects.get(unit=personas.unit).score == Decimal("94")
    bad = f"单位,年度考核得分\n{personas.unit.name},90\n不存在的单位,90\n{personas.other_unit.name},101\n".encode()
    response = client.post(url, {"upload": "1", "file-file": SimpleUploadedFile("u.csv", bad)})
    issues = [(i.line, i.column) for i in response.context["issues"]]
    assert issues == [(3, "单位"), (4, "年度考核得分")]
    assert UnitAnnualScore.objects.get(unit=personas.unit).score == Decimal("94")  # nothing changed


def test_cadre_sees_own_published_annual_result_only(client, personas, year_2025):
    team, period = year_2025
    close_and_compute(period)
    own = result(team, "S1")
    client.force_login(team["S1"].user)
    assert client.get(reverse("evaluations:annual_detail", args=[own.pk])).status_code == 404
    annual.grades_confirm(period=period, actor=personas.org_staff.user)
    periods.period_publish(period=period)
    page = client.get(reverse("evaluations:annual_detail", args=[own.pk])).content.decode()
    assert "87.50" in page and "确定或调整等次" not in page
    assert client.get(reverse("evaluations:annual_detail", args=[result(team, "S2").pk])).status_code == 404
    api = client.get("/api/evaluations/annual-results/").json()
    assert [r["cadre_code"] for r in api["results"]] == [team["S1"].code]


def test_democratic_sheets_keep_no_rater_and_refuse_out_of_range(year_2025):
    team, period = year_2025
    assert len(box_sheets(period)) == 6 and not DemocraticScore.objects.filter(period=period).exists()
    close_and_compute(period)  # the box opens: one row per ratee and sheet, no sheet key
    assert DemocraticScore.objects.filter(period=period).count() == 30
    assert ProblemTick.objects.filter(period=period, ratee__isnull=True).count() == 3
    period2 = open_period(2026, None, kind=PeriodKind.ANNUAL)
    sheet = SheetAssignment.objects.filter(period=period2, rater=team["S1"]).first()
    lines = sheet_lines(sheet)
    data = SheetInput(dimensions={line.ratee_id: dict.fromkeys(DIMS, 80) for line in lines})
    data.dimensions[lines[0].ratee_id]["integrity"] = 101
    with pytest.raises(ballots.SheetRuleBroken, match="评分范围"):
        ballots.sheet_submit(assignment_id=sheet.pk, rater=team["S1"], data=data)


def test_democratic_sheet_page_in_the_browser_form(client, year_2025):
    team, _period = year_2025
    period = open_period(2026, None, kind=PeriodKind.ANNUAL)
    sheet = SheetAssignment.objects.get(period=period, rater=team["S1"], unit=team.unit)
    client.force_login(team["S1"].user)
    url = reverse("evaluations:sheet_fill", args=[sheet.pk])
    page = client.get(url).content.decode()
    assert "年度民主测评表" in page and "内部管理混乱" in page and "思想意识不好" in page
    data = {"submit": "1", "team": ProblemItem.MANAGEMENT}
    for line in sheet_lines(sheet):
        for dim in DIMS:
            data[f"dim-{line.ratee_id}-{dim}"] = "86"
        data[f"problem-{line.ratee_id}"] = ProblemItem.TEAMWORK
    response = client.post(url, data)
    assert response.status_code == 200 and "回执码" in response.content.decode()
    (sealed,) = box_sheets(period)
    assert [item for _r, item in sealed["problems"]] == [ProblemItem.TEAMWORK] * 5
    assert sealed["team_problems"] == [ProblemItem.MANAGEMENT]


def test_no_last_place_where_the_whole_unit_ties_or_the_unit_has_one_cadre(db):
    """Units where everyone shares rank 1 (or one cadre alone) have no last place; a tie at the bottom still does."""
    from evaluations import selectors

    from .factories import CadreFactory, UnitFactory

    def results(ranks: list[int], *, year: int = 2025, people=None):
        unit = people[0].unit if people else UnitFactory()
        people = people or [CadreFactory(unit=unit) for _ in ranks]
        for cadre, position in zip(people, ranks, strict=True):
            AnnualResult.objects.create(
                cadre=cadre, year=year, unit=unit, unit_category=unit.category, role="staff", rank=cadre.rank,
                annual_score=80, rank_in_unit=position, unit_size=len(ranks), grade=Grade.COMPETENT,
                is_published=True,
            )  # fmt: skip
        return people

    # These rules are about the unit itself: no unit counts as small here (see test_small_unit_last_place).
    for year in (2024, 2025):
        EvaluationSettings.objects.create(year=year, small_unit_size=1)
    tied = results([1, 1, 1])
    alone = results([1])
    bottom_tie = results([1, 2, 2])
    # All tied in 2024, then last in 2025: one year of last place, not two.
    streak = results([1, 1], year=2024)
    results([1, 2], people=streak)

    annual.follow_ups_create(year=2025)
    assert set(FollowUp.objects.values_list("cadre_id", "kind")) == {
        (bottom_tie[1].pk, FollowUpKind.REMINDER_TALK),
        (bottom_tie[2].pk, FollowUpKind.REMINDER_TALK),
        (streak[1].pk, FollowUpKind.REMINDER_TALK),
    }
    flagged = {f.result.cadre_id for f in selectors.use_of_results(2025, kind="last_place")}
    assert flagged == {bottom_tie[1].pk, bottom_tie[2].pk, streak[1].pk}
    assert not flagged & {c.pk for c in (*tied, *alone)}


def test_use_of_results_opens_the_latest_year_with_annual_results(client, personas, year_2025):
    _team, period = year_2025
    close_and_compute(period)
    open_period(2026, 1)  # a later year with periods but no annual results yet
    client.force_login(personas.org_staff.user)
    response = client.get(reverse("evaluations:use_of_results"))
    assert response.status_code == 200 and response.context["year"] == 2025
    assert {f.result.year for f in response.context["page"]} == {2025}
    assert response.context["page"].paginator.count > 0
    assert client.get(reverse("evaluations:use_of_results"), {"year": 2026}).context["year"] == 2026


@pytest.mark.parametrize("units", [2, 12])
def test_unit_scores_page_takes_the_same_queries_for_any_number_of_units_and_cadres(
    client, personas, django_assert_max_num_queries, units
):
    for i in range(units):
        team = make_team(f"计分{i}", staff=units)
        annual.unit_annual_score_save(unit=team.unit, year=2026, score=Decimal("90"), actor=personas.org_staff.user)
    client.force_login(personas.org_staff.user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("evaluations:unit_scores"), {"year": 2026})
    text = response.content.decode()
    assert response.status_code == 200 and text.count(personas.org_staff.name) >= units
