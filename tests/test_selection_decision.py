"""The decision: meetings, the 差额票决's validity and result at their edges, the chosen candidate's
notice draft filled from the record, the others archived with the reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from publicity.models import Notice, NoticeState
from selection.errors import SelectionError
from selection.models import ArchivedCandidate, Decision, InspectionSettings, ProcessEntry
from selection.services import decision as services
from selection.services import inspection

from .factories import to_inspection

pytestmark = pytest.mark.django_db


def _meeting(selection, staff, *, total=11, present=11, votes=None, kind="standing"):
    return services.meeting_record(
        selection=selection,
        kind=kind,
        held_on=timezone.localdate(),
        members_total=total,
        present=present,
        attendees="书记、副书记及常委",
        votes=votes,
        actor=staff,
    )


@pytest.mark.parametrize(("present", "valid"), [(5, False), (6, True)], ids=["5of11-invalid", "6of11-valid"])
def test_quorum_is_more_than_half_of_the_members(personas, present, valid):
    selection, (a, b) = to_inspection(personas)
    votes = {a.pk: (present, 0, 0), b.pk: (0, present - 1, 1)}
    meeting = _meeting(selection, personas.org_staff.user, present=present, votes=votes)
    outcome = services.outcome_of(meeting)
    assert outcome.valid is valid
    assert (outcome.chosen == a) is valid


@pytest.mark.parametrize(("votes_for", "chosen"), [(5, False), (6, True)], ids=["5of10-no", "6of10-yes"])
def test_elected_needs_more_than_half_of_the_members(personas, votes_for, chosen):
    selection, (a, b) = to_inspection(personas)
    meeting = _meeting(
        selection, personas.org_staff.user, total=10, present=10, votes={a.pk: (votes_for, 0, 0), b.pk: (1, 0, 0)}
    )
    assert (services.outcome_of(meeting).chosen == a) is chosen


def test_an_exact_quorum_share_is_not_more_and_the_share_is_settable(personas):
    selection, (a, b) = to_inspection(personas)
    staff = personas.org_staff.user
    meeting = _meeting(selection, staff, total=10, present=5, votes={a.pk: (5, 0, 0), b.pk: (0, 0, 5)})
    assert services.outcome_of(meeting).valid is False
    InspectionSettings.objects.update_or_create(
        pk=1, defaults={"quorum_percent": Decimal("40"), "pass_percent": Decimal("40")}
    )
    assert services.outcome_of(meeting).chosen == a


def test_a_tie_at_the_top_decides_nothing(personas):
    selection, (a, b) = to_inspection(personas)
    meeting = _meeting(selection, personas.org_staff.user, votes={a.pk: (7, 0, 0), b.pk: (7, 0, 0)})
    outcome = services.outcome_of(meeting)
    assert outcome.valid and outcome.chosen is None and "重新票决" in outcome.reason
    with pytest.raises(SelectionError, match="重新票决"):
        services.decide(selection=selection, meeting=meeting, actor=personas.org_staff.user)


def test_vote_input_is_checked(personas):
    selection, (a, b) = to_inspection(personas)
    staff = personas.org_staff.user
    with pytest.raises(SelectionError, match="合计须在 0 到实到会成员 9 之间"):
        _meeting(selection, staff, present=9, votes={a.pk: (5, 3, 2), b.pk: (1, 1, 1)})
    with pytest.raises(SelectionError, match="两名以上"):
        _meeting(selection, staff, votes={a.pk: (9, 0, 0)})
    with pytest.raises(SelectionError, match="实到会成员须在"):
        _meeting(selection, staff, total=5, present=6)


def test_decision_drafts_the_notice_archives_the_others_and_freezes_the_inspection(client, personas):
    selection, (a, b) = to_inspection(personas)
    staff = personas.org_staff.user
    client.force_login(staff)
    # 部务会 without a vote, with the 施政演说 file; then the 常委会's vote through the page.
    response = client.post(
        reverse("selection:meeting_add", args=[selection.pk]),
        {
            "kind": "ministry",
            "held_on": timezone.localdate().isoformat(),
            "members_total": 7,
            "present": 7,
            "attendees": "部长、副部长",
            "speech": SimpleUploadedFile("施政演说.txt", "施政演说全文".encode()),
        },
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("selection:meeting_add", args=[selection.pk]),
        {
            "kind": "standing",
            "held_on": timezone.localdate().isoformat(),
            "members_total": 11,
            "present": 9,
            "attendees": "常委",
            "has_vote": "on",
            f"votes_{a.pk}_for": 9,
            f"votes_{a.pk}_against": 1,
            f"votes_{b.pk}_for": 2,
        },
    )
    assert bad.status_code == 400 and "合计须在 0 到实到会成员 9 之间" in bad.content.decode()
    assert 'value="9"' in bad.content.decode()
    response = client.post(
        reverse("selection:meeting_add", args=[selection.pk]),
        {
            "kind": "standing",
            "held_on": timezone.localdate().isoformat(),
            "members_total": 11,
            "present": 10,
            "attendees": "常委",
            "has_vote": "on",
            f"votes_{a.pk}_for": 8,
            f"votes_{a.pk}_against": 1,
            f"votes_{a.pk}_abstain": 1,
            f"votes_{b.pk}_for": 2,
            f"votes_{b.pk}_against": 6,
            f"votes_{b.pk}_abstain": 2,
        },
    )
    assert response.status_code == 302
    ministry, standing = list(selection.meetings.order_by("pk"))
    # The 部务会 cannot decide.
    with pytest.raises(SelectionError, match="常委会"):
        services.decide(selection=selection, meeting=ministry, actor=staff)
    speech = client.get(reverse("selection:meeting_speech", args=[selection.pk, ministry.pk]))
    assert b"".join(speech.streaming_content).decode() == "施政演说全文"
    assert client.post(reverse("selection:decide", args=[selection.pk, standing.pk])).status_code == 302
    decision = Decision.objects.get(selection=selection)
    assert decision.chosen == a
    notice = Notice.objects.get(pk=decision.notice_id)
    assert notice.cadre == a.cadre and notice.state == NoticeState.DRAFT
    assert str(selection.post) in notice.proposed_post and a.cadre.name in notice.basic_info
    assert ArchivedCandidate.objects.get(candidate=b).reason == "常委会差额票决未当选（赞成 2 票）。"
    steps = list(ProcessEntry.objects.filter(selection=selection).values_list("step", flat=True))
    assert steps[-5:] == ["部务会", "常委会", "人选归档", "任用决定", "任职试用期"]
    with pytest.raises(SelectionError, match="已经作出决定"):
        services.decide(selection=selection, meeting=standing, actor=staff)
    with pytest.raises(SelectionError, match="不能再修改"):
        inspection.analysis_draft(candidate=a, actor=staff)
    page = client.get(reverse("selection:inspection", args=[selection.pk])).content.decode()
    assert "任前公示草稿" in page and "当选" in page
    assert 'id="briefing-link"' in page and 'id="probation-link"' in page
    for who in ("cadre", "discipline", "leader"):
        client.force_login(personas.user(who))
        assert client.get(reverse("selection:meeting_speech", args=[selection.pk, ministry.pk])).status_code in (
            403,
            404,
        )
