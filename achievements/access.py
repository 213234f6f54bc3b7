"""Who may read and do what in 晒实绩. Built on `cadres.access`; every view and endpoint asks here.

- Daily logs, summaries and achievements are "shown" (晒) inside the unit: the author, everyone in
  the unit the record was written in, and leaders (主要领导 / 班子成员) of that unit or a unit
  above it. Nobody else, never the public. Org staff read them only through a cadre's archive
  and dossier, which the organization department keeps (rules.md §3 "Archive").
- A cadre's archive, deduction page and dossier: the cadre, leaders over the cadre's unit, org staff.
  The evaluation results in them (scores, ranks, grades) only for the cadre and org staff (rules.md §1).
- A unit's overview of missing logs and deductions: leaders of the unit or a unit above, org staff.
- Leave: unit leaders for the cadres of the units they lead (never for themselves), and org staff.
- Self-assessments: the unit's main leader reviews; a main leader's own form goes to the main
  leader of the unit above, and where there is none, to org staff. A draft is read by its author
  only, never by org staff or the system admin.
Outside scope the answer is 404, as for something that does not exist.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cadres.access import cadre_of, cadres_visible_to, get_object_or_404_in, is_org_staff, led_unit_ids
from cadres.models import LEADERSHIP_ROLES, Cadre, Unit, UnitRole
from cadres.types import Actor

from .models import (
    Achievement,
    AchievementAttachment,
    AssessmentState,
    DailyLog,
    DossierExport,
    LeavePeriod,
    SelfAssessment,
    Summary,
)

# --- Reading records shown inside a unit ---------------------------------------------------------


def readable_unit_ids(actor: Actor) -> set[int]:
    """Units whose logs a user reads on the feed: their own unit, plus the units they lead."""
    cadre = cadre_of(actor)
    if cadre is None:
        return set()
    return {cadre.unit_id} | led_unit_ids(actor)


def feed_units(actor: Actor) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=readable_unit_ids(actor)).order_by("sort_order", "name")


def require_unit_read(actor: Actor, unit_id: int) -> None:
    if unit_id not in readable_unit_ids(actor):
        raise Http404


def logs_visible_to(actor: Actor) -> QuerySet[DailyLog]:
    cadre = cadre_of(actor)
    if cadre is None:
        return DailyLog.objects.none()
    return DailyLog.objects.filter(Q(unit_id__in=readable_unit_ids(actor)) | Q(author=cadre))


def summaries_visible_to(actor: Actor) -> QuerySet[Summary]:
    cadre = cadre_of(actor)
    if cadre is None:
        return Summary.objects.none()
    return Summary.objects.filter(Q(unit_id__in=readable_unit_ids(actor)) | Q(author=cadre))


def achievements_visible_to(actor: Actor) -> QuerySet[Achievement]:
    """Org staff verify every record; others see their unit's, their led units' and their own."""
    if is_org_staff(actor):
        return Achievement.objects.all()
    cadre = cadre_of(actor)
    if cadre is None:
        return Achievement.objects.none()
    return Achievement.objects.filter(
        Q(unit_id__in=readable_unit_ids(actor)) | Q(created_by=cadre) | Q(participants__cadre=cadre)
    ).distinct()


def get_achievement_for_user(actor: Actor, pk: int | str) -> Achievement:
    achievement: Achievement = get_object_or_404_in(
        achievements_visible_to(actor).select_related("category", "created_by", "unit", "verified_by"), pk=pk
    )
    return achievement


def get_attachment_for_user(actor: Actor, pk: int | str) -> AchievementAttachment:
    attachment: AchievementAttachment = get_object_or_404_in(
        AchievementAttachment.objects.select_related("achievement"), pk=pk
    )
    if not achievements_visible_to(actor).filter(pk=attachment.achievement_id).exists():
        raise Http404
    return attachment


def may_edit_achievement(actor: Actor, achievement: Achievement) -> bool:
    cadre = cadre_of(actor)
    return cadre is not None and achievement.created_by_id == cadre.pk


def _involving(actor: Actor) -> Q:
    return Q(created_by__user_id=actor.pk) | Q(participants__cadre__user_id=actor.pk)


def involved_in(actor: Actor, achievement: Achievement) -> bool:
    """Whether `actor` filed the record or is one of its participants."""
    return Achievement.objects.filter(_involving(actor), pk=achievement.pk).exists()


def may_verify(actor: Actor, achievement: Achievement) -> bool:
    """Org staff verify records, except those they filed or took part in: nobody checks their own work."""
    return is_org_staff(actor) and not involved_in(actor, achievement)


def involved_ids(actor: Actor, achievement_ids: list[int]) -> set[int]:
    """Of these records, the ones `actor` filed or took part in (one query, for the verification queue)."""
    return set(Achievement.objects.filter(_involving(actor), pk__in=achievement_ids).values_list("pk", flat=True))


def get_own_achievement(actor: Actor, pk: int | str) -> Achievement:
    """The author's own record for editing; anyone else gets 404 (or 403 if they can see it)."""
    achievement = get_achievement_for_user(actor, pk)
    if not may_edit_achievement(actor, achievement):
        raise Http404
    return achievement


