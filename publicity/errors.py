"""Domain errors of 任前公示. Each carries what its message needs; views, forms and the API turn it
into a message, a form error or a 400 answer naming `field`."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from core.dates import format_day
from core.errors import DomainError

from .models import GateCheckKind, Notice, NoticeState


class PublicityError(DomainError):
    """Base class: `message` is the sentence shown to the user; `field` the input it is about."""


class WrongState(PublicityError):
    def __init__(self, *, notice: Notice, action: str):
        self.notice, self.action = notice, action
        super().__init__()

    @property
    def message(self) -> str:
        return _("这份公示当前状态为“%(state)s”，不能%(action)s。") % {
            "state": NoticeState(self.notice.state).label,
            "action": self.action,
        }


class GateIncomplete(PublicityError):
    """Publishing before all four checks have passed: names the missing and the failed ones."""

    def __init__(self, *, missing: list[str], failed: list[str]):
        self.missing, self.failed = missing, failed
        super().__init__()

    @property
    def message(self) -> str:
        parts = []
        if self.missing:
            parts.append(
                _("尚未把关：%(kinds)s") % {"kinds": "、".join(str(GateCheckKind(k).label) for k in self.missing)}
            )
        if self.failed:
            parts.append(
                _("未通过：%(kinds)s") % {"kinds": "、".join(str(GateCheckKind(k).label) for k in self.failed)}
            )
        return _("四项任前把关全部通过后才能发布公示。%(details)s。") % {"details": "；".join(parts)}


class PublishBlocked(PublicityError):
    """A registered app refuses the promotion (e.g. a sanction's 影响期): each reason names its rule."""

    def __init__(self, *, reasons: list[str]):
        self.reasons = reasons
        super().__init__()

    @property
    def message(self) -> str:
        return _("不能发布这份公示：%(reasons)s。") % {"reasons": "；".join(self.reasons)}


class StartInPast(PublicityError):
    field = "start_date"

    def __init__(self, *, start: date, today: date):
        self.start, self.today = start, today
        super().__init__()

    @property
    def message(self) -> str:
        return _("公示开始日期 %(start)s 已经过去，请选择今天（%(today)s）或以后的日期。") % {
            "start": format_day(self.start),
            "today": format_day(self.today),
        }


class StartNotWorkday(PublicityError):
    field = "start_date"

    def __init__(self, *, start: date, next_workday: date):
        self.start, self.next_workday = start, next_workday
        super().__init__()

    @property
    def message(self) -> str:
        return _("%(start)s 不是工作日，公示期须从工作日开始；最近的工作日是 %(next)s。") % {
            "start": format_day(self.start),
            "next": format_day(self.next_workday),
        }


class PeriodNotEnded(PublicityError):
    def __init__(self, *, end: date):
        self.end = end
        super().__init__()

    @property
    def message(self) -> str:
        return _("公示期至 %(end)s 结束，结束后才能记录任用结果。") % {"end": format_day(self.end)}


class TextRequired(PublicityError):
    """A reason or note that must be given (send-back reason, gate note, outcome reason)."""

    def __init__(self, *, field: str, label: str):
        self.field, self.label = field, label
        super().__init__()

    @property
    def message(self) -> str:
        return _("请填写%(label)s。") % {"label": self.label}


class TextTooLong(PublicityError):
    def __init__(self, *, field: str, label: str, limit: int, actual: int):
        self.field, self.label, self.limit, self.actual = field, label, limit, actual
        super().__init__()

    @property
    def message(self) -> str:
        return _("%(label)s最多 %(limit)s 个字，现在有 %(actual)s 个字。") % {
            "label": self.label,
            "limit": self.limit,
            "actual": self.actual,
        }


class CadreInactive(PublicityError):
    field = "cadre"

    def __init__(self, *, name: str):
        self.name = name
        super().__init__()

    @property
    def message(self) -> str:
        return _("%(name)s 已不在职，不能为其起草任前公示。") % {"name": self.name}


class PlaceholderChannels(PublicityError):
    """Publishing while a channel setting still holds placeholder text (××, 0000-12380)."""

    def __init__(self, *, names: list[str]):
        self.names = names
        super().__init__()

    @property
    def message(self) -> str:
        return _(
            "以下内容仍是示例占位内容（如“××”“0000-12380”），改为真实内容后才能发布公示：%(names)s。"
            "落款单位和默认反映渠道在“公示设置”中修改，本公示的反映渠道在“修改内容”中修改。"
        ) % {"names": "、".join(self.names)}


class OwnNotice(PublicityError):
    """The staff member is the notice's subject: they may not check the gate for it."""

    @property
    def message(self) -> str:
        return _("这份公示的对象是您本人，您不能为它记录任前把关结果，请由其他工作人员办理。")


class FeedbackError(PublicityError):
    """A refusal of public feedback (submitting or triage), with the form field it belongs to."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message, field=field)


class FeedbackClosed(FeedbackError):
    """The notice takes no feedback: its period has not begun or has ended."""


class FeedbackSuspected(FeedbackError):
    """The honeypot was filled, or the form token is missing, tampered, too fresh or too old."""


class TransitionRefused(FeedbackError):
    """A triage step the feedback's state or the input does not allow."""
