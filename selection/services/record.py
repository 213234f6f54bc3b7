"""The full-process record (全程记实): append-only entries per selection.

Entries are only ever inserted (the database refuses UPDATE and DELETE); a correction is a new
entry pointing at the corrected one. The sequence number is taken with the selection row locked.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.access import user_display_name
from cadres.models import User

from ..errors import SelectionError
from ..inspection_models import ProcessEntry
from ..models import Selection

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def append(
    *,
    selection: Selection,
    step: StrOrPromise,
    text: StrOrPromise,
    actor: User | None,
    documents: str = "",
    corrects: ProcessEntry | None = None,
    now: datetime | None = None,
) -> ProcessEntry:
    """Add one entry at the end of the selection's record (inside the caller's transaction)."""
    known = actor if actor is not None and actor.pk else None
    with transaction.atomic():
        Selection.objects.select_for_update().filter(pk=selection.pk).first()
        last = ProcessEntry.objects.filter(selection_id=selection.pk).aggregate(m=Max("seq"))["m"] or 0
        return ProcessEntry.objects.create(
            selection_id=selection.pk,
            seq=last + 1,
            step=str(step)[:100],
            text=str(text)[:5000],
            documents=str(documents)[:500],
            actor=known,
            actor_name=user_display_name(known)[:100] if known else "",
            at=now or timezone.now(),
            corrects=corrects,
        )


def correct(*, entry: ProcessEntry, text: str, actor: User) -> ProcessEntry:
    """A correction: a new entry that points at the one it corrects (which stays as it was)."""
    text = (text or "").strip()
    if not text:
        raise SelectionError(_("请填写更正内容。"), field="text")
    if len(text) > 5000:
        raise SelectionError(_("更正内容最多 5000 个字。"), field="text")
    return append(
        selection=entry.selection,
        step=_("更正第 %(n)s 条：%(step)s") % {"n": entry.seq, "step": entry.step},
        text=text,
        actor=actor,
        corrects=entry,
    )
