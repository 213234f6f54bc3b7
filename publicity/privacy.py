"""Private data that must never reach a public notice (rules.md §6: no ID number, phone, address or birth day).

Staff write the notices, so the sections are free text; a pasted ID number or mobile number would
go straight to the public. `find_private_data` lists what it finds (for staff warnings) and
`mask_private_data` hides it; every public page and the PDF pass the sections through the latter as
a last line of defence. A full birth date keeps its year and month, which the notice may show.

Organization hotlines (0000-12380) and landlines are not private and are left alone, except the
cadre's own phone number, which is recognized whatever its form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MASK = "＊＊＊"

KIND_LABELS: dict[str, str | Promise] = {
    "id_number": _("身份证号"),
    "mobile": _("手机号码"),
    "phone": _("本人电话"),
    "address": _("住址"),
    "birth_date": _("出生日期（具体到日）"),
}

_ID_18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_ID_15 = re.compile(r"(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9A-Za-z])")
_ADDRESS_LABEL = re.compile(r"(?P<label>(?:家庭住址|家庭地址|现住址|住址|家住)[：:\s]*)[^\n，,。；;]{2,60}")
_YMD = (
    r"(?P<y>(?:19|20)\d{2})\s*"
    r"(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日|[-./](?P<m2>\d{1,2})[-./](?P<d2>\d{1,2}))"
)
# A full date is a birth date when "生" (出生 / 生) is written right before or after it.
_BIRTH_AFTER = re.compile(_YMD + r"(?P<tail>\s*(?:出\s*)?生)")
_BIRTH_BEFORE = re.compile(r"(?P<head>(?:出生(?:日期|年月日|于|时间)?|生于)\s*[：:]?\s*)" + _YMD)


@dataclass(frozen=True)
class PrivateFinding:
    kind: str
    excerpt: str
    start: int
    end: int

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


@dataclass(frozen=True)
class _Span:
    kind: str
    start: int
    end: int
    replacement: str


def _mask_excerpt(value: str) -> str:
    """The finding as staff see it: enough to locate it, never the whole value."""
    compact = value.strip()
    if len(compact) <= 4:
        return MASK
    keep = 2 if len(compact) < 11 else 3
    return f"{compact[:keep]}{'＊' * (len(compact) - keep - 2)}{compact[-2:]}"


def _year_month(match: re.Match) -> str:
    month = int(match.group("m1") or match.group("m2"))
    return f"{match.group('y')}年{month}月"


def _cadre_birth_forms(born: date) -> list[str]:
    y, m, d = born.year, born.month, born.day
    forms = {
        f"{y}年{m}月{d}日",
        f"{y}年{m:02d}月{d:02d}日",
        f"{y}{m:02d}{d:02d}",
    }
    for sep in "-./":
        forms |= {f"{y}{sep}{m}{sep}{d}", f"{y}{sep}{m:02d}{sep}{d:02d}"}
    return sorted(forms, key=len, reverse=True)


def _digits_pattern(value: str) -> re.Pattern | None:
    """The value's digits, allowing spaces or dashes between them (138 1234 5678, 0517-1234567)."""
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return None
    return re.compile(r"(?<!\d)" + r"[- ]?".join(re.escape(c) for c in digits) + r"(?!\d)")


def _loose_pattern(value: str) -> re.Pattern | None:
    """The value with any whitespace between its characters (addresses copied across lines)."""
    chars = [c for c in value if not c.isspace()]
    if len(chars) < 4:
        return None
    return re.compile(r"\s*".join(re.escape(c) for c in chars), re.IGNORECASE)


def _spans(text: str, cadre: Any = None) -> list[_Span]:
    spans: list[_Span] = []

    def add(kind: str, pattern: re.Pattern, replacement: Any = MASK) -> None:
        for match in pattern.finditer(text):
            value = replacement(match) if callable(replacement) else replacement
            spans.append(_Span(kind, match.start(), match.end(), value))

    if cadre is not None:
        if getattr(cadre, "id_number", ""):
            add("id_number", re.compile(re.escape(cadre.id_number.strip()), re.IGNORECASE))
        if getattr(cadre, "phone", "") and (pattern := _digits_pattern(cadre.phone)):
            add("phone", pattern)
        if getattr(cadre, "address", "") and (pattern := _loose_pattern(cadre.address)):
            add("address", pattern)
        born = getattr(cadre, "birth_date", None)
        if born:
            for form in _cadre_birth_forms(born):
                add("birth_date", re.compile(r"(?<!\d)" + re.escape(form) + r"(?!\d)"), f"{born.year}年{born.month}月")
    add("id_number", _ID_18)
    add("id_number", _ID_15)
    add("mobile", _MOBILE)
    add("address", _ADDRESS_LABEL, lambda m: m.group("label") + MASK)
    add("birth_date", _BIRTH_AFTER, lambda m: _year_month(m) + m.group("tail"))
    add("birth_date", _BIRTH_BEFORE, lambda m: m.group("head") + _year_month(m))
    return _merge(spans)


def _merge(spans: list[_Span]) -> list[_Span]:
    """Overlapping findings become one; the longest wins, and a merged span is fully masked."""
    spans.sort(key=lambda s: (s.start, -(s.end - s.start)))
    merged: list[_Span] = []
    for span in spans:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                merged[-1] = _Span(last.kind, last.start, span.end, MASK)
            continue
        merged.append(span)
    return merged


def find_private_data(text: str, *, cadre: Any = None) -> list[PrivateFinding]:
    """Every piece of private data in `text` (the cadre's own values too, when given), in order."""
    if not text:
        return []
    return [
        PrivateFinding(span.kind, _mask_excerpt(text[span.start : span.end]), span.start, span.end)
        for span in _spans(text, cadre)
    ]


def mask_private_data(text: str, *, cadre: Any = None) -> str:
    """`text` with every finding replaced: full birth dates by their year and month, the rest by ＊＊＊."""
    if not text:
        return text or ""
    result = text
    for span in reversed(_spans(text, cadre)):
        result = result[: span.start] + span.replacement + result[span.end :]
    return result
