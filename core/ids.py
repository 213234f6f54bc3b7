"""Database ids in URLs and query parameters, shared by every app (registered as `dbid` in config/urls.py)."""

import re

MAX_ID = 10**18 - 1


class DatabaseIdConverter:
    """A database id: 1 to 18 digits, so it always fits a 64-bit column (a longer number is a 404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def parse_id(value: object) -> int | None:
    """A database id from a query parameter, or None for anything else (text, 0, too many digits)."""
    text = str(value or "").strip()
    if not re.fullmatch(DatabaseIdConverter.regex, text) or int(text) == 0:
        return None
    return int(text)
