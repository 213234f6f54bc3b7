"""Headless Chromium, selection from a vacancy to the inspection candidates: org staff open a
selection for a vacancy, fix the round-1 voters, a voter signs a nomination on a phone, staff end
round 1 and set up the online 公推 vote, the voter votes on the phone, staff end round 2, enter the
paper counts of the meeting and talk recommendations and decide the inspection candidates.
Screenshots go to test-artifacts/ (desktop 1280 and phone 390)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cadres.models import LeadershipTier
from selection.models import ApprovedPost, Candidate, ReserveEntry, Selection, SelectionSettings, State, VoteEvent
from selection.services import selections as services
from selection.services import votes

from .conftest import browser_login
from .factories import DAY, PASSWORD, nominees, voters

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def new_page(chromium, live_server):
    contexts = []

    def open_page(viewport=None):
        context = chromium.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_vacancy_through_two_rounds_to_inspection_candidates(new_page, live_server, personas, artifacts):
    SelectionSettings.objects.update_or_create(year=timezone.localdate().year, defaults={"round1_top_k": 2})
    post = ApprovedPost.objects.create(unit=personas.unit, title="副主任", tier=LeadershipTier.DEPUTY, count=1)
    vs = voters(personas.unit, 5)
    people = nominees(personas.other_unit, 3)
    for person in people:
        ReserveEntry.objects.create(
            cadre=person, tier=LeadershipTier.DEPUTY, source="staff", reason="后备", entered_on=DAY, review_on=DAY
        )
    base = live_server.url

    # Org staff: the vacancy, a new selection, the named list of round-1 voters.
    staff = new_page()
    browser_login(staff, personas.org_staff.code, PASSWORD)
    staff.goto(f"{base}/selection/posts/")
    staff.wait_for_selector(f"#post-table tr[data-post='{post.pk}']")
    assert staff.inner_text("#total-vacancies") == "1"
    staff.screenshot(path=str(artifacts / "selection-01-posts.png"), full_page=True)
    staff.click(f"#post-table tr[data-post='{post.pk}'] a.start-selection")
    staff.fill("#id_plan", "海推、公推两轮提名后民主推荐。")
    staff.fill("#id_max_age", "50")
    staff.click("#open-selection")
    staff.wait_for_selector("#selection-state")
    selection = Selection.objects.get()
    assert selection.state == State.PLAN
    staff.select_option("#start-nomination select", [str(v.pk) for v in vs])
    staff.click("#start-nomination button[type=submit]")
    staff.wait_for_selector("#tally")

    # A voter on a phone: the pending ballot, a signed nomination.
    voter = new_page(PHONE)
    browser_login(voter, vs[0].code, PASSWORD)
    voter.goto(f"{base}/selection/my/")
    voter.screenshot(path=str(artifacts / "selection-02-phone-my-ballots.png"), full_page=True)
    voter.click("#pending-ballots a")
    voter.select_option("#id_nominee", str(people[0].pk))
    voter.check("#id_confirm")
    voter.screenshot(path=str(artifacts / "selection-03-phone-nominate.png"), full_page=True)
    voter.click("#nomination-form button[type=submit]")
    voter.wait_for_selector("text=已签名推荐")
    assert voter.js_errors == []
    # The other voters sign (2 for people[0], 1 each for the others: K = 2 with a tie at the line).
    for nominator, nominee in [(vs[1], people[0]), (vs[2], people[1]), (vs[3], people[2])]:
        services.nomination_sign(selection=selection, nominator=nominator, nominee=nominee)

    # Staff: signed nominations with nominators (痕迹管理), the cut with the stated tie rule.
    staff.reload()
    assert "并列规则" in staff.inner_text("#tie-rule-k")
    assert vs[0].name in staff.inner_text("#tally")
    staff.screenshot(path=str(artifacts / "selection-04-round1.png"), full_page=True)
    staff.click("#round1-close button[type=submit]")
    staff.wait_for_selector("#setup-round2")
    assert Candidate.objects.filter(selection=selection, round1_passed=True).count() == 3  # 2, 1, 1: tie passes
    staff.select_option("#id_round2-voters", [str(v.pk) for v in vs])
    staff.click("#setup-round2 button[type=submit]")
    staff.wait_for_selector("#close-round2")

    # The voter votes on the phone: only "has voted" is kept.
    voter.goto(f"{base}/selection/my/")
    voter.click("#pending-ballots a")
    event = VoteEvent.objects.get(kind="round2")
    first = Candidate.objects.get(selection=selection, cadre=people[0])
    voter.check(f"#c{first.pk}")
    voter.screenshot(path=str(artifacts / "selection-05-phone-vote.png"), full_page=True)
    voter.click("#vote-form button[type=submit]")
    voter.wait_for_selector("text=投票已提交")
    second = Candidate.objects.get(selection=selection, cadre=people[1])
    for v, c in [(vs[1], first), (vs[2], second), (vs[3], second), (vs[4], first)]:
        votes.vote_cast(event_id=event.pk, voter=v, candidate_ids=[c.pk])

    # Staff: close, cut at M = 2, democratic recommendation from paper counts.
    staff.reload()
    staff.click("#close-round2")
    staff.wait_for_selector(".event-counts")
    staff.click("#round2-close")
    staff.wait_for_selector("#setup-meeting")
    assert selection.__class__.objects.get().state == State.RECOMMENDATION
    for kind, expected, actual, a, b in (("meeting", 50, 40, 25, 12), ("talk", 20, 16, 10, 5)):
        staff.check(f"#setup-{kind} input[value=paper]")
        staff.fill(f"#id_{kind}-expected", str(expected))
        staff.click(f"#setup-{kind} button[type=submit]")
        staff.wait_for_selector(f"#paper-{kind}")
        staff.fill(f"#id_{kind}-actual", str(actual))
        staff.fill(f"#id_{kind}-votes_{first.pk}", str(a))
        staff.fill(f"#id_{kind}-votes_{second.pk}", str(b))
        staff.click(f"#paper-{kind} button[type=submit]")
        staff.wait_for_selector(f"#event-{kind} .event-counts")
    # 40/50 = 80%: valid at the line; 12/40 = 30% is not more than 30%.
    assert "有效" in staff.inner_text("#meeting-validity")
    assert staff.inner_text("#steps .step-skipped") == "3. 海推结果公示（未公示）"
    assert "可列为考察对象" in staff.inner_text(f"#outcome-table tr[data-name='{people[0].name}']")
    assert "未达到" in staff.inner_text(f"#outcome-table tr[data-name='{people[1].name}']")
    staff.screenshot(path=str(artifacts / "selection-06-recommendation.png"), full_page=True)
    staff.click("#finalize")
    staff.wait_for_selector("#inspection-candidates")
    assert people[0].name in staff.inner_text("#inspection-candidates")
    assert people[1].name not in staff.inner_text("#inspection-candidates")
    staff.screenshot(path=str(artifacts / "selection-07-candidates.png"), full_page=True)
    assert staff.js_errors == []

    # The same page on a phone.
    phone_staff = new_page(PHONE)
    browser_login(phone_staff, personas.org_staff.code, PASSWORD)
    phone_staff.goto(f"{base}/selection/{selection.pk}/")
    phone_staff.screenshot(path=str(artifacts / "selection-08-phone-candidates.png"), full_page=True)
    width = phone_staff.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_pool_structure_and_public_round1_pages_desktop_and_phone(new_page, live_server, personas, artifacts):
    from datetime import timedelta

    from django.utils import timezone

    from cadres.models import Gender, PoliticalStatus

    from .factories import CadreFactory

    for i in range(4):
        person = CadreFactory(
            unit=personas.unit if i % 2 else personas.other_unit,
            name=f"后备{i}",
            gender=Gender.FEMALE if i % 2 else Gender.MALE,
            political_status=PoliticalStatus.NON_PARTISAN if i == 3 else PoliticalStatus.CPC_MEMBER,
            education="大学本科",
        )
        ReserveEntry.objects.create(
            cadre=person,
            tier=LeadershipTier.DEPUTY,
            source="staff",
            reason="群众公认，实绩突出",
            entered_on=DAY,
            review_on=DAY,
        )
    staff_user = personas.org_staff.user
    selection = services.selection_open(
        post=ApprovedPost.objects.create(unit=personas.unit, title="副主任", tier=LeadershipTier.DEPUTY, count=1),
        title="副主任选拔",
        method="recommendation",
        rounds=2,
        plan="方案",
        qualification_date=DAY,
        actor=staff_user,
    )
    vs = voters(personas.unit, 2)
    people = nominees(personas.other_unit, 2)
    services.selection_start_nomination(selection=selection, voter_ids=[v.pk for v in vs], actor=staff_user)
    for v, p in zip(vs, people, strict=True):
        services.nomination_sign(selection=selection, nominator=v, nominee=p)
    services.round1_close(selection=selection, actor=staff_user)
    today = timezone.localdate()
    Selection.objects.filter(pk=selection.pk).update(
        state=State.ROUND1_PUBLICITY, publicity_start=today, publicity_end=today + timedelta(days=6)
    )
    for name, viewport in (("desktop", None), ("phone", PHONE)):
        page = new_page(viewport)
        browser_login(page, personas.org_staff.code, PASSWORD)
        for path, shot in (("/selection/pool/", "pool"), ("/selection/structure/", "structure")):
            page.goto(f"{live_server.url}{path}")
            page.screenshot(path=str(artifacts / f"selection-{shot}-{name}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= (viewport or {"width": 1280})["width"]
        public = new_page(viewport)
        public.goto(f"{live_server.url}/selection/public/{selection.public_id}/")
        assert people[0].name in public.inner_text("#round1-public")
        public.fill("textarea[name=text]", "反映该同志工作作风扎实。")
        public.click("#feedback button[type=submit]")
        public.wait_for_selector("#feedback-sent")
        public.screenshot(path=str(artifacts / f"selection-public-round1-{name}.png"), full_page=True)
        assert page.js_errors == [] and public.js_errors == []
