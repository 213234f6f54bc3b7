"""The unit feed's body and the ballot sheet's ratee rows come from the shared cache (issue 16,
"City scale"): a few queries when seen again, and each change that shows on them is seen at once
after its commit. Nothing about who may read what, or about a rater's scores, is cached."""

from __future__ import annotations

import pytest
from django.urls import reverse

from achievements.models import DailyLog
from achievements.services import daily_log_save
from cadres.models import Cadre
from evaluations.lines import sheet_lines
from evaluations.models import RaterGroup, SheetDraft

from .factories import CadreFactory, assignment, make_team, open_period
from .support import today

pytestmark = pytest.mark.django_db

FIRST = {"expected_version": ""}  # a log the author writes for the first time that day
TEXT = "协调解决供电线路迁改问题两处。"


# --- The unit feed ---------------------------------------------------------------------------------


def feed(client, **params) -> str:
    response = client.get(reverse("achievements:feed"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_or_edited_log_shows_in_the_feed_at_once(
    client, personas, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(personas.colleague.user)
    assert "这段时间没有日志" in feed(client)
    # Seen again: from the cache (session, user, cadre, notifications).
    with django_assert_max_num_queries(4):
        assert "这段时间没有日志" in feed(client)
    with django_capture_on_commit_callbacks(execute=True):
        log = daily_log_save(
            author=personas.cadre, day=today(), text="上午到青石村督查高标准农田建设进度，现场协调两处问题。", **FIRST
        )
    assert "上午到青石村督查高标准农田建设进度" in feed(client)
    with django_capture_on_commit_callbacks(execute=True):
        daily_log_save(
            author=personas.cadre,
            day=today(),
            text="下午整理季度项目台账，核对资金拨付进度。",
            expected_version=log.version,
        )
    page = feed(client)
    assert "下午整理季度项目台账，核对资金拨付进度。" in page and "上午到青石村" not in page
    # Not before the commit: no request caches the rows of a write that may yet roll back.
    with django_capture_on_commit_callbacks(execute=True):
        DailyLog.objects.filter(pk=log.pk).delete()
        assert "下午整理季度项目台账，核对资金拨付进度。" in feed(client)
    assert "这段时间没有日志" in feed(client)


def test_the_feed_is_really_cached_and_a_renamed_author_shows(client, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        daily_log_save(author=personas.cadre, day=today(), text="走访辖区企业三家，了解用工和融资需求。", **FIRST)
    client.force_login(personas.colleague.user)
    assert personas.cadre.name in feed(client)
    # A write behind the models' backs is not seen: the body really is the cached one …
    Cadre.objects.filter(pk=personas.cadre.pk).update(name="悄悄改名")
    assert "悄悄改名" not in feed(client)
    # … and a save through the model is, once committed.
    cadre = Cadre.objects.get(pk=personas.cadre.pk)
    cadre.name = "正式改名"
    with django_capture_on_commit_callbacks(execute=True):
        cadre.save()
    page = feed(client)
    assert "正式改名" in page and "走访辖区企业三家，了解用工和融资需求。" in page


def test_a_cached_feed_keeps_each_readers_scope_units_language_and_escaping(
    client, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        daily_log_save(author=personas.cadre, day=today(), text=f"<script>alert(1)</script>{TEXT}", **FIRST)
    unit = personas.unit.pk
    client.force_login(personas.superior_leader.user)
    above = feed(client, unit=unit)
    assert f"&lt;script&gt;alert(1)&lt;/script&gt;{TEXT}" in above and "<script>alert(1)" not in above
    assert f'<option value="{personas.superior_unit.pk}"' in above
    # A colleague reads the same unit's feed, with their own units to pick from (not the unit above).
    client.force_login(personas.colleague.user)
    mine = feed(client, unit=unit)
    assert TEXT in mine and f'<option value="{personas.superior_unit.pk}"' not in mine
    # Someone outside the unit gets a 404, cached body or not.
    client.force_login(personas.stranger.user)
    assert client.get(reverse("achievements:feed"), {"unit": unit}).status_code == 404
    # Each language has its own body.
    client.force_login(personas.colleague.user)
    assert ">筛选</button>" in mine
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = feed(client, unit=unit)
    assert 'lang="en"' in english and ">Filter</button>" in english and ">筛选</button>" not in english
    assert TEXT in english
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert ">筛选</button>" in feed(client, unit=unit)


def test_the_person_filter_lists_members_and_authors_who_moved_away(client, personas):
    moved = CadreFactory(unit=personas.unit, name="调走的人")
    DailyLog.objects.create(author=moved, unit=personas.unit, day=today(), text="调走前写的日志。")
    moved.unit = personas.other_unit
    moved.save()
    CadreFactory(unit=personas.unit, name="离开的人", is_active=False)
    client.force_login(personas.colleague.user)
    page = feed(client, unit=personas.unit.pk)
    people = page.split('id="id_author"')[1].split("</select>")[0]
    assert "调走的人" in people and personas.cadre.name in people and "离开的人" not in people


# --- The ballot sheet ------------------------------------------------------------------------------


@pytest.fixture
def sheets(db):
    team = make_team("缓存表镇", team_members=2, staff=5, accounts=True)
    period = open_period()
    return team, period


def sheet_url(sheet) -> str:
    return reverse("evaluations:sheet_fill", args=[sheet.pk])


def scores_form(sheet, values: dict[int, object], action: str = "draft") -> dict:
    data = {f"score-{line.ratee_id}": values.get(line.ratee_id, "") for line in sheet_lines(sheet)}
    data[action] = "1"
    return data


def rows_of(page: str) -> dict[int, str]:
    """The sheet's ratee rows by ratee id, in page order."""
    rows = page.split('<div class="list-group-item d-flex align-items-center gap-3 ratee-row')[1:]
    return {int(row.split('for="score-')[1].split('"')[0]): row for row in rows}


def test_a_sheet_shows_the_draft_values_typed_and_no_other_raters(client, sheets, django_assert_max_num_queries):
    team, period = sheets
    mine, theirs = assignment(period, team["S1"], team.unit), assignment(period, team["S2"], team.unit)
    client.force_login(team["S1"].user)
    client.get(sheet_url(mine))
    ratee = team["S3"].pk
    response = client.post(sheet_url(mine), scores_form(mine, {ratee: 87}))
    assert response.status_code == 302 and SheetDraft.objects.filter(assignment=mine).exists()
    rows = rows_of(client.get(sheet_url(mine)).content.decode())
    assert 'step="1" value="87"' in rows[ratee]
    assert all('value=""' in row for pk, row in rows.items() if pk != ratee)
    # Seen again: rows and settings from the cache; session, user, cadre, the sheet with its draft
    # and submission state, notifications.
    with django_assert_max_num_queries(5):
        assert 'value="87"' in client.get(sheet_url(mine)).content.decode()
    # Another rater of the same unit (the same cached rows) sees their own sheet, without the draft.
    client.force_login(team["S2"].user)
    other = client.get(sheet_url(theirs)).content.decode()
    assert f'name="score-{ratee}"' in other and 'value="87"' not in other
    assert f'name="score-{team["S2"].pk}"' not in other and f'name="score-{team["S1"].pk}"' in other


def test_each_sheet_has_its_own_lines_and_groups_from_the_shared_rows(client, sheets):
    team, period = sheets
    labels = dict(RaterGroup.choices)
    for rater in (team["M1"], team["T1"], team["S1"]):
        sheet = assignment(period, rater, team.unit)
        client.force_login(rater.user)
        rows = rows_of(client.get(sheet_url(sheet)).content.decode())
        expected = sheet_lines(sheet)  # the reference: lines with their ratees loaded
        assert list(rows) == [line.ratee_id for line in expected]
        for line in expected:
            assert f"{line.ratee.name}</label>" in rows[line.ratee_id]
            assert f" · {labels[line.rater_group]}</div>" in rows[line.ratee_id]


def test_a_renamed_ratee_shows_on_the_sheet_and_names_are_escaped(client, sheets, django_capture_on_commit_callbacks):
    team, period = sheets
    sheet = assignment(period, team["S1"], team.unit)
    client.force_login(team["S1"].user)
    assert team["S3"].name in client.get(sheet_url(sheet)).content.decode()
    Cadre.objects.filter(pk=team["S3"].pk).update(name="悄悄改名")
    assert "悄悄改名" not in client.get(sheet_url(sheet)).content.decode()  # cached
    cadre = Cadre.objects.get(pk=team["S3"].pk)
    cadre.name = "<b>改名</b>"
    with django_capture_on_commit_callbacks(execute=True):
        cadre.save()
    page = client.get(sheet_url(sheet)).content.decode()
    assert "&lt;b&gt;改名&lt;/b&gt;</label>" in page and "<b>改名" not in page


def test_values_that_break_a_rule_come_back_marked_and_escaped(client, sheets):
    team, period = sheets
    sheet = assignment(period, team["S1"], team.unit)
    client.force_login(team["S1"].user)
    client.get(sheet_url(sheet))
    ratee = team["S3"].pk
    response = client.post(sheet_url(sheet), scores_form(sheet, {ratee: '"><script>'}, "submit"))
    page = response.content.decode()
    assert response.status_code == 200 and 'id="sheet-problems"' in page
    rows = rows_of(page)
    assert rows[ratee].startswith(' is-invalid-row">') and "score-input text-center is-invalid" in rows[ratee]
    assert all(" is-invalid" not in row for pk, row in rows.items() if pk != ratee)
    assert 'value="&quot;&gt;&lt;script&gt;"' in page and '"><script>' not in page
    assert not SheetDraft.objects.filter(assignment=sheet).exists()


def test_a_process_copy_serves_only_while_its_version_is_current_and_within_the_timeout(monkeypatch):
    from django.core.cache import cache

    from core import cache_versions

    copies = cache_versions.LocalCopies[str](max_entries=2)
    built: list[str] = []

    def build() -> str:
        built.append(f"body {len(built) + 1}")
        return built[-1]

    def body() -> str:
        return copies.body(version_keys=["copies:version"], key="copies:body", build=build, timeout=60)

    cache_versions.current_version("copies:version")  # made by the first request that needs it
    assert body() == "body 1"
    cache.delete("copies:body")  # the shared entry gone: this process's copy is still current
    assert body() == "body 1" and len(built) == 1
    cache_versions.replace_version("copies:version", after_commit=False)  # a change, in any process
    assert body() == "body 2"
    later = cache_versions.time.monotonic() + 61
    monkeypatch.setattr(cache_versions.time, "monotonic", lambda: later)
    cache.delete("copies:body")
    assert body() == "body 3"  # past the timeout the copy is not used, even under the same version
    monkeypatch.setattr(cache, "get_many", lambda keys, version=None: {})  # the cache unreachable
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    assert body() == "body 4" and body() == "body 5"  # no versions: never a copy, always built
