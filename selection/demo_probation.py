"""Demo of the time after the appointment, on top of the decided demo selection (whose decision
started its own probation when the post calls for one): three more 任职试用期 of cadres appointed
earlier — one confirmed after its year, one running with its end-of-probation reminder due (the
reminder is sent, so org staff find it among their notifications), one extended with a new end.
Idempotent: nothing is added once a probation without a selection exists."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from cadres.models import Cadre, LeadershipTier, UnitCategory, UnitRole, User

from .models import ApprovedPost, Probation, ProbationStatus
from .services import probation as services

STAFF = "ZZB004"


def _post(cadre: Cadre) -> str:
    post = ApprovedPost.objects.filter(unit=cadre.unit, tier=LeadershipTier.DEPUTY).order_by("title").first()
    return str(post) if post else f"{cadre.unit.name}副职"


@transaction.atomic
def seed(today: date) -> None:
    staff = User.objects.filter(username=STAFF).first()
    if staff is None or Probation.objects.filter(decision__isnull=True).exists():
        return
    busy = Probation.objects.filter(status=ProbationStatus.RUNNING).values("cadre_id")
    people = list(
        Cadre.objects.filter(is_active=True, role=UnitRole.STAFF, unit__category=UnitCategory.DISTRICT_DEPARTMENT)
        .exclude(pk__in=busy)
        .exclude(code__startswith="ZZB")
        .select_related("unit")
        .order_by("code")[:3]
    )
    if len(people) < 3:
        return
    confirmed, due, extended = people

    def start(cadre: Cadre, days_ago: int) -> Probation:
        return services.probation_start(
            cadre=cadre,
            post=_post(cadre),
            start=today - timedelta(days=days_ago),
            previous_post=cadre.post_title or "",
            actor=staff,
        )

    first = start(confirmed, 400)
    services.probation_confirm(
        probation=first,
        note="试用期满，经考核（述职、民主测评、个别谈话），思想政治表现好，履职尽责，胜任现职，同意正式任职。",
        actor=staff,
        today=today,
    )
    start(due, 350)  # ends in about two weeks: inside the 30-day reminder window
    third = start(extended, 380)
    services.probation_extend(
        probation=third,
        new_end=today + timedelta(days=120),
        reason="试用期间分管工作推进较慢，民主测评胜任票比例偏低，延长试用期继续考察。",
        actor=staff,
        today=today,
    )
    services.remind_probation_ends(today=today)
