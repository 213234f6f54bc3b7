"""Small formatting helpers for the evaluation pages."""

from decimal import Decimal
from typing import Any

from django import template
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from ..models import RaterGroup
from ..models import plain as plain_number

register = template.Library()


@register.filter
def plain(value: Any) -> str:
    """4.00 → 4, 3.50 → 3.5."""
    if value is None or value == "":
        return ""
    return plain_number(Decimal(value))


@register.filter
def percent(value: Any) -> str:
    """A share (0.4) as a percentage with at most one decimal (40%)."""
    if value is None:
        return ""
    return plain_number((Decimal(value) * 100).quantize(Decimal("0.1"))) + "%"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


# The rater groups' labels by language, escaped: the same on every sheet row (filled per process).
_GROUP_LABELS: dict[str, dict[str, str]] = {}


def _plain(html: Any) -> str:
    """Escaped text as a plain `str`: a SafeString in an f-string costs a Python-level __str__
    call, and a sheet puts four into each of its ~100 rows."""
    return str.__str__(conditional_escape(html))


def _group_labels() -> dict[str, str]:
    language = translation.get_language() or ""
    labels = _GROUP_LABELS.get(language)
    if labels is None:
        labels = _GROUP_LABELS[language] = {value: _plain(label) for value, label in RaterGroup.choices}
    return labels


@register.simple_tag
def sheet_rows(sheet: Any, problem_ratees: Any, editable: bool) -> SafeString:
    """The ratee rows of a quarterly sheet (up to ~100). The start of each row (label, name, post)
    comes escaped from the cache (`sheet_cache.row_head`); the rater group, the values typed or
    drafted and the error marks are put in here, escaped, per request."""
    settings, scores = sheet.settings, sheet.data.scores
    low, high = _plain(settings.score_min), _plain(settings.score_max)
    disabled = "" if editable else " disabled"
    groups = _group_labels()
    heads = sheet.heads
    value_of = scores.get if hasattr(scores, "get") else (lambda _ratee: None)
    rows = []
    for line in sheet.lines:
        ratee = line.ratee_id
        invalid = ratee in problem_ratees
        value = value_of(ratee)
        group = groups[line.rater_group] if line.rater_group in groups else _plain(line.rater_group)
        shown = "" if value is None else _plain(value)
        rows.append(
            '<div class="list-group-item d-flex align-items-center gap-3 ratee-row'
            f'{" is-invalid-row" if invalid else ""}">{heads[ratee]}{group}</div></div>'
            '<input type="number" inputmode="numeric" pattern="[0-9]*" class="form-control score-input text-center'
            f'{" is-invalid" if invalid else ""}" id="score-{ratee}" name="score-{ratee}" min="{low}" max="{high}" '
            f'step="1" value="{shown}" aria-describedby="band-help"{disabled}></div>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308  (every part escaped above or in row_head)
