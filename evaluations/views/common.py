from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from core.spreadsheets import write_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(
    headers: list[str], rows: list[list[Any]], file_format: str, filename: str, sheet_title: str = ""
) -> HttpResponse:
    """The table as an attachment; a Chinese file name travels percent-encoded (RFC 6266)."""
    file_format = "csv" if file_format == "csv" else "xlsx"
    content = write_table(headers, rows, file_format, title=sheet_title or filename)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8" if file_format == "csv" else XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{file_format}")
    response["Cache-Control"] = "no-store"
    return response
