"""Template helpers shared by every app's pages."""

from typing import Any

from django import template
from django.forms import BoundField

register = template.Library()

SELECTS = {"select", "fastselect", "selectmultiple", "nullbooleanselect"}
PLAIN = {"checkbox", "radioselect", "checkboxselectmultiple", "clearablefileinput", "file"}


@register.simple_tag
def widget(field: BoundField, **attrs: Any) -> str:
    """Render a form field's widget with Bootstrap classes (and is-invalid on errors)."""
    kind = field.widget_type
    css = "form-select" if kind in SELECTS else "form-control"
    if kind in ("clearablefileinput", "file"):
        css = "form-control"
    elif kind in PLAIN:
        css = ""
    if field.errors:
        css += " is-invalid"
    if "class" in attrs:
        css += " " + attrs.pop("class")
    if css:
        attrs["class"] = css.strip()
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def query_with(context: dict, **params: Any) -> str:
    """The current query string with some parameters replaced (pagination, sorting)."""
    query = context["request"].GET.copy()
    for key, value in params.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def minutes(value: Any) -> int:
    """A timedelta in whole minutes (rounded up), for "try again in N minutes"."""
    seconds = value.total_seconds() if value else 0
    return int(-(-seconds // 60))


@register.filter
def choice_label(choices: Any, value: Any) -> str:
    return str(dict(choices).get(value, value))


@register.filter
def in_team(role: str) -> bool:
    """Whether a role (主要领导 / 班子成员 / 一般干部) is on the unit's leadership team: only then is
    a "班子角色" worth showing; for everyone else it would only repeat 一般干部."""
    from cadres.models import UnitRole

    return role in (UnitRole.MAIN_LEADER, UnitRole.TEAM_MEMBER)
