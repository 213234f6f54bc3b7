"""Who may see and do what: the one permission layer every view, API endpoint and app uses.

Roles (rules.md §1): 干部 every cadre with an account; 单位领导 a cadre whose role in the unit is
主要领导 or 班子成员; 考核办 a user with the explicit org-staff grant; 纪检监察 a user with the
discipline grant (candidates' 党风廉政意见, reports and supervision information, nothing else);
系统管理员 a superuser; 公众 anyone without a login. Other apps build their own `access.py` on these primitives.

Outside their scope a user gets 404, the same answer as for something that does not exist;
a page meant for another role as a whole answers 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from rest_framework.permissions import BasePermission

from .models import Cadre, Unit, User


class Role(StrEnum):
    ADMIN = "admin"
    ORG_STAFF = "org_staff"
    DISCIPLINE = "discipline"
    LEADER = "leader"
    CADRE = "cadre"


def cadre_of(user: Any) -> Cadre | None:
    """The active cadre record linked to a login, or None (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_cadre_cache"):
        loaded = User.cadre.related  # the reverse one-to-one, loaded with the user by cadres.signon.LocalBackend
        if isinstance(user, User) and loaded.is_cached(user):
            cadre = loaded.get_cached_value(user)
            cadre = cadre if cadre is not None and cadre.is_active else None
        else:
            cadre = Cadre.objects.select_related("unit", "rank").filter(user_id=user.pk, is_active=True).first()
        user._cadre_cache = cadre
    return user._cadre_cache


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def is_org_staff(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and (user.is_org_staff or user.is_superuser)
    )


def is_discipline_staff(user: Any) -> bool:
    """纪检监察: an explicit grant, never implied by org staff or superuser status."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_discipline_staff)


def is_leader(user: Any) -> bool:
    cadre = cadre_of(user)
    return bool(cadre and cadre.is_leader)


def roles_of(user: Any) -> frozenset[Role]:
    roles: set[Role] = set()
    if is_admin(user):
        roles.add(Role.ADMIN)
    if is_org_staff(user):
        roles.add(Role.ORG_STAFF)
    if is_discipline_staff(user):
        roles.add(Role.DISCIPLINE)
    cadre = cadre_of(user)
    if cadre:
        roles.add(Role.CADRE)
        if cadre.is_leader:
            roles.add(Role.LEADER)
    return frozenset(roles)


# --- The unit tree ---------------------------------------------------------------------------


def unit_subtree_ids(root_ids: Iterable[int]) -> set[int]:
    """The given units and every unit below them: one recursive query that reads only that part
    of the tree (through the parent index), not the organization's every unit."""
    roots = sorted(set(root_ids))
    if not roots:
        return set()
    table = connection.ops.quote_name(Unit._meta.db_table)
    marks = ", ".join(["%s"] * len(roots))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH RECURSIVE sub(id) AS (
                    SELECT id FROM {table} WHERE id IN ({marks})
                    UNION SELECT u.id FROM {table} u JOIN sub ON u.parent_id = sub.id
                ) SELECT id FROM sub""",  # noqa: S608  (the table name from model metadata)
            roots,
        )
        return {row[0] for row in cursor.fetchall()}


def led_unit_ids(user: Any) -> set[int]:
    """Units a leader oversees: their own unit and all its subordinate units (cached on the user
    object for the request, like the cadre: a page asks several times)."""
    cadre = cadre_of(user)
    if not cadre or not cadre.is_leader:
        return set()
    key = (cadre.pk, cadre.unit_id)
    cached = getattr(user, "_led_units_cache", None)
    if cached is None or cached[0] != key:
        cached = (key, frozenset(unit_subtree_ids([cadre.unit_id])))
        user._led_units_cache = cached
    return set(cached[1])


# --- Scoped querysets and lookups -------------------------------------------------------------


def cadres_visible_to(user: Any) -> QuerySet[Cadre]:
    """Cadre records a user may open: org staff all, leaders their units, a cadre themself."""
    qs = Cadre.objects.select_related("unit", "rank")
    if is_org_staff(user):
        return qs
    cadre = cadre_of(user)
    if cadre is None:
        return qs.none()
    if cadre.is_leader:
        return qs.filter(unit_id__in=led_unit_ids(user)) | qs.filter(pk=cadre.pk)
    return qs.filter(pk=cadre.pk)


def get_cadre_for_user(user: Any, pk: int) -> Cadre:
    try:
        return cadres_visible_to(user).get(pk=pk)
    except (Cadre.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def may_see_private_data(user: Any, cadre: Cadre) -> bool:
    """ID number, phone and address: org staff and the cadre themself only."""
    own = cadre_of(user)
    return is_org_staff(user) or (own is not None and own.pk == cadre.pk)


def get_object_or_404_in(queryset: QuerySet, **lookup: Any) -> Any:
    """The object, or 404 — also for an id that is not a number or too big for the database."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


# --- View decorators and API permissions ----------------------------------------------------


def role_required(*roles: Role) -> Callable:
    """Anonymous users go to the login page; logged-in users without the role get 403."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not roles_of(request.user) & set(roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


org_staff_required = role_required(Role.ORG_STAFF)
cadre_required = role_required(Role.CADRE)
discipline_staff_required = role_required(Role.DISCIPLINE)


class IsOrgStaff(BasePermission):
    message = "仅考核办人员可以执行此操作。"

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_org_staff(request.user)


class IsDisciplineStaff(BasePermission):
    message = "仅纪检监察人员可以执行此操作。"

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_discipline_staff(request.user)


class IsCadre(BasePermission):
    message = "此操作需要与干部档案关联的账号。"

    def has_permission(self, request: Any, view: Any) -> bool:
        return cadre_of(request.user) is not None


def user_display_name(user: User) -> str:
    cadre = cadre_of(user)
    return cadre.name if cadre else (user.get_full_name() or user.username)
