"""Demo data of selection work on the 青山区 demo district, through the real services.

Approved posts for every unit's leadership (a few with a vacancy, 财政局副局长 full and opened
beyond the quota with an approved exception), 政治面貌 and 任现职级时间 for every cadre, a reserve
pool of 15, and one selection stopped at each step: plan, nomination (海推 under way, the demo
cadre QSZ008 still to sign), round-1 publicity, 公推 (online vote open, QSZ008 still to vote),
民主推荐 (meeting recommendation below the attendance line), and 考察对象 decided (its talk
recommendation online and closed: the demo cadre voted and can check the receipt list).
Idempotent: posts and statuses are updated in place; the pool and the selections are made once.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from cadres.models import Cadre, LeadershipTier, PoliticalStatus, UnitRole, User
from publicity import rules as publicity_rules

from .models import ApprovedPost, Candidate, ReserveEntry, Selection, VoteEvent, VoteKind, VoteMode
from .services import reserves, votes
from .services import selections as services

MARK = "（演示）"
STAFF = "ZZB004"
DEMO_VOTER = "QSZ008"
# unit, post title → extra approved posts beyond today's holders (the vacancies the demo fills)
VACANCIES = {
    ("青山区教育局", "副局长"): 2,  # one for the 公推公选 plan, one for the decided selection (part 2)
    ("柳溪镇", "副镇长"): 1,
    ("青石镇", "副镇长"): 1,
    ("东湖街道", "副主任"): 1,
    ("青山区发展和改革局", "副局长"): 1,
    ("青山区教师发展中心", "副主任"): 1,
}
OVER_QUOTA = (
    "青山区财政局",
    "副局长",
    "青组干〔2026〕8号",
    "财政局承担专项债务化解任务，经区委研究同意临时超职数配备一名副局长。",
)
STATUSES = [PoliticalStatus.CPC_MEMBER] * 16 + [
    PoliticalStatus.CPC_PROBATIONARY,
    PoliticalStatus.DEMOCRATIC_PARTY,
    PoliticalStatus.DEMOCRATIC_PARTY,
    PoliticalStatus.NON_PARTISAN,
    PoliticalStatus.MASSES,
]
MAX_AGE = 50
POOL_SIZE = 13  # plus the two finalists the last selection adds: about 15


@transaction.atomic
def seed(today: date) -> None:
    _statuses(today)
    _posts()
    staff = User.objects.get(username=STAFF)
    if not ReserveEntry.objects.exists():
        _pool(today, staff)
    if not Selection.objects.filter(title__endswith=MARK).exists():
        _selections(today, staff)
    from . import demo_inspection, demo_probation

    demo_inspection.seed(today)
    demo_probation.seed(today)


def _statuses(today: date) -> None:
    for cadre in Cadre.objects.filter(code__regex=r"^[A-Z]+\d{3}$"):
        rng = random.Random(f"{cadre.code}-status")
        cadre.political_status = rng.choice(STATUSES)
        if cadre.rank_since is None:
            cadre.rank_since = date(today.year - rng.randint(1, 8), rng.randint(1, 12), 1)
        cadre.save(update_fields=["political_status", "rank_since"])


def _posts() -> None:
    counts: dict[tuple, list[Cadre]] = {}
    for cadre in Cadre.objects.filter(
        is_active=True, role__in=[UnitRole.MAIN_LEADER, UnitRole.TEAM_MEMBER]
    ).select_related("unit", "rank"):
        counts.setdefault((cadre.unit, cadre.post_title), []).append(cadre)
    for (unit, title), holders in counts.items():
        tier = LeadershipTier.PRINCIPAL if holders[0].rank.leadership_tier == "principal" else LeadershipTier.DEPUTY
        extra = VACANCIES.get((unit.name, title), 0)
        ApprovedPost.objects.update_or_create(
            unit=unit,
            title=title,
            defaults={"tier": tier, "count": len(holders) + extra, "document_number": "青编〔2024〕15号"},
        )


def _staff_cadres(today: date) -> list[Cadre]:
    """Staff with a login, young enough for the demo selections' age limit."""
    people = (
        Cadre.objects.filter(is_active=True, role=UnitRole.STAFF, user__isnull=False)
        .exclude(code=DEMO_VOTER)
        .exclude(code__startswith="ZZB")
        .select_related("unit", "rank")
        .order_by("code")
    )
    return [c for c in people if c.age_on(today) <= MAX_AGE - 2]


