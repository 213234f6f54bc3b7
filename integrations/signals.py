"""Deletions of exported records become rows of the HR export's deletions feed.

Connected for ORM deletions (one object, a queryset, a cascade: Django sends post_delete for each row
once a receiver is connected). SQL run by hand outside the ORM is not seen (docs/hr-export.md).
A deleted resume entry is part of its cadre's record: the cadre's record changes instead.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from cadres.models import Cadre, ResumeEntry, Unit
from evaluations.models import AnnualResult
from supervision.models import RewardSanction

from .models import Deletion, DeletionKind


def _cadre_code(cadre_id: int) -> str:
    return Cadre.objects.filter(pk=cadre_id).values_list("code", flat=True).first() or ""


@receiver(post_delete, sender=Cadre, dispatch_uid="integrations.cadre_deleted")
def cadre_deleted(sender: Any, instance: Cadre, **kwargs: Any) -> None:
    Deletion.objects.create(kind=DeletionKind.CADRE, key={"code": instance.code})


@receiver(post_delete, sender=Unit, dispatch_uid="integrations.unit_deleted")
def unit_deleted(sender: Any, instance: Unit, **kwargs: Any) -> None:
    Deletion.objects.create(kind=DeletionKind.UNIT, key={"name": instance.name})


@receiver(post_delete, sender=AnnualResult, dispatch_uid="integrations.annual_result_deleted")
def annual_result_deleted(sender: Any, instance: AnnualResult, **kwargs: Any) -> None:
    key = {"cadre_code": _cadre_code(instance.cadre_id), "year": instance.year}
    Deletion.objects.create(kind=DeletionKind.ANNUAL_RESULT, key=key)


@receiver(post_delete, sender=RewardSanction, dispatch_uid="integrations.reward_sanction_deleted")
def reward_sanction_deleted(sender: Any, instance: RewardSanction, **kwargs: Any) -> None:
    Deletion.objects.create(kind=DeletionKind.REWARD_SANCTION, key={"id": instance.pk})


@receiver(post_delete, sender=ResumeEntry, dispatch_uid="integrations.resume_entry_deleted")
def resume_entry_deleted(sender: Any, instance: ResumeEntry, **kwargs: Any) -> None:
    Cadre.objects.filter(pk=instance.cadre_id).update(updated_at=timezone.now())