# --- A cadre's archive, deductions and dossier ------------------------------------------------------


def get_archive_cadre(actor: Actor, pk: int | str) -> Cadre:
    cadre: Cadre = get_object_or_404_in(cadres_visible_to(actor), pk=pk)
    return cadre


def can_see_results(actor: Actor, cadre: Cadre) -> bool:
    """Evaluation results in a cadre's archive and dossier: the cadre themself and org staff only.

    A leader opens a colleague's archive for the logs, summaries and achievements, but rules.md §1
    keeps others' results and rankings to the organization department.
    """
    own = cadre_of(actor)
    return is_org_staff(actor) or (own is not None and own.pk == cadre.pk)


def overview_units(actor: Actor) -> QuerySet[Unit]:
    """Units whose missing logs and deductions a user overviews: org staff all; leaders the units they lead."""
    units = Unit.objects.order_by("sort_order", "name")
    if is_org_staff(actor):
        return units
    return units.filter(pk__in=led_unit_ids(actor))


def get_overview_unit(actor: Actor, pk: int | str | None) -> Unit:
    """The unit asked for, else the user's own unit if they may overview it, else the first one; 404 when none."""
    units = overview_units(actor)
    if pk is None:
        own = cadre_of(actor)
        pk = own.unit_id if own is not None and units.filter(pk=own.unit_id).exists() else None
    if pk is None:
        first = units.first()
        if first is None:
            raise Http404  # neither a leader nor org staff
        return first
    unit: Unit = get_object_or_404_in(units, pk=pk)
    return unit


def may_export_unit(actor: Actor) -> bool:
    return is_org_staff(actor)


def get_export_for_user(actor: Actor, pk: int | str) -> DossierExport:
    if not may_export_unit(actor):
        raise Http404
    export: DossierExport = get_object_or_404_in(DossierExport.objects.select_related("unit", "requested_by"), pk=pk)
    return export


# --- Leave ---------------------------------------------------------------------------------------


def leave_cadres_for(actor: Actor) -> QuerySet[Cadre]:
    """Cadres whose leave a user may mark: org staff everyone; leaders the cadres they lead, not themselves.

    In the leader's own unit only those below them: a main leader marks the team members and cadres,
    a team member the ordinary cadres. The chief's and the peers' leave is for the main leader, the
    leader above or org staff.
    """
    qs = Cadre.objects.filter(is_active=True).select_related("unit")
    if is_org_staff(actor):
        return qs
    cadre = cadre_of(actor)
    if cadre is None or not cadre.is_leader:
        return qs.none()
    own_unit_above_me = [UnitRole.MAIN_LEADER] if cadre.role == UnitRole.MAIN_LEADER else list(LEADERSHIP_ROLES)
    return (
        qs.filter(unit_id__in=led_unit_ids(actor))
        .exclude(pk=cadre.pk)
        .exclude(unit_id=cadre.unit_id, role__in=own_unit_above_me)
    )


def leave_periods_for(actor: Actor) -> QuerySet[LeavePeriod]:
    return LeavePeriod.objects.filter(cadre__in=leave_cadres_for(actor).values("pk"))


def may_mark_leave(actor: Actor) -> bool:
    return is_org_staff(actor) or bool((cadre := cadre_of(actor)) and cadre.is_leader)


# --- Self-assessments ------------------------------------------------------------------------------


def reviewers_of(assessment: SelfAssessment) -> QuerySet[Cadre]:
    """The main leader(s) who approve this form (empty: org staff do)."""
    main_leaders = Cadre.objects.filter(is_active=True, role=UnitRole.MAIN_LEADER)
    if assessment.author.role != UnitRole.MAIN_LEADER:
        return main_leaders.filter(unit_id=assessment.unit_id).exclude(pk=assessment.author_id)
    parent_id = Unit.objects.filter(pk=assessment.unit_id).values_list("parent_id", flat=True).first()
    if parent_id is None:
        return main_leaders.none()
    return main_leaders.filter(unit_id=parent_id)


