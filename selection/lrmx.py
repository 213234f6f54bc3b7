"""The `.lrmx` file of 中组部's 干部任免审批表编辑器: export per cadre, import by org staff (rules.md §11).

The format, as established from independent public implementations that read and write it:

- a UTF-8 XML document (the declaration may name another encoding) whose root is `<Person>`, with
  one element per cell of the form, named in pinyin: XingMing, XingBie, ChuShengNianYue, MinZu,
  JiGuan, ChuShengDi, RuDangShiJian, CanJiaGongZuoShiJian, JianKangZhuangKuang, ZhuanYeJiShuZhiWu,
  ShuXiZhuanYeYouHeZhuanChang, QuanRiZhiJiaoYu_XueLi / _XueWei / _XueLi_BiYeYuanXiaoXi /
  _XueWei_BiYeYuanXiaoXi and the same four for ZaiZhiJiaoYu, XianRenZhiWu, NiRenZhiWu,
  NiMianZhiWu, JianLi, JiangChengQingKuang, NianDuKaoHeJieGuo, RenMianLiYou, JiaTingChengYuan
  (a list of `<Item>` with ChengWei, XingMing, ChuShengRiQi, ZhengZhiMianMao,
  GongZuoDanWeiJiZhiWu), ChengBaoDanWei, JiSuanNianLingShiJian, TianBiaoShiJian, TianBiaoRen,
  ShenFenZheng, ZhaoPian (the photo, base64) and Version;
- dates as digits: year and month `yyyyMM` (出生年月, 入党时间, 参加工作时间, a relative's
  出生日期), the age date `yyyyMMdd`;
- 简历 as text, one line per entry `yyyy.MM--yyyy.MM  text` (an open end leaves seven spaces),
  lines separated by CR LF.

Sources: the empty template `src/main/resources/xml/adform/rm.xml` and the export/import of the
任免审批表 (`zzb`, `importRm`) in github.com/xvchaoqun/owip (a university organization-work
platform), which write `yyyyMM` dates, `yyyyMMdd` for JiSuanNianLingShiJian and Version 3.2.1.6;
an open-source Electron editor of `.lrmx` that creates blank files with the same `<Person>` tags
and Version 3.2.1.16; and an open-source lrmx-to-docx converter that reads the same tags, treats
RuDangShiJian / CanJiaGongZuoShiJian / TianBiaoShiJian as six-digit and JiSuanNianLingShiJian as
eight-digit dates, and parses 简历 lines as above.

Not established: newer editor versions are said to save a different (4.0) variant; a file that is
a zip archive is refused with a message saying so rather than guessed at.

Import is all-or-nothing: the file is read completely and checked first; any problem refuses the
whole file with Chinese messages; otherwise a preview lists every change and every value of the
file that is not stored (cells the product computes from its own records), and only a confirmed
preview writes, in one transaction.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadres.models import (
    Cadre,
    EducationEntry,
    EducationKind,
    FamilyMember,
    Gender,
    ResumeEntry,
    normalize_cadre_name,
    validate_cadre_name,
)
from core.errors import DomainError

from .appointment_form import AppointmentForm, EducationCell

MAX_FILE_BYTES = 5 * 1024 * 1024
VERSION = "3.2.1.16"

# Element order of the editor's files.
PERSON_TAGS = [
    "XingMing",
    "XingBie",
    "ChuShengNianYue",
    "MinZu",
    "JiGuan",
    "ChuShengDi",
    "RuDangShiJian",
    "CanJiaGongZuoShiJian",
    "JianKangZhuangKuang",
    "ZhuanYeJiShuZhiWu",
    "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi",
    "QuanRiZhiJiaoYu_XueWei",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueLi",
    "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "XianRenZhiWu",
    "NiRenZhiWu",
    "NiMianZhiWu",
    "JianLi",
    "JiangChengQingKuang",
    "NianDuKaoHeJieGuo",
    "RenMianLiYou",
    "JiaTingChengYuan",
    "ChengBaoDanWei",
    "JiSuanNianLingShiJian",
    "TianBiaoShiJian",
    "TianBiaoRen",
    "ShenFenZheng",
    "ZhaoPian",
    "Version",
]
FAMILY_TAGS = ["ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao", "GongZuoDanWeiJiZhiWu"]
# Cells the product computes from its own records (posts, selection, supervision, evaluations) or
# that describe the file: shown in the import preview, never written to the cadre.
NOT_STORED = {
    "XianRenZhiWu": gettext_lazy("现任职务"),
    "NiRenZhiWu": gettext_lazy("拟任职务"),
    "NiMianZhiWu": gettext_lazy("拟免职务"),
    "JiangChengQingKuang": gettext_lazy("奖惩情况"),
    "NianDuKaoHeJieGuo": gettext_lazy("年度考核结果"),
    "RenMianLiYou": gettext_lazy("任免理由"),
    "ChengBaoDanWei": gettext_lazy("呈报单位"),
    "JiSuanNianLingShiJian": gettext_lazy("计算年龄时间"),
    "TianBiaoShiJian": gettext_lazy("填表时间"),
    "TianBiaoRen": gettext_lazy("填表人"),
    "Version": gettext_lazy("版本"),
    "ZhengZhiMianMao": gettext_lazy("政治面貌"),
}


class LrmxError(DomainError):
    """A file that cannot be imported; `problems` lists every reason found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems))


