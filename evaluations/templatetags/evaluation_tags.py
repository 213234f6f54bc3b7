"""Small formatting helpers for the evaluation pages."""

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

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
    """The ratee rows of a quarterly sheet (up to ~100): rendered in one pass in Python, as the
    template loop did row by row (the loop was most of the page's time)."""
    settings, scores = sheet.settings, sheet.data.scores
    low, high = settings.score_min, settings.score_max
    disabled = "" if editable else " disabled"
    groups = dict(RaterGroup.choices)

    def row(line: Any) -> tuple:
        ratee, invalid = line.ratee, line.ratee_id in problem_ratees
        value = scores.get(line.ratee_id) if hasattr(scores, "get") else None
        return (
            " is-invalid-row" if invalid else "",
            line.ratee_id,
            ratee.name,
            ratee.post_title or ratee.get_role_display(),
            groups.get(line.rater_group, line.rater_group),
            " is-invalid" if invalid else "",
            line.ratee_id,
            line.ratee_id,
            low,
            high,
            "" if value is None else value,
            disabled,
        )

    return format_html_join(
        "\n",
        '<div class="list-group-item d-flex align-items-center gap-3 ratee-row{}">'
        '<div class="flex-grow-1"><label class="fw-semibold" for="score-{}">{}</label>'
        '<div class="small text-muted">{} · {}</div></div>'
        '<input type="number" inputmode="numeric" pattern="[0-9]*" class="form-control score-input text-center{}" '
        'id="score-{}" name="score-{}" min="{}" max="{}" step="1" value="{}" aria-describedby="band-help"{}>'
        "</div>",
        (row(line) for line in sheet.lines),
    )
