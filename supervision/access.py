"""Who may see and do what in supervision.

Org staff (考核办) and discipline staff (纪检监察) keep the records: rewards and sanctions, reports,
supervision information. A cadre sees their own rewards and sanctions in their archive; nobody else
sees them, and no cadre ever sees a report or who made it.
"""

from __future__ import annotations

from cadres.access import Role, cadre_of, get_object_or_404_in, is_discipline_staff, is_org_staff, role_required
from cadres.models import Cadre
from cadres.types import Actor

from .models import Report, RewardSanction, SupervisionInfo

supervision_staff_required = role_required(Role.ORG_STAFF, Role.DISCIPLINE)


def is_supervision_staff(actor: Actor) -> bool:
    return is_org_staff(actor) or is_discipline_staff(actor)


def may_see_records(actor: Actor, cadre: Cadre) -> bool:
    """Rewards and sanctions in the archive and dossier: staff, and the cadre themself."""
    own = cadre_of(actor)
    return is_supervision_staff(actor) or (own is not None and own.pk == cadre.pk)


def get_record(actor: Actor, pk: int) -> RewardSanction:
    found: RewardSanction = get_object_or_404_in(RewardSanction.objects.select_related("cadre__unit"), pk=pk)
    return found


def get_report(actor: Actor, pk: int) -> Report:
    found: Report = get_object_or_404_in(Report.objects.select_related("cadre__unit", "notice", "selection"), pk=pk)
    return found


def get_info(actor: Actor, pk: int) -> SupervisionInfo:
    found: SupervisionInfo = get_object_or_404_in(SupervisionInfo.objects.select_related("cadre"), pk=pk)
    return found
