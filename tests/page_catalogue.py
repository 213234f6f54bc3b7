"""Every GET page of the product, per role, built from the URLconf and filled from the demo data.

The URLconf is walked with django.urls' resolvers; the URL parameters come from the demo district:
each role's pages are crawled with Django's test client from the home page along the links the
pages themselves show (one address per URL pattern), so a new page is picked up as soon as a page
links to it. Every pattern then has to be accounted for: a full HTML page for some role (checked in
the browser), a download, a redirect, a fragment, POST only (405), or an entry in NOT_CRAWLED with
the reason. Patterns no link leads to get their parameters from the addresses the crawl did see
(`fill`). A pattern that is none of these fails `uncovered()`, so no page drops out silently.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

ROOT = Path(__file__).resolve().parent.parent

# Prefixes outside the product's own pages: Django's admin and the third-party API browsers are not
# our templates, the API answers JSON, the operations endpoints answer plain text.
FOREIGN_PREFIXES = ("admin/", "api/", "i18n/", "healthz", "readyz", "metrics")

# Patterns that neither a link nor fill() reaches on the demo district, and why.
NOT_CRAWLED: dict[str, str] = {
    "public:notice_photo": "an image inside the public notice (the demo cadres have no photos)",
    "cadres:cadre_photo": "an image (the demo cadres have no photos)",
    "supervision:report_scan": "an image (the demo reports have no scans)",
    "public:feedback_receipt": "shown once after a POST of the feedback form (tested in test_publicity_feedback)",
    "supervision_public:receipt": "shown once after a POST of the report form (tested in the supervision tests)",
    "achievements:export_download": "a zip download after an export",
    "publicity:gate_check": "POST only (require_POST), a publication gate",
    "selection:event_setup": "POST only (require_POST), a 民主推荐 vote the demo has not set up",
    "selection:paper_counts": "POST only (require_POST), a 民主推荐 vote the demo has not set up",
    "selection:event_close": "POST only (require_POST), a 民主推荐 vote the demo has not set up",
    "selection:decide": "POST only (require_POST), a 讨论决定 meeting the demo has not held",
    "evaluations:period_opening_progress": "an htmx fragment polled while a period is being opened: the demo "
    "opens its periods before the crawl (tests/test_period_opening_job.py)",
}

# Roles: the demo logins (README) and the public.
ROLE_LOGINS = {
    "cadre": "QSZ008",
    "leader": "QSZ001",
    "org_staff": "ZZB004",
    "discipline": "jiwei",
    "public": None,
}
# How many seen parameter sets fill() tries for one pattern before it gives up.
FILL_TRIES = 6
START = {"public": ["/notices/", "/report/", "/report/lookup/", "/accounts/login/", "/achievements/verify/", "/help/"]}


@dataclass
class Crawl:
    pages: dict[str, str] = field(default_factory=dict)  # route name -> one full HTML page's address
    other: dict[str, str] = field(default_factory=dict)  # route name -> what it answered instead
    templates: dict[str, list[str]] = field(default_factory=dict)  # page address -> its template files
    kwargs: list[tuple[str, dict[str, object]]] = field(default_factory=list)  # (app, URL parameters) seen


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.form_targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        elif tag == "form" and (values.get("method") or "get").lower() == "post" and values.get("action"):
            self.form_targets.append(values["action"] or "")


def url_patterns() -> dict[str, str]:
    """Every named pattern of the product: {namespaced name: route}."""
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or ""
                walk(entry, prefix + str(entry.pattern), inner or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                route = prefix + str(entry.pattern)
                if not route.startswith(FOREIGN_PREFIXES):
                    found.setdefault(f"{namespace}:{entry.name}" if namespace else entry.name, route)

    walk(get_resolver(), "", "")
    return found


def _route_name(path: str, seen: list[tuple[str, dict[str, object]]] | None = None) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if seen is not None and match.kwargs and (match.namespace, match.kwargs) not in seen:
        seen.append((match.namespace, match.kwargs))
    return match.view_name


def crawl(client: Client, start: list[str], *, limit: int = 400, then: list[str] | None = None) -> Crawl:
    """Breadth-first over same-site GET links, one address per URL pattern; then from the addresses
    `then`, whose links are followed too (records the crawl would not pick: the first address of a
    pattern is the one kept, so these come after the rest and change no page already reached)."""
    result = Crawl()
    queue = deque(start)
    later = list(then or [])
    seen_routes: set[str] = set()
    while limit:
        if not queue:
            if not later:
                break
            queue.extend(later)
            later = []
        address = queue.popleft()
        if not _visit(client, address, result, seen_routes, queue):
            continue
        limit -= 1
    return result


def _visit(client: Client, address: str, result: Crawl, seen_routes: set[str], queue: deque[str] | None) -> bool:
    """GET one address and file it; False when its pattern was already visited (or it is not ours)."""
    path = urlsplit(address).path
    name = _route_name(path, result.kwargs)
    if name is None or name in seen_routes or path.lstrip("/").startswith(FOREIGN_PREFIXES):
        return False
    seen_routes.add(name)
    response = client.get(address)
    content_type = response.get("Content-Type", "")
    if response.status_code != 200:
        result.other[name] = str(response.status_code)
        if response.status_code == 302 and queue is not None:
            queue.append(response["Location"])
        return True
    if not content_type.startswith("text/html"):
        result.other[name] = content_type.split(";")[0]
        return True
    html = response.content.decode()
    if not re.match(r"\s*<!DOCTYPE html", html, re.IGNORECASE):
        result.other[name] = "fragment"
        return True
    result.pages[name] = address
    result.templates[address] = sorted(
        {
            str(Path(t.origin.name).relative_to(ROOT))
            for t in response.templates
            if t.origin
            and t.origin.name
            and Path(t.origin.name).is_relative_to(ROOT)
            and not Path(t.origin.name).relative_to(ROOT).parts[0].startswith(".")  # .venv: Django's own
        }
    )
    parser = _Links()
    parser.feed(html)
    # Form targets are fetched too: a POST-only view answers 405 and is filed as such.
    for link in parser.links + parser.form_targets:
        absolute = urljoin(address, link)
        parts = urlsplit(absolute)
        if queue is not None and parts.netloc in ("", "testserver") and parts.scheme in ("", "http"):
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return True


def fill(client: Client, result: Crawl, names: list[str]) -> None:
    """Patterns no link led to: their parameters taken from the addresses the crawl did see (the
    same parameter names, the same app first), then fetched and filed like crawled ones."""
    routes = url_patterns()
    seen_routes = set(result.pages) | set(result.other)
    for name in names:
        if name in seen_routes:
            continue
        wanted = set(re.findall(r"<(?:\w+:)?(\w+)>", routes[name]))
        if not wanted:
            _visit(client, reverse(name), result, set(), None)
            continue
        namespace = name.rpartition(":")[0]
        candidates = [k for app, k in sorted(result.kwargs, key=lambda seen: seen[0] != namespace) if set(k) == wanted]
        for kwargs in candidates[:FILL_TRIES]:
            try:
                address = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue
            _visit(client, address, result, set(), None)  # its links are not followed further
            if result.other.get(name) in ("403", "404"):
                del result.other[name]  # another record of the same kind may be open to this role
                continue
            break


def crawl_roles(clients: dict[str, Client], *, then: dict[str, list[str]] | None = None) -> dict[str, Crawl]:
    """Each role's crawl from its start pages (and then from `then[role]`); then the patterns no role
    reached, filled per role."""
    then = then or {}
    crawls = {role: crawl(client, START.get(role, ["/"]), then=then.get(role)) for role, client in clients.items()}
    for role, client in clients.items():
        fill(client, crawls[role], uncovered(crawls))
    return crawls


def uncovered(crawls: dict[str, Crawl]) -> list[str]:
    """Patterns that no role reached and that NOT_CRAWLED does not explain."""
    reached: set[str] = set()
    for result in crawls.values():
        reached |= set(result.pages) | set(result.other)
    return sorted(set(url_patterns()) - reached - set(NOT_CRAWLED))
