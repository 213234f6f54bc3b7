"""Reads of the cadres app, scoped by the acting user where it matters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.db.models import Count, Q, QuerySet
from django.utils.translation import pgettext_lazy

from .models import Cadre, RosterImport, Unit


@dataclass
class UnitNode:
    unit: Unit
    depth: int
    cadre_count: int
    children: list[UnitNode] = field(default_factory=list)


def unit_tree() -> list[UnitNode]:
    """Every unit with its active-cadre count, depth-first in tree order (two queries)."""
    units = list(
        Unit.objects.annotate(cadre_count=Count("cadres", filter=Q(cadres__is_active=True))).order_by(
            "sort_order", "name"
        )
    )
    children: dict[int | None, list[tuple[Unit, int]]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append((unit, unit.cadre_count))
    ordered: list[UnitNode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit, cadre_count in children.get(parent_id, []):
            ordered.append(UnitNode(unit, depth, cadre_count))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered


def cadre_profile(cadre: Cadre) -> dict[str, Any]:
    return {
        "resume": list(cadre.resume_entries.all()),
        "credits": list(cadre.study_credits.all()),
    }


def recent_imports(limit: int = 10) -> QuerySet[RosterImport]:
    return RosterImport.objects.select_related("requested_by")[:limit]


def audit_entries(*, model: str = "", actor: str = "", object_pk: str = "") -> QuerySet[LogEntry]:
    entries: QuerySet[LogEntry] = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    if model:
        entries = entries.filter(content_type__model=model)
    if actor:
        entries = entries.filter(Q(actor__username=actor) | Q(actor__cadre__name=actor))
    if object_pk:
        entries = entries.filter(object_pk=object_pk)
    return entries


AUDIT_ACTIONS = {
    LogEntry.Action.CREATE: pgettext_lazy("audit action", "新增"),
    LogEntry.Action.UPDATE: pgettext_lazy("audit action", "修改"),
    LogEntry.Action.DELETE: pgettext_lazy("audit action", "删除"),
    LogEntry.Action.ACCESS: pgettext_lazy("audit action", "查看"),
}


_NONE = "None"  # how auditlog itself writes a missing value


def _shown(value: Any) -> Any:
    return "—" if value is None or value == _NONE else value


@dataclass(frozen=True)
class AuditRow:
    entry: LogEntry
    action: str
    changes: list[tuple[str, Any]]


def audit_rows(entries: Iterable[LogEntry]) -> list[AuditRow]:
    """Each entry as the trail page shows it: the action in words and the changed fields.

    On a delete, auditlog also lists the object's reverse relations ("children: cadres.Unit.None");
    only the model's own fields are shown. A value that did not exist (a new row's "before", written
    as null by bulk writes such as the roster import, or "None" by auditlog) shows as "—".
    """
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        # auditlog's display code measures every value with len(); a null would raise TypeError.
        entry.changes = {
            name: [_NONE if value is None else value for value in values] if isinstance(values, list) else values
            for name, values in entry.changes_dict.items()
        }
        if model is None:
            changes = list(entry.changes_dict.items())
        else:
            reverse = {f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete}
            changes = [(name, values) for name, values in entry.changes_display_dict.items() if name not in reverse]
        changes = [(name, [_shown(v) for v in values]) for name, values in changes]
        rows.append(AuditRow(entry, str(AUDIT_ACTIONS.get(entry.action, entry.get_action_display())), changes))
    return rows


def audited_models() -> list[tuple[str, str]]:
    from auditlog.registry import auditlog

    models = sorted(auditlog.get_models(), key=lambda m: str(m._meta.verbose_name))
    return [(m._meta.model_name, str(m._meta.verbose_name)) for m in models]


def cadre_counts() -> dict[str, int]:
    return Cadre.objects.aggregate(
        total=Count("pk", filter=Q(is_active=True)),
        with_account=Count("pk", filter=Q(is_active=True, user__isnull=False)),
        units=Count("unit", distinct=True),
    )
