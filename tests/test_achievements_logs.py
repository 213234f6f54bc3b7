"""Daily logs: the backfill window on every path (service, page, API, admin), lengths, the calendar."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from achievements import rules, selectors, services
from achievements.errors import BackfillClosed, FutureDay, TextTooShort
from achievements.models import DailyLog, LeavePeriod, RecordRules, WorkdayOverride
from achievements.rules import SHANGHAI
from cadres.models import UnitCategory

from .factories import CHINESE_LOG, CadreFactory, UnitFactory
from .support import closed_day, open_past_day, today

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


# --- The window, with fixed dates -------------------------------------------------------------------


def test_log_can_be_written_until_the_end_of_the_fifth_working_day_across_spring_festival():
    cadre = CadreFactory(records_from=date(2025, 1, 1))
    # Fri 13 Feb 2026: 14 Feb (调休 Saturday), 24, 25, 26, 27 Feb are the five working days after it.
    log = services.daily_log_save(
        author=cadre, day=date(2026, 2, 13), text=CHINESE_LOG, now=at(date(2026, 2, 27), 23, 59)
    )
    assert log.text == CHINESE_LOG
    with pytest.raises(BackfillClosed) as refused:
        services.daily_log_save(
            author=cadre, day=date(2026, 2, 13), text=CHINESE_LOG + "补充", now=at(date(2026, 2, 28), 0, 0)
        )
    assert refused.value.message == (
        "2026年2月13日 的工作日志补记期限已于 2026年2月27日 24:00 截止，系统不再接收填写或修改。"
    )
    assert DailyLog.objects.get(pk=log.pk).text == CHINESE_LOG


def test_national_day_holiday_and_its_adjusted_saturday_extend_the_window():
    cadre = CadreFactory(records_from=date(2025, 1, 1))
    # Wed 30 Sep 2026: 8, 9, 10 (调休 Saturday), 12, 13 Oct.
    services.daily_log_save(author=cadre, day=date(2026, 9, 30), text=CHINESE_LOG, now=at(date(2026, 10, 13), 22))
    with pytest.raises(BackfillClosed) as refused:
        services.daily_log_save(author=cadre, day=date(2026, 9, 30), text=CHINESE_LOG, now=at(date(2026, 10, 14), 8))
    assert "2026年10月13日 24:00" in refused.value.message


def test_a_year_without_calendar_data_uses_weekdays_and_staff_overrides():
    cadre = CadreFactory(records_from=date(2025, 1, 1))
    # 2027 is beyond the package: Mon 1 Mar + Tue 2 … Mon 8 Mar is the fifth working day.
    services.daily_log_save(author=cadre, day=date(2027, 3, 1), text=CHINESE_LOG, now=at(date(2027, 3, 8), 20))
    with pytest.raises(BackfillClosed):
        services.daily_log_save(author=cadre, day=date(2027, 3, 1), text=CHINESE_LOG, now=at(date(2027, 3, 9), 0, 1))
    # Staff declare Wed 3 Mar a holiday: the window now ends a day later.
    WorkdayOverride.objects.create(day=date(2027, 3, 3), is_workday=False, note="地方假日")
    services.daily_log_save(author=cadre, day=date(2027, 3, 1), text=CHINESE_LOG + "。", now=at(date(2027, 3, 9), 10))


def test_window_length_is_a_setting_per_unit_category():
    township = UnitFactory(category=UnitCategory.TOWNSHIP)
    cadre = CadreFactory(unit=township, records_from=date(2025, 1, 1))
    RecordRules.objects.create(year=2026, unit_category=UnitCategory.TOWNSHIP, backfill_workdays=2)
    with pytest.raises(BackfillClosed) as refused:
        # Mon 9 Mar: 10, 11 Mar → closed on the 12th for a township cadre.
        services.daily_log_save(author=cadre, day=date(2026, 3, 9), text=CHINESE_LOG, now=at(date(2026, 3, 12)))
    assert "2026年3月11日 24:00" in refused.value.message
    other = CadreFactory(unit=UnitFactory(category=UnitCategory.DISTRICT_DEPARTMENT), records_from=date(2025, 1, 1))
    services.daily_log_save(author=other, day=date(2026, 3, 9), text=CHINESE_LOG, now=at(date(2026, 3, 12)))


def test_future_days_and_short_texts_are_refused_with_the_numbers():
    cadre = CadreFactory()
    with pytest.raises(FutureDay):
        services.daily_log_save(author=cadre, day=date(2026, 3, 10), text=CHINESE_LOG, now=at(date(2026, 3, 9)))
    with pytest.raises(TextTooShort) as short:
        services.daily_log_save(author=cadre, day=date(2026, 3, 9), text="  开会。   \n ", now=at(date(2026, 3, 9)))
    assert short.value.message == "内容至少需要 15 个字，现在只有 3 个字。"
    RecordRules.objects.create(year=2026, daily_log_min_chars=5)
    services.daily_log_save(author=cadre, day=date(2026, 3, 9), text="参加镇党委会。", now=at(date(2026, 3, 9)))


def test_text_is_stored_as_the_counter_counts_it():
    cadre = CadreFactory()
    log = services.daily_log_save(
        author=cadre,
        day=date(2026, 3, 9),
        text="  上午：走访农户五户。\r\n下午：整理台账并报送统计数据。  ",
        now=at(date(2026, 3, 9)),
    )
    assert log.text == "上午：走访农户五户。\n下午：整理台账并报送统计数据。"


def test_editing_keeps_one_log_per_day_and_the_unit_it_was_written_in():
    cadre = CadreFactory()
    first_unit = cadre.unit
    services.daily_log_save(author=cadre, day=date(2026, 3, 9), text=CHINESE_LOG, now=at(date(2026, 3, 9)))
    cadre.unit = UnitFactory()
    cadre.save()
    services.daily_log_save(author=cadre, day=date(2026, 3, 9), text=CHINESE_LOG + "补充", now=at(date(2026, 3, 10)))
    log = DailyLog.objects.get(author=cadre)
    assert (log.text, log.unit) == (CHINESE_LOG + "补充", first_unit)


# --- The month calendar ------------------------------------------------------------------------------


def test_month_calendar_marks_logged_missing_open_leave_and_holidays():
    cadre = CadreFactory(records_from=date(2026, 9, 1))
    now = at(date(2026, 10, 14), 10)
    for day in (date(2026, 9, 28), date(2026, 10, 10), date(2026, 10, 12)):
        services.daily_log_save(author=cadre, day=day, text=CHINESE_LOG, now=at(day, 18))
    LeavePeriod.objects.create(cadre=cadre, start=date(2026, 10, 8), end=date(2026, 10, 9))
    month = selectors.log_month(cadre=cadre, year=2026, month=10, now=now)
    cells = {c.day: c for week in month.weeks for c in week}
    assert cells[date(2026, 9, 28)].status == "logged" and not cells[date(2026, 9, 28)].in_month
    assert cells[date(2026, 9, 29)].status == "missing"  # window closed on 13 Oct with 30 Sep
    assert cells[date(2026, 10, 1)].status == "rest" and cells[date(2026, 10, 1)].label == "国庆节"
    assert cells[date(2026, 10, 8)].status == "leave"
    assert cells[date(2026, 10, 10)].label == "调休上班" and cells[date(2026, 10, 10)].status == "logged"
    assert cells[date(2026, 10, 13)].status == "open" and cells[date(2026, 10, 13)].writable
    assert cells[date(2026, 10, 14)].status == "open" and cells[date(2026, 10, 14)].is_today
    assert cells[date(2026, 10, 15)].status == "future" and not cells[date(2026, 10, 15)].writable
    assert month.counts["leave"] == 2 and month.counts["logged"] == 2


def test_month_calendar_across_the_spring_festival_holiday():
    # As of Wed 25 Feb 2026, 10:00: the holiday (15–23 Feb) does not use up anyone's window.
    cadre = CadreFactory(records_from=date(2026, 1, 1))
    month = selectors.log_month(cadre=cadre, year=2026, month=2, now=at(date(2026, 2, 25), 10))
    cells = {c.day: c for week in month.weeks for c in week}
    assert cells[date(2026, 2, 10)].status == "missing"  # 11, 12, 13, 14, 24 Feb: closed
    assert cells[date(2026, 2, 11)].status == "open"  # closes with 25 Feb
    assert cells[date(2026, 2, 13)].status == "open"
    assert cells[date(2026, 2, 13)].deadline == datetime(2026, 2, 28, tzinfo=SHANGHAI)
    assert (cells[date(2026, 2, 14)].is_workday, cells[date(2026, 2, 14)].label) == (True, "调休上班")
    for day in range(15, 24):
        cell = cells[date(2026, 2, day)]
        assert (cell.status, cell.label) == ("rest", "春节"), day
    assert cells[date(2026, 2, 28)].is_workday and cells[date(2026, 2, 28)].status == "future"
    assert month.counts["missing"] == len(
        [d for d, c in cells.items() if c.in_month and c.is_workday and d <= date(2026, 2, 10)]
    )


# --- Through the page ------------------------------------------------------------------------------


def test_cadre_writes_todays_log_on_the_page(client, personas):
    client.force_login(personas.cadre.user)
    page = client.get(reverse("achievements:my_logs")).content.decode()
    assert 'data-counter-target="50"' in page and 'data-counter-min="15"' in page
    response = client.post(reverse("achievements:my_logs"), {"day": today().isoformat(), "text": CHINESE_LOG})
    assert response.status_code == 302
    assert DailyLog.objects.get(author=personas.cadre, day=today()).text == CHINESE_LOG
    followed = client.get(response["Location"]).content.decode()
    assert "已保存" in followed and CHINESE_LOG in followed


def test_the_home_page_form_saves_and_comes_back_home(client, personas):
    client.force_login(personas.cadre.user)
    home = client.get(reverse("home")).content.decode()
    assert 'id="today-log-card"' in home
    response = client.post(
        reverse("achievements:my_logs"), {"day": today().isoformat(), "text": CHINESE_LOG, "next": "/"}
    )
    assert response["Location"] == "/"
    evil = client.post(
        reverse("achievements:my_logs"),
        {"day": today().isoformat(), "text": CHINESE_LOG, "next": "https://evil.example/"},
    )
    assert evil["Location"].startswith(reverse("achievements:my_logs"))


def test_page_refuses_an_old_day_naming_the_deadline_and_keeps_the_text(client, personas):
    client.force_login(personas.cadre.user)
    old = closed_day()
    response = client.post(reverse("achievements:my_logs"), {"day": old.isoformat(), "text": CHINESE_LOG})
    assert response.status_code == 200
    page = response.content.decode()
    assert "补记期限已于" in page and "24:00 截止" in page and CHINESE_LOG in page
    assert not DailyLog.objects.filter(author=personas.cadre).exists()
    frozen = client.get(reverse("achievements:my_logs"), {"day": old.isoformat()}).content.decode()
    assert 'id="frozen-note"' in frozen and "24:00" in frozen


def test_page_refuses_short_and_future_logs_with_the_numbers_and_saves_nothing(client, personas):
    """The page leaves the rules' check to daily_log_save (once per save): its refusals still come
    back on the form, next to the text, with the typed text kept."""
    client.force_login(personas.cadre.user)
    short = client.post(reverse("achievements:my_logs"), {"day": today().isoformat(), "text": "太短了"})
    assert short.status_code == 200
    page = short.content.decode()
    assert "内容至少需要 15 个字，现在只有 3 个字。" in page and "太短了" in page
    future = client.post(
        reverse("achievements:my_logs"), {"day": (today() + timedelta(days=1)).isoformat(), "text": CHINESE_LOG}
    )
    assert future.status_code == 200 and CHINESE_LOG in future.content.decode()
    assert future.context["form"].errors
    assert not DailyLog.objects.filter(author=personas.cadre).exists()


def test_a_saving_post_reads_the_rules_and_the_calendar_no_more_than_needed(client, personas):
    client.force_login(personas.cadre.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("achievements:my_logs"), {"day": today().isoformat(), "text": CHINESE_LOG})
    assert response.status_code == 302
    sql = [q["sql"] for q in queries.captured_queries]
    # The page's composer once, the save's check once (its window and minimum from one row).
    assert sum('FROM "achievements_recordrules"' in q for q in sql) == 2
    assert sum('FROM "achievements_workdayoverride"' in q for q in sql) == 2


def test_the_calendar_answers_each_day_once_and_the_same_as_without_memory():
    overrides = {date(2026, 10, 10): False, date(2026, 10, 11): True}
    calendar, fresh = rules.WorkCalendar(overrides), rules.WorkCalendar(dict(overrides))
    days = [date(2026, 9, 20) + timedelta(days=n) for n in range(40)]
    first = [calendar.is_workday(d) for d in days]
    assert first == [calendar.is_workday(d) for d in days]
    assert first == [fresh._is_workday(d) for d in days]
    assert calendar.is_workday(date(2026, 10, 1)) is False and calendar.is_workday(date(2026, 10, 11)) is True
    assert calendar.is_workday(date(2026, 10, 10)) is False  # an override wins over the package
    assert set(calendar._workdays) == set(days)


def test_page_backfills_an_open_day_from_last_week(client, personas):
    client.force_login(personas.cadre.user)
    day = open_past_day(personas.cadre)
    client.post(reverse("achievements:my_logs"), {"day": day.isoformat(), "text": CHINESE_LOG})
    assert DailyLog.objects.get(author=personas.cadre, day=day).text == CHINESE_LOG


# --- Through the API and the admin -----------------------------------------------------------------------


def test_api_applies_the_same_window_and_lengths(client, personas):
    client.force_login(personas.cadre.user)
    created = client.post(
        "/api/daily-logs/", {"day": today().isoformat(), "text": CHINESE_LOG}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["editable"] is True
    again = client.post(
        "/api/daily-logs/",
        {"day": today().isoformat(), "text": CHINESE_LOG + "。", "version": created.json()["version"]},
        content_type="application/json",
    )
    assert again.status_code == 200 and DailyLog.objects.filter(author=personas.cadre).count() == 1
    old = client.post(
        "/api/daily-logs/", {"day": closed_day().isoformat(), "text": CHINESE_LOG}, content_type="application/json"
    )
    assert old.status_code == 400
    assert "补记期限已于" in old.json()["day"][0]
    short = client.post(
        "/api/daily-logs/", {"day": today().isoformat(), "text": "开会"}, content_type="application/json"
    )
    assert short.status_code == 400 and "至少需要 15 个字" in short.json()["text"][0]
    log_id = created.json()["id"]
    patched = client.patch(
        f"/api/daily-logs/{log_id}/",
        {"text": CHINESE_LOG + "修改", "version": again.json()["version"]},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["text"] == CHINESE_LOG + "修改"
    client.force_login(personas.colleague.user)
    foreign = client.patch(f"/api/daily-logs/{log_id}/", {"text": CHINESE_LOG}, content_type="application/json")
    assert foreign.status_code == 403


def test_api_refuses_to_edit_a_frozen_log(client, personas):
    old = closed_day()
    log = DailyLog.objects.create(author=personas.cadre, unit=personas.unit, day=old, text=CHINESE_LOG)
    client.force_login(personas.cadre.user)
    response = client.patch(
        f"/api/daily-logs/{log.pk}/",
        {"text": "改写后的内容，改写后的内容，改写后的内容。"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "截止" in response.json()["day"][0]
    assert DailyLog.objects.get(pk=log.pk).text == CHINESE_LOG


def test_api_log_list_costs_the_same_queries_for_a_long_page(client, personas):
    """Each row's deadline and editable flag come from one calendar and one rules lookup."""
    client.force_login(personas.cadre.user)
    days = [today() - timedelta(days=n) for n in range(10)]
    DailyLog.objects.create(author=personas.cadre, unit=personas.unit, day=days[0], text=CHINESE_LOG)
    with CaptureQueriesContext(connection) as one_log:
        assert client.get("/api/daily-logs/").json()["count"] == 1
    for author in [personas.colleague, *(CadreFactory(unit=personas.unit) for _ in range(3))]:
        DailyLog.objects.bulk_create(DailyLog(author=author, unit=personas.unit, day=d, text=CHINESE_LOG) for d in days)
    with CaptureQueriesContext(connection) as many_logs:
        listed = client.get("/api/daily-logs/").json()
    assert listed["count"] == 41
    assert len(many_logs) == len(one_log)
    mine = next(row for row in listed["results"] if row["author"] == personas.cadre.pk)
    assert mine["editable"] is True
    assert mine["deadline"] == rules.log_deadline(days[0], unit=personas.unit).isoformat()


