"""纸质测评录入: anonymous paper sheets keyed in or imported by org staff, under the ballot rules.

A quarterly file has one row per score: 表号, 评价组 (领导/同级/其他), 被评价人编号, 分数. An annual
(democratic) file has one row per ratee: 表号, 评价组, 被评价人编号, 德, 能, 勤, 绩, 廉 and optionally
反测评 (items separated by 、); a row without 被评价人编号 carries the leadership-team items of the
sheet. Rows with the same 表号 form one sheet; every ratee on it must belong to one unit of the
period's snapshot. Each sheet is checked like an online sheet (whole numbers, range, and the
forced band on quarterly sheets), and one bad row means nothing is imported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cadres.models import SnapshotMember, Unit, User
from core.spreadsheets import cell_text

from .. import rules
from ..errors import ImportFailed, ImportIssue, WrongState
from ..inputs import SheetInput
from ..models import (
    DIMENSIONS,
    PERSON_PROBLEMS,
    TEAM_PROBLEMS,
    EvaluationSettings,
    PaperSheet,
    Period,
    PeriodState,
    ProblemItem,
    RaterGroup,
    SheetSource,
)
from ..tables import read_table
from .ballots import ValidSheet, store_sheet, without_band
from .periods import lock_period

COL_NUMBER, COL_GROUP, COL_RATEE, COL_SCORE, COL_PROBLEMS = "表号", "评价组", "被评价人编号", "分数", "反测评"
PAPER_COLUMNS = (COL_NUMBER, COL_GROUP, COL_RATEE, COL_SCORE)
DIMENSION_COLUMNS = {str(d.label): d.value for d in DIMENSIONS}  # 德 能 勤 绩 廉
ANNUAL_PAPER_COLUMNS = (COL_NUMBER, COL_GROUP, COL_RATEE, *DIMENSION_COLUMNS)
PROBLEM_NAMES = {str(item.label): item.value for item in ProblemItem}
ITEM_SPLIT = re.compile(r"[、,，;；\s]+")
GROUP_NAMES = {
    "领导": RaterGroup.LEADER,
    "领导主评": RaterGroup.LEADER,
    "同级": RaterGroup.PEER,
    "同级互评": RaterGroup.PEER,
    "其他": RaterGroup.OTHER,
    "其他参评": RaterGroup.OTHER,
}
GROUP_SHORT: dict[str, str] = {RaterGroup.LEADER: "领导", RaterGroup.PEER: "同级", RaterGroup.OTHER: "其他"}


@dataclass(frozen=True)
class PaperRow:
    line: int | None
    number: str
    group: str  # as written: 领导 / 同级 / 其他
    ratee_code: str  # empty on an annual sheet's leadership-team row
    score: Any = None  # quarterly
    dimensions: dict[str, Any] | None = None  # annual: {"virtue": …, …}
    problems: str = ""  # annual: 反测评 item names as written


@dataclass(frozen=True)
class PaperImportSummary:
    sheets: int
    scores: int
    units: list[str]
    receipts: list[str]


def paper_rows_from_file(content: bytes, filename: str, *, annual: bool = False) -> list[PaperRow]:
    if annual:
        return [
            PaperRow(
                line,
                cell_text(row.get(COL_NUMBER)),
                cell_text(row.get(COL_GROUP)),
                cell_text(row.get(COL_RATEE)),
                dimensions={value: row.get(column) for column, value in DIMENSION_COLUMNS.items()},
                problems=cell_text(row.get(COL_PROBLEMS)),
            )
            for line, row in read_table(content, filename, ANNUAL_PAPER_COLUMNS)
        ]
    return [
        PaperRow(
            line,
            cell_text(row.get(COL_NUMBER)),
            cell_text(row.get(COL_GROUP)),
            cell_text(row.get(COL_RATEE)),
            row.get(COL_SCORE),
        )
        for line, row in read_table(content, filename, PAPER_COLUMNS)
    ]


def _editable(period: Period) -> None:
    """Paper sheets go into the box like online ones: only while the period accepts sheets."""
    if period.state != PeriodState.OPEN:
        raise WrongState(period, _("录入纸质测评表"))


def paper_sheets_import(
    *, period: Period, rows: list[PaperRow], unit: Unit | None = None, actor: User | None = None
) -> PaperImportSummary:
    """Validate every row and sheet, then store all sheets anonymously, or nothing."""
    period = Period.objects.get(pk=period.pk)
    _editable(period)
    members = {
        code: (cadre_id, unit_id, name)
        for code, cadre_id, unit_id, name in SnapshotMember.objects.filter(snapshot_id=period.snapshot_id).values_list(
            "cadre__code", "cadre_id", "unit_id", "cadre__name"
        )
    }
    issues: list[ImportIssue] = []
    sheets: dict[str, list[tuple[PaperRow, int, str]]] = defaultdict(list)
    team_rows: dict[str, list[PaperRow]] = defaultdict(list)
    for row in rows:
        if not row.number:
            issues.append(ImportIssue(row.line, COL_NUMBER, _("缺少表号。")))
            continue
        if period.is_annual and not row.ratee_code:
            team_rows[row.number].append(row)  # the sheet's leadership-team items
            continue
        group = GROUP_NAMES.get(row.group)
        if group is None:
            issues.append(
                ImportIssue(
                    row.line, COL_GROUP, _("评价组“%(value)s”无法识别，应为：领导、同级、其他。") % {"value": row.group}
                )
            )
        member = members.get(row.ratee_code)
        if member is None:
            issues.append(
                ImportIssue(
                    row.line,
                    COL_RATEE,
                    _("编号“%(code)s”不是本次考核的参评干部（以开始测评时的任职快照为准）。")
                    % {"code": row.ratee_code},
                )
            )
        elif unit is not None and member[1] != unit.pk:
            issues.append(
                ImportIssue(
                    row.line, COL_RATEE, _("%(name)s 不是 %(unit)s 的干部。") % {"name": member[2], "unit": unit.name}
                )
            )
        if group is not None and member is not None:
            sheets[row.number].append((row, member[0], group))

    units = {u.pk: u for u in Unit.objects.filter(pk__in={m[1] for m in members.values()})}
    unit_of = {cadre_id: unit_id for cadre_id, unit_id, _name in members.values()}
    name_of = {cadre_id: name for cadre_id, _unit, name in members.values()}
    planned: list[tuple[str, Unit, dict[int, str], ValidSheet]] = []
    for number in team_rows.keys() - sheets.keys():
        issues.append(
            ImportIssue(team_rows[number][0].line, COL_RATEE, _("表号 %(number)s 没有被评价人。") % {"number": number})
        )
    for number, entries in sheets.items():
        first_line = entries[0][0].line
        sheet_units = {unit_of[cadre_id] for _row, cadre_id, _g in entries}
        if len(sheet_units) > 1:
            issues.append(
                ImportIssue(
                    first_line,
                    COL_RATEE,
                    _("表号 %(number)s 中的被评价人分属 %(units)s，一张测评表只能评价一个单位。")
                    % {"number": number, "units": "、".join(sorted(units[u].name for u in sheet_units))},
                )
            )
            continue
        sheet_unit = units[sheet_units.pop()]
        seen: dict[int, int | None] = {}
        duplicate = False
        for row, cadre_id, _group in entries:
            if cadre_id in seen:
                duplicate = True
                issues.append(
                    ImportIssue(
                        row.line,
                        COL_RATEE,
                        _("表号 %(number)s 中 %(name)s 出现了两次（另见第 %(first)s 行）。")
                        % {"number": number, "name": name_of[cadre_id], "first": seen[cadre_id]},
                    )
                )
            seen.setdefault(cadre_id, row.line)
        if duplicate:
            continue
        if PaperSheet.objects.filter(period=period, unit=sheet_unit, number=number).exists():
            issues.append(_already_entered(first_line, sheet_unit, number))
            continue
        settings = rules.settings_for(period.year, sheet_unit.category)
        label = _("表号 %(number)s") % {"number": number}
        if period.is_annual:
            valid, found = _annual_sheet(entries, team_rows.get(number, []), settings, label, name_of)
        else:
            valid, found = _quarterly_sheet(entries, settings, label, name_of)
        issues += [ImportIssue(line or first_line, column, message) for line, column, message in found]
        if not found:
            groups = {cadre_id: group for _row, cadre_id, group in entries}
            planned.append((number, sheet_unit, groups, valid))
    if issues:
        raise ImportFailed(sorted(issues, key=lambda i: (i.line or 0, i.column)))

    receipts = []
    with transaction.atomic():
        period = lock_period(period.pk)
        _editable(period)
        for number, sheet_unit, groups, valid in planned:
            try:
                with transaction.atomic():
                    PaperSheet.objects.create(period=period, unit=sheet_unit, number=number)
            except IntegrityError:
                # Keyed in by someone else a moment ago: refuse the whole import, as for any bad row.
                raise ImportFailed([_already_entered(None, sheet_unit, number)]) from None
            receipts.append(
                store_sheet(period=period, unit=sheet_unit, source=SheetSource.PAPER, groups=groups, valid=valid)
            )
    return PaperImportSummary(
        sheets=len(planned),
        scores=sum(len(v.scores) + len(v.dimensions) * len(DIMENSIONS) for *_rest, v in planned),
        units=sorted({u.name for _n, u, _g, _v in planned}),
        receipts=sorted(receipts),
    )


def _already_entered(line: int | None, unit: Unit, number: str) -> ImportIssue:
    return ImportIssue(
        line,
        COL_NUMBER,
        _("%(unit)s 表号 %(number)s 已经录入过，不能重复录入。") % {"unit": unit.name, "number": number},
    )


Found = list[tuple[int | None, str, str]]  # (line, column, message)
SheetEntries = list[tuple[PaperRow, int, str]]  # (row, ratee's cadre id, rater group)


def _quarterly_sheet(
    entries: SheetEntries, settings: EvaluationSettings, label: str, name_of: dict[int, str]
) -> tuple[ValidSheet, Found]:
    line_of: dict[int | None, int | None] = {cadre_id: row.line for row, cadre_id, _g in entries}
    entry_list = [rules.Entry(cadre_id, name_of[cadre_id], row.score) for row, cadre_id, _g in entries]
    scores, problems = rules.check_sheet(entry_list, settings, complete=True, label=label)
    return ValidSheet(scores=scores), [(line_of.get(p.ratee_id), COL_SCORE, p.message) for p in problems]


def _items(text_value: str, allowed: tuple[ProblemItem, ...], line: int | None, found: Found) -> list[str]:
    items: list[str] = []
    for name in filter(None, ITEM_SPLIT.split(text_value)):
        value = PROBLEM_NAMES.get(name, name)
        if value in allowed:
            items.append(value)
        else:
            choices = "、".join(str(item.label) for item in allowed)
            found.append(
                (
                    line,
                    COL_PROBLEMS,
                    _("反测评项目“%(name)s”无法识别，可填：%(choices)s。") % {"name": name, "choices": choices},
                )
            )
    return items


def _annual_sheet(
    entries: SheetEntries, team: list[PaperRow], settings: EvaluationSettings, label: str, name_of: dict[int, str]
) -> tuple[ValidSheet, Found]:
    """德能勤绩廉 within the range for every ratee (no forced band), and known 反测评 items."""
    found: Found = []
    line_of: dict[int | None, int | None] = {cadre_id: row.line for row, cadre_id, _g in entries}
    dimensions: dict[int, dict[str, int]] = {}
    for column, dimension in DIMENSION_COLUMNS.items():
        entry_list = [
            rules.Entry(cadre_id, f"{name_of[cadre_id]}（{column}）", (row.dimensions or {}).get(dimension))
            for row, cadre_id, _g in entries
        ]
        scores, problems = rules.check_sheet(entry_list, without_band(settings), complete=True, label=label)
        found += [(line_of.get(p.ratee_id), column, p.message) for p in problems]
        for cadre_id, score in scores.items():
            dimensions.setdefault(cadre_id, {})[dimension] = score
    person = {cadre_id: _items(row.problems, PERSON_PROBLEMS, row.line, found) for row, cadre_id, _g in entries}
    team_items = [item for row in team for item in _items(row.problems, TEAM_PROBLEMS, row.line, found)]
    return (
        ValidSheet(dimensions=dimensions, problems={k: v for k, v in person.items() if v}, team_problems=team_items),
        found,
    )


def paper_sheet_enter(
    *,
    period: Period,
    unit: Unit,
    number: str,
    group: str,
    data: SheetInput,
    groups: dict[int, str] | None = None,
    actor: User | None = None,
) -> PaperImportSummary:
    """One quarterly paper sheet keyed in on the page: blank scores mean the ratee is not on that sheet."""
    if period.is_annual:
        raise WrongState(period, _("逐张录入纸质测评表（年度民主测评请用文件导入）"))
    codes = dict(
        SnapshotMember.objects.filter(snapshot_id=period.snapshot_id, unit=unit).values_list("cadre_id", "cadre__code")
    )
    rows = [
        PaperRow(None, number.strip(), GROUP_SHORT[(groups or {}).get(ratee_id) or group], codes[ratee_id], value)
        for ratee_id, value in data.scores.items()
        if ratee_id in codes and cell_text(value) != ""
    ]
    if not rows:
        raise ImportFailed([ImportIssue(None, COL_SCORE, _("这张测评表一个分数也没有填写。"))])
    return paper_sheets_import(period=period, rows=rows, unit=unit, actor=actor)
