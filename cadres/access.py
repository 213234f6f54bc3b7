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
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from .models import Cadre, Unit, User
from .types import Actor

M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponseBase]


class Role(StrEnum):
    ADMIN = "admin"
    ORG_STAFF = "org_staff"
    DISCIPLINE = "discipline"
    LEADER = "leader"
    CADRE = "cadre"


def signed_in(actor: Actor) -> User | None:
    """The signed-in user behind an actor, or None for anyone anonymous. A request that never got a
    user (an error page rendered before the middleware ran) passes None here and counts as anonymous."""
    if not getattr(actor, "is_authenticated", False) or isinstance(actor, AnonymousUser):
        return None
    return actor


def cadre_of(actor: Actor) -> Cadre | None:
    """The active cadre record linked to a login, or None (cached on the user object)."""
    user = signed_in(actor)
    if user is None:
        return None
    if not hasattr(user, "_cadre_cache"):
        loaded = User.cadre.related  # the reverse one-to-one, loaded with the user by cadres.signon.LocalBackend
        if isinstance(user, User) and loaded.is_cached(user):
            cadre = cast(Cadre | None, loaded.get_cached_value(user))  # the stubs type it as Model
            cadre = cadre if cadre is not None and cadre.is_active else None
        else:
            cadre = Cadre.objects.select_related("unit", "rank").filter(user_id=user.pk, is_active=True).first()
        user._cadre_cache = cadre
    return user._cadre_cache


def is_admin(actor: Actor) -> bool:
    user = signed_in(actor)
    return bool(user and user.is_active and user.is_superuser)


def is_org_staff(actor: Actor) -> bool:
    user = signed_in(actor)
    return bool(user and user.is_active and (user.is_org_staff or user.is_superuser))


def is_discipline_staff(actor: Actor) -> bool:
    """纪检监察: an explicit grant, never implied by org staff or superuser status."""
    user = signed_in(actor)
    return bool(user and user.is_active and user.is_discipline_staff)


def is_leader(actor: Actor) -> bool:
    cadre = cadre_of(actor)
    return bool(cadre and cadre.is_leader)


def roles_of(actor: Actor) -> frozenset[Role]:
    roles: set[Role] = set()
    if is_admin(actor):
        roles.add(Role.ADMIN)
    if is_org_staff(actor):
        roles.add(Role.ORG_STAFF)
    if is_discipline_staff(actor):
        roles.add(Role.DISCIPLINE)
    cadre = cadre_of(actor)
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


def led_unit_ids(actor: Actor) -> set[int]:
    """Units a leader oversees: their own unit and all its subordinate units (cached on the user
    object for the request, like the cadre: a page asks several times)."""
    cadre = cadre_of(actor)
    user = signed_in(actor)
    if not cadre or not cadre.is_leader or user is None:
        return set()
    key = (cadre.pk, cadre.unit_id)
    cached: tuple[tuple[int, int], frozenset[int]] | None = getattr(user, "_led_units_cache", None)
    if cached is None or cached[0] != key:
        cached = (key, frozenset(unit_subtree_ids([cadre.unit_id])))
        user._led_units_cache = cached
    return set(cached[1])


# --- Scoped querysets and lookups -------------------------------------------------------------


def cadres_visible_to(actor: Actor) -> QuerySet[Cadre]:
    """Cadre records a user may open: org staff all, leaders their units, a cadre themself."""
    qs = Cadre.objects.select_related("unit", "rank")
    if is_org_staff(actor):
        return qs
    cadre = cadre_of(actor)
    if cadre is None:
        return qs.none()
    if cadre.is_leader:
        return qs.filter(unit_id__in=led_unit_ids(actor)) | qs.filter(pk=cadre.pk)
    return qs.filter(pk=cadre.pk)


def get_cadre_for_user(actor: Actor, pk: int | str) -> Cadre:
    try:
        return cadres_visible_to(actor).get(pk=pk)
    except (Cadre.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def may_see_private_data(actor: Actor, cadre: Cadre) -> bool:
    """ID number, phone and address: org staff and the cadre themself only."""
    own = cadre_of(actor)
    return is_org_staff(actor) or (own is not None and own.pk == cadre.pk)


def get_object_or_404_in(queryset: QuerySet[M], **lookup: object) -> M:
    """The object, or 404 — also for an id that is not a number or too big for the database."""
    try:
        return queryset.get(**lookup)
    # ObjectDoesNotExist: the base of every model's DoesNotExist, the only one `get` raises
    # (the stubs do not give a model class bound by a TypeVar its own DoesNotExist).
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


# --- View decorators and API permissions ----------------------------------------------------


def role_required(*roles: Role) -> Callable[[View], View]:
    """Anonymous users go to the login page; logged-in users without the role get 403."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
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

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_org_staff(request.user)


class IsDisciplineStaff(BasePermission):
    message = "仅纪检监察人员可以执行此操作。"

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_discipline_staff(request.user)


class IsCadre(BasePermission):
    message = "此操作需要与干部档案关联的账号。"

    def has_permission(self, request: Request, view: APIView) -> bool:
        return cadre_of(request.user) is not None


def user_display_name(user: User) -> str:
    cadre = cadre_of(user)
    return cadre.name if cadre else (user.get_full_name() or user.username)