def test_admin_applies_the_window_too(client, personas):
    old = closed_day()
    frozen = DailyLog.objects.create(author=personas.cadre, unit=personas.unit, day=old, text=CHINESE_LOG)
    client.force_login(personas.admin)
    change = client.post(
        reverse("admin:achievements_dailylog_change", args=[frozen.pk]),
        {"author": personas.cadre.pk, "day": old.isoformat(), "text": "管理员改写的内容，管理员改写的内容。"},
    )
    assert change.status_code == 200 and "补记期限已于" in change.content.decode()
    assert DailyLog.objects.get(pk=frozen.pk).text == CHINESE_LOG
    add = client.post(
        reverse("admin:achievements_dailylog_add"),
        {"author": personas.colleague.pk, "day": (old - timedelta(days=1)).isoformat(), "text": CHINESE_LOG},
    )
    assert add.status_code == 200 and "补记期限已于" in add.content.decode()
    assert not DailyLog.objects.filter(author=personas.colleague).exists()
    assert (
        client.post(reverse("admin:achievements_dailylog_delete", args=[frozen.pk]), {"post": "yes"}).status_code == 403
    )
    assert DailyLog.objects.filter(pk=frozen.pk).exists()
    fresh = client.post(
        reverse("admin:achievements_dailylog_add"),
        {"author": personas.colleague.pk, "day": today().isoformat(), "text": CHINESE_LOG},
    )
    assert fresh.status_code == 302
    assert DailyLog.objects.get(author=personas.colleague).unit == personas.unit


