"""A rater's sheet through HTTP and the API: draft, submit once, the rules named, anonymity kept."""

from __future__ import annotations

import struct
import threading

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evaluations.inputs import SheetInput
from evaluations.lines import sheet_lines
from evaluations.models import (
    PeriodState,
    SealedSheet,
    SheetAssignment,
    SheetDraft,
    SheetSubmission,
)
from evaluations.sealing import receipt_code, unseal_bytes
from evaluations.services import ballots, periods
from evaluations.sheet_format import decode_packed

from .factories import assignment, make_team, open_period
from .support import box_scores, box_sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet_setup(db):
    team = make_team("测评镇", team_members=2, staff=5, accounts=True)  # 8 people: 7 ratees per sheet, band 2
    period = open_period()
    rater = team["S1"]
    return team, period, rater, assignment(period, rater, team.unit)


def form(sheet: SheetAssignment, values: list, action: str = "submit") -> dict:
    lines = sheet_lines(sheet)
    data = {f"score-{line.ratee_id}": value for line, value in zip(lines, values, strict=True)}
    data[action] = "1"
    return data


def test_rater_sees_their_sheet_with_the_band_counter(client, sheet_setup):
    team, _period, rater, sheet = sheet_setup
    client.force_login(rater.user)
    listing = client.get(reverse("evaluations:my_sheets")).content.decode()
    assert "测评镇" in listing and "评价 7 人" in listing
    page = client.get(reverse("evaluations:sheet_fill", args=[sheet.pk])).content.decode()
    assert 'data-limit="2"' in page and 'data-threshold="90"' in page and "高分档还可打" in page
    assert team["S2"].name in page and f'name="score-{team["S2"].pk}"' in page
    assert f'name="score-{rater.pk}"' not in page  # never themself
    assert "<script>" not in page and 'style="' not in page


def test_a_submitted_sheet_keeps_no_trace_of_the_rater(client, sheet_setup):
    _team, period, rater, sheet = sheet_setup
    client.force_login(rater.user)
    client.post(reverse("evaluations:sheet_fill", args=[sheet.pk]), form(sheet, [88, 91, "", "", "", "", ""], "draft"))
    assert SheetDraft.objects.filter(assignment=sheet).exists()
    response = client.post(
        reverse("evaluations:sheet_fill", args=[sheet.pk]), form(sheet, [88, 91, 85, 80, 79, 90, 70])
    )
    # The receipt is shown once, in this response; nothing on the server says whose it is.
    receipt = SealedSheet.objects.get(period=period)
    assert response.status_code == 200 and receipt_code(bytes(receipt.sealed)) in response.content.decode()
    assert SheetSubmission.objects.get(assignment=sheet).submitted_on == timezone.localdate()
    assert not SheetDraft.objects.filter(assignment=sheet).exists()  # the draft is gone
    assert box_scores(period) == [70, 79, 80, 85, 88, 90, 91]
    # Sealed, not stored in clear: no run of the plaintext's packed columns (ratee ids and scores,
    # 28 bytes and 14 bytes) is in the stored bytes. (A two-byte needle such as b"88" turns up in
    # random ciphertext about once in a hundred sheets, so it proves nothing.)
    plaintext = unseal_bytes(bytes(receipt.sealed), context=SealedSheet.context(period.pk, sheet.unit_id))
    packed = decode_packed(plaintext)
    assert sorted(struct.unpack(f"<{packed.count}h", packed.scores)) == [70, 79, 80, 85, 88, 90, 91]
    assert packed.ratees not in bytes(receipt.sealed) and packed.scores not in bytes(receipt.sealed)
    # Nothing is audited at the moment of submission: the trail would order submissions.
    assert not LogEntry.objects.filter(content_type__model="sheetsubmission").exists()
    page = client.get(reverse("evaluations:sheet_fill", args=[sheet.pk])).content.decode()
    assert "已经提交" in page and 'name="score-' not in page


