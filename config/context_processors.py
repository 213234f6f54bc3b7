from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

from cadres.access import Role, cadre_of, roles_of, user_display_name
from core.notifications import unread_count
from manual.selectors import help_link

from .navigation import MENU, NavItem


@cache
def _menu_urls(script_prefix: str) -> tuple[tuple[tuple[NavItem, str], ...], ...]:
    """Each menu item with its address, per URL prefix (the same for every request of a process)."""
    return tuple(tuple((item, reverse(item.url_name)) for item in section.items) for section in MENU)


def _menu(roles: frozenset[Role], path: str) -> tuple[list[list[tuple[NavItem, str, bool]]], str]:
    """The role's items by section, each with its address and whether the page is inside it, and a
    key that names exactly that (the layout caches the rendered menu under it)."""
    shown: list[list[tuple[NavItem, str, bool]]] = []
    for section in _menu_urls(get_script_prefix()):
        links = []
        for item, url in section:
            if item.roles & roles:
                active = path == url or bool(item.prefix and path.startswith(item.prefix))
                links.append((item, url, active))
        shown.append(links)
    marks = ",".join("".join("a" if active else "-" for _i, _u, active in links) for links in shown)
    return shown, f"{','.join(sorted(roles))}|{marks}"


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else None
    if user is None or not user.is_authenticated:
        help_url, help_here = help_link(frozenset(), view_name)
        return {"nav_sections": [], "roles": frozenset(), "help_url": help_url, "help_here": help_here, "nav_key": ""}
    roles = roles_of(user)
    help_url, help_here = help_link(roles, view_name)
    shown, nav_key = _menu(roles, request.path)

    def nav_sections() -> list[dict[str, Any]]:
        # Only built when the menu is rendered (base.html caches it under nav_key).
        return [
            {
                "label": section.label,
                "links": [{"label": item.label, "url": url, "active": active} for item, url, active in links],
            }
            for section, links in zip(MENU, shown, strict=True)
            if links
        ]

    cadre = cadre_of(user)
    display_name = user_display_name(user)
    role_values = frozenset(r.value for r in roles)
    return {
        "unread_notifications": unread_count(user),
        "nav_sections": nav_sections,
        "nav_key": nav_key,
        "roles": role_values,
        "current_cadre": cadre,
        "display_name": display_name,
        # What the signed-in person's menu in the header shows (base.html caches it under this key).
        "account_key": (display_name, ",".join(sorted(role_values)), cadre is not None, bool(user.sign_on)),
        "help_url": help_url,
        "help_here": help_here,
    }