# --- Export ----------------------------------------------------------------------------------------


def _digits(text: str) -> str:
    """`1998.09` → `199809`; `` stays ``."""
    return text.replace(".", "")


def _jpeg(photo: bytes) -> bytes:
    """The editor shows JPEG photos: a JPEG passes unchanged, anything else is converted."""
    if photo[:3] == b"\xff\xd8\xff":
        return photo
    from PIL import Image

    with Image.open(io.BytesIO(photo)) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=90)
        return out.getvalue()


def export_lrmx(form: AppointmentForm) -> bytes:
    values: dict[str, str] = {
        "XingMing": form.name,
        "XingBie": form.gender,
        "ChuShengNianYue": _digits(form.birth),
        "MinZu": form.ethnicity,
        "JiGuan": form.native_place,
        "ChuShengDi": form.birthplace,
        "RuDangShiJian": _digits(form.party_join),
        "CanJiaGongZuoShiJian": _digits(form.work_start),
        "JianKangZhuangKuang": form.health,
        "ZhuanYeJiShuZhiWu": form.professional_title,
        "ShuXiZhuanYeYouHeZhuanChang": form.specialty,
        "XianRenZhiWu": form.current_post,
        "NiRenZhiWu": form.proposed_post,
        "NiMianZhiWu": form.proposed_removal,
        "JianLi": "\r\n".join(form.resume_lines),
        "JiangChengQingKuang": "\r\n".join(form.rewards),
        "NianDuKaoHeJieGuo": form.annual_results,
        "RenMianLiYou": form.reason,
        "ChengBaoDanWei": form.reporting_unit,
        "JiSuanNianLingShiJian": form.age_date.strftime("%Y%m%d"),
        "TianBiaoShiJian": form.age_date.strftime("%Y%m"),
        "TianBiaoRen": form.filler,
        "ShenFenZheng": form.id_number,
        "ZhaoPian": base64.b64encode(_jpeg(form.photo)).decode("ascii") if form.photo else "",
        "Version": VERSION,
    }
    for prefix, cell in (("QuanRiZhiJiaoYu", form.full_time), ("ZaiZhiJiaoYu", form.in_service)):
        values[f"{prefix}_XueLi"] = cell.level
        values[f"{prefix}_XueWei"] = cell.degree
        values[f"{prefix}_XueLi_BiYeYuanXiaoXi"] = cell.level_school
        values[f"{prefix}_XueWei_BiYeYuanXiaoXi"] = cell.degree_school
    root = ET.Element("Person")
    for tag in PERSON_TAGS:
        element = ET.SubElement(root, tag)
        if tag == "JiaTingChengYuan":
            for member in form.family:
                item = ET.SubElement(element, "Item")
                for child, value in zip(
                    FAMILY_TAGS,
                    [
                        member.relation,
                        member.name,
                        _digits(member.birth),
                        member.political_status,
                        member.employer_post,
                    ],
                    strict=True,
                ):
                    ET.SubElement(item, child).text = value
        else:
            element.text = values.get(tag, "")
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8")


