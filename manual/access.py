"""Who reads which part of the manual: the public part is open; a role's part needs that role."""

from __future__ import annotations

from cadres.access import Role, roles_of
from cadres.types import Actor

from .contents import MANUALS, RoleManual

# A signed-in person's own part first: the most specific role they hold.
PRIORITY = (Role.ORG_STAFF, Role.DISCIPLINE, Role.LEADER, Role.CADRE)


def may_read(actor: Actor, manual: RoleManual) -> bool:
    if manual.role is None:
        return True
    roles = roles_of(actor)
    # Org staff train everybody else and the system admin runs the whole product.
    return bool(roles & {manual.role, Role.ORG_STAFF, Role.ADMIN})


def readable(actor: Actor) -> list[RoleManual]:
    return [manual for manual in MANUALS if may_read(actor, manual)]


def manuals_for(roles: frozenset[Role]) -> list[RoleManual]:
    """The parts for these roles, most specific first (the public's when none applies)."""
    by_role = {manual.role: manual for manual in MANUALS}
    mine = [by_role[role] for role in PRIORITY if role in roles]
    return mine or [by_role[None]]
