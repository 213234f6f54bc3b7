"""Pagination of list pages: one page size by default, the page number from `?page=`."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def page_of(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Page:
    """The requested page of `items`; a missing, bad or out-of-range number shows the nearest page."""
    return Paginator(items, size).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current query string without `page`, for the pager's links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