# --- Reading -----------------------------------------------------------------------------------------


@dataclass
class ParsedFamily:
    relation: str
    name: str
    birth_date: date | None
    political_status: str
    employer_post: str


@dataclass
class ParsedResume:
    start: date
    end: date | None
    text: str


@dataclass
class ParsedPerson:
    name: str = ""
    gender: str = ""
    birth: date | None = None
    ethnicity: str = ""
    native_place: str = ""
    birthplace: str = ""
    party_join: date | None = None
    work_start: date | None = None
    health: str = ""
    professional_title: str = ""
    specialty: str = ""
    id_number: str = ""
    education: list[tuple[str, EducationCell]] = field(default_factory=list)
    resume: list[ParsedResume] = field(default_factory=list)
    family: list[ParsedFamily] = field(default_factory=list)
    photo: bytes = b""
    not_stored: list[tuple[str, str]] = field(default_factory=list)  # (label, value) shown, not written


_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_YM = re.compile(r"^(\d{4})\.?(\d{2})(?:\.?(\d{2}))?$")
_RESUME = re.compile(r"^\s*(\d{4})\.?(\d{2})\s*(?:-{1,2}|—{1,2}|–|～|~|至)\s*(?:(\d{4})\.?(\d{2}))?\s*(.*)$")


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    declared = _DECLARED.match(data[:200])
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    if encoding.lower() in ("gb2312", "gbk"):
        encoding = "gb18030"  # a superset, as the editor's Windows code page is
    return data.decode(encoding)


def _parse_month(value: str, label: str, problems: list[str], *, required: bool = False) -> date | None:
    text = re.sub(r"\s+", "", value)
    if not text:
        if required:
            problems.append(_("「%(label)s」不能为空。") % {"label": label})
        return None
    match = _YM.match(text)
    if match:
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
        try:
            if year >= 1900:
                return date(year, month, day)
        except ValueError:
            pass
    problems.append(
        _("「%(label)s」的值「%(value)s」不是有效的年月（应为 6 位数字，如 199807）。")
        % {"label": label, "value": value.strip()[:40]}
    )
    return None


def _limit(value: str, max_length: int, label: str, problems: list[str]) -> str:
    if len(value) > max_length:
        problems.append(
            _("「%(label)s」超过 %(max)s 字（实际 %(len)s 字）。")
            % {"label": label, "max": max_length, "len": len(value)}
        )
    return value


def _field_length(model: Any, name: str) -> int:
    return int(model._meta.get_field(name).max_length)


