"""Result exports: the columns of the results page, in a Chinese-named file and sheet.

A group average that may not be shown says why: no raters at all, fewer raters than the display
threshold, or hidden so that a hidden group cannot be worked out from the others.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.spreadsheets import write_table

from . import rules, selectors
from .models import Period


def provisional_label(period: Period) -> str:
    return _("暂定") if period.is_provisional else _("正式")


def group_cell(group: rules.GroupView, threshold: int) -> Any:
    if group.visibility == rules.Visibility.SHOWN:
        return group.average
    if group.visibility == rules.Visibility.EMPTY:
        return _("无评价人")
    if group.visibility == rules.Visibility.BELOW_THRESHOLD:
        return _("不足%(n)s人不显示") % {"n": threshold}
    return _("为保护匿名不显示")


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
        _("类别排名"),
        _("结果状态"),
    ]


def result_export_rows(period: Period, filters: dict | None = None) -> list[list[Any]]:
    rows = selectors.result_rows(period, selectors.results_queryset(period, filters or {}))
    table = rules.settings_table(period.year)
    status = provisional_label(period)
    out = []
    for row in rows:
        threshold = table[row.result.unit_category].display_threshold
        out.append(
            [
                row.result.cadre.code,
                row.result.cadre.name,
                row.result.unit.name,
                row.result.rank.name,
                group_cell(row.leader, threshold),
                group_cell(row.peer, threshold),
                group_cell(row.other, threshold),
                row.result.deduction,
                row.result.score,
                row.result.rank_in_unit,
                row.result.rank_in_rank_level,
                row.result.rank_in_category,
                status,
            ]
        )
    return out


def results_filename(period: Period) -> str:
    return _("%(period)s考核结果") % {"period": period.title}


def results_file(period: Period, file_format: str, filters: dict | None = None) -> bytes:
    return write_table(result_headers(), result_export_rows(period, filters), file_format, title=_("考核结果"))


def annual_headers() -> list[str]:
    return [
        _("编号"),
        _("姓名"),
        _("单位"),
        _("班子角色"),
        _("职级"),
        _("民主测评"),
        _("单位考核"),
        _("季度平均"),
        _("年度得分"),
        _("单位排名"),
        _("职级排名"),
        _("建议等次"),
        _("确定等次"),
        _("结果状态"),
    ]


def annual_export_rows(period: Period, filters: dict | None = None) -> list[list[Any]]:
    status = provisional_label(period)
    return [
        [
            r.cadre.code,
            r.cadre.name,
            r.unit.name,
            r.get_role_display(),
            r.rank.name,
            r.democratic_score,
            r.unit_score,
            r.quarterly_mean,
            r.annual_score,
            r.rank_in_unit,
            r.rank_in_rank_level,
            r.get_proposed_grade_display(),
            r.get_grade_display() or _("未确定"),
            status,
        ]
        for r in selectors.annual_queryset(period, filters or {})
    ]


def annual_filename(period: Period) -> str:
    return _("%(year)s年度考核结果") % {"year": period.year}
