"""The life of a period: draft → open → closed → computed → published (rules.md §4)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Sum
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.background import enqueue_after_commit
from cadres.models import Cadre, SnapshotMember, Unit, UnitRole, User
from cadres.services import membership_snapshot_take
from core.jobs import Progress, job_run
from core.models import UNFINISHED, Notification, NotificationKind
from core.notifications import notify, notify_all

from .. import rules
from ..errors import BoxAlreadyOpened, OpeningUnderway, PeriodExists, WrongState, YearOutOfRange
from ..models import (
    FIRST_YEAR,
    LAST_YEAR,
    BoxOpening,
    ComputationRun,
    DemocraticSummary,
    EvaluatorScope,
    GroupResult,
    Period,
    PeriodKind,
    PeriodOpening,
    PeriodState,
    ProblemCount,
    QuarterlyResult,
    SheetAssignment,
    SheetDraft,
)
from ..selectors import unit_is_small
from .figures import completion_refresh

OPEN_TOTAL = 5


def _quiet(done: int, total: int, label: str) -> None:
    return None


def lock_period(period_id: int) -> Period:
    """Take the period row FOR UPDATE: state changes and the computation exclude each other and
    wait for submissions in flight (which hold it FOR SHARE)."""
    return Period.objects.select_for_update().get(pk=period_id)


@transaction.atomic
def period_create(
    *,
    kind: str,
    year: int,
    quarter: int | None,
    deadline: date | None = None,
    note: str = "",
    actor: User | None = None,
) -> Period:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise YearOutOfRange(year)
    period = Period(
        kind=kind,
        year=year,
        quarter=quarter if kind == PeriodKind.QUARTERLY else None,
        deadline=deadline,
        note=note,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError:
        raise PeriodExists(period.title) from None
    return period


def period_for_code(code: str, *, create: bool = False, actor: User | None = None) -> Period:
    """The period a command-line code names (2026Q1, 2026Y); optionally create it as a draft."""
    kind, year, quarter = rules.parse_period_code(code)
    period = Period.objects.filter(kind=kind, year=year, quarter=quarter).first()
    if period is None:
        if not create:
            raise Period.DoesNotExist(_("考核周期 %(code)s 不存在。") % {"code": code})
        period = period_create(kind=kind, year=year, quarter=quarter, actor=actor)
    return period


# --- Opening --------------------------------------------------------------------------------


@dataclass
class OpeningCheck:
    """What org staff should know before opening: nothing here blocks, every item is explained."""

    small_units_without_externals: list[tuple[Unit, int]] = field(default_factory=list)
    units_without_superiors: list[Unit] = field(default_factory=list)
    raters_without_account: int = 0
    active_cadres: int = 0
    units: int = 0

    @property
    def warnings(self) -> list[str]:
        notes = []
        for unit, size in self.small_units_without_externals:
            notes.append(
                _("%(unit)s 只有 %(n)s 名干部，尚未设置外单位评价人，评价结果可能缺乏代表性。")
                % {"unit": unit.name, "n": size}
            )
        for unit in self.units_without_superiors:
            notes.append(
                _("%(unit)s 的主要领导没有指定上级评价人，其“领导主评”组为空，权重将分摊到其他组。")
                % {"unit": unit.name}
            )
        if self.raters_without_account:
            notes.append(
                _("有 %(n)s 名干部还没有登录账号，无法网上测评：请先发放账号，或为其所在单位录入纸质测评表。")
                % {"n": self.raters_without_account}
            )
        return notes


def opening_check(period: Period) -> OpeningCheck:
    """Look at the organization as the period would snapshot it now."""
    settings = rules.settings_table(period.year)
    check = OpeningCheck()
    members: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for unit_id, role, category in Cadre.objects.filter(is_active=True).values_list(
        "unit_id", "role", "unit__category"
    ):
        members[unit_id].append((role, category))
    scopes = {
        s.unit_id: s for s in EvaluatorScope.objects.prefetch_related("superior_evaluators", "external_evaluators")
    }
    units = {u.pk: u for u in Unit.objects.filter(pk__in=members)}
    check.units = len(units)
    check.active_cadres = sum(len(v) for v in members.values())
    for unit_id, people in sorted(members.items(), key=lambda item: (units[item[0]].sort_order, units[item[0]].name)):
        unit = units[unit_id]
        scope = scopes.get(unit_id)
        externals = [c for c in scope.external_evaluators.all() if c.is_active] if scope else []
        superiors = [c for c in scope.superior_evaluators.all() if c.is_active] if scope else []
        if unit_is_small(len(people), settings[unit.category]) and not externals:
            check.small_units_without_externals.append((unit, len(people)))
        if any(role == "main_leader" for role, _category in people) and not superiors:
            check.units_without_superiors.append(unit)
    check.raters_without_account = Cadre.objects.filter(is_active=True, user__isnull=True).count()
    return check


@dataclass(frozen=True)
class OpenSummary:
    sheets: int
    lines: int
    raters: int
    units: int


@transaction.atomic
def period_open(
    *, period: Period, actor: User | None = None, as_of: date | None = None, progress: Progress | None = None
) -> OpenSummary:
    """Snapshot membership and build every rater's sheets from the rater-group rules.

    The work of the opening job (`period_opening_execute`); web requests only queue that job.
    """
    progress = progress or _quiet
    period = lock_period(period.pk)
    if period.state != PeriodState.DRAFT:
        raise WrongState(period, _("开始测评"))
    today = as_of or timezone.localdate()
    progress(0, OPEN_TOTAL, _("记录任职快照"))
    snapshot = membership_snapshot_take(label=f"{period.code}#{period.pk}", as_of=today)
    progress(1, OPEN_TOTAL, _("确定各单位的评价人"))
    sheets, lines, units = _sheets_build(period=period, snapshot_id=snapshot.pk, progress=progress)
    progress(3, OPEN_TOTAL, _("统计各单位完成情况"))
    completion_refresh(period=period)
    progress(4, OPEN_TOTAL, _("通知评价人"))
    period.snapshot = snapshot
    period.state = PeriodState.OPEN
    period.opened_at = timezone.now()
    period.save()

    raters = SheetAssignment.objects.filter(period=period).values("rater_id")
    users = Cadre.objects.filter(pk__in=raters, user__isnull=False, user__is_active=True).values_list(
        "user_id", flat=True
    )
    notify_all(
        user_ids=users,
        title=_("%(period)s 测评已开始") % {"period": period.title},
        body=opening_notice_body(period),
        url=reverse("evaluations:my_sheets"),
        dedupe_key=opening_notice_key(period),
        kind=NotificationKind.EVALUATION_SHEETS,
    )
    return OpenSummary(sheets=sheets, lines=lines, raters=raters.distinct().count(), units=units)


@transaction.atomic
def period_open_request(*, period: Period, actor: User | None = None, queue: bool = True) -> PeriodOpening:
    """Queue the opening of a draft period as a background job; the period page shows its progress.

    Refused when the period is not a draft or an opening is already queued or running; the
    period row lock and a unique constraint make sure two requests never queue two openings.
    """
    from ..tasks import open_period_task

    period = lock_period(period.pk)
    if period.state != PeriodState.DRAFT:
        raise WrongState(period, _("开始测评"))
    if PeriodOpening.objects.filter(period=period, status__in=UNFINISHED).exists():
        raise OpeningUnderway(period)
    job = PeriodOpening.objects.create(period=period, requested_by=actor, progress_total=OPEN_TOTAL)
    if queue:  # without, the caller runs it (`manage.py open_period`) through period_opening_execute
        enqueue_after_commit(open_period_task, job.pk)
    return job


def period_opening_execute(*, job_id: int, echo: Progress | None = None) -> PeriodOpening:
    """Run a queued opening (the Celery task, or `manage.py open_period` in-process)."""

    def work(job: PeriodOpening, progress: Progress) -> str:
        period = Period.objects.get(pk=job.period_id)
        if period.state != PeriodState.DRAFT and job.attempts > 1 and period.opened_at:
            # A redelivered job whose first run committed the opening before it could say so.
            sheets = SheetAssignment.objects.filter(period=period).count()
            lines = SheetAssignment.objects.filter(period=period).aggregate(n=Sum("ratee_count"))["n"] or 0
        else:
            summary = period_open(period=period, actor=job.requested_by, progress=progress)
            sheets, lines = summary.sheets, summary.lines
        PeriodOpening.objects.filter(pk=job.pk).update(sheets=sheets, lines=lines)
        return _("已生成测评表 %(sheets)s 张、评分格 %(lines)s 个。") % {"sheets": sheets, "lines": lines}

    return job_run(PeriodOpening, job_id, work, echo=echo)


def latest_opening(period: Period) -> PeriodOpening | None:
    return PeriodOpening.objects.filter(period=period).select_related("requested_by").first()


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _sheets_build(*, period: Period, snapshot_id: int, progress: Progress) -> tuple[int, int, int]:
    """Every rater's sheets, set-based: one row per rater and unit, in one INSERT … SELECT.

    The raters of a unit are its members in the snapshot, the named superiors and the external
    evaluators of its scope (only cadres in the snapshot rate). A sheet keeps whether its rater was
    named superior and external; its lines (ratee, rater group, place) follow from those flags and
    the unit's members in the snapshot (`rules.sheet_lines`, the rules of `rules.unit_sheets`), so
    they are not written: a member rates the n − 1 others, an external evaluator all n, a superior
    only the 主要领导. A rater with nobody to rate gets no sheet. Returns (sheets, lines, units).
    """
    member = _table(SnapshotMember)
    scope = _table(EvaluatorScope)
    superiors = _table(EvaluatorScope.superior_evaluators.through)
    externals = _table(EvaluatorScope.external_evaluators.through)
    assignment = _table(SheetAssignment)
    main = UnitRole.MAIN_LEADER.value
    progress(2, OPEN_TOTAL, _("生成测评表"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # No JIT for a one-off statement; its groupings and sort (56 k raters) stay in memory.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(
            f"""WITH members AS (
                    SELECT cadre_id, unit_id, role FROM {member} WHERE snapshot_id = %s
                ), units AS (
                    SELECT unit_id, COUNT(*) AS size, SUM(CASE WHEN role = '{main}' THEN 1 ELSE 0 END) AS mains
                    FROM members GROUP BY unit_id
                ), raters AS (
                    SELECT unit_id, rater, MAX(member) AS member, MAX(sup) AS sup, MAX(ext) AS ext FROM (
                        SELECT unit_id, cadre_id AS rater, 1 AS member, 0 AS sup, 0 AS ext FROM members
                        UNION ALL
                        SELECT s.unit_id, t.cadre_id, 0, 1, 0
                        FROM {superiors} t JOIN {scope} s ON s.id = t.evaluatorscope_id
                        WHERE t.cadre_id IN (SELECT cadre_id FROM members)
                        UNION ALL
                        SELECT s.unit_id, t.cadre_id, 0, 0, 1
                        FROM {externals} t JOIN {scope} s ON s.id = t.evaluatorscope_id
                        WHERE t.cadre_id IN (SELECT cadre_id FROM members)
                    ) x GROUP BY unit_id, rater
                ), sheets AS (
                    SELECT r.unit_id, r.rater, r.sup, r.ext,
                           CASE WHEN r.member = 1 THEN u.size - 1 WHEN r.ext = 1 THEN u.size ELSE u.mains END AS n
                    FROM raters r JOIN units u ON u.unit_id = r.unit_id
                )
                INSERT INTO {assignment} (period_id, rater_id, unit_id, superior, external, ratee_count)
                SELECT %s, rater, unit_id, sup = 1, ext = 1, n FROM sheets WHERE n > 0
                ORDER BY unit_id, rater""",  # noqa: S608  (table names from model metadata; values are parameters)
            [snapshot_id, period.pk],
        )
        sheets = cursor.rowcount
        cursor.execute(
            f"SELECT COALESCE(SUM(ratee_count), 0) FROM {assignment} WHERE period_id = %s",  # noqa: S608
            [period.pk],
        )
        lines = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT COUNT(DISTINCT unit_id) FROM {member} WHERE snapshot_id = %s",  # noqa: S608
            [snapshot_id],
        )
        units = cursor.fetchone()[0]
    return sheets, int(lines), units


def opening_notice_key(period: Period) -> str:
    return f"evaluations:open:{period.pk}"


def opening_notice_body(period: Period) -> str:
    """The opening notice names the period's deadline; it is rewritten whenever the deadline changes."""
    if not period.deadline:
        return _("请在截止日期前完成您的测评表。")
    return _("请在 %(date)s 前完成您的测评表。") % {"date": period.deadline.isoformat()}


