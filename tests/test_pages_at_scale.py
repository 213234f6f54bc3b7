"""The pages a city loads most cost a fixed number of queries, whatever the number of cadres, and
the results page reads stored figures and a unit tree instead of every unit and every score."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from achievements.models import DailyLog
from cadres.models import Cadre, Unit
from evaluations.models import QuarterlyResult, ScoreDistribution, SheetAssignment, UnitCompletion
from publicity.models import PublicitySettings

from .conftest import _clear_own_cache_keys
from .factories import (
    CadreFactory,
    UnitFactory,
    close_and_compute,
    make_team,
    open_period,
    recompute,
    submit,
    submit_all,
)
from .support import today

pytestmark = pytest.mark.django_db


def queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(captured)


def test_results_page_costs_the_same_queries_for_a_small_and_a_larger_organization(
    client, personas, django_assert_max_num_queries
):
    make_team("小结果镇", staff=2)
    small = open_period(2026, 1)
    submit_all(small, lambda rater, ratee: 80)
    close_and_compute(small)
    for i in range(4):
        make_team(f"大结果镇{i}", team_members=2, staff=6)
    large = open_period(2026, 2)
    submit_all(large, lambda rater, ratee: 70 + ratee.pk % 20)
    close_and_compute(large)
    client.force_login(personas.org_staff.user)
    client.get(reverse("home"))  # the header's unread count is cached from the first page on
    urls = [reverse("evaluations:results", args=[p.pk]) for p in (small, large)]
    for params in ({}, {"category": "township"}, {"unit_name": "结果镇", "sort": "unit"}, {"page": 2}):
        counts = [queries(client, url, params) for url in urls]
        assert counts[0] == counts[1], params
    with django_assert_max_num_queries(16):
        client.get(urls[1])


def test_results_page_reads_stored_figures_and_filters_by_a_unit_name_without_script(client, personas):
    team = make_team("分布镇", staff=3)
    other = make_team("另一镇", staff=2)
    period = open_period()
    # One sheet of 分布镇 submitted on its own: the stored completion counts it at once.
    submit(period, team["S1"], team.unit, {c: 76 for c in team.people.values() if c != team["S1"]})
    stored = UnitCompletion.objects.get(period=period, unit=team.unit)
    assert (
        stored.submitted == 1 and stored.sheets == SheetAssignment.objects.filter(period=period, unit=team.unit).count()
    )
    submit_all(period, lambda rater, ratee: None if rater == team["S1"] else 76)
    close_and_compute(period)
    stored.refresh_from_db()
    assert stored.submitted == stored.sheets
    everyone = ScoreDistribution.objects.get(period=period, category="")
    assert everyone.total == QuarterlyResult.objects.filter(period=period).exclude(score=None).count() > 0
    # The page shows the stored histogram: a change the page would recount is not seen.
    ScoreDistribution.objects.filter(pk=everyone.pk).update(total=9999)
    client.force_login(personas.org_staff.user)
    url = reverse("evaluations:results", args=[period.pk])
    page = client.get(url)
    assert page.context["distribution"]["total"] == 9999
    html = page.content.decode()
    # No <select> of units: the filter form has a name field and the htmx tree.
    form = html.split('id="result-filter"')[1].split("</form>")[0]
    assert 'name="unit_name"' in form and 'id="unit-picker"' in form and "另一镇</option>" not in form
    # Without script: part of a unit's name filters the table (and the histogram is counted for it).
    by_name = client.get(url, {"unit_name": "另一"})
    assert {r.result.unit_id for r in by_name.context["rows"]} == {other.unit.pk}
    assert by_name.context["distribution"]["total"] == len(other.people)
    # The tree's choice arrives as the unit id and is shown with a way back.
    chosen = client.get(url, {"unit": team.unit.pk}).content.decode()
    assert "不限单位" in chosen and "<strong>分布镇</strong>" in chosen


def test_results_page_body_is_cached_until_a_recompute_or_a_rename(
    client, personas, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    team = make_team("缓存镇", staff=2)
    period = open_period()
    submit_all(period, lambda rater, ratee: 80)
    close_and_compute(period)
    client.force_login(personas.org_staff.user)
    url = reverse("evaluations:results", args=[period.pk])
    cadre = team["S1"]
    assert cadre.name in client.get(url).content.decode()
    # Seen again: the body comes from the cache, and so do the session and the header's unread
    # count: the user with their cadre (one query) and the period are all that is read.
    with django_assert_max_num_queries(2):
        assert cadre.name in client.get(url).content.decode()
    # A write behind the models' backs is not seen: the rows really are the cached ones …
    Cadre.objects.filter(pk=cadre.pk).update(name="悄悄改名")
    assert "悄悄改名" not in client.get(url).content.decode()
    # … and a save through the model is, once committed (not before: no request caches old rows).
    cadre.refresh_from_db()
    cadre.name = "正式改名"
    with django_capture_on_commit_callbacks(execute=True):
        cadre.save()
        assert "正式改名" not in client.get(url).content.decode()
    assert "正式改名" in client.get(url).content.decode()
    # A recompute gives the period a new body (its rows are read again).
    assert "rows" not in client.get(url).context
    with django_capture_on_commit_callbacks(execute=True):
        recompute(period)
    assert "rows" in client.get(url).context and "rows" not in client.get(url).context
    # Each filter is its own entry.
    assert "rows" in client.get(url, {"unit_name": "缓存"}).context


def test_unit_picker_loads_a_tree_level_by_level_and_searches_by_name(client, personas, django_assert_max_num_queries):
    county = UnitFactory(name="某某县委")
    towns = [UnitFactory(name=f"县属第{i:02d}单位", parent=county) for i in range(55)]
    UnitFactory(name="县属第00单位下属站", parent=towns[0])
    client.force_login(personas.org_staff.user)
    url = reverse("evaluations:unit_picker")
    with django_assert_max_num_queries(5):
        roots = client.get(url).content.decode()
    assert "某某县委" in roots and f'hx-get="{url}?parent={county.pk}"' in roots and "县属第01单位" not in roots
    with django_assert_max_num_queries(5):
        level = client.get(url, {"parent": county.pk}).content.decode()
    # 50 a time, then a button for more; each unit submits the filter form with its id.
    assert level.count('name="unit"') == 50 and "更多" in level
    assert f'form="result-filter" name="unit" value="{towns[0].pk}"' in level
    assert f"?parent={towns[0].pk}" in level and f"?parent={towns[1].pk}" not in level
    rest = client.get(url, {"parent": county.pk, "offset": 50}).content.decode()
    assert rest.count('name="unit"') == 5 and "更多" not in rest and "<ul" not in rest
    with django_assert_max_num_queries(5):
        found = client.get(url, {"unit_name": "下属站"}).content.decode()
    assert found.count('name="unit"') == 1 and "县属第00单位下属站" in found
    assert "没有名称包含" in client.get(url, {"unit_name": "<b>无此单位</b>"}).content.decode()
    assert "&lt;b&gt;无此单位&lt;/b&gt;" in client.get(url, {"unit_name": "<b>无此单位</b>"}).content.decode()
    assert client.get(url, {"parent": "abc", "offset": "-3"}).status_code == 200
    for persona in ("cadre", "leader", "superior_leader", "stranger", "discipline"):
        client.force_login(personas.user(persona))
        assert client.get(url).status_code == 403, persona
    client.logout()
    assert client.get(url).status_code == 302


def test_ballot_sheet_costs_the_same_queries_for_a_short_and_a_long_sheet(
    client, personas, django_assert_max_num_queries
):
    short = make_team("短表镇", staff=1)
    long = make_team("长表镇", team_members=3, staff=25, accounts=True)
    rater = CadreFactory(unit=short.unit, with_account=True)
    period = open_period()
    sheets = [
        SheetAssignment.objects.get(period=period, rater=rater, unit=short.unit),
        SheetAssignment.objects.get(period=period, rater=long["S1"], unit=long.unit),
    ]
    counts = []
    for sheet, user in zip(sheets, (rater.user, long["S1"].user), strict=True):
        client.force_login(user)
        counts.append(queries(client, reverse("evaluations:sheet_fill", args=[sheet.pk])))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(16):
        client.get(reverse("evaluations:sheet_fill", args=[sheets[1].pk]))


def test_the_signed_in_user_and_a_sheet_are_planned_once_per_connection(client):
    # Planning these two cost the server several times what running them does, on every request.
    team = make_team("备表镇", staff=3, accounts=True)
    period = open_period()
    sheet = SheetAssignment.objects.get(period=period, rater=team["S1"], unit=team.unit)
    client.force_login(team["S1"].user)
    url = reverse("evaluations:sheet_fill", args=[sheet.pk])
    assert client.get(url).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "cadres_user" u' in sql for sql in prepared), prepared
    assert any('FROM "evaluations_sheetassignment"' in sql for sql in prepared), prepared
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).status_code == 200
    # Still in Django's query log (the counts pinned above), and not prepared again.
    assert any('FROM "cadres_user" u' in query["sql"] for query in again.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == len(prepared)


def test_unit_feed_costs_the_same_queries_for_few_and_many_logs(
    client, personas, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    url = reverse("achievements:feed")
    client.force_login(personas.colleague.user)
    client.get(reverse("home"))  # the header's unread count is cached from the first page on
    with django_capture_on_commit_callbacks(execute=True):
        DailyLog.objects.create(author=personas.cadre, unit=personas.unit, day=today(), text="一篇日志。")
    few = queries(client, url, {"unit": personas.unit.pk})
    # Committed, as in use: each log written gives the unit's feed a new body (built, not cached).
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(20):
            author = CadreFactory(unit=personas.unit)
            for back in range(3):
                DailyLog.objects.create(
                    author=author, unit=personas.unit, day=today() - timedelta(days=back), text=f"日志{i}"
                )
    many = queries(client, url, {"unit": personas.unit.pk})
    assert few == many
    # Seen again, unchanged: the body comes from the cache (session, user, cadre, the reader's
    # units, notifications).
    with django_assert_max_num_queries(5):
        assert "日志19" in client.get(url, {"unit": personas.unit.pk}).content.decode()


def test_public_notice_index_costs_the_same_queries_for_one_and_many_notices(client, django_assert_max_num_queries):
    from .factories import NoticeFactory

    url = reverse("public:index")
    PublicitySettings.load()  # the settings row exists in any installation that has notices
    NoticeFactory(published=True, title="第一份公示")
    _clear_own_cache_keys(cache)
    one = queries(client, url)
    for i in range(12):
        NoticeFactory(published=True, title=f"公示{i}")
    _clear_own_cache_keys(cache)
    many = queries(client, url)
    assert one == many
    _clear_own_cache_keys(cache)
    with django_assert_max_num_queries(3):
        client.get(url)


def test_units_are_not_listed_as_options_anywhere_on_the_results_pages(client, personas):
    for i in range(30):
        Unit.objects.create(name=f"选项单位{i}", category="township")
    make_team("选项镇", staff=2)
    period = open_period()
    submit_all(period, lambda rater, ratee: 75)
    close_and_compute(period)
    client.force_login(personas.org_staff.user)
    html = client.get(reverse("evaluations:results", args=[period.pk])).content.decode()
    assert "选项单位" not in html
