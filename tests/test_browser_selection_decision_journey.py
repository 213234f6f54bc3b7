"""Headless Chromium, selection part 2 from the inspection candidates to the published notice:
org staff name the team (with the discipline member), draft the analysis from the record and compare
the candidates; the discipline member gives the 党风廉政意见 on a phone; staff record the 常委会's
差额票决, decide, send the drafted notice through the gate (its 凡提必听 already answered) and
publish it; the public reads it. Screenshots in test-artifacts/ (desktop 1280 and phone 390)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from evaluations.models import AnnualResult, Grade
from publicity import rules as publicity_rules
from publicity.models import Notice, NoticeState
from publicity.services import notices as notice_services
from selection.models import Decision, DisciplineOpinion

from .conftest import browser_login
from .factories import PASSWORD, real_channel_settings, to_inspection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def new_page(chromium, live_server):
    contexts = []

    def open_page(viewport=None):
        context = chromium.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(40000)
        page.base_url = live_server.url
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_inspection_to_published_notice(new_page, live_server, personas, artifacts):
    real_channel_settings()
    selection, (a, b) = to_inspection(personas)
    AnnualResult.objects.create(
        cadre=a.cadre,
        year=2025,
        unit=a.cadre.unit,
        unit_category=a.cadre.unit.category,
        role=a.cadre.role,
        rank=a.cadre.rank,
        annual_score=Decimal("93.50"),
        rank_in_rank_level=2,
        rank_level_size=20,
        grade=Grade.EXCELLENT,
        is_published=True,
    )
    base = live_server.url
    staff_user = personas.org_staff.user

    # Org staff: the team, the analysis, the comparison.
    staff = new_page()
    browser_login(staff, personas.org_staff.code, PASSWORD)
    staff.goto(f"{base}/selection/{selection.pk}/")
    staff.click("#inspection-link")
    staff.select_option("#id_leader", str(staff_user.pk))
    staff.select_option("#id_discipline", [str(personas.discipline.pk)])
    staff.click("#team-form button[type=submit]")
    staff.wait_for_selector("#team-members")
    assert "纪检监察成员" in staff.inner_text("#team-members")
    staff.click(f".candidate-file[data-name='{a.cadre.name}'] h3 a")
    staff.click("#analysis-draft")
    staff.wait_for_selector("#analysis-sources .source-annual")
    assert "93.5" in staff.input_value("#id_text")
    staff.screenshot(path=str(artifacts / "selection-analysis-desktop.png"), full_page=True)
    staff.goto(f"{base}/selection/{selection.pk}/comparison/")
    assert staff.locator("#comparison-table tr.differs").count() >= 1
    staff.screenshot(path=str(artifacts / "selection-comparison-desktop.png"), full_page=True)

    # The discipline member, on a phone: only the candidates, and the opinion form.
    jiwei = new_page(PHONE)
    browser_login(jiwei, personas.discipline.username, PASSWORD)
    jiwei.goto(f"{base}/selection/discipline/")
    for candidate in (a, b):
        card = jiwei.locator(f".discipline-candidate[data-name='{candidate.cadre.name}']")
        card.locator("summary").click()
        card.locator("input[value=no_objection]").check()
        card.locator("textarea").fill("经查，未收到反映该同志问题的信访举报，无在办问题线索。")
        card.locator("button[type=submit]").click()
        jiwei.wait_for_load_state("networkidle")
    assert DisciplineOpinion.objects.filter(candidate__selection=selection, given_by=personas.discipline).count() == 2
    jiwei.screenshot(path=str(artifacts / "selection-discipline-phone.png"), full_page=True)
    jiwei.goto(f"{base}/selection/{selection.pk}/inspection/")
    assert "404" in jiwei.title() or jiwei.locator("#team").count() == 0

    # Staff: the 常委会's 差额票决 and the decision.
    staff.goto(f"{base}/selection/{selection.pk}/inspection/#decision")
    staff.click("#decision ~ details summary")
    form = staff.locator("#meeting-form")
    form.locator("select[name=kind]").select_option("standing")
    form.locator("input[name=held_on]").fill(str(selection.qualification_date))
    form.locator("input[name=members_total]").fill("11")
    form.locator("input[name=present]").fill("10")
    form.locator("textarea[name=attendees]").fill("区委常委（1 人请假）")
    form.locator("input[name=has_vote]").check()
    for candidate, values in ((a, ("8", "1", "1")), (b, ("2", "6", "2"))):
        for part, value in zip(("for", "against", "abstain"), values, strict=True):
            form.locator(f"input[name=votes_{candidate.pk}_{part}]").fill(value)
    form.locator("button[type=submit]").click()
    staff.wait_for_selector(".vote-outcome")
    assert "当选" in staff.inner_text(".vote-outcome")
    staff.click("button.decide")
    staff.wait_for_selector("#decision-made")
    staff.screenshot(path=str(artifacts / "selection-decision-desktop.png"), full_page=True)
    # After the appointment: the probation the decision started (extended here), and the briefing.
    probation = Decision.objects.get(selection=selection).probation
    staff.click("#probation-link")
    staff.wait_for_selector("#extend-form")
    new_end = probation.end_date.replace(month=8, day=31)
    staff.fill("#extend-form input[name=new_end]", new_end.isoformat())
    staff.fill("#extend-form textarea[name=reason]", "分管工作推进较慢，延长试用期继续考察。")
    staff.click("#extend-form button[type=submit]")
    staff.wait_for_selector("#probation-reviews li:nth-child(2)")
    probation.refresh_from_db()
    assert probation.end_date == new_end and probation.is_extended
    staff.screenshot(path=str(artifacts / "selection-probation-desktop.png"), full_page=True)
    staff.goto(f"{base}/selection/{selection.pk}/inspection/#decision")
    staff.click("#briefing-link")
    staff.wait_for_selector("#briefing-table")
    assert a.cadre.name in staff.inner_text("#briefing-table") and "已延长" in staff.inner_text("#briefing-table")
    staff.screenshot(path=str(artifacts / "selection-briefing-desktop.png"), full_page=True)
    staff.emulate_media(media="print")
    staff.screenshot(path=str(artifacts / "selection-briefing-print.png"), full_page=True)
    staff.emulate_media(media="screen")
    phone_staff = new_page(PHONE)
    browser_login(phone_staff, staff_user.username, PASSWORD)
    phone_staff.goto(staff.url)
    phone_staff.wait_for_selector("#briefing-table")
    phone_staff.screenshot(path=str(artifacts / "selection-briefing-phone.png"), full_page=True)
    phone_staff.goto(f"{base}/selection/probations/{probation.pk}/")
    phone_staff.screenshot(path=str(artifacts / "selection-probation-phone.png"), full_page=True)
    assert not phone_staff.js_errors
    staff.goto(f"{base}/selection/{selection.pk}/inspection/#decision")
    staff.click("#notice-link")
    staff.click("#submit-gate")
    staff.wait_for_load_state("networkidle")
    notice = Decision.objects.get(selection=selection).notice
    assert notice.gate_checks.get(kind="discipline").checked_by == personas.discipline
    for kind in ("quota", "dossier", "personal_matters"):
        notice_services.gate_check_record(
            notice=notice, kind=kind, result="passed", note="经审核符合要求。", actor=staff_user
        )
    staff.reload()
    # Publicity starts today when today is a working day (the public sees a notice from its first day).
    start = timezone.localdate()
    if not publicity_rules.calendar_around(start).is_workday(start):
        start = publicity_rules.next_workday(start)
    staff.fill("#publish input[name=start_date]", start.isoformat())
    staff.click("#publish-button")
    staff.wait_for_load_state("networkidle")
    notice = Notice.objects.get(pk=notice.pk)
    assert notice.state == NoticeState.PUBLISHED
    if notice.start_date > timezone.localdate():  # a weekend or holiday: the period begins on the next workday
        Notice.objects.filter(pk=notice.pk).update(start_date=timezone.localdate())

    # The public reads the notice, on a desktop and a phone.
    for viewport, name in ((None, "desktop"), (PHONE, "phone")):
        public = new_page(viewport)
        public.goto(f"{base}/notices/{notice.public_id}/")
        assert a.cadre.name in public.inner_text("body")
        public.screenshot(path=str(artifacts / f"selection-public-notice-{name}.png"), full_page=True)
        assert not public.js_errors
    assert not staff.js_errors and not jiwei.js_errors