def parse_lrmx(data: bytes) -> ParsedPerson:
    """Read a whole file; raise LrmxError listing every problem, or return what it holds."""
    if not data:
        raise LrmxError([_("文件是空的。")])
    if len(data) > MAX_FILE_BYTES:
        raise LrmxError([_("文件超过 %(mb)s MB，不是任免审批表文件。") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}])
    if data[:4] == b"PK\x03\x04":
        zipped = _("该文件是压缩包，不是本系统能读取的 XML 格式 .lrmx 文件。")
        raise LrmxError([zipped + _("请在任免审批表编辑器中另存为 XML 格式的 .lrmx 后再导入。")])
    try:
        text = _decode(data)
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3:  # a character cut in two at the end: a truncated file
            raise LrmxError([_("文件不是完整有效的 XML（在末尾被截断），可能已损坏。")]) from None
        raise LrmxError([_("文件的文字编码无法识别，不是任免审批表编辑器保存的 .lrmx 文件。")]) from None
    except LookupError:
        raise LrmxError([_("文件的文字编码无法识别，不是任免审批表编辑器保存的 .lrmx 文件。")]) from None
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise LrmxError([_("文件含有 DOCTYPE 或 ENTITY 声明，出于安全原因不予读取。")])
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    try:
        # Safe with the standard parser: a file with a DTD was refused above, so no entity can be
        # declared (no expansion bomb), and expat never fetches external resources.
        root = ET.fromstring(text)  # noqa: S314
    except ET.ParseError as error:
        line, column = error.position
        raise LrmxError(
            [
                _("文件不是完整有效的 XML（第 %(line)s 行第 %(column)s 列出错），可能已损坏。")
                % {"line": line, "column": column}
            ]
        ) from None
    if root.tag != "Person":
        raise LrmxError([_("文件的根元素是 <%(tag)s>，不是任免审批表的 <Person>。") % {"tag": root.tag[:40]}])

    problems: list[str] = []
    values: dict[str, str] = {}
    seen: set[str] = set()
    unknown: list[tuple[str, str]] = []
    for child in root:
        if child.tag in seen and child.tag != "JiaTingChengYuan":
            problems.append(_("元素 <%(tag)s> 出现了不止一次。") % {"tag": child.tag})
        seen.add(child.tag)
        if child.tag == "JiaTingChengYuan":
            continue
        if len(child):
            problems.append(_("元素 <%(tag)s> 不应含有下级元素。") % {"tag": child.tag})
        value = (child.text or "").strip()
        if child.tag in PERSON_TAGS or child.tag == "ZhengZhiMianMao":
            values[child.tag] = value
        elif value:
            unknown.append((child.tag, value))
    if "XingMing" not in seen:
        problems.append(_("文件中没有 <XingMing>（姓名），不是任免审批表文件。"))

    person = ParsedPerson()
    get = values.get
    person.name = normalize_cadre_name(get("XingMing", ""))
    if "XingMing" in seen and not person.name:
        problems.append(_("「姓名」不能为空。"))
    try:
        validate_cadre_name(person.name)
    except ValidationError as error:
        problems.extend(error.messages)
    _limit(person.name, _field_length(Cadre, "name"), _("姓名"), problems)
    gender_text = get("XingBie", "")
    genders = {str(label): value for value, label in Gender.choices}
    if gender_text not in genders:
        problems.append(_("「性别」应为“男”或“女”，文件中是「%(value)s」。") % {"value": gender_text[:10]})
    person.gender = genders.get(gender_text, "")
    person.birth = _parse_month(get("ChuShengNianYue", ""), _("出生年月"), problems, required=True)
    person.party_join = _parse_month(get("RuDangShiJian", ""), _("入党时间"), problems)
    person.work_start = _parse_month(get("CanJiaGongZuoShiJian", ""), _("参加工作时间"), problems)
    for attr, tag, label in (
        ("ethnicity", "MinZu", _("民族")),
        ("native_place", "JiGuan", _("籍贯")),
        ("birthplace", "ChuShengDi", _("出生地")),
        ("health", "JianKangZhuangKuang", _("健康状况")),
        ("professional_title", "ZhuanYeJiShuZhiWu", _("专业技术职务")),
        ("specialty", "ShuXiZhuanYeYouHeZhuanChang", _("熟悉专业有何专长")),
        ("id_number", "ShenFenZheng", _("身份证号")),
    ):
        setattr(person, attr, _limit(get(tag, ""), _field_length(Cadre, attr), label, problems))

    for prefix, kind in (("QuanRiZhiJiaoYu", EducationKind.FULL_TIME), ("ZaiZhiJiaoYu", EducationKind.IN_SERVICE)):
        kind_label = str(EducationKind(kind).label)
        cell = EducationCell(
            level=_limit(
                get(f"{prefix}_XueLi", ""), _field_length(EducationEntry, "level"), f"{kind_label}{_('学历')}", problems
            ),
            level_school=_limit(
                get(f"{prefix}_XueLi_BiYeYuanXiaoXi", ""), _field_length(EducationEntry, "school"), kind_label, problems
            ),
            degree=_limit(
                get(f"{prefix}_XueWei", ""),
                _field_length(EducationEntry, "degree"),
                f"{kind_label}{_('学位')}",
                problems,
            ),
            degree_school=_limit(
                get(f"{prefix}_XueWei_BiYeYuanXiaoXi", ""),
                _field_length(EducationEntry, "school"),
                kind_label,
                problems,
            ),
        )
        if any((cell.level, cell.level_school, cell.degree, cell.degree_school)):
            person.education.append((kind, cell))

    person.resume = _parse_resume(get("JianLi", ""), problems)
    person.family = _parse_family(root, problems)

    photo_text = re.sub(r"\s+", "", get("ZhaoPian", ""))
    if photo_text:
        try:
            person.photo = base64.b64decode(photo_text, validate=True)
        except (binascii.Error, ValueError):
            problems.append(_("「照片」不是有效的 base64 编码。"))
        else:
            if not _is_image(person.photo):
                problems.append(_("「照片」解码后不是可以识别的图片。"))
                person.photo = b""

    for tag, stored_label in NOT_STORED.items():
        if get(tag):
            person.not_stored.append((str(stored_label), get(tag, "")))
    for tag, value in unknown:
        person.not_stored.append((tag, value))

    if problems:
        raise LrmxError(problems)
    return person