def may_review(actor: Actor, assessment: SelfAssessment) -> bool:
    cadre = cadre_of(actor)
    if cadre is not None and cadre.pk == assessment.author_id:
        return False
    reviewers = reviewers_of(assessment)
    if cadre is not None and reviewers.filter(pk=cadre.pk).exists():
        return True
    return is_org_staff(actor) and not reviewers.exists()


def assessments_to_review(actor: Actor) -> QuerySet[SelfAssessment]:
    """Submitted forms waiting for this user's decision."""
    waiting = SelfAssessment.objects.filter(state=AssessmentState.SUBMITTED).select_related("author", "unit")
    cadre = cadre_of(actor)
    ids: set[int] = set()
    if cadre is not None and cadre.role == UnitRole.MAIN_LEADER:
        ids |= set(
            waiting.filter(unit_id=cadre.unit_id)
            .exclude(author__role=UnitRole.MAIN_LEADER)
            .values_list("pk", flat=True)
        )
        ids |= set(
            waiting.filter(unit__parent_id=cadre.unit_id, author__role=UnitRole.MAIN_LEADER).values_list(
                "pk", flat=True
            )
        )
    if is_org_staff(actor):
        ids |= set(_without_reviewer(waiting).values_list("pk", flat=True))
    return waiting.filter(pk__in=ids)


def _without_reviewer(forms: QuerySet[SelfAssessment]) -> QuerySet[SelfAssessment]:
    """Forms no main leader can review (the same rule as `reviewers_of`, for many forms in one query)."""
    main_leaders = Cadre.objects.filter(is_active=True, role=UnitRole.MAIN_LEADER)
    return forms.annotate(
        unit_has_leader=Exists(main_leaders.filter(unit_id=OuterRef("unit_id")).exclude(pk=OuterRef("author_id"))),
        parent_has_leader=Exists(main_leaders.filter(unit_id=OuterRef("unit__parent_id"))),
    ).filter(
        Q(author__role=UnitRole.MAIN_LEADER, parent_has_leader=False)
        | (~Q(author__role=UnitRole.MAIN_LEADER) & Q(unit_has_leader=False))
    )


def assessments_visible_to(actor: Actor) -> QuerySet[SelfAssessment]:
    """Own forms; the unit's forms once posted; everything the user reviews or oversees.

    A draft is its author's private notes until submitted: nobody else reads it, org staff and the
    system admin included (the admin site lists forms through here too).
    """
    qs = SelfAssessment.objects.select_related("author", "unit", "reviewed_by")
    own = Q(author__user_id=actor.pk) if getattr(actor, "is_authenticated", False) else Q(pk__in=[])
    submitted = ~Q(state=AssessmentState.DRAFT)
    if is_org_staff(actor):
        return qs.filter(own | submitted)
    cadre = cadre_of(actor)
    if cadre is None:
        return qs.none()
    shown = own | Q(unit_id=cadre.unit_id, state__in=[AssessmentState.POSTED, AssessmentState.FILED])
    if cadre.is_leader:
        shown |= Q(unit_id__in=led_unit_ids(actor)) & submitted
    if cadre.role == UnitRole.MAIN_LEADER:
        shown |= Q(unit__parent_id=cadre.unit_id, author__role=UnitRole.MAIN_LEADER) & submitted
    return qs.filter(shown)


def get_assessment_for_user(actor: Actor, pk: int | str) -> SelfAssessment:
    assessment: SelfAssessment = get_object_or_404_in(assessments_visible_to(actor), pk=pk)
    return assessment


def may_object(actor: Actor, assessment: SelfAssessment) -> bool:
    """Colleagues in the unit where the form is posted (not its author)."""
    cadre = cadre_of(actor)
    return (
        cadre is not None
        and cadre.pk != assessment.author_id
        and cadre.unit_id == assessment.unit_id
        and assessment.state == AssessmentState.POSTED
    )


def may_see_objectors(actor: Actor, assessment: SelfAssessment) -> bool:
    """Objections are named to the reviewer and org staff; the author reads them without names."""
    return is_org_staff(actor) or may_review_any(actor, assessment)


def may_review_any(actor: Actor, assessment: SelfAssessment) -> bool:
    cadre = cadre_of(actor)
    if cadre is not None and cadre.pk == assessment.author_id:
        return False
    return cadre is not None and reviewers_of(assessment).filter(pk=cadre.pk).exists()
