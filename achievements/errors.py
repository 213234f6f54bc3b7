"""Domain errors of 晒实绩. Each carries what its message needs; views, forms, the admin and the
API turn it into a form error, a message or a 400 answer naming `field`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import format_day, format_deadline
from core.errors import DomainError

from .rules import RECORD_YEARS


class RecordError(DomainError):
    """Base class: `message` is the Chinese (or translated) sentence shown to the user."""


class BackfillClosed(RecordError):
    field = "day"

    def __init__(self, *, day: date, deadline: datetime):
        self.day, self.deadline = day, deadline
        super().__init__()

    @property
    def message(self) -> str:
        return _("%(day)s 的工作日志补记期限已于 %(deadline)s 截止，系统不再接收填写或修改。") % {
            "day": format_day(self.day),
            "deadline": format_deadline(self.deadline),
        }


class LogChanged(RecordError):
    """The log for that day is not the one the author was editing: saving would lose its text."""

    field = None

    def __init__(self, *, day: date, current_text: str, current_version: str, saved_at: datetime):
        self.day, self.current_text, self.current_version, self.saved_at = (
            day,
            current_text,
            current_version,
            saved_at,
        )
        super().__init__()

    @property
    def message(self) -> str:
        return _(
            "%(day)s 已有一篇日志（最后保存于 %(saved)s），不是您编辑时看到的内容，本次没有保存。"
            "您输入的内容仍在下方；已有的内容是：“%(text)s”。核对后再次保存，将以您输入的内容替换它。"
        ) % {
            "day": format_day(self.day),
            "saved": formats.date_format(timezone.localtime(self.saved_at), "DATETIME_FORMAT"),
            "text": self.current_text,
        }


class FutureDay(RecordError):
    field = "day"

    def __init__(self, *, day: date):
        self.day = day
        super().__init__()

    @property
    def message(self) -> str:
        return _("不能为尚未到来的日期（%(day)s）写工作日志。") % {"day": format_day(self.day)}


class TextTooShort(RecordError):
    field = "text"

    def __init__(self, *, minimum: int, actual: int, field: str = "text"):
        self.minimum, self.actual, self.field = minimum, actual, field
        super().__init__()

    @property
    def message(self) -> str:
        return ngettext(
            "内容至少需要 %(minimum)d 个字，现在只有 %(actual)d 个字。",
            "内容至少需要 %(minimum)d 个字，现在只有 %(actual)d 个字。",
            self.minimum,
        ) % {"minimum": self.minimum, "actual": self.actual}


class TextTooLong(RecordError):
    field = "text"

    def __init__(self, *, maximum: int, actual: int, field: str = "text"):
        self.maximum, self.actual, self.field = maximum, actual, field
        super().__init__()

    @property
    def message(self) -> str:
        return _("内容最多 %(maximum)d 个字，现在有 %(actual)d 个字。") % {
            "maximum": self.maximum,
            "actual": self.actual,
        }


class SummaryClosed(RecordError):
    field = "text"

    def __init__(self, *, label: str, deadline: datetime):
        self.label, self.deadline = label, deadline
        super().__init__()

    @property
    def message(self) -> str:
        return _("%(label)s的填写期限已于 %(deadline)s 截止，系统不再接收填写或修改。") % {
            "label": self.label,
            "deadline": format_deadline(self.deadline),
        }


class SummaryNotOpen(RecordError):
    field = "text"

    def __init__(self, *, label: str, opens: date):
        self.label, self.opens = label, opens
        super().__init__()

    @property
    def message(self) -> str:
        return _("%(label)s从 %(day)s 起才能填写。") % {"label": self.label, "day": format_day(self.opens)}


class SharesExceed(RecordError):
    field = "participants"

    def __init__(self, *, total: Decimal):
        self.total = total
        super().__init__()

    @property
    def message(self) -> str:
        return _("参与人的贡献占比合计为 %(total)s%%，不能超过 100%%。") % {"total": f"{self.total.normalize():f}"}


class DuplicateParticipant(RecordError):
    field = "participants"

    def __init__(self, *, name: str):
        self.name = name
        super().__init__()

    @property
    def message(self) -> str:
        return _("%(name)s 在参与人中出现了不止一次。") % {"name": self.name}


class AttachmentRefused(RecordError):
    field = "file"

    def __init__(self, *, reason: str):
        self.reason = reason
        super().__init__()

    @property
    def message(self) -> str:
        return self.reason


class RecordLocked(RecordError):
    """A record whose state no longer allows this change (verified achievement, filed form...)."""

    def __init__(self, *, reason: str, field: str | None = None):
        self.reason, self.field = reason, field
        super().__init__()

    @property
    def message(self) -> str:
        return self.reason


class LeaveOverlaps(RecordError):
    field = "start"

    def __init__(self, *, start: date, end: date):
        self.start, self.end = start, end
        super().__init__()

    @property
    def message(self) -> str:
        return _("与已登记的 %(start)s 至 %(end)s 的请假/借调重叠。") % {
            "start": format_day(self.start),
            "end": format_day(self.end),
        }


class YearOutOfRange(RecordError):
    field = "year"

    def __init__(self, *, year: int, field: str = "year"):
        self.year, self.field = year, field
        super().__init__()

    @property
    def message(self) -> str:
        return _("年份须在 %(first)s 年至 %(last)s 年之间，%(year)s 年不在其中。") % {
            "first": RECORD_YEARS[0],
            "last": RECORD_YEARS[-1],
            "year": self.year,
        }
