"""Who may see public feedback: org staff only (考核办 handle it, SPEC §1).

Feedback names cadres and may carry the sender's contact, so for everyone else the pages answer
404, as if they did not exist; anonymous visitors are sent to the login page first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from cadres.access import get_object_or_404_in, is_org_staff

from .models import Feedback


def may_handle_feedback(user: Any) -> bool:
    return is_org_staff(user)


def feedback_staff_required(view: Callable) -> Callable:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not may_handle_feedback(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def feedback_visible_to(user: Any) -> QuerySet[Feedback]:
    if not may_handle_feedback(user):
        return Feedback.objects.none()
    return Feedback.objects.select_related("notice", "notice__cadre")


def get_feedback_for_user(user: Any, pk: Any) -> Feedback:
    return get_object_or_404_in(feedback_visible_to(user), pk=pk)


class HandlesFeedback(BasePermission):
    """API: anonymous 403 (not logged in); logged in without the role 404, like the pages."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not getattr(request.user, "is_authenticated", False):
            return False
        if not may_handle_feedback(request.user):
            raise NotFound
        return True
