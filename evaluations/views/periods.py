"""Org staff: settings, evaluator scopes, periods, completion, reminders and paper ballots."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cadres.access import get_object_or_404_in, org_staff_required
from cadres.models import Cadre, SnapshotMember, Unit, UnitCategory
from core.errors import show_error
from core.ids import parse_id
from core.jobs import job_progress
from core.paging import page_of, query_without_page

from .. import access, rules, selectors
from ..errors import EvaluationError, ImportFailed
from ..forms import (
    DeadlineForm,
    DeductionRatesForm,
    EvaluationSettingsForm,
    PaperSheetHeadForm,
    PaperUploadForm,
    PeriodForm,
    RemindForm,
    ScopeForm,
    SettingsPickForm,
)
from ..inputs import SETTINGS_FIELDS, SheetInput
from ..models import ComputationRun, EvaluatorScope, PeriodState, RaterGroup
from ..services import configuration, paper, periods, scoring

# --- Settings ---------------------------------------------------------------------------------

QUARTER_FIELDS = (
    "leader_weight",
    "peer_weight",
    "other_weight",
    "score_min",
    "score_max",
    "band_threshold",
    "band_share_percent",
    "band_minimum",
    "display_threshold",
    "drop_extremes",
    "drop_extremes_min_raters",
    "small_unit_size",
    "reminder_days_before",
    "quality_flat_min_scores",
    "quality_outlier_points",
)


@org_staff_required
def settings_edit(request: HttpRequest) -> HttpResponse:
    pick = SettingsPickForm(request.GET or {"year": timezone.localdate().year, "category": ""})
    if not pick.is_valid():
        pick = SettingsPickForm({"year": timezone.localdate().year, "category": ""})
        pick.is_valid()
    year, category = pick.cleaned_data["year"], pick.cleaned_data["category"]
    current, record_rules = configuration.effective_settings(year=year, unit_category=category)
    form = EvaluationSettingsForm(request.POST or None, instance=current, prefix="s")
    deductions = DeductionRatesForm(request.POST or None, instance=record_rules, prefix="d")
    if request.method == "POST" and form.is_valid() and deductions.is_valid():
        try:
            configuration.evaluation_settings_save(
                year=year, unit_category=category, values=form.cleaned_data, deductions=deductions.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(year)s 年考核设置已保存。") % {"year": year})
            return redirect(f"{request.path}?{request.GET.urlencode()}")
    own_row = current.pk is not None and current.year == year and current.unit_category == category
    return render(
        request,
        "evaluations/settings.html",
        {
            "pick": pick,
            "form": form,
            "deductions": deductions,
            "year": year,
            "category": category,
            "category_label": UnitCategory(category).label if category else _("所有类别（通用）"),
            "inherited": not own_row,
            "quarter_fields": [form[name] for name in QUARTER_FIELDS],
            "annual_fields": [form[name] for name in SETTINGS_FIELDS if name not in QUARTER_FIELDS],
        },
    )


# --- Evaluator scopes ---------------------------------------------------------------------------


@org_staff_required
def scope_list(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    table = rules.settings_table(year)
    units = Unit.objects.filter(is_active=True).annotate(size=Count("cadres", filter=Q(cadres__is_active=True)))
    scopes = {
        s.unit_id: s
        for s in EvaluatorScope.objects.annotate(
            superior_count=Count("superior_evaluators", distinct=True),
            external_count=Count("external_evaluators", distinct=True),
        )
    }
    rows = []
    for unit in units:
        scope = scopes.get(unit.pk)
        small = selectors.unit_is_small(unit.size, table[unit.category])
        rows.append(
            {
                "unit": unit,
                "small": small,
                "superiors": scope.superior_count if scope else 0,
                "externals": scope.external_count if scope else 0,
                "needs_attention": (small and not (scope and scope.external_count))
                or not (scope and scope.superior_count),
            }
        )
    return render(request, "evaluations/scope_list.html", {"rows": rows})


@org_staff_required
def scope_edit(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=unit_pk)
    scope = EvaluatorScope.objects.filter(unit=unit).first()
    initial = {}
    if scope:
        initial = {
            "superiors": " ".join(c.code for c in scope.superior_evaluators.order_by("code")),
            "externals": " ".join(c.code for c in scope.external_evaluators.order_by("code")),
            "note": scope.note,
        }
    form = ScopeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        externals = form.cleaned_data["externals"]
        if form.cleaned_data["add_unit"]:
            extra = Cadre.objects.filter(unit=form.cleaned_data["add_unit"], is_active=True).exclude(unit=unit)
            externals = list(dict.fromkeys([*externals, *extra]))
        try:
            configuration.evaluator_scope_save(
                unit=unit,
                superiors=form.cleaned_data["superiors"],
                externals=externals,
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已保存 %(unit)s 的评价范围。") % {"unit": unit.name})
            return redirect("evaluations:scope_edit", unit_pk=unit.pk)
    members = list(Cadre.objects.filter(unit=unit, is_active=True).select_related("rank"))
    settings = rules.settings_for(timezone.localdate().year, unit.category)
    return render(
        request,
        "evaluations/scope_edit.html",
        {
            "unit": unit,
            "form": form,
            "scope": scope,
            "members": members,
            "superiors": scope.superior_evaluators.select_related("unit") if scope else [],
            "externals": scope.external_evaluators.select_related("unit") if scope else [],
            "small": selectors.unit_is_small(len(members), settings),
            "small_unit_size": settings.small_unit_size,
        },
    )


# --- Periods --------------------------------------------------------------------------------


@org_staff_required
def period_list(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = periods.period_create(**form.cleaned_data, actor=request.user)
        except EvaluationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已创建 %(period)s。") % {"period": period.title})
            return redirect("evaluations:period_detail", pk=period.pk)
    return render(request, "evaluations/period_list.html", {"periods": selectors.periods(), "form": form})


@org_staff_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period(pk)
    opening = periods.latest_opening(period)
    context = {
        "period": period,
        "opening": opening,
        "opening_progress": job_progress(opening) if opening else None,
        "overview": selectors.period_overview(period),
        "check": periods.opening_check(period) if period.state == PeriodState.DRAFT else None,
        "remind_form": RemindForm(),
        "may_reopen": periods.may_reopen(period),
        "deadline_form": DeadlineForm(initial={"deadline": period.deadline}),
        "records_open_until": selectors.records_open_until(period)
        if period.state in (PeriodState.OPEN, PeriodState.CLOSED)
        else None,
    }
    if period.is_annual and period.has_results:
        context["annual_counts"] = selectors.annual_counts(period)
    return render(request, "evaluations/period_detail.html", context)


def provisional_warning(until) -> str:
    return _(
        "日志和小结的补记期到 %(date)s 才全部结束，此前计算的结果为暂定（缺记扣分只计已过补记期的天数），"
        "补记期结束后系统将自动重新计算。"
    ) % {"date": until.isoformat()}


ACTIONS = {
    "open": (
        periods.period_open_request,
        _("%(period)s 正在后台开始测评：生成全部测评表后自动开放，本页显示进度。"),
    ),
    "close": (periods.period_close, _("%(period)s 已截止测评，正在后台计算结果。")),
    "reopen": (periods.period_reopen, _("%(period)s 已重新开放测评。")),
    "compute": (scoring.computation_request, _("已开始重新计算 %(period)s 的结果。")),
    "publish": (periods.period_publish, _("%(period)s 的结果已公布。")),
    "unpublish": (periods.period_unpublish, _("已撤回 %(period)s 的结果公布。")),
}


# The computation is recorded but the background service (Redis) is down: it starts when it returns.
WAITING_MESSAGES = {
    "close": gettext_lazy("%(period)s 已截止测评。后台任务服务暂时不可用，结果计算已登记，将在服务恢复后自动开始。"),
    "compute": gettext_lazy("已登记重新计算 %(period)s 的结果。后台任务服务暂时不可用，将在服务恢复后自动开始。"),
}


@org_staff_required
@require_POST
def period_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    period = access.get_period(pk)
    if action == "delete":
        try:
            periods.period_delete(period=period)
        except EvaluationError as error:
            show_error(error, request=request)
            return redirect("evaluations:period_detail", pk=period.pk)
        messages.success(request, _("已删除 %(period)s。") % {"period": period.title})
        return redirect("evaluations:period_list")
    if action not in ACTIONS:
        raise Http404
    service, message = ACTIONS[action]
    try:
        outcome = service(period=period, actor=request.user)
    except EvaluationError as error:
        show_error(error, request=request)
    else:
        sheets = getattr(outcome, "sheets", 0)
        if action in ("close", "compute") and scoring.waiting_for_broker(outcome):
            message = WAITING_MESSAGES[action]
        messages.success(request, message % {"period": period.title, "sheets": sheets})
        if action in ("close", "compute") and (until := selectors.records_open_until(period)):
            messages.warning(request, provisional_warning(until))
    return redirect("evaluations:period_detail", pk=period.pk)


@org_staff_required
@require_POST
def period_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period(pk)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的日期（如 2026-12-31）。"))
        return redirect("evaluations:period_detail", pk=period.pk)
    try:
        told = periods.period_deadline_set(period=period, deadline=form.cleaned_data["deadline"], actor=request.user)
    except EvaluationError as error:
        show_error(error, request=request)
    else:
        messages.success(request, _("测评截止日期已保存，已通知 %(n)s 名尚未提交的评价人。") % {"n": told})
    return redirect("evaluations:period_detail", pk=period.pk)


@org_staff_required
def period_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The computation card, polled by htmx while a run is queued or running."""
    period = access.get_period(pk)
    run = ComputationRun.objects.filter(period=period).select_related("requested_by").first()
    return render(
        request,
        "evaluations/_run_status.html",
        {"period": period, "run": run, "progress": selectors.run_progress(run) if run else None},
    )