def test_odd_dates_in_the_address_never_break_the_page(client, personas):
    client.force_login(personas.cadre.user)
    for query in ({"day": "0001-01-01"}, {"day": "9999-12-31"}, {"month": "2026-13"}, {"month": "1-1"}, {"day": "x"}):
        assert client.get(reverse("achievements:my_logs"), query).status_code == 200, query
    assert client.get(reverse("achievements:summary_annual", args=[9999])).status_code == 404
    assert client.get(reverse("achievements:summary_quarter", args=[2026, 5])).status_code == 404


# --- No save replaces text its author did not see ------------------------------------------------------


def test_service_refuses_to_replace_a_log_other_than_the_one_edited():
    from achievements.errors import LogChanged

    cadre = CadreFactory(records_from=date(2026, 1, 1))
    now = at(date(2026, 3, 10))
    first = services.daily_log_save(author=cadre, day=date(2026, 3, 9), text=CHINESE_LOG, now=now)
    with pytest.raises(LogChanged) as caught:
        services.daily_log_save(
            author=cadre, day=date(2026, 3, 9), text=CHINESE_LOG + "今天的", expected_version="", now=now
        )
    assert caught.value.current_text == CHINESE_LOG and caught.value.current_version == first.version
    assert DailyLog.objects.get(author=cadre, day=date(2026, 3, 9)).text == CHINESE_LOG
    saved = services.daily_log_save(
        author=cadre, day=date(2026, 3, 9), text=CHINESE_LOG + "今天的", expected_version=first.version, now=now
    )
    assert saved.text == CHINESE_LOG + "今天的"