@transaction.atomic
def period_deadline_set(*, period: Period, deadline: date | None, actor: User | None = None) -> int:
    """Change the rating deadline of a draft or open period: the one value every page and notice shows.

    The opening notices already sent are rewritten to the new date, and raters with sheets still
    to submit get a notice of the change. Returns how many were told.
    """
    period = lock_period(period.pk)
    if period.state not in (PeriodState.DRAFT, PeriodState.OPEN):
        raise WrongState(period, _("修改测评截止日期"))
    if deadline == period.deadline:
        return 0
    period.deadline = deadline
    period.save(update_fields=["deadline"])
    Notification.objects.filter(dedupe_key=opening_notice_key(period)).update(body=opening_notice_body(period))
    if period.state != PeriodState.OPEN:
        return 0
    pending = SheetAssignment.objects.filter(period=period, submission__isnull=True, rater__user__is_active=True)
    users = sorted({pk for pk in pending.values_list("rater__user_id", flat=True) if pk})
    return notify(
        recipients=users,
        title=_("%(period)s 测评截止日期已调整") % {"period": period.title},
        body=opening_notice_body(period),
        url=reverse("evaluations:my_sheets"),
        dedupe_key=f"evaluations:deadline:{period.pk}:{deadline.isoformat() if deadline else 'none'}",
        kind=NotificationKind.EVALUATION_SHEETS,
    )


