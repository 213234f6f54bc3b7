"""Spreadsheets in and out (.xlsx / .csv with Chinese headers) for ballots, unit scores and results."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from .errors import ImportFailed, ImportIssue

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(content: bytes, filename: str, required: Sequence[str]) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a .xlsx or .csv file as (line number, {header: value}); line 1 is the header row.

    Raises ImportFailed when the file cannot be read or a required column is missing.
    """
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif name.endswith(".csv"):
        rows = _csv_rows(content)
    else:
        raise ImportFailed([ImportIssue(None, "", _("只支持 .xlsx 和 .csv 格式的文件。"))])
    if not rows:
        raise ImportFailed([ImportIssue(None, "", _("文件是空的。"))])
    headers = [str(h).strip() if h is not None else "" for h in rows[0]]
    missing = [column for column in required if column not in headers]
    if missing:
        raise ImportFailed(
            [
                ImportIssue(
                    1,
                    column,
                    _("缺少“%(column)s”列。表头应为：%(columns)s。")
                    % {"column": column, "columns": "、".join(required)},
                )
                for column in missing
            ]
        )
    records = []
    for line, row in enumerate(rows[1:], start=2):
        if all(_blank(v) for v in row):
            continue
        records.append((line, {h: (row[i] if i < len(row) else None) for i, h in enumerate(headers) if h}))
    if not records:
        raise ImportFailed([ImportIssue(None, "", _("文件中没有数据行。"))])
    return records


def _csv_rows(content: bytes) -> list[list[Any]]:
    if b"\x00" in content[:4096]:
        raise ImportFailed([ImportIssue(None, "", _("文件不是文本格式的 CSV。"))])
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFailed([ImportIssue(None, "", _("无法识别 CSV 文件的编码，请另存为 UTF-8 或 .xlsx。"))])
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFailed([ImportIssue(None, "", _("文件不是有效的 Excel (.xlsx) 表格，无法读取。"))]) from None
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- Writing ----------------------------------------------------------------------------------


def _safe(value: Any) -> Any:
    """Neutralize cells a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


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
            writer.writerow(["" if v is None else _safe(v) for v in row])
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
        values = [_safe(v) for v in row]
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