def test_the_log_page_for_a_day_shows_that_days_log_and_its_version(client, personas):
    day = open_past_day(personas.cadre)
    log = DailyLog.objects.create(author=personas.cadre, unit=personas.unit, day=day, text=CHINESE_LOG)
    client.force_login(personas.cadre.user)
    page = client.get(reverse("achievements:my_logs"), {"day": day.isoformat()})
    assert page.context["form"]["text"].value() == CHINESE_LOG
    assert page.context["form"]["version"].value() == log.version
    assert f'value="{log.version}"' in page.content.decode()


def test_saving_over_a_day_whose_log_was_not_shown_is_refused_and_keeps_what_was_typed(client, personas):
    """The form was loaded for today (no log, version ""); the date was changed to a day with a log."""
    day = open_past_day(personas.cadre)
    existing = DailyLog.objects.create(author=personas.cadre, unit=personas.unit, day=day, text=CHINESE_LOG)
    client.force_login(personas.cadre.user)
    typed = "今天上午参加镇党委会，下午到青石村走访，核实了三户困难群众的低保材料。"
    response = client.post(reverse("achievements:my_logs"), {"day": day.isoformat(), "text": typed, "version": ""})
    text = response.content.decode()
    assert response.status_code == 200
    assert "已有一篇日志" in text and "本次没有保存" in text and CHINESE_LOG in text
    assert response.context["form"]["text"].value() == typed
    assert DailyLog.objects.get(pk=existing.pk).text == CHINESE_LOG
    # The author has now seen the stored text; the form carries its version, so saving again replaces it.
    assert response.context["form"]["version"].value() == existing.version
    again = client.post(
        reverse("achievements:my_logs"), {"day": day.isoformat(), "text": typed, "version": existing.version}
    )
    assert again.status_code == 302
    assert DailyLog.objects.get(pk=existing.pk).text == typed


