"""Builders for selection tests: a post with a vacancy, a selection, voters, through the services."""

from __future__ import annotations

from datetime import date

from cadres.models import LeadershipTier, UnitRole
from selection.models import ApprovedPost, Method, Selection
from selection.services import selections as services

from .factories import CadreFactory, rank

DAY = date(2026, 6, 1)


def post_with_vacancy(unit, *, title: str = "副主任", count: int = 2) -> ApprovedPost:
    return ApprovedPost.objects.create(unit=unit, title=title, tier=LeadershipTier.DEPUTY, count=count)


def open_selection(post, by, *, method=Method.RECOMMENDATION, rounds=2, **qualifications) -> Selection:
    return services.selection_open(
        post=post,
        title=f"{post}选拔",
        method=method,
        rounds=rounds,
        plan="按《条例》组织推荐。",
        qualification_date=DAY,
        actor=by,
        **qualifications,
    )


def voters(unit, n: int, prefix: str = "V"):
    return [
        CadreFactory(unit=unit, name=f"投票人{prefix}{i}", code=f"{prefix}{i:04d}", with_account=True) for i in range(n)
    ]


def nominees(unit, n: int, prefix: str = "N"):
    return [
        CadreFactory(
            unit=unit,
            name=f"人选{prefix}{i}",
            code=f"{prefix}{i:04d}",
            rank=rank("副科级"),
            role=UnitRole.STAFF,
            with_account=True,
        )
        for i in range(n)
    ]
