"""What tests share that is not test data: days relative to the real clock, PDF text and fonts,
tiny files, a beacon server that nothing may reach, and the sealed ballot box read back."""

from __future__ import annotations

import http.server
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from django.utils import timezone

from achievements import rules

# --- Days ------------------------------------------------------------------------------------------


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


# --- Files -----------------------------------------------------------------------------------------


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


# --- The ballot box --------------------------------------------------------------------------------


def box_sheets(period) -> list[dict]:
    """What the period's sealed sheets hold (a test reads the box with the ballot key)."""
    from evaluations.models import SealedSheet
    from evaluations.sheet_format import unseal_sheet

    return [
        unseal_sheet(bytes(s.sealed), context=SealedSheet.context(period.pk, s.unit_id))
        for s in SealedSheet.objects.filter(period=period)
    ]


def box_scores(period) -> list[int]:
    """Every score in the period's sealed sheets, sorted."""
    return sorted(score for sheet in box_sheets(period) for _ratee, _group, score in sheet["scores"])
