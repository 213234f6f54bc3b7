"""Approved posts (三定方案职数) and the settings of selection work."""

from __future__ import annotations

from typing import Any

from auditlog.context import set_actor
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cadres.models import Unit, User

from ..errors import SelectionError
from ..models import ApprovedPost, SelectionSettings


def post_save(
    *,
    unit: Unit,
    title: str,
    tier: str,
    count: int,
    actor: User,
    document_number: str = "",
    post: ApprovedPost | None = None,
) -> ApprovedPost:
    title = (title or "").strip()
    if not title:
        raise SelectionError(_("请填写职务名称。"), field="title")
    if count < 1:
        raise SelectionError(_("核定职数至少为 1。"), field="count")
    try:
        with transaction.atomic(), set_actor(actor):
            post = post or ApprovedPost()
            post.unit, post.title, post.tier, post.count = unit, title, tier, count
            post.document_number = (document_number or "").strip()
            post.save()
    except IntegrityError:
        raise SelectionError(
            _("%(unit)s已有“%(title)s”的核定职数，请修改原记录。") % {"unit": unit.name, "title": title}, field="title"
        ) from None
    return post


def settings_save(*, year: int, values: dict[str, Any], actor: User) -> SelectionSettings:
    """Save the selection settings of a year; a new year's row starts from what the year reads
    today (the field defaults), so saving some fields never changes the others."""
    with transaction.atomic(), set_actor(actor):
        current = SelectionSettings.row_to_edit(year)
        for field, value in values.items():
            setattr(current, field, value)
        current.full_clean()
        current.save()
    return current
