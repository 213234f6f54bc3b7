"""The demo of 晒实绩: three months of logs with gaps, summaries, joint achievements, leave, and one
self-assessment in each state; idempotent."""

import pytest
from django.core.management import call_command
from django.db.models import F

from achievements.deductions import deduction_report
from achievements.models import (
    Achievement,
    AchievementAttachment,
    AchievementParticipant,
    AssessmentState,
    DailyLog,
    LeavePeriod,
    SelfAssessment,
    Summary,
    VerificationStatus,
)
from achievements.selectors import open_days
from cadres.models import Cadre

from .support import today

pytestmark = pytest.mark.django_db

MODELS = (DailyLog, Summary, LeavePeriod, Achievement, AchievementParticipant, AchievementAttachment, SelfAssessment)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_is_believable_and_idempotent(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first

    cadres = Cadre.objects.filter(is_active=True).count()
    assert first["DailyLog"] > cadres * 50  # about three months of working days
    # Written on the day, mostly; about one in eight backfilled a day later.
    on_time = DailyLog.objects.filter(created_at__date=F("day")).count()
    assert first["DailyLog"] * 0.7 < on_time < first["DailyLog"]
    oldest = DailyLog.objects.order_by("day").first().day
    assert 85 <= (today() - oldest).days <= 95
    assert set(SelfAssessment.objects.values_list("state", flat=True)) == set(AssessmentState.values)
    assert AchievementParticipant.objects.values("achievement").distinct().count() >= 5
    assert set(Achievement.objects.values_list("verification_status", flat=True)) == set(VerificationStatus.values)
    for achievement in Achievement.objects.prefetch_related("participants"):
        assert sum(p.share for p in achievement.participants.all()) <= 100
    assert first["Summary"] < cadres  # some never handed theirs in

    demo_cadre = Cadre.objects.get(code="QSZ008")
    assert len(open_days(cadre=demo_cadre)) >= 2
    gaps = [
        deduction_report(cadre=c, year=today().year).missing_day_count for c in Cadre.objects.filter(is_active=True)
    ]
    assert 0 < sum(1 for g in gaps if g) < len(gaps)  # some cadres have gaps, most do not
    assert "演示账号" in capsys.readouterr().out