def _pool(today: date, staff: User) -> None:
    people = _staff_cadres(today)
    for i, cadre in enumerate(people[::3][:POOL_SIZE]):
        reserves.reserve_add(
            cadre=cadre,
            tier=LeadershipTier.DEPUTY,
            reason="年度考核称职以上，群众公认，经部务会研究列入副科级后备干部。",
            entered_on=today - timedelta(days=30 + 20 * i),
            actor=staff,
        )


def _leaders() -> list[Cadre]:
    return list(
        Cadre.objects.filter(is_active=True, role__in=[UnitRole.MAIN_LEADER, UnitRole.TEAM_MEMBER], user__isnull=False)
        .exclude(code__startswith="ZZB")
        .order_by("code")
    )


def _open(post_key: tuple[str, str], staff: User, today: date, *, rounds: int = 2, **extra) -> Selection:
    post = ApprovedPost.objects.get(unit__name=post_key[0], title=post_key[1])
    return services.selection_open(
        post=post,
        title=f"{post}选拔任用{MARK}",
        method=extra.pop("method", "recommendation"),
        rounds=rounds,
        plan="一、职位：见拟任职位。\n二、程序：海推提名、公推提名、民主推荐（会议推荐＋谈话推荐）。\n三、纪律：全程接受区纪委监委监督。",
        qualification_date=today,
        actor=staff,
        max_age=MAX_AGE,
        **extra,
    )


def _nominate(selection: Selection, voters: list[Cadre], nominees: list[Cadre], spread: list[int]) -> None:
    """Voters sign in turn: the first spread[0] for nominees[0], the next spread[1] for nominees[1], …"""
    it = iter(voters)
    for nominee, n in zip(nominees, spread, strict=False):
        for _ in range(n):
            services.nomination_sign(selection=selection, nominator=next(it), nominee=nominee, reason="实绩突出")


def _through_round1(selection, staff, voters, nominees, *, publicity_start=None, today=None):
    services.selection_start_nomination(selection=selection, voter_ids=[v.pk for v in voters], actor=staff)
    # 6, 5, 4, 3, 2, 2, 1: with K = 5 the two tied at the line both pass (the stated tie rule).
    _nominate(selection, voters, nominees, [6, 5, 4, 3, 2, 2, 1])
    return services.round1_close(selection=selection, actor=staff, publicity_start=publicity_start, today=today)


def _paper(selection, kind, staff, *, expected, actual, shares: list[int], max_choices: int = 1):
    event = votes.event_setup(
        selection=selection, kind=kind, mode=VoteMode.PAPER, expected=expected, max_choices=max_choices, actor=staff
    )
    rows = list(event.counts.order_by("candidate__round1_votes").reverse().values_list("candidate_id", flat=True))
    counts = dict(zip(rows, shares, strict=False))
    votes.paper_counts_enter(event=event, actual=actual, counts=counts, actor=staff)


