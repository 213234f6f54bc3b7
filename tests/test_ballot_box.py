"""The ballot box through its real paths: sealing, receipts, the one opening, and no differencing."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.test import override_settings
from django.urls import reverse

from evaluations import sealing
from evaluations.errors import BoxAlreadyOpened, NotOpen, WrongState
from evaluations.inputs import SheetInput
from evaluations.lines import sheet_lines
from evaluations.models import (
    BoxOpening,
    PeriodState,
    QuarterlyResult,
    RateeScores,
    SealedSheet,
    SheetDraft,
    SheetQuality,
    SheetSubmission,
)
from evaluations.services import ballots, paper, periods

from .evaluation_helpers import assignment, box_sheets, close_and_compute, make_team, open_period, submit_all
from .factories import CadreFactory

pytestmark = pytest.mark.django_db

OLD_KEY, NEW_KEY = sealing.new_key(), sealing.new_key()


def submit(period, rater, unit, value_of) -> str:
    sheet = assignment(period, rater, unit)
    scores = {line.ratee_id: value_of(line.ratee) for line in sheet_lines(sheet)}
    return ballots.sheet_submit(assignment_id=sheet.pk, rater=rater, data=SheetInput(scores=scores))


# --- Sealing --------------------------------------------------------------------------------------


def test_a_sealed_value_opens_only_with_its_key_and_in_its_own_context():
    with override_settings(BALLOT_KEYS=[OLD_KEY]):
        token = sealing.seal({"scores": [[1, "peer", 88]]}, context="sheet:1:2")
        assert sealing.unseal(token, context="sheet:1:2") == {"scores": [[1, "peer", 88]]}
        with pytest.raises(sealing.SealError):
            sealing.unseal(token, context="sheet:1:3")  # moved to another unit's box
        tampered = token[:-1] + bytes([token[-1] ^ 1])
        with pytest.raises(sealing.SealError):
            sealing.unseal(tampered, context="sheet:1:2")
        # The same sheet sealed twice gives unrelated tokens of the same length (padded).
        again = sealing.seal({"scores": [[1, "peer", 88]]}, context="sheet:1:2")
        assert again != token and len(again) == len(token)
        longer = sealing.seal({"scores": [[i, "peer", 80] for i in range(20)]}, context="sheet:1:2")
        assert len(longer) == len(token)  # the number of ratees does not show in the length
    with override_settings(BALLOT_KEYS=[NEW_KEY]), pytest.raises(sealing.SealError, match="no longer configured"):
        sealing.unseal(token, context="sheet:1:2")


def test_key_rotation_opens_old_sheets_and_seals_new_ones_with_the_new_key():
    with override_settings(BALLOT_KEYS=[OLD_KEY]):
        old = sealing.seal({"n": 1}, context="c")
    with override_settings(BALLOT_KEYS=[NEW_KEY, OLD_KEY]):
        assert sealing.unseal(old, context="c") == {"n": 1}
        new = sealing.seal({"n": 2}, context="c")
    with override_settings(BALLOT_KEYS=[NEW_KEY]):
        assert sealing.unseal(new, context="c") == {"n": 2}


def test_receipt_codes_are_short_and_typed_in_any_case():
    code = sealing.receipt_code(b"token")
    assert len(code) == 14 and code.count("-") == 2
    assert sealing.normalize_receipt(code.replace("-", "").lower()) == code
    assert sealing.normalize_receipt(" " + code.lower() + " ") == code
    assert sealing.normalize_receipt("not a code") == ""


# --- Submitting -----------------------------------------------------------------------------------


def test_each_submission_reshuffles_the_units_box_under_new_keys(db):
    team = make_team("洗牌镇", staff=4)
    period = open_period()
    raters = [team["S1"], team["S2"], team["S3"]]
    seen: list[set] = []
    for rater in raters:
        submit(period, rater, team.unit, lambda ratee: 80)
        seen.append(set(SealedSheet.objects.filter(period=period).values_list("pk", flat=True)))
    assert [len(ids) for ids in seen] == [1, 2, 3]
    assert not seen[0] & seen[1] and not seen[1] & seen[2]  # every row got a new random key
    assert len(box_sheets(period)) == 3


def test_a_draft_is_sealed_and_only_its_rater_reads_it(client, db):
    team = make_team("草稿镇", staff=3, accounts=True)
    period = open_period()
    sheet = assignment(period, team["S1"], team.unit)
    line = sheet_lines(sheet)[0]
    ballots.sheet_save_draft(assignment_id=sheet.pk, rater=team["S1"], data=SheetInput(scores={line.ratee_id: 77}))
    draft = SheetDraft.objects.get(assignment=sheet)
    # The score as the sheet JSON holds it ("77", quoted): two bare bytes "77" turn up in random
    # ciphertext about once in 600 runs, four do not.
    assert b'"77"' not in bytes(draft.sealed) and draft.data["scores"] == {str(line.ratee_id): "77"}
    client.force_login(team["S1"].user)
    page = client.get(reverse("evaluations:sheet_fill", args=[sheet.pk])).content.decode()
    assert 'value="77"' in page


# --- Opening and receipts -------------------------------------------------------------------------


@pytest.fixture
def opened(db, personas):
    team = make_team("开箱镇", team_members=1, staff=4, accounts=True)
    period = open_period()
    receipts = {}
    for code in ("M1", "T1", "S1", "S2", "S3", "S4"):
        receipts[code] = submit(period, team[code], team.unit, lambda ratee: 70 + ratee.pk % 20)
    return team, period, receipts


def test_opening_writes_shuffled_rows_without_sheet_keys_and_keeps_the_sorted_receipts(opened):
    team, period, receipts = opened
    assert not RateeScores.objects.filter(period=period).exists()  # nothing readable before the close
    close_and_compute(period)
    opening = BoxOpening.objects.get(period=period)
    assert opening.sheet_count == 6 and opening.receipts == sorted(receipts.values())
    # One row per ratee and rater group, its scores sorted: 6 sheets of 5 ratees each.
    rows = list(RateeScores.objects.filter(period=period).values_list("ratee_id", "rater_group", "scores"))
    assert len({(ratee, group) for ratee, group, _s in rows}) == len(rows)
    assert all(scores == sorted(scores) for _r, _g, scores in rows)
    assert sum(len(scores) for _r, _g, scores in rows) == 6 * 5
    assert {ratee for ratee, _g, _s in rows} == {person.pk for person in team.people.values()}
    assert SheetQuality.objects.filter(period=period).count() == 6
    assert not SealedSheet.objects.filter(period=period).exists() and not SheetDraft.objects.exists()
    # Submission records and their audit entries: who and which day, written at the opening.
    assert SheetSubmission.objects.filter(assignment__period=period).count() == 6
    entries = LogEntry.objects.filter(content_type__model="sheetsubmission")
    assert entries.count() == 6 and {e.actor_id for e in entries} == {team[c].user_id for c in receipts}


def test_the_receipt_list_is_for_the_periods_raters_and_staff(client, opened, personas):
    team, period, receipts = opened
    url = reverse("evaluations:receipts", args=[period.pk])
    client.force_login(team["S1"].user)
    assert "尚未开箱" in client.get(url).content.decode()
    close_and_compute(period)
    page = client.get(url, {"code": receipts["S1"].lower().replace("-", "")}).content.decode()
    assert "在名单中：您的测评表已计入" in page and all(code in page for code in receipts.values())
    missing = client.get(url, {"code": "0000-0000-0000"}).content.decode()
    assert "不在名单中" in missing
    typo = client.get(url, {"code": "12345"}).content.decode()
    assert "12 位" in typo
    client.force_login(personas.org_staff.user)
    assert client.get(url).status_code == 200
    # A rater of any unit in the period may check; a cadre who joined after the opening may not.
    client.force_login(personas.cadre.user)
    assert client.get(url).status_code == 200
    newcomer = CadreFactory(unit=team.unit, with_account=True)
    client.force_login(newcomer.user)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_staff_quality_page_shows_only_random_id_unit_mean_distance_and_flags(client, opened, personas):
    _team, period, _receipts = opened
    close_and_compute(period)
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("evaluations:quality", args=[period.pk])).content.decode()
    head = page.split('id="flag-table"')[1].split("</thead>")[0]
    assert [h for h in ("表号", "单位", "平均分", "偏差", "提示") if h in head] == [
        "表号",
        "单位",
        "平均分",
        "偏差",
        "提示",
    ]
    assert "评分个数" not in page and "纸质" not in head


def test_the_audit_trail_shows_submissions_by_day_only(client, opened, personas):
    team, period, _receipts = opened
    close_and_compute(period)
    client.force_login(personas.admin)
    page = client.get(reverse("cadres:audit_log")).content.decode()
    assert "只记日期" in page and team["S1"].name in page


# --- No differencing ------------------------------------------------------------------------------


def test_the_differencing_sequence_is_refused_at_every_step(client, personas, db):
    """Close (computed), read a group average, reopen, let one more rater in, close again: refused."""
    team = make_team("差分镇", team_members=1, staff=5, accounts=True)
    period = open_period()
    late = team["S5"]
    for code in ("M1", "T1", "S1", "S2", "S3", "S4"):
        submit(period, team[code], team.unit, lambda ratee: 60 + ratee.pk % 30)
    close_and_compute(period)
    before = sorted(QuarterlyResult.objects.filter(period=period).values_list("cadre_id", "score"))
    scores_before = sorted(RateeScores.objects.filter(period=period).values_list("ratee_id", "rater_group", "scores"))

    client.force_login(personas.org_staff.user)
    detail = client.get(reverse("evaluations:period_detail", args=[period.pk])).content.decode()
    assert "'reopen'" not in detail and "/reopen/" not in detail and "开箱后不再接收测评表" in detail
    response = client.post(reverse("evaluations:period_action", args=[period.pk, "reopen"]), follow=True)
    assert "前后结果相减" in response.content.decode()
    with pytest.raises(BoxAlreadyOpened):
        periods.period_reopen(period=period)
    with pytest.raises(NotOpen):
        submit(period, late, team.unit, lambda ratee: 50)
    with pytest.raises(WrongState):
        paper.paper_sheets_import(period=period, rows=[paper.PaperRow(2, "X1", "同级", team["S1"].code, 50)])
    periods.period_publish(period=period)
    with pytest.raises(BoxAlreadyOpened):
        periods.period_reopen(period=period)
    client.force_login(late.user)
    sheet = assignment(period, late, team.unit)
    late_post = client.post(reverse("evaluations:sheet_fill", args=[sheet.pk]), {"submit": "1"}, follow=True)
    assert "已截止" in late_post.content.decode()

    assert sorted(QuarterlyResult.objects.filter(period=period).values_list("cadre_id", "score")) == before
    assert (
        sorted(RateeScores.objects.filter(period=period).values_list("ratee_id", "rater_group", "scores"))
        == scores_before
    )
    assert not SheetSubmission.objects.filter(assignment__rater=late).exists()


def test_no_results_exist_while_a_period_takes_sheets(db):
    team = make_team("无结果镇", staff=3)
    period = open_period()
    submit_all(period, lambda rater, ratee: 80)
    periods.period_close(period=period)  # closed, the computation not run yet: the box is sealed
    periods.period_reopen(period=period)
    period.refresh_from_db()
    assert period.state == PeriodState.OPEN
    assert not QuarterlyResult.objects.filter(period=period).exists() and not RateeScores.objects.exists()
    assert len(box_sheets(period)) == len(team.people)  # still sealed, nothing lost
    close_and_compute(period)
    assert BoxOpening.objects.get(period=period).sheet_count == len(team.people)


def test_sealed_sheets_of_another_period_stay_sealed_when_one_opens(db):
    team = make_team("两期镇", staff=3)
    first, second = open_period(2026, 1), open_period(2026, 2)
    submit_all(first, lambda rater, ratee: 80)
    submit_all(second, lambda rater, ratee: 81)
    close_and_compute(first)
    assert len(box_sheets(second)) == len(team.people) and not RateeScores.objects.filter(period=second).exists()
    assert {v for row in RateeScores.objects.filter(period=first) for v in row.scores} == {80}


def test_the_benchmark_times_the_opening_against_the_computation_in_one_transaction(db):
    """bench_box_opening opens a closed period's box and computes it, with a clock between the
    parts: the same rows as a computation run writes, and figures for each part."""
    import json
    from io import StringIO

    from django.core.management import call_command

    first, second = make_team("甲测镇", staff=3), make_team("乙测镇", staff=3)
    period = open_period()
    submit_all(period, lambda rater, ratee: 70 + (ratee.pk * 7 + rater.pk) % 19)  # below the 90-point band
    periods.period_close(period=period)  # closed, not computed: the box is still sealed
    output = StringIO()
    call_command("bench_box_opening", period.code, stdout=output)
    figures = json.loads(output.getvalue())
    assert figures["cadres"] == len(first.people) + len(second.people)
    assert figures["opening"] > 0 and figures["computation"] > 0 and figures["phases"]["insert_rows"] > 0
    assert figures["cpu"]["opening"]["python"] > 0
    lists = RateeScores.objects.filter(period=period).values_list("scores", flat=True)
    assert figures["scores"] == sum(len(scores) for scores in lists) > 20
    assert (
        BoxOpening.objects.get(period=period).sheet_count == figures["sheets"] == len(first.people) + len(second.people)
    )
    assert not SealedSheet.objects.filter(period=period).exists()
    assert QuarterlyResult.objects.filter(period=period).count() == figures["cadres"]
