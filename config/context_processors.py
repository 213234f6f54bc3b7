from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from cadres.access import cadre_of, roles_of, user_display_name
from core.notifications import unread_count
from manual.selectors import help_link

from .navigation import MENU


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    help_url, help_here = help_link(user, match.view_name if match else None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": [], "roles": frozenset(), "help_url": help_url, "help_here": help_here}
    roles = roles_of(user)
    sections = []
    for section in MENU:
        links = []
        for item in section.items:
            if item.roles & roles:
                url = reverse(item.url_name)
                active = request.path == url or bool(item.prefix and request.path.startswith(item.prefix))
                links.append({"label": item.label, "url": url, "active": active})
        if links:
            sections.append({"label": section.label, "links": links})
    return {
        "unread_notifications": unread_count(user),
        "nav_sections": sections,
        "roles": frozenset(r.value for r in roles),
        "current_cadre": cadre_of(user),
        "display_name": user_display_name(user),
        "help_url": help_url,
        "help_here": help_here,
    }
