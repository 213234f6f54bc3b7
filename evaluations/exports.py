"""Result exports: the exact columns of the issue, group averages below the threshold left empty."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from . import selectors
from .models import Period
from .tables import write_table


def result_headers() -> list[str]:
    return [
        _("编号"),
        _("姓名"),
        _("单位"),
        _("职级"),
        _("领导均分"),
        _("同级均分"),
        _("其他均分"),
        _("扣分"),
        _("季度得分"),
        _("单位排名"),
        _("职级排名"),
    ]


def result_export_rows(period: Period, filters: dict | None = None) -> list[list[Any]]:
    rows = selectors.result_rows(period, selectors.results_queryset(period, filters or {}))
    return [
        [
            row.result.cadre.code,
            row.result.cadre.name,
            row.result.unit.name,
            row.result.rank.name,
            row.leader.average,
            row.peer.average,
            row.other.average,
            row.result.deduction,
            row.result.score,
            row.result.rank_in_unit,
            row.result.rank_in_rank_level,
        ]
        for row in rows
    ]


def results_file(period: Period, file_format: str, filters: dict | None = None) -> bytes:
    return write_table(result_headers(), result_export_rows(period, filters), file_format, title=period.code)
