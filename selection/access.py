"""Who may do what in selection work.

Org staff (and admins) manage everything. A cadre sees only their own ballots (round-1
nomination when on the named list, online votes they are a voter in) and the 公推公选 open for
application. Nobody but org staff ever sees who nominated whom. Outside scope: 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from cadres.access import cadre_of, get_object_or_404_in, is_org_staff
from cadres.types import Actor
from publicity.access import IsOrgStaffOr404, staff_only

from .models import Candidate, Selection, State, VoteEvent, VoteMode, Voter

__all__ = ["IsOrgStaffOr404", "cadre_only", "get_selection_for_staff", "staff_only"]


def cadre_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A logged-in user with an active cadre record; anyone else logged in gets 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if cadre_of(request.user) is None:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def get_selection_for_staff(actor: Actor, pk: int | str) -> Selection:
    if not is_org_staff(actor):
        raise Http404
    found: Selection = get_object_or_404_in(Selection.objects.select_related("post__unit", "min_rank"), pk=pk)
    return found


def get_inspection_candidate_for_staff(actor: Actor, pk: int | str, candidate_id: int | str) -> Candidate:
    """An inspection candidate of a selection the actor manages (the inspection pages and the
    appointment form both open one)."""
    selection = get_selection_for_staff(actor, pk)
    found: Candidate = get_object_or_404_in(
        Candidate.objects.filter(selection=selection, is_inspection_candidate=True).select_related(
            "cadre__unit", "cadre__rank", "selection__post__unit"
        ),
        pk=candidate_id,
    )
    return found


def get_selection_for_nominator(actor: Actor, pk: int | str) -> Selection:
    """A round-1 voter's view of a selection: only while on the named list."""
    cadre = cadre_of(actor)
    if cadre is None:
        raise Http404
    found: Selection = get_object_or_404_in(
        Selection.objects.select_related("post__unit").filter(round1_voters=cadre, state=State.NOMINATION), pk=pk
    )
    return found


def get_event_for_voter(actor: Actor, pk: int | str) -> VoteEvent:
    cadre = cadre_of(actor)
    if cadre is None:
        raise Http404
    event: VoteEvent = get_object_or_404_in(VoteEvent.objects.select_related("selection__post__unit"), pk=pk)
    if not Voter.objects.filter(event=event, cadre=cadre).exists():
        raise Http404
    return event


def get_event_for_receipts(actor: Actor, pk: int | str) -> VoteEvent:
    """An online vote's receipt list: for its voters and org staff; anyone else gets 404."""
    event: VoteEvent = get_object_or_404_in(
        VoteEvent.objects.select_related("selection__post__unit").filter(mode=VoteMode.ONLINE), pk=pk
    )
    if is_org_staff(actor):
        return event
    cadre = cadre_of(actor)
    if cadre is None or not Voter.objects.filter(event=event, cadre=cadre).exists():
        raise Http404
    return event


def get_selection_for_applicant(actor: Actor, pk: int | str) -> Selection:
    from .selectors import open_applications

    if cadre_of(actor) is None:
        raise Http404
    found: Selection = get_object_or_404_in(open_applications(), pk=pk)
    return found