def test_too_many_high_scores_are_refused_naming_the_rule_and_keeping_the_input(client, sheet_setup):
    _team, _period, rater, sheet = sheet_setup
    client.force_login(rater.user)
    response = client.post(
        reverse("evaluations:sheet_fill", args=[sheet.pk]), form(sheet, [95, 92, 90, 80, 79, 85, 70])
    )
    assert response.status_code == 200  # the page again, with the problems
    text = response.content.decode()
    assert "强制分档" in text and "最多 2 人" in text and "现有 3 人" in text
    assert 'value="95"' in text and 'value="70"' in text  # what the rater typed stays
    assert not SealedSheet.objects.exists() and not SheetSubmission.objects.exists()


@pytest.mark.parametrize(
    ("values", "rule"),
    [
        ([101, 80, 80, 80, 80, 80, 80], "评分范围"),
        ([49, 80, 80, 80, 80, 80, 80], "评分范围"),
        (["85.5", 80, 80, 80, 80, 80, 80], "评分须为整数"),
        ([80, "", 80, 80, 80, 80, 80], "尚未评分"),
    ],
)
def test_breaking_sheets_are_refused_with_the_rule(client, sheet_setup, values, rule):
    _team, _period, rater, sheet = sheet_setup
    client.force_login(rater.user)
    response = client.post(reverse("evaluations:sheet_fill", args=[sheet.pk]), form(sheet, values))
    assert response.status_code == 200 and rule in response.content.decode()
    assert not SealedSheet.objects.exists()


def test_a_draft_may_break_the_band_but_never_the_range(client, sheet_setup):
    _team, _period, rater, sheet = sheet_setup
    client.force_login(rater.user)
    ok = client.post(
        reverse("evaluations:sheet_fill", args=[sheet.pk]), form(sheet, [95, 92, 91, "", "", "", ""], "draft")
    )
    assert ok.status_code == 302 and SheetDraft.objects.get(assignment=sheet).data["scores"]
    bad = client.post(
        reverse("evaluations:sheet_fill", args=[sheet.pk]), form(sheet, [120, "", "", "", "", "", ""], "draft")
    )
    assert bad.status_code == 200 and "评分范围" in bad.content.decode()


def test_a_second_submit_counts_once(client, sheet_setup):
    _team, period, rater, sheet = sheet_setup
    client.force_login(rater.user)
    url = reverse("evaluations:sheet_fill", args=[sheet.pk])
    client.post(url, form(sheet, [80] * 7))
    again = client.post(url, form(sheet, [60] * 7), follow=True)
    assert "已经提交" in again.content.decode()
    assert SealedSheet.objects.filter(period=period).count() == 1
    assert sorted(set(box_scores(period))) == [80]


def test_nobody_else_can_open_or_fill_a_sheet(client, sheet_setup, personas):
    team, _period, _rater, sheet = sheet_setup
    url = reverse("evaluations:sheet_fill", args=[sheet.pk])
    for user in (team["S2"].user, team["M1"].user, personas.org_staff.user, personas.admin):
        client.force_login(user)
        expected = 403 if user == personas.admin else 404
        assert client.get(url).status_code == expected
        assert client.post(url, form(sheet, [80] * 7)).status_code == expected
    assert not SealedSheet.objects.exists()


def test_after_the_close_nothing_more_is_accepted_and_drafts_are_gone(client, sheet_setup):
    team, period, rater, sheet = sheet_setup
    ballots.sheet_save_draft(assignment_id=sheet.pk, rater=rater, data=SheetInput(scores={team["S2"].pk: 80}))
    periods.period_close(period=period)
    assert not SheetDraft.objects.exists()
    client.force_login(rater.user)
    response = client.post(reverse("evaluations:sheet_fill", args=[sheet.pk]), form(sheet, [80] * 7), follow=True)
    assert "已截止" in response.content.decode() and not box_sheets(period)