def _selections(today: date, staff: User) -> None:
    leaders = _leaders()
    demo_voter = Cadre.objects.get(code=DEMO_VOTER)
    pool = [
        e.cadre for e in ReserveEntry.objects.filter(is_active=True).select_related("cadre").order_by("cadre__code")
    ]
    others = [c for c in _staff_cadres(today) if c not in pool]
    field = pool[:4] + others[:3]  # seven people the voters nominate

    # 1. Plan written, nothing started.
    _open(("青山区教育局", "副局长"), staff, today, method="open")
    # Beyond the quota, with the approved exception and its document number.
    unit, title, document, reason = OVER_QUOTA
    _open((unit, title), staff, today, quota_exception_document=document, quota_exception_reason=reason)

    # 2. 海推 under way: most voters signed, the demo cadre has not.
    nominating = _open(("柳溪镇", "副镇长"), staff, today)
    services.selection_start_nomination(
        selection=nominating, voter_ids=[v.pk for v in [*leaders, demo_voter]], actor=staff
    )
    _nominate(nominating, leaders[:15], field, [5, 4, 3, 2, 1])

    # 3. Round-1 results in publicity: from today, or (seeded on a rest day) from the last working
    # day, so the public page is open on any day the demo is seeded.
    calendar = publicity_rules.calendar_around(today - timedelta(days=30))
    start = today
    while not calendar.is_workday(start):
        start -= timedelta(days=1)
    _through_round1(
        _open(("青石镇", "副镇长"), staff, today), staff, leaders, field, publicity_start=start, today=start
    )

    # 4. 公推 online vote open; the demo cadre still to vote.
    round2 = _through_round1(_open(("东湖街道", "副主任"), staff, today), staff, leaders, field)
    event = votes.event_setup(
        selection=round2,
        kind=VoteKind.ROUND2,
        mode=VoteMode.ONLINE,
        voter_ids=[v.pk for v in [*leaders[:12], demo_voter]],
        max_choices=2,
        actor=staff,
    )
    finalists = list(Candidate.objects.filter(selection=round2, round1_passed=True).order_by("-round1_votes", "pk"))
    for i, voter in enumerate(leaders[:9]):
        votes.vote_cast(event_id=event.pk, voter=voter, candidate_ids=[finalists[i % 2].pk, finalists[2 + i % 3].pk])

    # 5. 民主推荐: the meeting fell below the attendance line (75%), the talk is still to come.
    recommending = _through_round1(_open(("青山区发展和改革局", "副局长"), staff, today), staff, leaders, field)
    _paper(recommending, VoteKind.ROUND2, staff, expected=40, actual=38, shares=[30, 26, 10, 6, 3, 1], max_choices=2)
    services.round2_close(selection=recommending, actor=staff)
    _paper(recommending, VoteKind.MEETING, staff, expected=60, actual=45, shares=[25, 15])

    # 6. 考察对象 decided: one finalist above 30% in both, the other not.
    done = _through_round1(_open(("青山区教师发展中心", "副主任"), staff, today), staff, leaders, field)
    _paper(done, VoteKind.ROUND2, staff, expected=40, actual=37, shares=[31, 24, 9, 5, 4, 1], max_choices=2)
    services.round2_close(selection=done, actor=staff)
    _paper(done, VoteKind.MEETING, staff, expected=60, actual=55, shares=[38, 14])
    # The talk recommendation was online: 24 of 25 voted (the demo cadre too), the box is opened.
    ranked = list(
        VoteEvent.objects.get(selection=done, kind=VoteKind.MEETING)
        .counts.order_by("-votes", "candidate_id")
        .values_list("candidate_id", flat=True)
    )
    talkers = [*leaders[:23], demo_voter]
    talk = votes.event_setup(
        selection=done,
        kind=VoteKind.TALK,
        mode=VoteMode.ONLINE,
        voter_ids=[v.pk for v in [*talkers, leaders[23]]],
        actor=staff,
    )
    for i, voter in enumerate(talkers):
        votes.vote_cast(event_id=talk.pk, voter=voter, candidate_ids=[ranked[0] if i < 17 else ranked[1]], today=today)
    votes.event_close(event=talk, actor=staff)
    for candidate in Candidate.objects.filter(selection=done, round2_passed=True).select_related("cadre"):
        if not ReserveEntry.objects.filter(cadre=candidate.cadre, is_active=True).exists():
            services.reserve_exception_record(
                candidate=candidate, reason="海推、公推得票居前，工作实绩突出。", actor=staff
            )
    done = services.candidates_finalize(selection=done, actor=staff)
    reserves.reserve_add_finalists(selection=done, entered_on=today, actor=staff)
