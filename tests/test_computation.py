"""The period computation through its real SQL: golden cases, properties, idempotency, locking, failure."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from achievements.deductions import deduction_reports
from cadres.models import Cadre, UnitCategory
from core.models import JobStatus
from evaluations import rules
from evaluations.lines import sheet_lines
from evaluations.models import (
    BoxOpening,
    EvaluationSettings,
    GroupResult,
    Period,
    PeriodState,
    QuarterlyResult,
    RateeScores,
    RaterGroup,
    SealedSheet,
    SheetQuality,
    UnitGroupSpread,
    UnitSheetTally,
)
from evaluations.services import scoring
from evaluations.services.ballots import ValidSheet, store_sheet

from .factories import CadreFactory, close_and_compute, make_team, open_period, rank, recompute, submit_all

pytestmark = pytest.mark.django_db


def result(period: Period, cadre: Cadre) -> QuarterlyResult:
    return QuarterlyResult.objects.get(period=period, cadre=cadre)


def test_empty_group_weight_is_shared_out(db):
    team = make_team("甲镇", staff=3)
    period = open_period()
    # S1 is rated by the leaders (90, 80 → 85) and the other staff (70, 75 → 72.5); no OTHER group.
    to_s1 = {"M1": 90, "T1": 80, "S2": 70, "S3": 75}
    submit_all(period, lambda rater, ratee: to_s1.get(_name(team, rater), 85) if ratee == team["S1"] else 85)
    close_and_compute(period)
    row = result(period, team["S1"])
    assert row.weighted_score == Decimal("79.64")  # (4×85 + 3×72.5) / 7
    assert row.score == Decimal("79.64") and row.deduction == Decimal("0.00")
    groups = {g.rater_group: g for g in GroupResult.objects.filter(period=period, cadre=team["S1"])}
    assert set(groups) == {RaterGroup.LEADER, RaterGroup.PEER}
    assert (groups[RaterGroup.LEADER].rater_count, groups[RaterGroup.LEADER].average) == (2, Decimal("85.00"))
    assert (groups[RaterGroup.PEER].rater_count, groups[RaterGroup.PEER].average) == (2, Decimal("72.50"))


def _name(team, cadre):
    return next((k for k, v in team.people.items() if v.pk == cadre.pk), None)


def test_exact_half_up_rounding_in_sql(db):
    EvaluationSettings.objects.create(year=2026, leader_weight=1, peer_weight=1, other_weight=1)
    team = make_team("乙镇", team_members=3, staff=2)
    period = open_period()
    to_s1 = {"M1": 85, "T1": 85, "T2": 85, "T3": 86, "S2": 80}  # leaders 85.25, peer 80
    submit_all(period, lambda rater, ratee: to_s1[_name(team, rater)] if ratee == team["S1"] else 80)
    close_and_compute(period)
    assert result(period, team["S1"]).score == Decimal("82.63")  # 82.625 half-up; banker's rounding gives 82.62


def test_drop_the_highest_and_lowest_score_of_a_large_group(db):
    EvaluationSettings.objects.create(
        year=2026, leader_weight=0, peer_weight=1, other_weight=0, drop_extremes=True, drop_extremes_min_raters=7
    )
    team = make_team("丙镇", staff=8)
    period = open_period()
    to_s1 = dict(zip(["S2", "S3", "S4", "S5", "S6", "S7", "S8"], [60, 80, 81, 82, 83, 84, 100], strict=True))
    submit_all(period, lambda rater, ratee: to_s1.get(_name(team, rater), 80) if ratee == team["S1"] else 80)
    close_and_compute(period)
    peers = GroupResult.objects.get(period=period, cadre=team["S1"], rater_group=RaterGroup.PEER)
    assert (peers.rater_count, peers.used_count, peers.dropped_extremes) == (7, 5, True)
    assert result(period, team["S1"]).score == Decimal("82.00")  # 410 / 5; all seven would give 81.43

    EvaluationSettings.objects.filter(year=2026).update(drop_extremes=False)
    recompute(period)
    assert result(period, team["S1"]).score == Decimal("81.43")


def test_competition_rankings_in_unit_rank_level_and_category(db):
    town = make_team("丁镇", staff=4, category=UnitCategory.TOWNSHIP)
    bureau = make_team("丁局", staff=2, category=UnitCategory.DISTRICT_DEPARTMENT)
    level = {
        town["M1"]: 70, town["T1"]: 75, town["S1"]: 88, town["S2"]: 85, town["S3"]: 85, town["S4"]: 80,
        bureau["M1"]: 86, bureau["T1"]: 84, bureau["S1"]: 89, bureau["S2"]: 85,
    }  # fmt: skip
    period = open_period()
    submit_all(period, lambda rater, ratee: level[ratee])
    close_and_compute(period)
    ranks = {
        r.cadre_id: (r.score, r.rank_in_unit, r.unit_size, r.rank_in_rank_level, r.rank_level_size, r.rank_in_category)
        for r in QuarterlyResult.objects.filter(period=period)
    }
    assert ranks[town["S1"].pk] == (Decimal("88.00"), 1, 6, 2, 6, 1)
    assert ranks[town["S2"].pk][1:] == ranks[town["S3"].pk][1:] == (2, 6, 3, 6, 2)  # ties share
    assert ranks[town["S4"].pk][1] == 4 and ranks[town["S4"].pk][3] == 6  # 1, 2, 2, 4 within the unit
    assert ranks[bureau["S1"].pk][1:] == (1, 4, 1, 6, 1)
    assert ranks[bureau["M1"].pk][3:] == (1, 2, 2)  # 正科级: bureau M1 86 above town M1 70; 2nd in its category


def test_deductions_come_from_the_records_service_and_are_subtracted(db):
    team = make_team("戊镇", staff=3)
    late = team["S1"]
    Cadre.objects.filter(pk=late.pk).update(records_from=date(2026, 1, 1))  # no logs in Q1: every day missing
    period = open_period()
    submit_all(period, lambda rater, ratee: 85)
    close_and_compute(period)
    report = deduction_reports(cadres=Cadre.objects.filter(pk=late.pk), year=2026, quarter=1)[late.pk]
    row = result(period, late)
    assert row.missing_log_days == report.missing_day_count > 50 and row.missing_summary
    assert row.deduction == report.quarterly_deduction == Decimal(report.missing_day_count) / 10 + 1
    assert row.score == Decimal("85.00") - row.deduction
    assert result(period, team["S2"]).deduction == 0


def test_computing_twice_gives_the_same_result_set(db):
    team = make_team("己镇", staff=4)
    period = open_period()
    submit_all(period, lambda rater, ratee: 70 + (rater.pk * 7 + ratee.pk * 3) % 19)
    close_and_compute(period)

    def snapshot():
        return sorted(
            QuarterlyResult.objects.filter(period=period).values_list(
                "cadre_id", "weighted_score", "score", "rank_in_unit", "rank_in_rank_level", "rank_in_category"
            )
        ), sorted(GroupResult.objects.filter(period=period).values_list("cadre_id", "rater_group", "used_sum"))

    first = snapshot()
    run = recompute(period)
    assert run.status == JobStatus.SUCCEEDED and run.result_count == len(team.people)
    assert snapshot() == first


def test_the_computation_is_a_constant_number_of_queries(db):
    def queries_for(staff_count: int, name: str) -> int:
        make_team(name, staff=staff_count)
        period = open_period(quarter=staff_count % 4 + 1)
        submit_all(period, lambda rater, ratee: 80)
        periods_run = scoring.computation_request(
            period=Period.objects.get(pk=close_period_only(period).pk), queue=False
        )
        with CaptureQueriesContext(connection) as queries:
            scoring.computation_execute(run_id=periods_run.pk)
        Period.objects.filter(pk=period.pk).delete()
        return len(queries)

    queries_for(2, "试庚镇")  # the first run also fills per-process caches (content types)
    assert queries_for(3, "小庚镇") == queries_for(12, "大庚镇")


def test_a_recompute_deletes_the_previous_results_in_one_statement_each(db):
    # A delete signal on a result model makes Django load the old rows and delete them in batches,
    # one object at a time in Python: seconds at city scale (BENCHMARKS.md).
    make_team("辛镇", staff=6)
    period = open_period()
    submit_all(period, lambda rater, ratee: 80)
    close_and_compute(period)
    with CaptureQueriesContext(connection) as queries:
        run = recompute(period)
    assert run.status == JobStatus.SUCCEEDED
    for table in ("evaluations_quarterlyresult", "evaluations_groupresult"):
        touching = [q["sql"] for q in queries if f'"{table}"' in q["sql"]]
        deletes = [sql for sql in touching if sql.startswith("DELETE")]
        assert len(deletes) == 1 and f'"{table}"."period_id" = ' in deletes[0], deletes
        row_by_row = [sql for sql in touching if sql.startswith("SELECT") and '"id" IN' in sql]
        assert not row_by_row


def close_period_only(period: Period) -> Period:
    from evaluations.services import periods

    periods.period_close(period=period)
    return period


def test_a_failing_run_leaves_the_previous_results_and_says_why(db, monkeypatch):
    team = make_team("辛镇", staff=3)
    period = open_period()
    submit_all(period, lambda rater, ratee: 80)
    close_and_compute(period)
    before = list(QuarterlyResult.objects.filter(period=period).values_list("cadre_id", "score", "rank_in_unit"))

    def broken(period, now):
        raise RuntimeError("disk full")

    monkeypatch.setattr(scoring, "_quarter_results", broken)
    run = scoring.computation_request(period=period, queue=False)
    with pytest.raises(RuntimeError):
        scoring.computation_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED and "disk full" in run.error
    assert (
        list(QuarterlyResult.objects.filter(period=period).values_list("cadre_id", "score", "rank_in_unit")) == before
    )
    period.refresh_from_db()
    assert period.state == PeriodState.COMPUTED and team  # still the earlier, complete result


def test_a_run_that_already_succeeded_is_not_repeated(db):
    make_team("壬镇", staff=2)
    period = open_period()
    submit_all(period, lambda rater, ratee: 80)
    run = close_and_compute(period)
    with CaptureQueriesContext(connection) as queries:
        again = scoring.computation_execute(run_id=run.pk)
    assert again.status == JobStatus.SUCCEEDED and again.attempts == 1 and len(queries) <= 2


def test_quality_flags_find_flat_and_outlying_sheets_by_sheet_only(db):
    team = make_team("癸镇", team_members=2, staff=5)
    period = open_period()
    flat, harsh = team["S1"], team["S2"]

    def score(rater, ratee):
        if rater == flat:
            return 85
        if rater == harsh:
            return 55 + ratee.pk % 3
        return 84 + ratee.pk % 4

    submit_all(period, score)
    close_and_compute(period)
    rows = list(SheetQuality.objects.filter(period=period))
    assert len(rows) == 8  # one quality row per sheet, flagged or not
    flags = [f for f in rows if f.is_flagged]
    assert sorted((f.is_flat, f.is_outlier) for f in flags) == [(False, True), (True, False)]
    outlier = next(f for f in flags if f.is_outlier)
    assert outlier.deviation >= 25 and outlier.mean_score < 58
    field_names = {f.name for f in SheetQuality._meta.get_fields()}
    assert not field_names & {"rater", "assignment", "submission", "user", "ratee", "score_count", "sheet"}


def test_two_runs_at_once_produce_one_result_set(transactional_db):
    from .factories import ensure_default_ranks

    ensure_default_ranks()
    team = make_team("并发镇", staff=6)
    period = open_period()
    submit_all(period, lambda rater, ratee: 70 + (rater.pk + ratee.pk) % 19)
    from evaluations.services import periods

    periods.period_close(period=period)
    runs = [scoring.computation_request(period=period, queue=False) for _ in range(2)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work(run_id: int) -> None:
        try:
            barrier.wait()
            scoring.computation_execute(run_id=run_id)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(run.pk,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert [r.status for r in type(runs[0]).objects.filter(pk__in=[r.pk for r in runs])] == [JobStatus.SUCCEEDED] * 2
    assert QuarterlyResult.objects.filter(period=period).count() == len(team.people)
    assert GroupResult.objects.filter(period=period).values("cadre_id", "rater_group").distinct().count() == (
        GroupResult.objects.filter(period=period).count()
    )


# --- Properties ---------------------------------------------------------------------------------

score_values = st.integers(min_value=50, max_value=100)


@pytest.fixture
def property_period(db):
    team = make_team("性质镇", team_members=2, staff=4)
    other = make_team("性质局", staff=2, category=UnitCategory.DISTRICT_DEPARTMENT)
    externals = [CadreFactory(unit=other.unit, rank=rank("一般干部"))]
    from evaluations.services.configuration import evaluator_scope_save

    evaluator_scope_save(unit=team.unit, superiors=[other["M1"]], externals=externals)
    Cadre.objects.filter(pk=team["S4"].pk).update(records_from=date(2026, 3, 2))
    period = open_period()
    close_period_only(period)
    period.refresh_from_db()
    return period


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    data=st.data(),
    weights=st.tuples(*[st.sampled_from([0, 1, 2, 3, 4, 5]) for _ in range(3)]).filter(lambda w: sum(w) > 0),
    drop=st.booleans(),
)
def test_sql_matches_the_rules_and_stays_in_range(property_period, data, weights, drop):
    period = property_period
    EvaluationSettings.objects.update_or_create(
        year=2026,
        unit_category="",
        defaults={"leader_weight": weights[0], "peer_weight": weights[1], "other_weight": weights[2],
                  "drop_extremes": drop, "drop_extremes_min_raters": 3},
    )  # fmt: skip
    for model in (BoxOpening, RateeScores, SheetQuality, UnitSheetTally, UnitGroupSpread, SealedSheet):
        model.objects.filter(period=period).delete()
    given_scores: dict[tuple[int, str], list[int]] = {}
    from evaluations.models import SheetAssignment

    for sheet in SheetAssignment.objects.filter(period=period).select_related("unit"):
        lines = sheet_lines(sheet)
        if not data.draw(st.booleans(), label="submitted"):
            continue
        scores = {line.ratee_id: data.draw(score_values) for line in lines}
        store_sheet(
            period=period,
            unit=sheet.unit,
            source="online",
            groups={line.ratee_id: line.rater_group for line in lines},
            valid=ValidSheet(scores=scores),
        )
        for line in lines:
            given_scores.setdefault((line.ratee_id, line.rater_group), []).append(scores[line.ratee_id])
    recompute(period)

    settings_row = rules.settings_for(2026)
    weights_map = rules.group_weights(settings_row)
    rows = list(QuarterlyResult.objects.filter(period=period))
    for row in rows:
        groups = {}
        for group in RaterGroup.values:
            values = given_scores.get((row.cadre_id, group), [])
            groups[group] = rules.used_scores(
                len(values), sum(values), min(values, default=0), max(values, default=0), settings_row
            )
        expected = rules.weighted_score(groups, weights_map)
        assert row.weighted_score == expected
        if expected is None:
            assert row.score is None and row.rank_in_unit is None
            continue
        # The score stays within the range, minus the deductions.
        assert settings_row.score_min - row.deduction <= row.score <= settings_row.score_max - row.deduction
        assert row.score == expected - row.deduction

    scored = [r for r in rows if r.score is not None]
    for key, size_field, rank_field in (
        ("unit_id", "unit_size", "rank_in_unit"),
        ("rank_id", "rank_level_size", "rank_in_rank_level"),
        ("unit_category", "category_size", "rank_in_category"),
    ):
        partitions: dict = {}
        for r in scored:
            partitions.setdefault(getattr(r, key), []).append(r)
        for members in partitions.values():
            # Competition ranks: one plus the number of strictly better scores, sizes are the partition.
            assert [getattr(r, rank_field) for r in members] == rules.competition_ranks([r.score for r in members])
            assert {getattr(r, size_field) for r in members} == {len(members)}
            ordered = sorted(members, key=lambda r: getattr(r, rank_field))
            assert [r.score for r in ordered] == sorted((r.score for r in members), reverse=True)
