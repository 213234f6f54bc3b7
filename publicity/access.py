"""Who may do what with 任前公示 on the staff side: org staff (and admins) only.

Notices and public feedback (which names cadres and may carry the sender's contact) alike: anyone
else who is logged in gets 404, the same answer as for something that does not exist; anonymous
users are sent to the login page. The public pages have their own rules.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from cadres.access import get_object_or_404_in, is_org_staff
from cadres.types import Actor

from .models import Feedback, Notice


def staff_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Org staff only; a logged-in user without the grant gets 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_org_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


class IsOrgStaffOr404(BasePermission):
    """API: anonymous → 403 (not authenticated); logged in without the grant → 404."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not getattr(request.user, "is_authenticated", False):
            return False
        if not is_org_staff(request.user):
            raise NotFound
        return True


def get_notice_for_staff(actor: Actor, pk: int | str) -> Notice:
    if not is_org_staff(actor):
        raise Http404
    found: Notice = get_object_or_404_in(Notice.objects.select_related("cadre__unit", "cadre__rank"), pk=pk)
    return found


def feedback_visible_to(actor: Actor) -> QuerySet[Feedback]:
    if not is_org_staff(actor):
        return Feedback.objects.none()
    return Feedback.objects.select_related("notice", "notice__cadre")


def get_feedback_for_user(actor: Actor, pk: int | str) -> Feedback:
    found: Feedback = get_object_or_404_in(feedback_visible_to(actor), pk=pk)
    return found
