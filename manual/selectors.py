"""Where the help for a page is: the section of the reader's own manual that explains it."""

from __future__ import annotations

from django.urls import reverse

from cadres.types import Actor

from .access import own_manuals


def help_link(actor: Actor, url_name: str | None) -> tuple[str, bool]:
    """(address, explains_this_page): the section about this page, else the reader's manual."""
    manuals = own_manuals(actor)
    for manual in manuals:
        for section in manual.sections:
            if url_name and url_name in section.pages:
                return f"{reverse('help:role', args=[manual.slug])}#{section.slug}", True
    return reverse("help:role", args=[manuals[0].slug]), False