def _is_image(data: bytes) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return False
    return True


def _parse_resume(text: str, problems: list[str]) -> list[ParsedResume]:
    entries: list[ParsedResume] = []
    max_length = _field_length(ResumeEntry, "description")
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        match = _RESUME.match(raw)
        if match is None:
            if entries and raw[:1].isspace():  # a wrapped line continues the entry above it
                entries[-1].text += raw.strip()
                continue
            problems.append(
                _("「简历」第 %(n)s 行「%(line)s」不是“起始年月--截止年月  经历”的格式。")
                % {"n": number, "line": raw.strip()[:40]}
            )
            continue
        try:
            start = date(int(match.group(1)), int(match.group(2)), 1)
            end = date(int(match.group(3)), int(match.group(4)), 1) if match.group(3) else None
        except ValueError:
            problems.append(_("「简历」第 %(n)s 行的年月无效。") % {"n": number})
            continue
        if end is not None and end < start:
            problems.append(_("「简历」第 %(n)s 行的截止年月早于起始年月。") % {"n": number})
            continue
        entries.append(ParsedResume(start, end, match.group(5).strip()))
    for index, entry in enumerate(entries, start=1):
        if not entry.text:
            problems.append(_("「简历」第 %(n)s 条没有经历内容。") % {"n": index})
        _limit(entry.text, max_length, _("简历第 %(n)s 条") % {"n": index}, problems)
    return entries


def _parse_family(root: ET.Element, problems: list[str]) -> list[ParsedFamily]:
    members: list[ParsedFamily] = []
    for number, item in enumerate(root.findall("JiaTingChengYuan/Item"), start=1):
        cells = {tag: (item.findtext(tag) or "").strip() for tag in FAMILY_TAGS}
        extra = [child.tag for child in item if child.tag not in FAMILY_TAGS and (child.text or "").strip()]
        if extra:
            problems.append(
                _("家庭成员第 %(n)s 行含有无法识别的内容：%(tags)s。") % {"n": number, "tags": "、".join(extra)}
            )
        if not any(cells.values()):
            continue  # the editor's blank rows
        label = _("家庭成员第 %(n)s 行") % {"n": number}
        if not cells["XingMing"]:
            problems.append(_("%(row)s没有姓名。") % {"row": label})
        if not cells["ChengWei"]:
            problems.append(_("%(row)s没有称谓。") % {"row": label})
        for tag, attr in (
            ("ChengWei", "relation"),
            ("XingMing", "name"),
            ("ZhengZhiMianMao", "political_status"),
            ("GongZuoDanWeiJiZhiWu", "employer_post"),
        ):
            _limit(cells[tag], _field_length(FamilyMember, attr), label, problems)
        members.append(
            ParsedFamily(
                relation=cells["ChengWei"],
                name=cells["XingMing"],
                birth_date=_parse_month(cells["ChuShengRiQi"], f"{label}{_('出生日期')}", problems),
                political_status=cells["ZhengZhiMianMao"],
                employer_post=cells["GongZuoDanWeiJiZhiWu"],
            )
        )
    return members


