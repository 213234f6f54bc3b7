"""`{% layoutcache "name" value … %}…{% endlayoutcache %}`: a piece of the layout rendered once per
process for each language, URL prefix and combination of the values named (core/layout_cache.py).

Every value the piece shows must be named in the tag (or follow from the language, the URL prefix
and the code). `{{ csrf_token }}` and `{% csrf_token %}` inside it are each visitor's own.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from core import layout_cache

register = template.Library()


class LayoutCacheNode(template.Node):
    # `{% extends %}` walks the parent's nodes for its blocks on every render: not into the pieces,
    # whose nodes mostly never run. A block inside a piece can still be overridden, but its
    # override cannot use {{ block.super }} (tests/test_layout_cache.py checks the templates).
    child_nodelists = ()

    def __init__(self, name: str, values: list[template.base.FilterExpression], nodelist: template.NodeList):
        self.name, self.values, self.nodelist = name, values, nodelist

    def render(self, context: Any) -> SafeString:
        key = (
            self.name,
            translation.get_language(),
            get_script_prefix(),
            *(value.resolve(context) for value in self.values),
        )

        def build() -> str:
            with context.push(csrf_token=layout_cache.CSRF_SLOT):
                return str(self.nodelist.render(context))

        html = layout_cache.fragment(key, build)
        if layout_cache.CSRF_SLOT in html:
            token = context.get("csrf_token")
            if token is None or str(token) == "NOTPROVIDED":  # no request: as the template alone renders it
                return mark_safe(self.nodelist.render(context))  # noqa: S308  (escaped by the engine)
            html = html.replace(layout_cache.CSRF_SLOT, str(token))
        return mark_safe(html)  # noqa: S308  (rendered by the template engine, escaped there)


@register.tag
def layoutcache(parser: template.base.Parser, token: template.base.Token) -> LayoutCacheNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("layoutcache needs a name")
    nodelist = parser.parse(("endlayoutcache",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return LayoutCacheNode(name, [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
