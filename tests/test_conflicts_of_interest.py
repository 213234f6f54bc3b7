"""Nobody handles a follow-up, a feedback item or a gate check about themselves (HTTP, and the API where there is one).

Achievement verification of one's own records is refused already: see
test_achievements_records.test_org_staff_never_verify_a_record_they_filed_or_took_part_in.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from evaluations.models import AnnualResult, FollowUp, FollowUpKind, FollowUpStatus, Grade
from publicity.models import Feedback, FeedbackState, GateCheck, NoticeState

from .factories import FeedbackFactory, NoticeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db):
    """Another member of the org-staff office, who may handle what concerns the first."""
    return UserFactory(username="other-staff", is_org_staff=True)


def follow_up_about(cadre) -> FollowUp:
    result = AnnualResult.objects.create(
        cadre=cadre, year=2025, unit=cadre.unit, unit_category=cadre.unit.category, role=cadre.role,
        rank=cadre.rank, annual_score=70, rank_in_unit=3, unit_size=3, grade=Grade.COMPETENT, is_published=True,
    )  # fmt: skip
    return FollowUp.objects.create(
        cadre=cadre, year=2025, kind=FollowUpKind.REMINDER_TALK, annual_result=result, consecutive_years=1
    )


def test_org_staff_do_not_close_a_follow_up_about_themselves(client, personas, colleague):
    follow_up = follow_up_about(personas.org_staff)
    url = reverse("evaluations:follow_up_detail", args=[follow_up.pk])
    client.force_login(personas.org_staff.user)
    page = client.get(url).content.decode()
    assert 'id="about-self"' in page and 'name="note"' not in page
    response = client.post(url, {"note": "已谈话"})
    assert "涉及您本人，您不能办理" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN and follow_up.closed_by is None

    client.force_login(colleague)
    assert 'name="note"' in client.get(url).content.decode()
    assert client.post(url, {"note": "已进行提醒谈话"}).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.CLOSED and follow_up.closed_by == colleague


def test_feedback_on_ones_own_notice_is_handled_by_someone_else(client, personas, colleague):
    item = FeedbackFactory(notice=NoticeFactory(cadre=personas.org_staff, published=True))
    detail = reverse("publicity:feedback_detail", args=[item.pk])
    client.force_login(personas.org_staff.user)
    page = client.get(detail).content.decode()
    assert 'id="about-self"' in page and 'id="transition-form"' not in page
    response = client.post(reverse("publicity:feedback_transition", args=[item.pk]), {"to_state": "verifying"})
    assert response.status_code == 400 and "针对的是您本人的公示" in response.content.decode()
    api = client.post(
        f"/api/publicity/feedback/{item.pk}/transition/", {"to_state": "verifying"}, content_type="application/json"
    )
    assert api.status_code == 400 and "针对的是您本人的公示" in api.json()["non_field_errors"][0]
    item.refresh_from_db()
    assert item.state == FeedbackState.RECEIVED and not item.events.exists()

    client.force_login(colleague)
    assert (
        client.post(reverse("publicity:feedback_transition", args=[item.pk]), {"to_state": "verifying"}).status_code
        == 302
    )
    assert Feedback.objects.get(pk=item.pk).state == FeedbackState.VERIFYING


def test_no_gate_check_on_ones_own_notice(client, personas, colleague):
    notice = NoticeFactory(cadre=personas.org_staff, state=NoticeState.GATE)
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("publicity:notice_detail", args=[notice.pk])).content.decode()
    assert 'id="own-notice"' in page
    assert reverse("publicity:gate_check", args=[notice.pk, "quota"]) not in page
    response = client.post(
        reverse("publicity:gate_check", args=[notice.pk, "quota"]), {"quota-result": "passed", "quota-note": "有空缺"}
    )
    assert response.status_code == 400 and "对象是您本人" in response.content.decode()
    api = client.post(
        f"/api/publicity/notices/{notice.pk}/gate-check/",
        {"kind": "quota", "result": "passed", "note": "有空缺"},
        content_type="application/json",
    )
    assert api.status_code == 400 and "对象是您本人" in str(api.json())
    assert not GateCheck.objects.filter(notice=notice).exists()

    client.force_login(colleague)
    response = client.post(
        reverse("publicity:gate_check", args=[notice.pk, "quota"]), {"quota-result": "passed", "quota-note": "有空缺"}
    )
    assert response.status_code == 302 and GateCheck.objects.filter(notice=notice, checked_by=colleague).exists()
