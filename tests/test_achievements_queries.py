"""The pages people open every day cost the same number of queries for a busy unit as for a quiet
one: no query per log, record, participant or attachment (N+1)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from achievements.models import (
    Achievement,
    AchievementAttachment,
    AchievementFigure,
    AchievementParticipant,
    DailyLog,
    LeavePeriod,
)

from .factories import CHINESE_LOG, CadreFactory, category
from .support import TINY_PDF, today

pytestmark = pytest.mark.django_db


def add_records(personas, count: int) -> None:
    """`count` more colleagues with a week of logs, and `count` joint records with evidence."""
    days = [today() - timedelta(days=n) for n in range(7)]
    for n in range(count):
        colleague = CadreFactory(unit=personas.unit)
        DailyLog.objects.bulk_create(
            DailyLog(author=colleague, unit=personas.unit, day=day, text=CHINESE_LOG) for day in days
        )
        LeavePeriod.objects.create(cadre=colleague, start=days[-1], end=days[-1])
        achievement = Achievement.objects.create(
            title=f"联合实绩{n}",
            date=today(),
            category=category(),
            description="组织培训三期。",
            created_by=personas.cadre,
            unit=personas.unit,
        )
        AchievementFigure.objects.create(achievement=achievement, label="参训", value=Decimal(186), unit="人")
        for participant in (personas.cadre, colleague):
            AchievementParticipant.objects.create(
                achievement=achievement, cadre=participant, role="executor", share=Decimal(40)
            )
        AchievementAttachment.objects.create(
            achievement=achievement,
            file=ContentFile(TINY_PDF, name="e.pdf"),
            original_name="证明.pdf",
            size=len(TINY_PDF),
            content_type="application/pdf",
        )
    for day in days:
        DailyLog.objects.get_or_create(
            author=personas.cadre, day=day, defaults={"unit": personas.unit, "text": CHINESE_LOG}
        )


PAGES = [
    ("colleague", lambda p: reverse("achievements:feed")),
    ("superior_leader", lambda p: f"{reverse('achievements:feed')}?unit={p.unit.pk}"),
    ("cadre", lambda p: reverse("achievements:my_logs")),
    ("cadre", lambda p: reverse("achievements:my_records")),
    ("cadre", lambda p: reverse("home")),
    ("leader", lambda p: reverse("achievements:cadre_archive", args=[p.cadre.pk, today().year])),
    ("leader", lambda p: reverse("achievements:leave_list")),
    ("org_staff", lambda p: f"{reverse('achievements:verification')}?status=all"),
    ("cadre", lambda p: "/api/daily-logs/"),
    ("cadre", lambda p: "/api/achievements/"),
]


@pytest.mark.parametrize(("persona", "url"), PAGES, ids=[f"{p}:{i}" for i, (p, _) in enumerate(PAGES)])
def test_page_queries_do_not_grow_with_the_records_shown(
    client, personas, persona, url, django_capture_on_commit_callbacks
):
    client.force_login(personas.user(persona))
    client.get(reverse("home"))  # the header's unread count is cached from the first page on
    # Committed, as in use: a page cached until a write (the unit feed) is built again after it.
    with django_capture_on_commit_callbacks(execute=True):
        add_records(personas, 1)
    with CaptureQueriesContext(connection) as quiet:
        assert client.get(url(personas)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        add_records(personas, 6)
    with CaptureQueriesContext(connection) as busy:
        assert client.get(url(personas)).status_code == 200
    assert len(busy) == len(quiet), "\n".join(q["sql"][:120] for q in busy.captured_queries)
