"""Where the help for a page is: the section of the reader's own manual that explains it."""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, reverse

from cadres.access import Role

from .access import manuals_for


def help_link(roles: frozenset[Role], url_name: str | None) -> tuple[str, bool]:
    """(address, explains_this_page) for someone holding `roles` (none: the public): the section
    about this page, else their manual."""
    return _help_link(roles, url_name, get_script_prefix())


# Every page's header asks: answered once per process for each roles, page and URL prefix (the
# manuals are code, not data).
@lru_cache(maxsize=4096)
def _help_link(roles: frozenset[Role], url_name: str | None, _script_prefix: str) -> tuple[str, bool]:
    manuals = manuals_for(roles)
    for manual in manuals:
        for section in manual.sections:
            if url_name and url_name in section.pages:
                return f"{reverse('help:role', args=[manual.slug])}#{section.slug}", True
    return reverse("help:role", args=[manuals[0].slug]), False