# --- Preview and import -----------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Preview:
    person: ParsedPerson
    changes: list[Change]
    kept: list[str]  # empty in the file, the current value stays
    resume_before: int
    education_before: int
    family_before: int
    photo_changes: bool


def _same_month(current: date | None, parsed: date | None) -> date | None:
    """The file holds year and month: a stored date in that month keeps its day."""
    if parsed is not None and current is not None and (current.year, current.month) == (parsed.year, parsed.month):
        return current
    return parsed


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value.year}.{value.month:02d}"
    return str(value)


def _scalar_updates(cadre: Cadre, person: ParsedPerson) -> tuple[dict[str, Any], list[str]]:
    updates: dict[str, Any] = {
        "name": person.name,
        "gender": person.gender,
        "birth_date": _same_month(cadre.birth_date, person.birth),
        "ethnicity": person.ethnicity,
        "native_place": person.native_place,
        "birthplace": person.birthplace,
        "party_join_date": _same_month(cadre.party_join_date, person.party_join),
        "work_start_date": _same_month(cadre.work_start_date, person.work_start),
        "health": person.health,
        "professional_title": person.professional_title,
        "specialty": person.specialty,
    }
    kept: list[str] = []
    if person.id_number:
        updates["id_number"] = person.id_number
    else:
        kept.append(str(Cadre._meta.get_field("id_number").verbose_name))
    if not person.photo:
        kept.append(str(Cadre._meta.get_field("photo").verbose_name))
    return updates, kept


def preview_import(cadre: Cadre, person: ParsedPerson) -> Preview:
    updates, kept = _scalar_updates(cadre, person)
    changes = []
    for name, value in updates.items():
        before = getattr(cadre, name)
        if before != value:
            label = str(getattr(Cadre._meta.get_field(name), "verbose_name", name))
            if name == "gender":
                changes.append(Change(label, cadre.get_gender_display(), str(dict(Gender.choices)[value])))
            else:
                changes.append(Change(label, _text(before), _text(value)))
    return Preview(
        person=person,
        changes=changes,
        kept=kept,
        resume_before=cadre.resume_entries.count(),
        education_before=cadre.education_entries.count(),
        family_before=cadre.family_members.count(),
        photo_changes=bool(person.photo),
    )


def apply_import(cadre: Cadre, person: ParsedPerson) -> None:
    """Write the file to the cadre in one transaction: scalar cells, and the resume, education and
    family replaced by the file's. The caller has shown the preview of exactly this file."""
    updates, _kept = _scalar_updates(cadre, person)
    with transaction.atomic():
        for name, value in updates.items():
            setattr(cadre, name, value)
        if person.photo:
            extension = "png" if person.photo[:4] == b"\x89PNG" else "jpg"
            cadre.photo.save(f"lrmx-{cadre.code}.{extension}", ContentFile(person.photo), save=False)
        cadre.save()
        # One row at a time, so the audit trail records every removed and added row.
        for model in (ResumeEntry, EducationEntry, FamilyMember):
            for row in model.objects.filter(cadre=cadre):
                row.delete()
        for entry in person.resume:
            ResumeEntry.objects.create(cadre=cadre, start_date=entry.start, end_date=entry.end, description=entry.text)
        for kind, cell in person.education:
            if cell.degree_school and cell.degree_school != cell.level_school:
                EducationEntry.objects.create(cadre=cadre, kind=kind, level=cell.level, school=cell.level_school)
                EducationEntry.objects.create(cadre=cadre, kind=kind, degree=cell.degree, school=cell.degree_school)
            else:
                EducationEntry.objects.create(
                    cadre=cadre, kind=kind, level=cell.level, degree=cell.degree, school=cell.level_school
                )
        for index, member in enumerate(person.family, start=1):
            FamilyMember.objects.create(
                cadre=cadre,
                relation=member.relation,
                name=member.name,
                birth_date=member.birth_date,
                political_status=member.political_status,
                employer_post=member.employer_post,
                sort_order=index,
            )
