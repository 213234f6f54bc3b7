"""What every quarterly sheet of a unit shows of its ratees, kept in the shared cache.

A sheet's ratees and their order come from the period's membership snapshot, which never changes;
what a row shows of each (name, post or role) comes from the cadres, which can. One entry per
snapshot, unit and language holds the unit's members in sheet order: id, role in the snapshot and
the start of the row, escaped. A sheet's own lines (whom its rater rates, in which group) are
worked out from it per request (`rules.sheet_lines`, no query), and the rater's draft values go
in per request: nothing cached here ties a rater to a sheet, let alone to a score. The settings
a sheet shows (score range, high band) are kept per year and unit category.

A change of any cadre, unit or evaluation settings replaces the version the entries are stored
with after its commit (no request caches the old rows in between); a timeout bounds anything else.
Each process also keeps the frames it read while their version is current (`LocalCopies`), so a
sheet opened again costs one small round trip for the version, not the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import translation
from django.utils.html import format_html

from cadres.models import SnapshotMember, UnitRole
from core.cache_versions import LocalCopies, replace_version
from core.release import release

from . import rules
from .models import EvaluationSettings

VERSION_KEY = "evaluations:sheet-rows:version"
TIMEOUT_SECONDS = 30 * 60

# (cadre id, role in the snapshot, the row's start up to its rater group: label, name, post or role)
RosterRow = tuple[int, str, str]


def invalidate(**_kwargs: Any) -> None:
    replace_version(VERSION_KEY)


def row_head(cadre_id: int, name: str, subtitle: str) -> str:
    """The start of a ratee's row on the sheet, up to the rater group (see the sheet_rows tag)."""
    return format_html(
        '<div class="flex-grow-1"><label class="fw-semibold" for="score-{}">{}</label>'
        '<div class="small text-muted">{} · ',
        cadre_id,
        name,
        subtitle,
    )


def _build_roster(snapshot_id: int | None, unit_id: int) -> list[RosterRow]:
    rows = SnapshotMember.objects.filter(snapshot_id=snapshot_id, unit_id=unit_id).values_list(
        "cadre_id", "role", "cadre__code", "cadre__name", "cadre__post_title", "cadre__role"
    )
    roles = dict(UnitRole.choices)
    shown = {pk: (name, post or str(roles.get(role, role))) for pk, _r, _c, name, post, role in rows}
    ordered = rules.ratee_order(rules.Member(pk, role, code) for pk, role, code, _n, _p, _cr in rows)
    return [(m.cadre_id, m.role, row_head(m.cadre_id, *shown[m.cadre_id])) for m in ordered]


@dataclass(frozen=True)
class SheetFrame:
    """What every quarterly sheet of a unit shares: its settings, its members in sheet order and
    the escaped start of each member's row (plain `str`, by cadre id)."""

    settings: EvaluationSettings
    members: list[rules.Member]
    heads: dict[int, str]


# Also kept in each process while current: a sheet opened again reads only the version stamp.
_LOCAL = LocalCopies[SheetFrame](max_entries=512)


def sheet_frame(*, snapshot_id: int | None, unit_id: int, year: int, unit_category: str) -> SheetFrame:
    """The frame of a unit's sheets: one small cache round trip when this process has it, else one
    round trip for the shared entry (stored with the version it was built under and used only
    while that is the current one; two queries when not cached)."""
    language = translation.get_language() or ""
    key = f"evaluations:sheet-rows:{release()}:{snapshot_id}:{unit_id}:{year}:{unit_category}:{language}"

    def build() -> SheetFrame:
        roster = _build_roster(snapshot_id, unit_id)
        return SheetFrame(
            settings=rules.settings_for(year, unit_category),
            members=[rules.Member(pk, role) for pk, role, _head in roster],
            heads={pk: str.__str__(head) for pk, _role, head in roster},
        )

    return _LOCAL.body(version_keys=[VERSION_KEY], key=key, build=build, timeout=TIMEOUT_SECONDS)


def connect() -> None:
    from cadres.models import Cadre, Unit

    for model in (Cadre, Unit, EvaluationSettings):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"sheet-rows-{model.__name__}-save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"sheet-rows-{model.__name__}-delete")
