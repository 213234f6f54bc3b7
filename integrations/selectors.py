"""Reads of the HR export (docs/hr-export.md): each feed's records with the moment they last changed."""

from __future__ import annotations

from django.db.models import DateTimeField, F, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from cadres.models import Cadre, ResumeEntry
from evaluations.models import AnnualResult
from supervision.models import RewardSanction

from .models import Deletion, DeletionKind

# Which deletions each scope may see.
DELETION_KINDS_BY_SCOPE = {
    "cadres:read": [DeletionKind.CADRE, DeletionKind.UNIT],
    "results:read": [DeletionKind.ANNUAL_RESULT],
    "supervision:read": [DeletionKind.REWARD_SANCTION],
}


def cadre_records() -> QuerySet[Cadre]:
    """Every cadre (in post or left), with unit, rank and resume; `changed_at` is the latest change
    of the cadre, their unit or any resume entry (a deleted entry touches the cadre: signals.py)."""
    resume_changed = Subquery(
        ResumeEntry.objects.filter(cadre=OuterRef("pk"))
        .order_by()
        .values("cadre")
        .annotate(latest=Max("updated_at"))
        .values("latest")[:1],
        output_field=DateTimeField(),
    )
    return (
        Cadre.objects.select_related("unit", "unit__parent", "rank")
        .prefetch_related(Prefetch("resume_entries", queryset=ResumeEntry.objects.order_by("start_date", "pk")))
        .annotate(
            changed_at=Greatest(
                F("updated_at"),
                F("unit__updated_at"),
                Coalesce(resume_changed, F("updated_at")),
                output_field=DateTimeField(),
            )
        )
    )


def annual_result_records() -> QuerySet[AnnualResult]:
    """Every annual result, published or not: the view shows only the key of an unpublished one."""
    return AnnualResult.objects.select_related("cadre", "unit", "rank").annotate(changed_at=F("updated_at"))


def reward_sanction_records() -> QuerySet[RewardSanction]:
    return RewardSanction.objects.select_related("cadre").annotate(changed_at=F("updated_at"))


def deletion_records(scopes: list[str] | None) -> QuerySet[Deletion]:
    """Deletions of the kinds the scopes may read (`None`: all, for org staff)."""
    deletions = Deletion.objects.annotate(changed_at=F("deleted_at"))
    if scopes is None:
        return deletions
    kinds = [kind for scope in scopes for kind in DELETION_KINDS_BY_SCOPE.get(scope, [])]
    return deletions.filter(kind__in=kinds)
