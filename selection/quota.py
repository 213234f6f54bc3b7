"""职数: how many of a post are approved, held and being filled. Holders are derived, never stored:
the active cadres whose current unit and post title are the post's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from cadres.models import Cadre

from .models import ApprovedPost, Selection, State

OPEN_STATES = [s for s in State.values if s not in (State.CANDIDATES, State.CANCELLED)]


@dataclass
class PostStatus:
    post: ApprovedPost
    holders: list[Cadre] = field(default_factory=list)
    # Open selections for this post that did not need an exception (each fills one vacancy).
    in_selection: int = 0

    @property
    def approved(self) -> int:
        return self.post.count

    @property
    def held(self) -> int:
        return len(self.holders)

    @property
    def vacancies(self) -> int:
        return max(self.approved - self.held, 0)

    @property
    def over(self) -> int:
        return max(self.held - self.approved, 0)

    @property
    def free(self) -> int:
        """Vacancies not yet being filled by an open selection."""
        return max(self.approved - self.held - self.in_selection, 0)


def post_statuses(posts: list[ApprovedPost] | None = None, *, exclude_selection: int | None = None) -> list[PostStatus]:
    """The status of each post (all posts when none given), in three queries."""
    if posts is None:
        posts = list(ApprovedPost.objects.select_related("unit"))
    unit_ids = {p.unit_id for p in posts}
    holders: dict[tuple[int, str], list[Cadre]] = defaultdict(list)
    for cadre in Cadre.objects.filter(is_active=True, unit_id__in=unit_ids).select_related("rank").order_by("code"):
        holders[(cadre.unit_id, cadre.post_title.strip())].append(cadre)
    selections = Selection.objects.filter(post__in=posts, state__in=OPEN_STATES, quota_exception_document="")
    if exclude_selection:
        selections = selections.exclude(pk=exclude_selection)
    counts = dict(selections.values_list("post_id").annotate(n=Count("pk")).values_list("post_id", "n"))
    return [
        PostStatus(post=p, holders=holders.get((p.unit_id, p.title.strip()), []), in_selection=counts.get(p.pk, 0))
        for p in posts
    ]


def status_of(post: ApprovedPost, *, exclude_selection: int | None = None) -> PostStatus:
    return post_statuses([post], exclude_selection=exclude_selection)[0]


@dataclass
class UnitOccupancy:
    unit: object
    statuses: list[PostStatus]

    @property
    def approved(self) -> int:
        return sum(s.approved for s in self.statuses)

    @property
    def held(self) -> int:
        return sum(s.held for s in self.statuses)

    @property
    def vacancies(self) -> int:
        return sum(s.vacancies for s in self.statuses)

    @property
    def over(self) -> int:
        return sum(s.over for s in self.statuses)


def occupancy(unit_id: int | None = None) -> tuple[list[UnitOccupancy], dict[str, int]]:
    """Per unit and for the whole district: approved, held, vacancies, over quota."""
    posts = ApprovedPost.objects.select_related("unit")
    if unit_id:
        posts = posts.filter(unit_id=unit_id)
    by_unit: dict[int, UnitOccupancy] = {}
    for status in post_statuses(list(posts)):
        by_unit.setdefault(status.post.unit_id, UnitOccupancy(status.post.unit, [])).statuses.append(status)
    units = sorted(by_unit.values(), key=lambda u: (u.unit.sort_order, u.unit.name))
    totals = {
        "approved": sum(u.approved for u in units),
        "held": sum(u.held for u in units),
        "vacancies": sum(u.vacancies for u in units),
        "over": sum(u.over for u in units),
    }
    return units, totals


def posts_matching(text: str) -> list[ApprovedPost]:
    """Posts whose "<unit><title>" appears in a free-text proposed post (as on a notice)."""
    text = (text or "").replace(" ", "")
    if not text:
        return []
    candidates = ApprovedPost.objects.select_related("unit").filter(Q(title__isnull=False))
    return [p for p in candidates if f"{p.unit.name}{p.title}" in text]
