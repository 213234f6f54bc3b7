"""Domain errors of the evaluations app: each carries what its Chinese message needs."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.errors import DomainError

from .models import FIRST_YEAR, LAST_YEAR, Period, PeriodState
from .rules import SheetProblem


class EvaluationError(DomainError):
    """Base class: `message` is what a page or the API shows."""


class SheetRuleBroken(EvaluationError):
    """A sheet that breaks the scoring rules; nothing was saved. Each problem names its rule."""

    def __init__(self, problems: list[SheetProblem]):
        self.problems = problems
        super().__init__(" ".join(p.message for p in problems))


class WrongState(EvaluationError):
    def __init__(self, period: Period, action: str, allowed: tuple[str, ...] = ()):
        self.period, self.action, self.allowed = period, action, allowed
        super().__init__(
            _("%(period)s 当前状态为“%(state)s”，不能%(action)s。")
            % {"period": period.title, "state": PeriodState(period.state).label, "action": action}
        )


class BoxAlreadyOpened(EvaluationError):
    def __init__(self, period: Period):
        self.period = period
        super().__init__(
            _(
                "%(period)s 的票箱已经开箱计票，不能重新开放测评：结果可能已被查看，再收测评表就能"
                "通过前后结果相减推算出个人评分。"
            )
            % {"period": period.title}
        )


class PeriodExists(EvaluationError):
    def __init__(self, title: str):
        super().__init__(_("%(title)s 已经存在。") % {"title": title})


class YearOutOfRange(EvaluationError):
    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _("年度 %(year)s 超出范围：年度须在 %(first)s–%(last)s 之间。")
            % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR}
        )


class AlreadySubmitted(EvaluationError):
    def __init__(self, unit_name: str):
        self.unit_name = unit_name
        super().__init__(_("%(unit)s 的测评表已经提交，每张表只能提交一次。") % {"unit": unit_name})


class NotOpen(EvaluationError):
    def __init__(self, period: Period):
        self.period = period
        super().__init__(_("%(period)s 的测评已截止或尚未开始，不能再保存或提交。") % {"period": period.title})


class GradesNotConfirmed(EvaluationError):
    def __init__(self, count: int):
        self.count = count
        super().__init__(_("还有 %(count)s 人的年度等次未确定，确定后才能公布。") % {"count": count})


class GradesLocked(EvaluationError):
    def __init__(self, year: int):
        self.year = year
        super().__init__(_("%(year)s 年度结果已公布或尚未计算完成，不能调整等次。") % {"year": year})


@dataclass(frozen=True)
class ImportIssue:
    line: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


class ImportFailed(EvaluationError):
    """An import with any bad row imports nothing; every bad row is reported."""

    def __init__(self, issues: list[ImportIssue]):
        self.issues = issues
        super().__init__(_("文件中有 %(count)s 处错误，没有导入任何数据。") % {"count": len(issues)})


class OpeningUnderway(EvaluationError):
    def __init__(self, period: Period):
        self.period = period
        super().__init__(
            _("%(period)s 正在后台开始测评（生成测评表），请等待完成，不要重复操作。") % {"period": period.title}
        )
