"""Quarterly and annual summaries, leave marked by unit leaders, and the cadre's deduction page."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from achievements import selectors, services
from achievements.deductions import deduction_report
from achievements.errors import LeaveOverlaps, SummaryClosed, SummaryNotOpen, TextTooShort, YearOutOfRange
from achievements.models import DailyLog, LeavePeriod, RecordRules, Summary, SummaryKind
from achievements.rules import SHANGHAI, WorkCalendar
from cadres.models import UnitCategory, UnitRole

from .factories import CHINESE_LOG, CadreFactory, UnitFactory
from .support import today

pytestmark = pytest.mark.django_db
QUARTERLY = "本季度围绕乡村振兴重点任务，完成了高标准农田建设验收、秋粮收购和医保征缴等工作。" * 3
ANNUAL = QUARTERLY * 3


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def test_summary_lengths_follow_the_settings():
    cadre = CadreFactory()
    with pytest.raises(TextTooShort) as short:
        services.summary_save(
            author=cadre, kind=SummaryKind.QUARTERLY, year=2026, quarter=3, text="太短", now=at(date(2026, 9, 30))
        )
    assert short.value.minimum == 100
    with pytest.raises(TextTooShort) as annual:
        services.summary_save(
            author=cadre, kind=SummaryKind.ANNUAL, year=2026, text=QUARTERLY, now=at(date(2026, 12, 31))
        )
    assert annual.value.minimum == 200
    services.summary_save(author=cadre, kind=SummaryKind.ANNUAL, year=2026, text=ANNUAL, now=at(date(2026, 12, 31)))
    RecordRules.objects.create(year=2026, quarterly_summary_min_chars=10)
    services.summary_save(
        author=cadre,
        kind=SummaryKind.QUARTERLY,
        year=2026,
        quarter=3,
        text="本季度完成三项重点任务。",
        now=at(date(2026, 9, 30)),
    )


def test_summary_is_due_after_the_period_plus_the_window():
    cadre = CadreFactory()
    # Q3 2026 ends Wed 30 Sep; the window runs over National Day to the end of 13 Oct.
    services.summary_save(
        author=cadre, kind=SummaryKind.QUARTERLY, year=2026, quarter=3, text=QUARTERLY, now=at(date(2026, 10, 13), 23)
    )
    with pytest.raises(SummaryClosed) as closed:
        services.summary_save(
            author=cadre,
            kind=SummaryKind.QUARTERLY,
            year=2026,
            quarter=3,
            text=QUARTERLY + "。",
            now=at(date(2026, 10, 14), 0),
        )
    assert closed.value.message == "2026年第3季度小结的填写期限已于 2026年10月13日 24:00 截止，系统不再接收填写或修改。"
    with pytest.raises(SummaryNotOpen):
        services.summary_save(
            author=cadre, kind=SummaryKind.QUARTERLY, year=2026, quarter=4, text=QUARTERLY, now=at(date(2026, 9, 30))
        )
    assert Summary.objects.get().text == QUARTERLY


def test_summary_pages_and_api(client, personas):
    client.force_login(personas.cadre.user)
    year, quarter = today().year, (today().month - 1) // 3 + 1
    listing = client.get(reverse("achievements:summaries")).content.decode()
    assert f"{year}年第{quarter}季度小结" in listing and f"{year}年度总结" in listing
    url = reverse("achievements:summary_quarter", args=[year, quarter])
    assert 'data-counter-min="100"' in client.get(url).content.decode()
    short = client.post(url, {"text": "太短"})
    assert short.status_code == 200 and "至少需要 100 个字" in short.content.decode()
    assert client.post(url, {"text": QUARTERLY}).status_code == 302
    assert Summary.objects.get(author=personas.cadre).quarter == quarter
    api = client.post(
        "/api/summaries/",
        {"kind": "quarterly", "year": year - 1, "quarter": 1, "text": QUARTERLY},
        content_type="application/json",
    )
    assert api.status_code == 400 and "截止" in api.json()["text"][0]


@pytest.mark.parametrize(
    "payload", [{"kind": "annual", "year": 32767}, {"kind": "quarterly", "year": 9999, "quarter": 4}]
)
def test_a_summary_for_a_year_the_calendar_cannot_hold_is_refused_not_a_server_error(client, personas, payload):
    client.force_login(personas.cadre.user)
    api = client.post("/api/summaries/", {**payload, "text": QUARTERLY}, content_type="application/json")
    assert api.status_code == 400 and "year" in api.json()
    client.force_login(personas.admin)
    admin = client.post(
        reverse("admin:achievements_summary_add"), {"author": personas.cadre.pk, **payload, "text": QUARTERLY}
    )
    assert admin.status_code == 200 and not Summary.objects.exists()
    with pytest.raises(YearOutOfRange) as refused:
        services.summary_save(author=personas.cadre, text=QUARTERLY, **payload)
    assert refused.value.field == "year" and "2000" in refused.value.message


# --- Leave ---------------------------------------------------------------------------------------


def test_unit_leader_marks_leave_for_the_cadres_of_units_they_lead(client, personas):
    client.force_login(personas.leader.user)
    start = today() - timedelta(days=3)
    response = client.post(
        reverse("achievements:leave_list"),
        {
            "cadre": personas.cadre.code,
            "start": start.isoformat(),
            "end": today().isoformat(),
            "kind": "leave",
            "note": "病假",
        },
    )
    assert response.status_code == 302
    period = LeavePeriod.objects.get()
    assert (period.cadre, period.marked_by) == (personas.cadre, personas.leader.user)
    assert LogEntry.objects.get_for_object(period).get().actor == personas.leader.user
    overlap = client.post(
        reverse("achievements:leave_list"),
        {"cadre": personas.cadre.code, "start": today().isoformat(), "end": today().isoformat(), "kind": "leave"},
    )
    assert "重叠" in overlap.content.decode() and LeavePeriod.objects.count() == 1
    # Not for themselves, not for another unit's cadre.
    for target in (personas.leader, personas.stranger):
        refused = client.post(
            reverse("achievements:leave_list"),
            {"cadre": target.code, "start": today().isoformat(), "end": today().isoformat(), "kind": "leave"},
        )
        assert refused.status_code == 200 and LeavePeriod.objects.count() == 1
        assert "不是您可以登记请假的干部" in refused.content.decode()
    lookup = client.get(reverse("achievements:participant_lookup"), {"q": "干部", "scope": "leave"}).json()["results"]
    assert [c["name"] for c in lookup] == ["张干部"]  # not 孙镇干部 of another unit
    prefilled = client.get(reverse("achievements:leave_list"), {"cadre": personas.cadre.pk}).content.decode()
    assert f'value="张干部（{personas.cadre.code}）"' in prefilled
    client.force_login(personas.superior_leader.user)
    client.post(
        reverse("achievements:leave_list"),
        {
            "cadre": f"{personas.leader.name}（{personas.leader.code}）",
            "start": today().isoformat(),
            "end": today().isoformat(),
            "kind": "training",
        },
    )
    assert LeavePeriod.objects.filter(cadre=personas.leader).exists()
    client.force_login(personas.cadre.user)
    assert client.get(reverse("achievements:leave_list")).status_code == 403


def test_a_team_member_marks_leave_for_ordinary_cadres_but_not_for_the_leadership_above_or_beside(client, personas):
    # The main leader's and the other team members' leave is marked by the main leader, the
    # leader of the unit above, or org staff: a deputy does not register the leave of their chief.
    peer = CadreFactory(unit=personas.unit, role=UnitRole.TEAM_MEMBER, with_account=True)
    below = UnitFactory(parent=personas.unit)
    chief_below = CadreFactory(unit=below, role=UnitRole.MAIN_LEADER)
    client.force_login(personas.team_member.user)
    for target in (personas.leader, peer):
        refused = client.post(reverse("achievements:leave_list"), leave_form(target))
        assert "不是您可以登记请假的干部" in refused.content.decode()
    lookup = client.get(reverse("achievements:participant_lookup"), {"q": personas.leader.name, "scope": "leave"})
    assert lookup.json()["results"] == []
    for target in (personas.cadre, chief_below):
        assert client.post(reverse("achievements:leave_list"), leave_form(target)).status_code == 302
    client.force_login(personas.leader.user)
    assert client.post(reverse("achievements:leave_list"), leave_form(peer)).status_code == 302
    assert set(LeavePeriod.objects.values_list("cadre", flat=True)) == {personas.cadre.pk, chief_below.pk, peer.pk}
    # Leave already marked for the main leader is not the deputy's to delete either.
    chief_leave = services.leave_mark(
        cadre=personas.leader, start=today(), end=today(), actor=personas.superior_leader.user
    )
    client.force_login(personas.team_member.user)
    assert client.post(reverse("achievements:leave_delete", args=[chief_leave.pk])).status_code == 404


def leave_form(cadre):
    return {"cadre": cadre.code, "start": today().isoformat(), "end": today().isoformat(), "kind": "leave"}


def test_overlapping_leave_is_refused_by_the_service(personas):
    services.leave_mark(cadre=personas.cadre, start=date(2026, 3, 2), end=date(2026, 3, 6), actor=personas.leader.user)
    with pytest.raises(LeaveOverlaps):
        services.leave_mark(
            cadre=personas.cadre, start=date(2026, 3, 6), end=date(2026, 3, 9), actor=personas.leader.user
        )


# --- Deductions ------------------------------------------------------------------------------------


def test_deduction_page_lists_missing_days_and_points(client, personas):
    cadre = personas.cadre
    cadre.records_from = date(today().year, 1, 1)
    cadre.save()
    year = today().year
    DailyLog.objects.create(author=cadre, unit=cadre.unit, day=date(year, 1, 5), text=CHINESE_LOG)
    client.force_login(cadre.user)
    page = client.get(reverse("achievements:my_deductions"), {"year": year, "quarter": 1}).content.decode()
    report = deduction_report(cadre=cadre, year=year, quarter=1)
    assert report.missing_day_count > 0
    assert f'id="missing-count">{report.missing_day_count}<' in page
    first_missing = report.missing_days[0]
    assert f"{first_missing.month}月{first_missing.day}日" in page
    assert f"{report.quarterly_deduction:.2f}" in page
    assert "第1季度小结缺交" in page
    client.force_login(personas.leader.user)
    assert (
        client.get(reverse("achievements:cadre_deductions", args=[cadre.pk]), {"year": year, "quarter": 1}).status_code
        == 200
    )
    client.force_login(personas.stranger.user)
    assert client.get(reverse("achievements:cadre_deductions", args=[cadre.pk])).status_code == 404


def test_deductions_use_the_window_of_the_cadres_unit_category():
    township = CadreFactory(unit=UnitFactory(category=UnitCategory.TOWNSHIP), records_from=date(2025, 1, 1))
    district = CadreFactory(unit=UnitFactory(category=UnitCategory.DISTRICT_DEPARTMENT), records_from=date(2025, 1, 1))
    RecordRules.objects.create(year=2026, unit_category=UnitCategory.TOWNSHIP, backfill_workdays=1)
    # Thu 5 Mar, morning: Tue 3 Mar closed for the township (1-day window) and still open for the district.
    as_of = at(date(2026, 3, 5))
    township_report = deduction_report(cadre=township, year=2026, quarter=1, as_of=as_of)
    district_report = deduction_report(cadre=district, year=2026, quarter=1, as_of=as_of)
    assert date(2026, 3, 3) in township_report.missing_days and date(2026, 3, 4) in township_report.open_days
    assert date(2026, 3, 3) in district_report.open_days and date(2026, 2, 25) in district_report.missing_days
    # 27 Feb, 28 Feb (调休 Saturday), 2 and 3 Mar are closed for one and open for the other.
    assert township_report.missing_day_count == district_report.missing_day_count + 4
    assert township_report.log_deduction - district_report.log_deduction == Decimal("0.40")


def test_leave_days_are_not_missing_in_the_calendar_or_the_report():
    cadre = CadreFactory(records_from=date(2026, 3, 1))
    services.leave_mark(cadre=cadre, start=date(2026, 3, 2), end=date(2026, 3, 13), actor=None)
    report = deduction_report(cadre=cadre, year=2026, quarter=1, as_of=at(date(2026, 5, 1)))
    calendar = WorkCalendar.load(date(2026, 3, 1), date(2026, 3, 31))
    assert report.missing_day_count == len(calendar.workdays(date(2026, 3, 16), date(2026, 3, 31)))


def test_open_days_are_the_unlogged_days_still_inside_the_window():
    cadre = CadreFactory(records_from=date(2026, 3, 1))
    services.daily_log_save(author=cadre, day=date(2026, 3, 10), text=CHINESE_LOG, now=at(date(2026, 3, 10), 18))
    report = deduction_report(cadre=cadre, year=2026, quarter=1, as_of=at(date(2026, 3, 11)))
    assert date(2026, 3, 10) not in report.open_days
    assert date(2026, 3, 9) in report.open_days and date(2026, 3, 11) not in report.open_days  # today


def test_open_days_at_new_year_keep_the_window_of_the_year_they_belong_to():
    # 2025 keeps the default five working days, 2026 shortens it to two. On Wed 7 Jan 2026 the
    # log of Wed 31 Dec 2025 is open until 8 Jan (4, 5, 6, 7, 8 Jan), as the service agrees.
    cadre = CadreFactory(records_from=date(2025, 12, 1))
    RecordRules.objects.create(year=2026, backfill_workdays=2)
    now = at(date(2026, 1, 7), 10)
    assert date(2025, 12, 31) in selectors.open_days(cadre=cadre, now=now)
    services.daily_log_save(author=cadre, day=date(2025, 12, 31), text=CHINESE_LOG, now=now)
    # A 2026 day follows the two-day window: Sun 4 Jan (调休上班) closed with Mon 5 and Tue 6.
    assert date(2026, 1, 4) not in selectors.open_days(cadre=cadre, now=now)


def test_admin_refuses_a_summary_after_its_due_date(client, personas):
    year = today().year - 1
    summary = Summary.objects.create(
        author=personas.cadre, unit=personas.unit, kind=SummaryKind.QUARTERLY, year=year, quarter=1, text=QUARTERLY
    )
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:achievements_summary_change", args=[summary.pk]),
        {"author": personas.cadre.pk, "kind": "quarterly", "year": year, "quarter": 1, "text": QUARTERLY + "改"},
    )
    assert response.status_code == 200 and "的填写期限已于" in response.content.decode()
    assert Summary.objects.get(pk=summary.pk).text == QUARTERLY


# --- Today is not a missing day ------------------------------------------------------------------
# Wed 11 March 2026, mid-morning: 4–10 March are unlogged and still open, today is not missing yet.
WEDNESDAY = date(2026, 3, 11)


def test_today_is_neither_open_nor_missing_in_the_report_the_list_or_the_calendar_counts():
    cadre = CadreFactory(records_from=date(2026, 3, 1))
    now = at(WEDNESDAY, 10)
    report = deduction_report(cadre=cadre, year=2026, quarter=1, as_of=now)
    listed = selectors.open_days(cadre=cadre, now=now)
    assert WEDNESDAY not in report.open_days and WEDNESDAY not in report.missing_days
    assert WEDNESDAY not in listed and date(2026, 3, 10) in listed
    assert listed == report.open_days
    month = selectors.log_month(cadre=cadre, year=2026, month=3, now=now)
    today_cell = next(c for week in month.weeks for c in week if c.day == WEDNESDAY)
    assert today_cell.writable and today_cell.is_today
    assert month.counts["open"] == len(listed)


@pytest.fixture
def wednesday_clock(monkeypatch):
    """The request path reads the real clock: stand it at 10:00 on Wednesday 11 March 2026."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at(WEDNESDAY, 10))


def test_pages_list_past_open_days_for_backfill_but_not_today(client, wednesday_clock):
    cadre = CadreFactory(with_account=True, records_from=date(2026, 3, 1))
    client.force_login(cadre.user)
    expected = selectors.open_days(cadre=cadre, now=at(WEDNESDAY, 10))
    assert len(expected) >= 2
    today_link = f"?day={WEDNESDAY:%Y-%m-%d}#composer"
    home = client.get(reverse("home")).content.decode()
    assert "可补记的缺记日" in home and f"?day={date(2026, 3, 10):%Y-%m-%d}#composer" in home
    assert today_link not in home
    calendar = client.get(reverse("achievements:my_logs")).content.decode()
    assert f"还有 {len(expected)} 天可以补记" in calendar and today_link not in calendar
    assert f"可补记 {len(expected)}<" in calendar
    deductions = client.get(reverse("achievements:my_deductions")).content.decode()
    assert "尚可补记" in deductions and today_link not in deductions