def test_a_stale_version_is_refused_after_someone_saved_the_day_meanwhile(client, personas):
    day = open_past_day(personas.cadre)
    log = DailyLog.objects.create(author=personas.cadre, unit=personas.unit, day=day, text=CHINESE_LOG)
    seen = log.version
    log.text = CHINESE_LOG + "（另一个窗口里改过）"
    log.save()
    client.force_login(personas.cadre.user)
    response = client.post(
        reverse("achievements:my_logs"), {"day": day.isoformat(), "text": CHINESE_LOG + "我的修改", "version": seen}
    )
    assert response.status_code == 200 and "另一个窗口里改过" in response.content.decode()
    assert DailyLog.objects.get(pk=log.pk).text == CHINESE_LOG + "（另一个窗口里改过）"


def test_api_answers_409_with_the_stored_text_instead_of_overwriting(client, personas):
    day = open_past_day(personas.cadre)
    log = DailyLog.objects.create(author=personas.cadre, unit=personas.unit, day=day, text=CHINESE_LOG)
    client.force_login(personas.cadre.user)
    blind = client.post(
        "/api/daily-logs/", {"day": day.isoformat(), "text": CHINESE_LOG + "覆盖"}, content_type="application/json"
    )
    assert blind.status_code == 409
    body = blind.json()
    assert body["text"] == CHINESE_LOG and body["version"] == log.version
    assert "已有一篇日志" in body["non_field_errors"][0]
    stale = client.patch(
        f"/api/daily-logs/{log.pk}/",
        {"text": CHINESE_LOG + "覆盖", "version": f"{day.isoformat()}@2000-01-01T00:00:00+00:00"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert DailyLog.objects.get(pk=log.pk).text == CHINESE_LOG
    listed = client.get(f"/api/daily-logs/{log.pk}/").json()
    assert listed["version"] == log.version
    informed = client.post(
        "/api/daily-logs/",
        {"day": day.isoformat(), "text": CHINESE_LOG + "覆盖", "version": listed["version"]},
        content_type="application/json",
    )
    assert informed.status_code == 200 and informed.json()["text"] == CHINESE_LOG + "覆盖"
