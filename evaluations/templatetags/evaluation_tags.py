"""Small formatting helpers for the evaluation pages."""

from decimal import Decimal
from typing import Any

from django import template
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


@register.simple_tag
def sheet_rows(sheet: Any, problem_ratees: Any, editable: bool) -> SafeString:
    """The ratee rows of a quarterly sheet (up to ~100). The start of each row (label, name, post)
    comes escaped from the cache (`sheet_cache.row_head`); the rater group, the values typed or
    drafted and the error marks are put in here, escaped, per request."""
    settings, scores = sheet.settings, sheet.data.scores
    low, high = conditional_escape(settings.score_min), conditional_escape(settings.score_max)
    disabled = "" if editable else " disabled"
    groups = {value: conditional_escape(label) for value, label in RaterGroup.choices}
    heads = sheet.heads
    value_of = scores.get if hasattr(scores, "get") else (lambda _ratee: None)
    rows = []
    for line in sheet.lines:
        ratee = line.ratee_id
        invalid = ratee in problem_ratees
        value = value_of(ratee)
        group = groups[line.rater_group] if line.rater_group in groups else conditional_escape(line.rater_group)
        shown = "" if value is None else conditional_escape(value)
        rows.append(
            '<div class="list-group-item d-flex align-items-center gap-3 ratee-row'
            f'{" is-invalid-row" if invalid else ""}">{heads[ratee]}{group}</div></div>'
            '<input type="number" inputmode="numeric" pattern="[0-9]*" class="form-control score-input text-center'
            f'{" is-invalid" if invalid else ""}" id="score-{ratee}" name="score-{ratee}" min="{low}" max="{high}" '
            f'step="1" value="{shown}" aria-describedby="band-help"{disabled}></div>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308  (every part escaped above or in row_head)