# --- Closing, reopening, publishing ---------------------------------------------------------


def _drop_results(period: Period) -> None:
    for model in (QuarterlyResult, GroupResult, DemocraticSummary, ProblemCount):
        model.objects.filter(period=period).delete()


@transaction.atomic
def period_close(*, period: Period, actor: User | None = None) -> ComputationRun:
    """Stop accepting sheets, delete unsubmitted drafts and start the computation."""
    from .scoring import computation_request

    period = lock_period(period.pk)
    if period.state != PeriodState.OPEN:
        raise WrongState(period, _("截止测评"))
    period.state = PeriodState.CLOSED
    period.closed_at = timezone.now()
    period.save()
    # An unsubmitted draft never counts; after the close nobody may finish it.
    SheetDraft.objects.filter(assignment__period=period).delete()
    return computation_request(period=period, actor=actor)


def may_reopen(period: Period) -> bool:
    """Only while the box is still sealed: no result has existed, so none can be differenced."""
    return period.state == PeriodState.CLOSED and not BoxOpening.objects.filter(period=period).exists()


@transaction.atomic
def period_reopen(*, period: Period, actor: User | None = None) -> Period:
    """Back to open, e.g. closed too early, while the box is still sealed.

    Once the box has been opened, results may have been seen; a sheet added after that would let
    anyone who compares the two results work out that sheet's scores (4 × new mean − 3 × old mean).
    So an opened period never takes another sheet, online or on paper.
    """
    period = lock_period(period.pk)
    if BoxOpening.objects.filter(period=period).exists():
        raise BoxAlreadyOpened(period)
    if period.state != PeriodState.CLOSED:
        raise WrongState(period, _("重新开放测评"))
    _drop_results(period)
    if period.is_annual:
        from ..models import AnnualResult

        AnnualResult.objects.filter(period=period, grade="").delete()
    period.state = PeriodState.OPEN
    period.closed_at = None
    period.computed_at = None
    period.save()
    return period


