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

from cadres.access import cadre_of, get_object_or_404_in, is_org_staff
from publicity.access import IsOrgStaffOr404, staff_only

from .models import Selection, State, VoteEvent, VoteMode, Voter

__all__ = ["IsOrgStaffOr404", "cadre_only", "get_selection_for_staff", "staff_only"]


def cadre_only(view: Callable) -> Callable:
    """A logged-in user with an active cadre record; anyone else logged in gets 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if cadre_of(request.user) is None:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def get_selection_for_staff(actor: Any, pk: Any) -> Selection:
    if not is_org_staff(actor):
        raise Http404
    return get_object_or_404_in(Selection.objects.select_related("post__unit", "min_rank"), pk=pk)


def get_selection_for_nominator(actor: Any, pk: Any) -> Selection:
    """A round-1 voter's view of a selection: only while on the named list."""
    cadre = cadre_of(actor)
    if cadre is None:
        raise Http404
    return get_object_or_404_in(
        Selection.objects.select_related("post__unit").filter(round1_voters=cadre, state=State.NOMINATION), pk=pk
    )


def get_event_for_voter(actor: Any, pk: Any) -> VoteEvent:
    cadre = cadre_of(actor)
    if cadre is None:
        raise Http404
    event = get_object_or_404_in(VoteEvent.objects.select_related("selection__post__unit"), pk=pk)
    if not Voter.objects.filter(event=event, cadre=cadre).exists():
        raise Http404
    return event


def get_event_for_receipts(actor: Any, pk: Any) -> VoteEvent:
    """An online vote's receipt list: for its voters and org staff; anyone else gets 404."""
    event = get_object_or_404_in(
        VoteEvent.objects.select_related("selection__post__unit").filter(mode=VoteMode.ONLINE), pk=pk
    )
    if is_org_staff(actor):
        return event
    cadre = cadre_of(actor)
    if cadre is None or not Voter.objects.filter(event=event, cadre=cadre).exists():
        raise Http404
    return event


def get_selection_for_applicant(actor: Any, pk: Any) -> Selection:
    from .selectors import open_applications

    if cadre_of(actor) is None:
        raise Http404
    return get_object_or_404_in(open_applications(), pk=pk)
