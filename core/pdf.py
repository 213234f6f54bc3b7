"""PDF rendering with WeasyPrint, shared by every app that prints (档案, 任前公示...).

WeasyPrint fetches every URL a document mentions. User text is escaped by the templates, and on
top of that this fetcher only serves the app's own static files (and files the caller hands in
explicitly): no network, no `file://` paths, whatever the HTML says.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# A base URL that resolves nowhere: relative and /static/ links become URLs on this origin,
# which the fetcher below maps to files it is allowed to read.
PDF_ORIGIN = "https://pdf.invalid"


class StaticOnlyFetcher(URLFetcher):
    """Serves /static/<path> from the app's static files and /files/<name> from `extra_files`."""

    def __init__(self, extra_files: dict[str, tuple[bytes, str]] | None = None):
        super().__init__(allowed_protocols={"https"}, allow_redirects=False)
        self.extra_files = extra_files or {}
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith(f"{PDF_ORIGIN}/static/"):
            path = url.removeprefix(f"{PDF_ORIGIN}/static/").split("?")[0].split("#")[0]
            found = finders.find(path) if ".." not in path else None
            if found:
                with open(found, "rb") as handle:
                    return URLFetcherResponse(url, handle.read(), {"Content-Type": _content_type(path)})
        if url.startswith(f"{PDF_ORIGIN}/files/"):
            name = url.removeprefix(f"{PDF_ORIGIN}/files/")
            if name in self.extra_files:
                body, content_type = self.extra_files[name]
                return URLFetcherResponse(url, body, {"Content-Type": content_type})
        self.refused.append(url)
        raise ValueError(f"PDF resources are limited to the app's static files; refused {url[:200]}")


def _content_type(path: str) -> str:
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def render_pdf(html: str, *, extra_files: dict[str, tuple[bytes, str]] | None = None) -> bytes:
    fetcher = StaticOnlyFetcher(extra_files)
    return HTML(string=html, base_url=f"{PDF_ORIGIN}/", url_fetcher=fetcher).write_pdf()