@transaction.atomic
def period_publish(*, period: Period, actor: User | None = None) -> Period:
    """Results become visible to the cadres they concern."""
    period = lock_period(period.pk)
    if period.state != PeriodState.COMPUTED:
        raise WrongState(period, _("公布结果"))
    if period.is_annual:
        from .annual import annual_results_publish

        annual_results_publish(period=period, actor=actor)
    period.state = PeriodState.PUBLISHED
    period.published_at = timezone.now()
    period.save()
    users = (
        Cadre.objects.filter(snapshots__snapshot=period.snapshot, user__isnull=False)
        .values_list("user_id", flat=True)
        .distinct()
    )
    notify(
        recipients=list(users),
        title=_("%(period)s 考核结果已公布") % {"period": period.title},
        url=reverse("evaluations:my_results"),
        dedupe_key=f"evaluations:published:{period.pk}",
        kind=NotificationKind.EVALUATION_RESULTS,
    )
    return period


@transaction.atomic
def period_unpublish(*, period: Period, actor: User | None = None) -> Period:
    period = lock_period(period.pk)
    if period.state != PeriodState.PUBLISHED:
        raise WrongState(period, _("撤回公布"))
    if period.is_annual:
        from ..models import AnnualResult

        AnnualResult.objects.filter(period=period).update(is_published=False, updated_at=Now())
    period.state = PeriodState.COMPUTED
    period.published_at = None
    period.save()
    return period


