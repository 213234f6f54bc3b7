"""Voters are told of a ballot waiting for them; org staff of reserves due for review (the daily job
runs on a real Celery worker and tells each once)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from cadres.models import LeadershipTier
from core.models import Notification
from selection.models import ReserveEntry, VoteKind, VoteMode
from selection.services import selections as services
from selection.services import votes
from selection.tasks import remind_reserve_reviews

from .factories import DAY, open_selection, post_with_vacancy
from .test_worker import wait_for


@pytest.mark.django_db(transaction=True)
def test_voters_are_notified_of_nomination_and_of_an_online_vote(personas):
    staff = personas.org_staff.user
    selection = open_selection(post_with_vacancy(personas.unit), staff)
    services.selection_start_nomination(selection=selection, voter_ids=[personas.colleague.pk], actor=staff)
    note = Notification.objects.get(recipient=personas.colleague.user)
    assert "请参加海推实名推荐" in note.title and note.url.endswith(f"/selection/my/nominate/{selection.pk}/")
    services.nomination_sign(selection=selection, nominator=personas.colleague, nominee=personas.cadre)
    services.round1_close(selection=selection, actor=staff)
    votes.event_setup(
        selection=selection, kind=VoteKind.ROUND2, mode=VoteMode.ONLINE, voter_ids=[personas.leader.pk], actor=staff
    )
    assert Notification.objects.get(recipient=personas.leader.user).title.startswith("请参加公推会议")
    assert not Notification.objects.filter(recipient=personas.cadre.user).exists()


@pytest.mark.worker
def test_reserve_review_reminder_runs_on_the_worker_once(celery_worker, personas):
    today = timezone.localdate()
    ReserveEntry.objects.create(
        cadre=personas.cadre,
        tier=LeadershipTier.DEPUTY,
        source="staff",
        reason="x",
        entered_on=DAY,
        review_on=today - timedelta(days=1),
    )
    ReserveEntry.objects.create(
        cadre=personas.colleague,
        tier=LeadershipTier.DEPUTY,
        source="staff",
        reason="x",
        entered_on=DAY,
        review_on=today + timedelta(days=30),
    )
    remind_reserve_reviews.delay()
    note = wait_for(lambda: Notification.objects.filter(recipient=personas.org_staff.user).first())
    assert personas.cadre.name in note.title
    remind_reserve_reviews.delay()
    remind_reserve_reviews.delay()
    time.sleep(2)
    assert Notification.objects.filter(recipient=personas.org_staff.user).count() == 1
