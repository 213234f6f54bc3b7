"""The shared layout of every page, rendered once per process for each combination of what it shows.

The header (menu by role, the signed-in person's menu) and the footer are the same for everyone
with the same roles, page section, language and name: `{% layoutcache %}` (core/templatetags/
layout.py) keeps each rendered piece in this process, keyed by the language, the URL prefix and the
values the template names in the tag, so a page no longer runs the template engine over them
(hundreds of nodes and translations a page) on every request.

Nothing in these pieces comes from the database except through the key: the menu depends on the
code (config/navigation.py) and the roles, the person's menu on their name and roles. A change of
any of these is a new key, so there is nothing to invalidate; old keys age out of the bounded
store. Each visitor's CSRF token is never stored: the piece is rendered with CSRF_SLOT in its place
and the token put in on the way out.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable

# Random per process: no text of a page can contain it by accident.
CSRF_SLOT = f"csrf{uuid.uuid4().hex}"
MAX_ENTRIES = 4096

_store: OrderedDict[Hashable, str] = OrderedDict()
_lock = threading.Lock()


def fragment(key: Hashable, build: Callable[[], str]) -> str:
    """The piece stored under `key`, built (and stored) when missing; least recently used go first."""
    with _lock:
        html = _store.get(key)
        if html is not None:
            _store.move_to_end(key)
            return html
    html = build()
    with _lock:
        _store[key] = html
        while len(_store) > MAX_ENTRIES:
            _store.popitem(last=False)
    return html


def clear() -> None:
    with _lock:
        _store.clear()
