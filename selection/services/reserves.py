"""The reserve pool (后备干部库): entry by a nomination round or by staff decision, and leaving it."""

from __future__ import annotations

from datetime import date

from auditlog.context import set_actor
from django.db import transaction
from django.utils.translation import gettext as _

from cadres.models import Cadre, LeadershipTier, User

from ..errors import SelectionError
from ..models import ReserveEntry, ReserveSource, Selection, SelectionSettings, State
from .selections import _text, finalists


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def default_review_date(entered_on: date) -> date:
    return _add_months(entered_on, SelectionSettings.for_year(entered_on.year).reserve_review_months)


def reserve_add(
    *,
    cadre: Cadre,
    tier: str,
    reason: str,
    entered_on: date,
    actor: User,
    review_on: date | None = None,
    source: str = ReserveSource.STAFF,
    selection: Selection | None = None,
) -> ReserveEntry:
    """Put a cadre in the pool for a post level, with the reason, the date and the review date."""
    reason = _text(reason, field="reason", label=_("列入理由"), limit=500)
    review_on = review_on or default_review_date(entered_on)
    if review_on < entered_on:
        raise SelectionError(_("复核日期不能早于列入日期。"), field="review_on")
    if not cadre.is_active:
        raise SelectionError(_("%(name)s 已不在职。") % {"name": cadre.name}, field="cadre")
    with transaction.atomic(), set_actor(actor):
        if ReserveEntry.objects.select_for_update().filter(cadre=cadre, tier=tier, is_active=True).exists():
            raise SelectionError(
                _("%(name)s 已在%(tier)s后备干部库中。") % {"name": cadre.name, "tier": LeadershipTier(tier).label},
                field="cadre",
            )
        return ReserveEntry.objects.create(
            cadre=cadre,
            tier=LeadershipTier(tier),
            source=ReserveSource(source),
            selection=selection,
            reason=reason,
            entered_on=entered_on,
            review_on=review_on,
            recorded_by=actor,
        )


def reserve_add_finalists(*, selection: Selection, entered_on: date, actor: User) -> list[ReserveEntry]:
    """The people a nomination round produced (海推/公推 入围) enter the pool for the post's level."""
    if selection.state not in (State.RECOMMENDATION, State.CANDIDATES):
        raise SelectionError(_("推荐提名结束后才能把入围人选列入后备干部库。"))
    added = []
    for candidate in finalists(selection):
        if ReserveEntry.objects.filter(cadre=candidate.cadre, tier=selection.post.tier, is_active=True).exists():
            continue
        added.append(
            reserve_add(
                cadre=candidate.cadre,
                tier=selection.post.tier,
                reason=_("%(title)s推荐提名入围") % {"title": selection.title},
                entered_on=entered_on,
                actor=actor,
                source=ReserveSource.NOMINATION,
                selection=selection,
            )
        )
    return added


def reserve_remove(*, entry: ReserveEntry, reason: str, actor: User) -> ReserveEntry:
    reason = _text(reason, field="reason", label=_("调整出库理由"), limit=500)
    with transaction.atomic(), set_actor(actor):
        locked = ReserveEntry.objects.select_for_update().get(pk=entry.pk)
        locked.is_active = False
        locked._audit_reason = reason
        locked.save()
    return locked