@transaction.atomic
def period_delete(*, period: Period) -> None:
    period = lock_period(period.pk)
    if period.state != PeriodState.DRAFT:
        raise WrongState(period, _("删除"))
    if PeriodOpening.objects.filter(period=period, status__in=UNFINISHED).exists():
        raise OpeningUnderway(period)
    period.delete()


def period_remind(*, period: Period, unit: Unit | None = None, today: date | None = None) -> int:
    """Notify every rater with an unsubmitted sheet (once a day at most). Returns how many were sent."""
    period = Period.objects.get(pk=period.pk)
    if period.state != PeriodState.OPEN:
        raise WrongState(period, _("发送提醒"))
    pending = SheetAssignment.objects.filter(period=period, submission__isnull=True, rater__user__is_active=True)
    if unit is not None:
        pending = pending.filter(unit=unit)
    today = today or timezone.localdate()
    key = f"evaluations:remind:{period.pk}:{today.isoformat()}"
    # Once a day per rater: the dedupe key leaves out (and does not count) those reminded today.
    users = {pk for pk in pending.values_list("rater__user_id", flat=True) if pk}
    deadline = _("截止日期：%(date)s。") % {"date": period.deadline.isoformat()} if period.deadline else ""
    return notify(
        recipients=sorted(users),
        title=_("请完成 %(period)s 的测评表") % {"period": period.title},
        body=_("您还有未提交的测评表。") + deadline,
        url=reverse("evaluations:my_sheets"),
        dedupe_key=key,
        kind=NotificationKind.EVALUATION_SHEETS,
    )


def deadline_reminders(*, today: date | None = None) -> int:
    """The daily job: remind pending raters of open periods whose deadline is near (setting per year)."""
    today = today or timezone.localdate()
    sent = 0
    for period in Period.objects.filter(state=PeriodState.OPEN, deadline__gte=today):
        days = rules.settings_for(period.year).reminder_days_before
        # deadline__gte above leaves no period without a deadline
        if days and period.deadline is not None and period.deadline <= today + timedelta(days=days):
            sent += period_remind(period=period, today=today)
    return sent