@org_staff_required
def period_opening_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The opening card, polled by htmx while the opening job is queued or running."""
    period = access.get_period(pk)
    opening = periods.latest_opening(period)
    if opening is None:
        raise Http404
    response = render(
        request,
        "evaluations/_opening_status.html",
        {"period": period, "opening": opening, "opening_progress": job_progress(opening)},
    )
    if opening.is_finished and request.headers.get("HX-Request"):
        # The poll that sees the end reloads the page: its state, buttons and checks change with it.
        response["HX-Refresh"] = "true"
    return response


@org_staff_required
@require_POST
def period_remind(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period(pk)
    form = RemindForm(request.POST)
    if not form.is_valid():
        # A unit that is not there must not widen the reminder to everyone.
        messages.error(request, _("所选单位不存在，没有发送提醒。"))
        return redirect(_safe_next(request, period.pk))
    try:
        sent = periods.period_remind(period=period, unit=form.cleaned_data["unit"])
    except EvaluationError as error:
        show_error(error, request=request)
    else:
        if sent:
            messages.success(request, _("已向 %(n)s 名未完成的评价人发送提醒。") % {"n": sent})
        else:
            messages.info(request, _("没有需要提醒的人：未完成的评价人今天都已提醒过，或都已提交。"))
    return redirect(_safe_next(request, period.pk))


def _safe_next(request: HttpRequest, pk: int) -> str:
    from django.urls import reverse
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("evaluations:period_detail", kwargs={"pk": pk})


@org_staff_required
def completion(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period(pk)
    units = selectors.completion_by_unit(period)
    unit_id = parse_id(request.GET.get("unit"))
    status = request.GET.get("status", "")
    raters = selectors.completion_raters(period, unit_id=unit_id, status=status)
    return render(
        request,
        "evaluations/completion.html",
        {
            "period": period,
            "overview": selectors.period_overview(period),
            "units": units,
            "chart": {
                "labels": [u.unit_name for u in units],
                "submitted": [u.submitted for u in units],
                "pending": [u.sheets - u.submitted for u in units],
            },
            "page": page_of(request, raters),
            "query": query_without_page(request),
            "unit_id": unit_id,
            "status": status,
        },
    )


# --- Paper ballots -----------------------------------------------------------------------------


def _receipts_message(request: HttpRequest, receipts: list[str]) -> None:
    """Paper sheets carry no rater, so their receipts can be shown to the staff who keyed them in."""
    messages.info(
        request,
        _("回执码（可写在纸质表上，开箱后可在回执名单中核对）：%(codes)s") % {"codes": "、".join(receipts)},
    )


@org_staff_required
def paper_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Key in one paper sheet for a unit, or import a file of them."""
    period = access.get_period(pk)
    if period.snapshot_id is None:
        messages.error(request, _("测评开始后才能录入纸质测评表。"))
        return redirect("evaluations:period_detail", pk=period.pk)
    unit = None
    if request.GET.get("unit"):
        unit = get_object_or_404_in(Unit.objects.all(), pk=request.GET["unit"])
    members = sorted(
        SnapshotMember.objects.filter(snapshot_id=period.snapshot_id, unit=unit).select_related("cadre", "rank")
        if unit
        else [],
        key=lambda m: (rules.ROLE_ORDER.get(m.role, 9), m.cadre.code),
    )
    # Each panel is bound only to its own submission: a refused key-in must not mark the import
    # panel's fields as required, nor the other way round.
    keyin = request.method == "POST" and "keyin" in request.POST
    uploading = request.method == "POST" and "upload" in request.POST
    head = PaperSheetHeadForm(request.POST if keyin else None)
    upload = PaperUploadForm(request.POST if uploading else None, request.FILES if uploading else None, prefix="file")
    issues: list = []
    typed: dict[int, str] = {}
    if request.method == "POST" and unit and "keyin" in request.POST and not period.is_annual:
        typed = {m.cadre_id: request.POST.get(f"score-{m.cadre_id}", "") for m in members}
        groups = {
            m.cadre_id: request.POST.get(f"group-{m.cadre_id}")
            for m in members
            if request.POST.get(f"group-{m.cadre_id}") in RaterGroup.values
        }
        if head.is_valid():
            try:
                summary = paper.paper_sheet_enter(
                    period=period,
                    unit=unit,
                    number=head.cleaned_data["number"],
                    group=head.cleaned_data["group"],
                    data=SheetInput(scores=typed),
                    groups=groups,
                    actor=request.user,
                )
            except ImportFailed as error:
                issues = error.issues
            except EvaluationError as error:
                show_error(error, request=request)
            else:
                messages.success(
                    request,
                    _("已录入 %(unit)s 表号 %(number)s（%(n)s 个分数）。")
                    % {"unit": unit.name, "number": head.cleaned_data["number"], "n": summary.scores},
                )
                _receipts_message(request, summary.receipts)
                return redirect(f"{request.path}?unit={unit.pk}")
    elif request.method == "POST" and "upload" in request.POST and upload.is_valid():
        try:
            file = upload.cleaned_data["file"]
            rows = paper.paper_rows_from_file(file.read(), file.name, annual=period.is_annual)
            summary = paper.paper_sheets_import(
                period=period, rows=rows, unit=upload.cleaned_data["unit"], actor=request.user
            )
        except ImportFailed as error:
            issues = error.issues
        except EvaluationError as error:
            show_error(error, request=request)
        else:
            messages.success(
                request,
                _("已导入纸质测评表 %(sheets)s 张、分数 %(scores)s 个（%(units)s）。")
                % {"sheets": summary.sheets, "scores": summary.scores, "units": "、".join(summary.units)},
            )
            _receipts_message(request, summary.receipts)
            return redirect(request.path)
    units = Unit.objects.filter(
        pk__in=SnapshotMember.objects.filter(snapshot_id=period.snapshot_id).values("unit")
    ).order_by("sort_order", "name")
    paper_counts = selectors.paper_counts(period)
    return render(
        request,
        "evaluations/paper.html",
        {
            "period": period,
            "unit": unit,
            "units": units,
            "members": [(m, typed.get(m.cadre_id, ""), request.POST.get(f"group-{m.cadre_id}", "")) for m in members],
            "head": head,
            "upload": upload,
            "issues": issues,
            "columns": paper.ANNUAL_PAPER_COLUMNS if period.is_annual else paper.PAPER_COLUMNS,
            "groups": RaterGroup.choices,
            "paper_counts": paper_counts,
            "unit_paper_count": paper_counts.get(unit.pk, 0) if unit else 0,
            "settings": rules.settings_for(period.year, unit.category) if unit else None,
        },
    )
