"""Spreadsheets in and out (.xlsx / .csv), with the one rule against formula injection.

Reading gives raw rows; each app checks its own columns and words its own messages, so a reader
here raises `SpreadsheetUnreadable` with a `reason` the caller turns into its sentence.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetUnreadable(Exception):
    """The file is not a spreadsheet this product reads: `not_text` (a binary .csv), `encoding`
    (neither UTF-8 nor GB18030) or `not_xlsx` (not an Excel workbook)."""

    def __init__(self, reason: Literal["not_text", "encoding", "not_xlsx"]):
        self.reason = reason
        super().__init__(reason)


def neutralize_formula(value: Any) -> Any:
    """Quote a text cell a spreadsheet program would run as a formula; other values pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without ".0" (Excel stores 编号 1001 as 1001.0), stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def csv_rows(content: bytes) -> list[list[Any]]:
    """The rows of a .csv in UTF-8 (with or without BOM) or GB18030, as Chinese Excel saves it."""
    if b"\x00" in content[:4096]:
        raise SpreadsheetUnreadable("not_text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SpreadsheetUnreadable("encoding")
    return [list(row) for row in csv.reader(io.StringIO(text))]


def open_workbook(content: bytes, *, data_only: bool = False) -> Workbook:
    """An .xlsx opened read-only; the caller closes it. `data_only` reads cached formula results."""
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise SpreadsheetUnreadable("not_xlsx") from None


def _display_width(value: Any) -> int:
    """Columns as wide as the text: a Chinese character takes two columns of a Latin one."""
    text_value = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text_value)


def write_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], file_format: str, title: str = "") -> bytes:
    """A .csv (UTF-8 with BOM) or an .xlsx with the header row frozen and columns sized to content."""
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if v is None else neutralize_formula(v) for v in row])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM so Excel reads UTF-8
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    # Excel forbids []:*?/\ in sheet names and allows 31 characters.
    sheet.title = "".join(ch for ch in (title or _("数据")) if ch not in "[]:*?/\\")[:31] or "Sheet1"
    sheet.append(list(headers))
    widths = [_display_width(h) for h in headers]
    for row in rows:
        values = [neutralize_formula(v) for v in row]
        sheet.append(values)
        for index, value in enumerate(values[: len(widths)]):
            widths[index] = max(widths[index], _display_width(value))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 50)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
