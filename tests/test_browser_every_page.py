"""Every page of the product on the demo district, in headless Chromium, once per test run.

The demo district is seeded once for this module (it takes a while), the pages are listed from the
URLconf and filled from the demo data (tests/page_catalogue.py), and one browser context per role
visits them all:

- axe-core (vendored, WCAG 2.1 AA): no serious or critical violation on any page; none at all on the
  public pages and the login page;
- every aria-describedby names ids that exist;
- the public pages at 200% zoom (1280 px at 200% = 640 CSS px) and on a phone never scroll sideways,
  in normal and in large-text mode (适老化), which is remembered across pages;
- the manual's screenshots (static/manual/*.png) are taken here from the same pages, so the manual
  shows the pages as they are now (see tests/test_manual.py for the freshness check).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings

from manual.contents import MANUALS

from .manual_shots import SHOTS, fingerprint, load_manifest, save_manifest
from .page_catalogue import ROLE_LOGINS, Crawl, crawl_roles, uncovered, url_patterns

# django_db: the test database exists and each test may read it; the live server thread has its own
# connection and sees the demo district, which the module fixture committed.
pytestmark = [pytest.mark.browser, pytest.mark.django_db, pytest.mark.xdist_group("demo_site")]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
ROOT = Path(__file__).resolve().parent.parent
PUBLIC_PAGES = ("public:", "supervision_public:")


class DemoSite:
    def __init__(self, base_url: str, crawls: dict[str, Crawl], cookies: dict[str, str]):
        self.base_url = base_url
        self.crawls = crawls
        self.cookies = cookies

    def context(self, chromium, role: str, **options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = chromium.new_context(locale="zh-CN", **options)
        if self.cookies.get(role):
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": self.cookies[role], "url": self.base_url}]
            )
        context.set_default_timeout(20000)
        return context


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo district, seeded once, each role's pages crawled, and a live server on it."""
    from django.db import connection
    from pytest_django.live_server_helper import LiveServer

    from cadres.models import User

    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        # The rows the migrations seed (rank levels, beat schedules) are kept aside and put back
        # after the flush below: the tests that run after this module in the same process need them.
        seeded_by_migrations = connection.creation.serialize_db_to_string()
        call_command("seed_demo", stdout=io.StringIO())
        then = add_what_the_demo_lacks()
        clients: dict[str, Client] = {}
        cookies: dict[str, str] = {}
        for role, username in ROLE_LOGINS.items():
            clients[role] = Client()
            if username:
                clients[role].force_login(User.objects.get(username=username))
                cookies[role] = clients[role].cookies[settings.SESSION_COOKIE_NAME].value
        crawls = crawl_roles(clients, then=then)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield DemoSite(server.url, crawls, cookies)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            # As Django's serialized rollback does: no post_migrate (content types and permissions
            # come back with the rest of the serialized rows).
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(seeded_by_migrations)


def add_what_the_demo_lacks() -> dict[str, list[str]]:
    """See _add_what_the_demo_lacks: its jobs run in-process (a module fixture comes before the
    per-test fixture that makes Celery eager)."""
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        return _add_what_the_demo_lacks()
    finally:
        app.conf.task_always_eager = eager


