"""Reading uploaded ballots, unit scores and results (.xlsx / .csv with Chinese headers)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from core.spreadsheets import SpreadsheetUnreadable, csv_rows, is_blank, open_workbook

from .errors import ImportFailed, ImportIssue


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
        if all(is_blank(v) for v in row):
            continue
        records.append((line, {h: (row[i] if i < len(row) else None) for i, h in enumerate(headers) if h}))
    if not records:
        raise ImportFailed([ImportIssue(None, "", _("文件中没有数据行。"))])
    return records


def _csv_rows(content: bytes) -> list[list[Any]]:
    try:
        return csv_rows(content)
    except SpreadsheetUnreadable as error:
        message = (
            _("文件不是文本格式的 CSV。")
            if error.reason == "not_text"
            else _("无法识别 CSV 文件的编码，请另存为 UTF-8 或 .xlsx。")
        )
        raise ImportFailed([ImportIssue(None, "", message)]) from None


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    try:
        workbook = open_workbook(content, data_only=True)
    except SpreadsheetUnreadable:
        raise ImportFailed([ImportIssue(None, "", _("文件不是有效的 Excel (.xlsx) 表格，无法读取。"))]) from None
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows
