"""Helpers for the 晒实绩 tests: days relative to the real clock, categories, PDFs."""

from __future__ import annotations

import http.server
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from django.utils import timezone

from achievements import rules
from achievements.models import AchievementCategory

CHINESE_LOG = "走访青石村三户困难群众，核实低保材料，并向镇党委汇报了防汛物资储备情况。"


def today() -> date:
    return rules.today_in_shanghai()


def open_past_day(cadre, *, not_before: date | None = None) -> date:
    """The latest day before today whose log window is still open (exists for any real date)."""
    now = timezone.now()
    day = today() - timedelta(days=1)
    while day >= today() - timedelta(days=10):
        if (not_before is None or day >= not_before) and now < rules.log_deadline(day, unit=cadre.unit):
            return day
        day -= timedelta(days=1)
    raise AssertionError("no open day in the last ten days")


def closed_day() -> date:
    """A day whose window is closed whatever the calendar: five working days fit in 40 days."""
    return today() - timedelta(days=40)


def category(name: str = "经济发展") -> AchievementCategory:
    # Transactional tests flush the default categories the data migration created.
    return AchievementCategory.objects.get_or_create(name=name)[0]


def pdf_text(content: bytes, tmp_path, name: str = "doc.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(content: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TINY_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@contextmanager
def beacon_server() -> Iterator[tuple[int, list[str]]]:
    """A local HTTP server that records every path requested: (port, paths). Nothing may reach it."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], hits
    finally:
        server.shutdown()