def _add_what_the_demo_lacks() -> dict[str, list[str]]:
    """Records behind pages the demo district has none of, made through the services: a unit export
    (of the smallest unit, built to the end), a roster upload with errors (so nothing is written), a
    service account with one token, and a 部务会 with its 施政演说 file on the demo's selection at
    考察对象. Returns the addresses each role's crawl goes on from once it is done: the public page of
    the round in publicity (no public page links to it) and the meeting's file."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import timezone

    from achievements.models import DossierExport
    from achievements.services import dossiers
    from cadres.models import Unit, User
    from cadres.services import roster_import_start
    from integrations import services as integrations
    from selection.models import Selection, State
    from selection.services import decision

    from .roster_files import row, xlsx
    from .test_worker import wait_for

    staff = User.objects.get(username=ROLE_LOGINS["org_staff"])
    today = timezone.localdate()
    unit = (
        Unit.objects.annotate(n=Count("cadres", filter=Q(cadres__is_active=True))).filter(n__gt=0).order_by("n", "pk")
    ).first()
    job = dossiers.export_start(unit=unit, year_from=today.year, year_to=today.year, actor=staff)
    assert wait_for(lambda: DossierExport.objects.filter(pk=job.pk, finished_at__isnull=False).first(), timeout=120)
    bad = xlsx([row("QSZ901", birth="不是日期"), row("QSZ902", gender="未知")])
    roster_import_start(upload=SimpleUploadedFile("名册.xlsx", bad), actor=staff)
    account = integrations.service_account_create(name="人事信息系统", description="名册同步", actor=staff)
    integrations.token_issue(account=account, name="增量同步", scopes=["cadres:read"], days=30, actor=staff)
    at_inspection = Selection.objects.filter(state=State.CANDIDATES, decision__isnull=True).order_by("pk").first()
    meeting = decision.meeting_record(
        selection=at_inspection,
        kind="ministry",
        held_on=today,
        members_total=7,
        present=7,
        attendees="部长、副部长",
        speech=SimpleUploadedFile("施政演说.txt", "施政演说全文".encode()),
        actor=staff,
    )
    in_publicity = Selection.objects.get(state=State.ROUND1_PUBLICITY)
    assert in_publicity.publicity_start <= today <= in_publicity.publicity_end
    return {
        "public": [reverse("selection:public_round1", args=[in_publicity.public_id])],
        "org_staff": [
            reverse("selection:inspection", args=[at_inspection.pk]),
            reverse("selection:meeting_speech", args=[at_inspection.pk, meeting.pk]),
        ],
    }


def run_axe(page, *, blocking_only: bool) -> list[str]:
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")  # same origin: allowed by the CSP
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [
        f"{page.url}: {v['id']} ({v['impact']}) x{len(v['nodes'])}: "
        f"{[(n['target'], n.get('any', [{}])[0].get('message', '')[:140]) for n in v['nodes'][:4]]}"
        for v in results["violations"]
        if not blocking_only or v["impact"] in BLOCKING
    ]


def dangling_describedby(page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(el =>
            el.getAttribute('aria-describedby').split(/\\s+/).filter(id => id && !document.getElementById(id))
              .map(id => (el.id || el.name) + ' -> #' + id))"""
    )


def test_every_url_pattern_is_a_checked_page_or_accounted_for(demo_site):
    assert uncovered(demo_site.crawls) == []
    pages = {name for result in demo_site.crawls.values() for name in result.pages}
    # The catalogue really reaches deep: detail pages with ids from the demo data, for every role.
    assert {"cadres:cadre_detail", "evaluations:period_detail", "publicity:notice_detail"} <= pages
    assert {"public:notice_detail", "selection:discipline_list", "evaluations:sheet_fill"} <= pages
    assert len(pages) > len(url_patterns()) / 2
    # The pages of the records the module adds to the demo (add_what_the_demo_lacks) are checked too.
    assert {"achievements:export_status", "cadres:roster_import_status", "integrations:account"} <= pages
    assert "selection:public_round1" in demo_site.crawls["public"].pages
    assert demo_site.crawls["org_staff"].other.get("selection:meeting_speech") == "text/plain"


def pages_to_check(crawls: dict[str, Crawl], role: str) -> dict[str, str]:
    """A role's pages less those an earlier signed-in role already checked (the same templates; a
    leader's and org staff's own pages stay theirs). The public's pages are all its own."""
    own = crawls[role].pages
    if role == "public":
        return own
    signed_in = [r for r in ROLE_LOGINS if r != "public"]
    earlier = {name for r in signed_in[: signed_in.index(role)] for name in crawls[r].pages}
    return {name: address for name, address in own.items() if name not in earlier}


@pytest.mark.parametrize("role", list(ROLE_LOGINS))
def test_every_page_passes_axe(demo_site, chromium, role):
    assert demo_site.crawls[role].pages, f"{role} reached no page"
    pages = pages_to_check(demo_site.crawls, role)
    context = demo_site.context(chromium, role)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    found: list[str] = []
    try:
        for name, address in sorted(pages.items()):
            page.goto(f"{demo_site.base_url}{address}", wait_until="load")
            strict = role == "public" or name == "login" or name.startswith(PUBLIC_PAGES)
            found += run_axe(page, blocking_only=not strict)
            found += [f"{address}: aria-describedby {d}" for d in dangling_describedby(page)]
    finally:
        context.close()
    assert found == [], "\n".join(found)
    assert errors == []


def _public_addresses(demo_site) -> list[str]:
    pages = demo_site.crawls["public"].pages
    return [address for name, address in sorted(pages.items()) if name.startswith(PUBLIC_PAGES)]


