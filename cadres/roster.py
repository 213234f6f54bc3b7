"""The roster (花名册) as a spreadsheet: columns, parsing and the django-import-export resource.

Import rules (rules.md §2): Chinese headers, .xlsx or .csv, re-import updates by 编号, a file with
any bad row imports nothing and every bad row is reported with its line number and reason.
The workflow lives in `services.roster_import`; this module knows the file format.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from core.errors import DomainError
from core.spreadsheets import SpreadsheetUnreadable, cell_text, csv_rows, is_blank, neutralize_formula, open_workbook

from .models import (
    Cadre,
    Gender,
    PoliticalStatus,
    RankLevel,
    Unit,
    UnitCategory,
    UnitRole,
    normalize_cadre_code,
    normalize_cadre_name,
    validate_cadre_name,
)

# Column headers, in file order. The first ten are required (rules.md §2); the rest are optional.
COL_CODE = "编号"
COL_NAME = "姓名"
COL_GENDER = "性别"
COL_BIRTH = "出生日期"
COL_UNIT = "单位"
COL_CATEGORY = "单位类别"
COL_PARENT = "上级单位"
COL_RANK = "职级"
COL_POST = "职务"
COL_ROLE = "角色"
REQUIRED_COLUMNS = (
    COL_CODE,
    COL_NAME,
    COL_GENDER,
    COL_BIRTH,
    COL_UNIT,
    COL_CATEGORY,
    COL_PARENT,
    COL_RANK,
    COL_POST,
    COL_ROLE,
)
COL_POLITICAL = "政治面貌"
OPTIONAL_COLUMNS = ("民族", COL_POLITICAL, "籍贯", "入党时间", "学历", "参加工作时间")
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MARKUP = re.compile(r"[<>]")


@dataclass(frozen=True, order=True)
class RosterIssue:
    """One reason a roster cannot be imported; lines are the spreadsheet's own (1 = first row)."""

    line: int | None
    column: str = ""
    message: str = field(default="", compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = _("第 %(line)s 行") % {"line": self.line} if self.line else _("文件")
        column = f"「{self.column}」" if self.column else ""
        return f"{where}{column}：{self.message}"


class RosterFileError(DomainError):
    def __init__(self, issues: list[RosterIssue]):
        self.issues = sorted(issues, key=lambda i: (i.line or 0, i.column))
        super().__init__("; ".join(str(i) for i in self.issues[:5]))


@dataclass
class RosterTable:
    headers: list[str]
    rows: list[list[Any]]
    lines: list[int]  # the spreadsheet line of each row, blank rows left out
    header_line: int = 1
    title_lines: list[int] = field(default_factory=list)  # non-blank rows above the header, skipped

    def records(self) -> list[tuple[int, dict[str, Any]]]:
        return [
            (line, dict(zip(self.headers, row, strict=True))) for line, row in zip(self.lines, self.rows, strict=True)
        ]

    def dataset(self, keep_lines: set[int]) -> tuple[tablib.Dataset, list[int]]:
        data = tablib.Dataset(headers=self.headers)
        kept = []
        for line, row in zip(self.lines, self.rows, strict=True):
            if line in keep_lines:
                data.append(row)
                kept.append(line)
        return data, kept


# --- Reading files ---------------------------------------------------------------------------


def _rows_from_csv(content: bytes) -> list[list[Any]]:
    try:
        return csv_rows(content)
    except SpreadsheetUnreadable as error:
        message = (
            _("文件不是文本格式的 CSV，请上传 .xlsx 或 .csv 花名册。")
            if error.reason == "not_text"
            else _("无法识别 CSV 文件的字符编码，请以 UTF-8 保存。")
        )
        raise RosterFileError([RosterIssue(None, "", message)]) from None


def _rows_from_xlsx(content: bytes) -> list[list[Any]]:
    try:
        workbook = open_workbook(content)
    except SpreadsheetUnreadable:
        raise RosterFileError([RosterIssue(None, "", _("文件不是有效的 Excel (.xlsx) 表格，无法读取。"))]) from None
    try:
        rows, formulas = [], []
        for line, cells in enumerate(workbook.worksheets[0].iter_rows(), start=1):
            rows.append([cell.value for cell in cells])
            formulas += [
                RosterIssue(line, "", _("单元格 %(cell)s 是公式，请先复制并“粘贴为数值”。") % {"cell": cell.coordinate})
                for cell in cells
                if cell.data_type == "f"
            ]
    finally:
        workbook.close()
    if formulas:
        raise RosterFileError(formulas)
    return rows


# Real rosters often carry a title ("青山区干部花名册") and a date line above the header.
HEADER_SEARCH_ROWS = 10


def _find_header(raw: list[list[Any]]) -> int:
    """The index of the header row: the first of the top rows that names 编号 and 姓名.

    Without one, the first non-blank row, so its columns are reported as they are.
    """
    first_filled = None
    for index, values in enumerate(raw[:HEADER_SEARCH_ROWS]):
        cells = {cell_text(v) for v in values}
        if COL_CODE in cells and COL_NAME in cells:
            return index
        if first_filled is None and not all(is_blank(v) for v in values):
            first_filled = index
    if first_filled is None:
        first_filled = next((i for i, values in enumerate(raw) if not all(is_blank(v) for v in values)), None)
    if first_filled is None:
        raise RosterFileError([RosterIssue(None, "", _("文件为空。"))])
    return first_filled


def read_roster_table(content: bytes, filename: str) -> RosterTable:
    """Parse an uploaded roster into header + rows; raise RosterFileError for unusable files.

    Title rows above the header are skipped and listed in `title_lines`; every line number is
    the spreadsheet's own.
    """
    name = filename.lower()
    if not content.strip():
        raise RosterFileError([RosterIssue(None, "", _("文件为空。"))])
    if name.endswith(".xlsx"):
        raw = _rows_from_xlsx(content)
    elif name.endswith(".csv"):
        raw = _rows_from_csv(content)
    else:
        raise RosterFileError([RosterIssue(None, "", _("只支持 .xlsx 和 .csv 格式的花名册。"))])

    header_index = _find_header(raw)
    header_line = header_index + 1
    title_lines = [i + 1 for i, values in enumerate(raw[:header_index]) if not all(is_blank(v) for v in values)]
    headers = [str(v).strip() if v is not None else "" for v in raw[header_index]]
    while headers and not headers[-1]:
        headers.pop()
    _check_headers(headers, header_line)

    width = len(headers)
    code_column = headers.index(COL_CODE)
    rows, lines = [], []
    for index, values in enumerate(raw[header_index + 1 :], start=header_line + 1):
        values = list(values[:width]) + [None] * (width - len(values))
        if all(is_blank(v) for v in values) or cell_text(values[code_column]) == EXAMPLE_CODE:
            continue
        if any(not is_blank(v) for v in values[width:]):
            raise RosterFileError([RosterIssue(index, "", _("本行数据超出表头列数。"))])
        rows.append(values)
        lines.append(index)
    if not rows:
        raise RosterFileError([RosterIssue(None, "", _("文件中没有数据行。"))])
    return RosterTable(headers, rows, lines, header_line=header_line, title_lines=title_lines)


def _check_headers(headers: list[str], line: int = 1) -> None:
    issues = []
    seen = set()
    for header in headers:
        if header in seen:
            issues.append(RosterIssue(line, header, _("表头重复。")))
        seen.add(header)
        if header and header not in ALL_COLUMNS:
            issues.append(
                RosterIssue(line, header, _("无法识别的列名。可用的列：%(cols)s") % {"cols": "、".join(ALL_COLUMNS)})
            )
        if not header:
            issues.append(RosterIssue(line, "", _("有一列缺少表头。")))
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        issues.append(RosterIssue(line, "", _("缺少必需的列：%(cols)s") % {"cols": "、".join(missing)}))
    if issues:
        raise RosterFileError(issues)


# --- Writing files ---------------------------------------------------------------------------

# The template's example row carries this 编号; the import passes over it, so a template filled
# in below the example imports as it is.
EXAMPLE_CODE = "示例"
EXAMPLE_ROW = {
    COL_CODE: EXAMPLE_CODE,
    COL_NAME: "张三",
    COL_GENDER: "男",
    COL_BIRTH: "1985-06-15",
    COL_UNIT: "青石镇",
    COL_CATEGORY: "乡镇街道",
    COL_PARENT: "",
    COL_RANK: "一般干部",
    COL_POST: "党政办科员",
    COL_ROLE: "一般干部",
    "民族": "汉族",
    COL_POLITICAL: "中共党员",
    "籍贯": "湖南长沙",
    "入党时间": "2008-07-01",
    "学历": "大学",
    "参加工作时间": "2007-08-01",
}
COLUMN_WIDTHS = {COL_UNIT: 22, COL_PARENT: 22, COL_POST: 24, "籍贯": 14}
VALIDATED_ROWS = 5000  # drop-downs reach this far below the header


def _choice_lists(ranks: list[str]) -> dict[str, list[str]]:
    return {
        COL_GENDER: [str(c.label) for c in Gender],
        COL_CATEGORY: [str(c.label) for c in UnitCategory],
        COL_RANK: ranks,
        COL_ROLE: [str(c.label) for c in UnitRole],
        COL_POLITICAL: [str(c.label) for c in PoliticalStatus],
    }


def roster_workbook(dataset: tablib.Dataset, *, ranks: list[str], example: bool) -> bytes:
    """The roster as an .xlsx: a Chinese sheet name, a frozen header, column widths, drop-downs
    for the choice columns and, in the blank template, one example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = _("干部花名册")
    headers = list(dataset.headers)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
    if example:
        sheet.append([EXAMPLE_ROW.get(h, "") for h in headers])
        for cell in sheet[2]:
            cell.font = Font(italic=True, color="808080")
    for values in dataset:
        sheet.append(list(values))
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS.get(header, 13)
    for header, choices in _choice_lists(ranks).items():
        if header not in headers or not choices:
            continue
        letter = get_column_letter(headers.index(header) + 1)
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("无效的值"),
            error=_("请从下拉列表中选择：%(allowed)s") % {"allowed": "、".join(choices)},
        )
        validation.add(f"{letter}2:{letter}{VALIDATED_ROWS + 1}")
        sheet.add_data_validation(validation)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Cell parsing (widgets) ---------------------------------------------------------------


DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value: Any, column: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        return None
    text = text.split(" ")[0]  # "1975-03-12 00:00:00" from spreadsheets saved as text
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError:
                break
    raise ValueError(
        _("「%(value)s」不是有效的%(column)s，应为 1980-05-17 这样的日期。") % {"value": text, "column": column}
    )


class TextWidget(widgets.Widget):
    def __init__(self, column: str, *, required: bool, max_length: int, plain: bool = False):
        super().__init__()
        self.column, self.required, self.max_length, self.plain = column, required, max_length, plain

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value)
        if self.required and not text:
            raise ValueError(_("%(column)s不能为空。") % {"column": self.column})
        if len(text) > self.max_length:
            raise ValueError(
                _("%(column)s最长 %(max)s 个字，现为 %(len)s 个字。")
                % {"column": self.column, "max": self.max_length, "len": len(text)}
            )
        if self.plain and MARKUP.search(text):
            raise ValueError(_("%(column)s不能包含 < 或 > 符号。") % {"column": self.column})
        return text


class CodeWidget(TextWidget):
    def __init__(self) -> None:
        super().__init__(COL_CODE, required=True, max_length=32, plain=True)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        code = normalize_cadre_code(super().clean(value, row, **kwargs))
        if not re.fullmatch(r"[A-Za-z0-9_-]+", code):
            raise ValueError(_("编号「%(code)s」只能由字母、数字、下划线和连字符组成。") % {"code": code})
        return code


class NameWidget(TextWidget):
    def __init__(self) -> None:
        super().__init__(COL_NAME, required=True, max_length=50)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        name = super().clean(normalize_cadre_name(cell_text(value)), row, **kwargs)
        try:
            validate_cadre_name(name)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None
        return name


class DateWidget(widgets.Widget):
    def __init__(self, column: str, *, required: bool):
        super().__init__()
        self.column, self.required = column, required

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> date | None:
        day = parse_date(value, self.column)
        if day is None and self.required:
            raise ValueError(_("%(column)s不能为空。") % {"column": self.column})
        if day is not None and not (date(1900, 1, 1) <= day <= timezone.localdate()):
            raise ValueError(_("%(column)s「%(value)s」不在合理范围内。") % {"column": self.column, "value": day})
        return day

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.isoformat() if value else ""


class LabelChoiceWidget(widgets.Widget):
    """A TextChoices field written with its Chinese label (男, 主要领导, 乡镇街道 ...)."""

    def __init__(self, column: str, choices: type, *, default: str | None = None):
        super().__init__()
        self.column, self.choices, self.default = column, choices, default
        self.by_label = {str(c.label): c.value for c in choices}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value)
        if not text and self.default is not None:
            return self.default
        if text in self.by_label:
            return self.by_label[text]
        raise ValueError(
            _("%(column)s「%(value)s」无法识别，应为：%(allowed)s。")
            % {"column": self.column, "value": text, "allowed": "、".join(self.by_label)}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(self.choices(value).label) if value else ""


class PoliticalStatusWidget(LabelChoiceWidget):
    """政治面貌 by its label; the short forms people type (党员, 预备党员, 团员) are understood."""

    ALIASES = {
        "党员": PoliticalStatus.CPC_MEMBER,
        "中国共产党党员": PoliticalStatus.CPC_MEMBER,
        "预备党员": PoliticalStatus.CPC_PROBATIONARY,
        "团员": PoliticalStatus.LEAGUE_MEMBER,
        "共青团员": PoliticalStatus.LEAGUE_MEMBER,
        "无党派": PoliticalStatus.NON_PARTISAN,
    }

    def __init__(self) -> None:
        super().__init__(COL_POLITICAL, PoliticalStatus)
        self.by_label = {**self.by_label, **{k: v for k, v in self.ALIASES.items() if k not in self.by_label}}
        self.allowed = [str(c.label) for c in PoliticalStatus]

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value)
        if text in self.by_label:
            return self.by_label[text]
        raise ValueError(
            _("%(column)s「%(value)s」无法识别，应为：%(allowed)s。")
            % {"column": self.column, "value": text, "allowed": "、".join(self.allowed)}
        )


class KeptWhenBlankField(fields.Field):
    """A column whose empty cell leaves the value as it is (a new cadre gets the model's default)."""

    def save(self, instance: Any, row: Any, is_m2m: bool = False, **kwargs: Any) -> None:
        if not cell_text(row.get(self.column_name)):
            return
        super().save(instance, row, is_m2m, **kwargs)


class NamedObjectWidget(widgets.Widget):
    """A foreign key written by name, resolved against a preloaded name → object map."""

    def __init__(self, column: str, objects: dict[str, Any]):
        super().__init__()
        self.column, self.objects = column, objects

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = cell_text(value)
        if not text:
            raise ValueError(_("%(column)s不能为空。") % {"column": self.column})
        if text not in self.objects:
            raise ValueError(_("%(column)s「%(value)s」不存在。") % {"column": self.column, "value": text})
        return self.objects[text]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.name if value else ""


# --- The resource -----------------------------------------------------------------------------


class CadreByCodeLoader(BaseInstanceLoader):
    """Loads every cadre named in the file in a few queries (the library's loader does one IN)."""

    def __init__(self, resource: RosterResource, dataset: tablib.Dataset | None = None):
        super().__init__(resource, dataset)
        codes = [normalize_cadre_code(cell_text(v)) for v in (dataset[COL_CODE] if dataset is not None else [])]
        self.cadres: dict[str, Cadre] = {}
        for start in range(0, len(codes), 2000):
            chunk = codes[start : start + 2000]
            # Upper(code) is what the unique constraint indexes, so this lookup uses it.
            for cadre in Cadre.objects.annotate(code_upper=Upper("code")).filter(code_upper__in=chunk):
                self.cadres[cadre.code.upper()] = cadre

    def get_instance(self, row: dict[str, Any]) -> Cadre | None:
        return self.cadres.get(normalize_cadre_code(cell_text(row.get(COL_CODE))))


AUDITED_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "unit_id",
    "rank_id",
    "post_title",
    "role",
    "ethnicity",
    "political_status",
    "native_place",
    "party_join_date",
    "education",
    "work_start_date",
)


def _field_values(cadre: Cadre) -> dict[str, Any]:
    return {name: getattr(cadre, name) for name in AUDITED_FIELDS}


class RosterResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name=COL_CODE, widget=CodeWidget())
    name = fields.Field(attribute="name", column_name=COL_NAME, widget=NameWidget())
    gender = fields.Field(attribute="gender", column_name=COL_GENDER, widget=LabelChoiceWidget(COL_GENDER, Gender))
    birth_date = fields.Field(
        attribute="birth_date", column_name=COL_BIRTH, widget=DateWidget(COL_BIRTH, required=True)
    )
    unit = fields.Field(attribute="unit", column_name=COL_UNIT)
    unit_category = fields.Field(attribute="unit__category", column_name=COL_CATEGORY, readonly=True)
    parent_unit = fields.Field(attribute="unit__parent", column_name=COL_PARENT, readonly=True)
    rank = fields.Field(attribute="rank", column_name=COL_RANK)
    post_title = fields.Field(
        attribute="post_title",
        column_name=COL_POST,
        widget=TextWidget(COL_POST, required=False, max_length=100),
    )
    role = fields.Field(
        attribute="role",
        column_name=COL_ROLE,
        widget=LabelChoiceWidget(COL_ROLE, UnitRole, default=UnitRole.STAFF),
    )
    ethnicity = fields.Field(
        attribute="ethnicity", column_name="民族", widget=TextWidget("民族", required=False, max_length=20)
    )
    political_status = KeptWhenBlankField(
        attribute="political_status", column_name=COL_POLITICAL, widget=PoliticalStatusWidget()
    )
    native_place = fields.Field(
        attribute="native_place",
        column_name="籍贯",
        widget=TextWidget("籍贯", required=False, max_length=50),
    )
    party_join_date = fields.Field(
        attribute="party_join_date", column_name="入党时间", widget=DateWidget("入党时间", required=False)
    )
    education = fields.Field(
        attribute="education", column_name="学历", widget=TextWidget("学历", required=False, max_length=50)
    )
    work_start_date = fields.Field(
        attribute="work_start_date",
        column_name="参加工作时间",
        widget=DateWidget("参加工作时间", required=False),
    )

    class Meta:
        model = Cadre
        fields = (
            "code",
            "name",
            "gender",
            "birth_date",
            "unit",
            "unit_category",
            "parent_unit",
            "rank",
            "post_title",
            "role",
            "ethnicity",
            "political_status",
            "native_place",
            "party_join_date",
            "education",
            "work_start_date",
        )
        import_id_fields = ("code",)
        instance_loader_class = CadreByCodeLoader
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        skip_unchanged = False  # decided in skip_row against the loaded values
        clean_model_instances = False  # every cell is checked by its widget
        use_transactions = False  # the caller's transaction makes the import all-or-nothing

    def __init__(self, *, units: dict[str, Unit] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        units = units if units is not None else {u.name: u for u in Unit.objects.all()}
        ranks = {r.name: r for r in RankLevel.objects.all()}
        self.fields["unit"].widget = NamedObjectWidget(COL_UNIT, units)
        self.fields["rank"].widget = NamedObjectWidget(COL_RANK, ranks)
        self.fields["unit_category"].widget = LabelChoiceWidget(COL_CATEGORY, UnitCategory)
        self.fields["parent_unit"].widget = NamedObjectWidget(COL_PARENT, units)
        self.saved: list[tuple[Cadre, dict[str, Any] | None]] = []

    # Import: remember what each existing cadre looked like, skip rows that change nothing.
    def after_init_instance(self, instance: Cadre, new: bool, row: Any, **kwargs: Any) -> None:
        instance._roster_before = None if new else _field_values(instance)

    def skip_row(self, instance: Cadre, original: Any, row: Any, import_validation_errors: Any = None) -> bool:
        if import_validation_errors:
            return False
        before = instance._roster_before
        return before is not None and before == _field_values(instance)

    def before_save_instance(self, instance: Cadre, row: Any, **kwargs: Any) -> None:
        instance.updated_at = timezone.now()
        self.saved.append((instance, instance._roster_before))

    def get_bulk_update_fields(self) -> list[str]:
        return [name.removesuffix("_id") for name in AUDITED_FIELDS] + ["updated_at"]

    # Export: one row per cadre with the unit's category and parent; formulas neutralized.
    def export_field(self, field: fields.Field, instance: Cadre, **kwargs: Any) -> Any:
        return neutralize_formula(super().export_field(field, instance, **kwargs))