def test_api_submit_with_rules_and_conflict(client, sheet_setup):
    _team, _period, rater, sheet = sheet_setup
    client.force_login(rater.user)
    listing = client.get("/api/evaluations/my-sheets/").json()
    assert [s["id"] for s in listing["results"]] == [sheet.pk] and listing["results"][0]["ratee_count"] == 7
    lines = client.get(f"/api/evaluations/my-sheets/{sheet.pk}/lines/").json()
    scores = {str(line["ratee_id"]): 95 for line in lines}
    refused = client.post(
        f"/api/evaluations/my-sheets/{sheet.pk}/submit/", {"scores": scores}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["rules"] == ["band"]
    scores = {str(line["ratee_id"]): 80 for line in lines}
    url = f"/api/evaluations/my-sheets/{sheet.pk}/submit/"
    accepted = client.post(url, {"scores": scores}, content_type="application/json")
    assert accepted.status_code == 200
    assert accepted.json()["receipt"] == receipt_code(bytes(SealedSheet.objects.get().sealed))
    assert client.post(url, {"scores": scores}, content_type="application/json").status_code == 409
    assert SealedSheet.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_sheet_count_once():
    from .factories import ensure_default_ranks

    ensure_default_ranks()
    team = make_team("并发测评镇", staff=4, accounts=True)
    period = open_period()
    sheet = assignment(period, team["S1"], team.unit)
    body = form(sheet, [80, 81, 82, 83, 84])
    url = reverse("evaluations:sheet_fill", args=[sheet.pk])
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def post() -> None:
        try:
            browser = Client()
            browser.force_login(team["S1"].user)
            barrier.wait()
            statuses.append(browser.post(url, body).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [200, 302, 302, 302]  # one receipt; the other clicks land on the sheet list
    assert SheetSubmission.objects.filter(assignment=sheet).count() == 1
    assert SealedSheet.objects.filter(period=period).count() == 1 and len(box_scores(period)) == 5
    assert period.__class__.objects.get(pk=period.pk).state == PeriodState.OPEN


HUGE_SCORES = ["99999999999999999999", "1e309", "-1e309", "NaN", "inf", "-5", "1e2000", "9" * 5000]


@pytest.mark.parametrize("value", HUGE_SCORES)
@pytest.mark.parametrize("action", ["submit", "draft"])
def test_huge_or_infinite_scores_get_the_range_message(client, sheet_setup, value, action):
    _team, _period, rater, sheet = sheet_setup
    client.force_login(rater.user)
    response = client.post(reverse("evaluations:sheet_fill", args=[sheet.pk]), form(sheet, [value, *[80] * 6], action))
    text = response.content.decode()
    assert response.status_code == 200 and "评分范围：每个分数须为 50–100 的整数" in text
    assert "不是整数" not in text
    assert not SealedSheet.objects.exists() and not SheetDraft.objects.exists()


def test_api_huge_or_infinite_scores_get_the_range_message(client, sheet_setup):
    _team, _period, rater, sheet = sheet_setup
    client.force_login(rater.user)
    ratees = [line.ratee_id for line in sheet_lines(sheet)]
    url = f"/api/evaluations/my-sheets/{sheet.pk}/submit/"
    raw_values = [*(f'"{v}"' for v in HUGE_SCORES), "99999999999999999999", "1e309", "-1e309", "1e2000"]
    for raw in raw_values:
        others = ", ".join(f'"{r}": 80' for r in ratees[1:])
        body = f'{{"scores": {{"{ratees[0]}": {raw}, {others}}}}}'
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, raw
        assert response.json()["rules"] == ["range"], (raw, response.json())
        assert "50–100" in response.json()["scores"][0]
    huge_key = client.post(url, {"scores": {"9" * 5000: 80}}, content_type="application/json")
    assert huge_key.status_code == 400 and huge_key.json()["rules"] == ["missing"]
    for literal in ("NaN", "Infinity"):  # not JSON at all: refused before any rule
        body = f'{{"scores": {{"{ratees[0]}": {literal}}}}}'
        assert client.post(url, body, content_type="application/json").status_code == 400
    assert not SealedSheet.objects.exists()