def _overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_public_pages_at_200_percent_zoom_and_in_large_text_mode(demo_site, chromium):
    addresses = _public_addresses(demo_site)
    assert len(addresses) >= 5
    # 1280 px at 200% zoom is a 640 CSS px layout viewport at device scale 2; then a phone.
    for viewport in ({"width": 640, "height": 450}, {"width": 360, "height": 740}):
        context = demo_site.context(chromium, "public", viewport=viewport, device_scale_factor=2)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg, errors=errors: errors.append(msg.text) if msg.type == "error" else None)
        try:
            wide = []
            for large in (False, True):
                for address in addresses:
                    page.goto(f"{demo_site.base_url}{address}")
                    toggle = page.locator("#large-text-toggle")
                    if (toggle.get_attribute("aria-pressed") == "true") != large:
                        toggle.click()
                    assert toggle.get_attribute("aria-pressed") == ("true" if large else "false")
                    if _overflow(page) > 0:
                        wide.append(f"{address} large={large} {viewport}: {_overflow(page)} px too wide")
            assert wide == [], "\n".join(wide)
        finally:
            context.close()
        assert errors == []  # no CSP refusal: the toggle is a static script


def test_large_text_mode_enlarges_text_and_is_remembered(demo_site, chromium):
    context = demo_site.context(chromium, "public")
    page = context.new_page()
    try:
        page.goto(f"{demo_site.base_url}/notices/")
        size = "() => parseFloat(getComputedStyle(document.querySelector('main')).fontSize)"
        normal = page.evaluate(size)
        toggle = page.locator("#large-text-toggle")
        assert toggle.get_attribute("aria-pressed") == "false"
        toggle.click()
        assert page.evaluate(size) >= normal * 1.2
        # Remembered on the next page and after a reload; switched off again the same way.
        page.goto(f"{demo_site.base_url}/notices/archive/")
        assert page.evaluate(size) >= normal * 1.2
        assert page.locator("#large-text-toggle").get_attribute("aria-pressed") == "true"
        page.goto(f"{demo_site.base_url}/report/")
        assert page.evaluate(size) >= normal * 1.2
        page.locator("#large-text-toggle").click()
        page.reload()
        assert page.evaluate(size) == normal
        # Large text passes axe too.
        page.locator("#large-text-toggle").click()
        assert run_axe(page, blocking_only=False) == []
    finally:
        context.close()


def test_feedback_form_errors_are_described(demo_site, chromium):
    """After a refused feedback (text too short) the form's aria-describedby names existing ids."""
    notice = next(
        address for name, address in demo_site.crawls["public"].pages.items() if name == "public:notice_detail"
    )
    context = demo_site.context(chromium, "public")
    page = context.new_page()
    try:
        page.goto(f"{demo_site.base_url}{notice}")
        page.fill("#feedback-form textarea", "太短")
        page.click("#feedback-form button[type=submit]")
        page.wait_for_load_state("load")
        described = page.locator("#feedback-form textarea").get_attribute("aria-describedby") or ""
        assert re.search(r"_error\b", described) and re.search(r"_helptext\b", described)
        assert dangling_describedby(page) == []
        assert run_axe(page, blocking_only=False) == []
    finally:
        context.close()


def test_manual_screenshots_show_the_pages_as_they_are(demo_site, chromium):
    """Each picture in the manual is retaken when a template or stylesheet that drew it has changed
    (or MANUAL_SCREENSHOTS=refresh); the test then fails once, naming the pictures to commit."""
    manifest = load_manifest()
    refresh = os.environ.get("MANUAL_SCREENSHOTS") == "refresh"
    retaken: list[str] = []
    for manual in MANUALS:
        crawl_result = demo_site.crawls[manual.slug]
        context = demo_site.context(chromium, manual.slug, viewport={"width": 1280, "height": 800})
        page = context.new_page()
        try:
            for section, shot in manual.shots():
                address = crawl_result.pages.get(section.pages[0])
                assert address, f"{manual.slug} never reached {section.pages[0]} for {shot}"
                prints = fingerprint(crawl_result.templates[address])
                name = shot.removeprefix("manual/")
                entry = manifest.get(name)
                if not refresh and (SHOTS / name).exists() and entry and entry["files"] == prints:
                    continue
                page.goto(f"{demo_site.base_url}{address}", wait_until="networkidle")
                if section.slug == "feedback" and page.locator("#feedback-form").count():
                    page.locator("#feedback-form").scroll_into_view_if_needed()
                page.screenshot(path=str(SHOTS / name))
                manifest[name] = {"page": section.pages[0], "address": address, "files": prints}
                retaken.append(name)
        finally:
            context.close()
    save_manifest(manifest)
    assert refresh or retaken == [], f"stale screenshots retaken, commit them: {retaken}"
