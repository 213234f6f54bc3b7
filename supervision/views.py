"""Pages of supervision: org and discipline staff's (rewards and sanctions, 限期整改, reports,
supervision information, statistics, settings) and the public's report form and lookup."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from cadres.access import get_object_or_404_in, is_org_staff, org_staff_required
from cadres.models import Cadre
from core.errors import DomainError
from core.pdf import render_pdf
from publicity.forms import HONEYPOT, TransitionForm
from publicity.models import FeedbackState, PublicitySettings
from publicity.services import feedback as feedback_service
from publicity.services.feedback import allowed_next_states
from publicity.views.feedback import lookup_page

from . import access, rules, selectors, unit_report
from .errors import SupervisionError
from .forms import (
    CloseForm,
    FollowUpForm,
    InfoForm,
    PublicReportForm,
    RecordForm,
    ReportLinkForm,
    ReportRegisterForm,
    ScanForm,
    SettingsForm,
    apply_error,
)
from .models import (
    RecordKind,
    Report,
    ReportScan,
    RewardSanction,
    SupervisionInfo,
    SupervisionSettings,
    TeamGrade,
    TeamGradeValue,
    UnitFeedbackNote,
)
from .services import info as info_services
from .services import records as record_services
from .services import reports as report_services
from .services import team_grades as team_grade_services


@access.supervision_staff_required
def record_list(request: HttpRequest) -> HttpResponse:
    records = RewardSanction.objects.select_related("cadre__unit").order_by("-date", "-pk")
    kind = request.GET.get("kind", "")
    if kind in RecordKind.values:
        records = records.filter(kind=kind)
    cadre = None
    if cadre_id := request.GET.get("cadre", ""):
        cadre = get_object_or_404_in(Cadre.objects.all(), pk=cadre_id)
        records = records.filter(cadre=cadre)
    return render(
        request,
        "supervision/record_list.html",
        {"records": records[:500], "kind": kind, "kinds": RecordKind.choices, "cadre": cadre},
    )


@access.supervision_staff_required
def record_create(request: HttpRequest) -> HttpResponse:
    initial = {"cadre": request.GET.get("cadre")} if request.GET.get("cadre", "").isdigit() else {}
    form = RecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = record_services.record_create(**form.cleaned_data, actor=request.user)
        except SupervisionError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("已登记%(kind)s。") % {"kind": record.kind_label})
            return redirect("supervision:record_detail", pk=record.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/record_form.html", {"form": form}, status=status)


@access.supervision_staff_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.get_record(request.user, pk)
    return render(
        request,
        "supervision/record_detail.html",
        {
            "record": record,
            "basis": rules.IMPACT_BASIS.get(record.accountability_form or record.kind, ""),
            "follow_form": FollowUpForm(),
            "close_form": CloseForm(),
        },
    )


def _posted_step(
    request: HttpRequest,
    form: forms.Form,
    invalid: str,
    step: Callable[[dict[str, Any]], object],
    done: str,
) -> None:
    """One posted step on a record or report page: the form's data to the service (or `invalid`
    when the form does not validate), the outcome as a message; the caller redirects."""
    try:
        if not form.is_valid():
            raise SupervisionError(invalid)
        step(form.cleaned_data)
        messages.success(request, done)
    except SupervisionError as error:
        messages.error(request, error.message)


@access.supervision_staff_required
@require_POST
def record_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.get_record(request.user, pk)
    _posted_step(
        request,
        FollowUpForm(request.POST),
        _("请填写跟进情况（最多 2000 字）。"),
        lambda data: record_services.rectify_follow_up(record=record, text=data["text"], actor=request.user),
        _("已记录跟进情况。"),
    )
    return redirect("supervision:record_detail", pk=pk)


@access.supervision_staff_required
@require_POST
def record_close(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.get_record(request.user, pk)
    _posted_step(
        request,
        CloseForm(request.POST),
        _("请填写办结说明（最多 2000 字）。"),
        lambda data: record_services.rectify_close(record=record, note=data["note"], actor=request.user),
        _("整改已办结。"),
    )
    return redirect("supervision:record_detail", pk=pk)


@access.supervision_staff_required
def rectifications(request: HttpRequest) -> HttpResponse:
    return render(request, "supervision/rectifications.html", {"records": selectors.open_rectifications()})


@org_staff_required
def settings_edit(request: HttpRequest) -> HttpResponse:
    form = SettingsForm(request.POST or None, instance=SupervisionSettings.load())
    if request.method == "POST" and form.is_valid():
        record_services.settings_save(values=form.values(), actor=request.user)
        messages.success(request, _("已保存监督设置。"))
        return redirect("supervision:settings")
    return render(request, "supervision/settings.html", {"form": form}, status=400 if request.method == "POST" else 200)


# --- Reports: staff ---------------------------------------------------------------------------------


@access.supervision_staff_required
def report_list(request: HttpRequest) -> HttpResponse:
    reports = Report.objects.select_related("cadre__unit").order_by("-received_on", "-pk")
    state = request.GET.get("state", "")
    if state in FeedbackState.values:
        reports = reports.filter(state=state)
    elif state == "open":
        reports = reports.exclude(state=FeedbackState.CLOSED)
    return render(
        request,
        "supervision/report_list.html",
        {"reports": reports[:500], "state": state, "states": FeedbackState.choices, "today": timezone.localdate()},
    )


@access.supervision_staff_required
def report_register(request: HttpRequest) -> HttpResponse:
    form = ReportRegisterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("scan")
        try:
            with transaction.atomic():
                report = report_services.report_register(**data, actor=request.user)
                if upload:
                    report_services.scan_add(report=report, upload=upload, actor=request.user)
        except SupervisionError as error:
            apply_error(form, error if error.field != "file" else SupervisionError(error.message, field="scan"))
        else:
            messages.success(request, _("已登记举报，查询码 %(code)s。") % {"code": report.receipt_code})
            return redirect("supervision:report_detail", pk=report.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/report_form.html", {"form": form}, status=status)


@access.supervision_staff_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report(request.user, pk)
    transition = TransitionForm()  # the notice feedback's: the same triage path
    transition.fields["to_state"].choices = [(s, FeedbackState(s).label) for s in allowed_next_states(report.state)]
    link = ReportLinkForm(
        initial={"cadre": report.cadre_id, "notice": report.notice_id, "selection": report.selection_id}
    )
    return render(
        request,
        "supervision/report_detail.html",
        {
            "report": report,
            "events": report.events.select_related("actor"),
            "scans": report.scans.all(),
            "transition_form": transition,
            "link_form": link,
            "scan_form": ScanForm(),
            "today": timezone.localdate(),
        },
    )


@access.supervision_staff_required
@require_POST
def report_transition(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report(request.user, pk)
    try:
        report_services.report_transition(
            report=report,
            to_state=request.POST.get("to_state", ""),
            note=request.POST.get("note", ""),
            public_reply=request.POST.get("public_reply", ""),
            actor=request.user,
        )
        messages.success(request, _("已更新办理状态。"))
    except SupervisionError as error:
        messages.error(request, error.message)
    return redirect("supervision:report_detail", pk=pk)


@access.supervision_staff_required
@require_POST
def report_link(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report(request.user, pk)
    _posted_step(
        request,
        ReportLinkForm(request.POST),
        _("请从列表中选择。"),
        lambda data: report_services.report_link(report=report, **data, actor=request.user),
        _("已关联被反映对象。"),
    )
    return redirect("supervision:report_detail", pk=pk)


@access.supervision_staff_required
@require_POST
def report_scan_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report(request.user, pk)
    _posted_step(
        request,
        ScanForm(request.POST, request.FILES),
        _("请选择要上传的文件。"),
        lambda data: report_services.scan_add(report=report, upload=data["file"], actor=request.user),
        _("已上传扫描件。"),
    )
    return redirect("supervision:report_detail", pk=pk)


@access.supervision_staff_required
def report_scan(request: HttpRequest, pk: int) -> FileResponse:
    scan = get_object_or_404_in(ReportScan.objects.all(), pk=pk)
    response = FileResponse(
        scan.file.open("rb"), as_attachment=True, filename=scan.original_name, content_type=scan.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@access.supervision_staff_required
def report_statistics(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    return render(
        request,
        "supervision/report_statistics.html",
        {"stats": selectors.report_statistics(year), "years": range(today.year, today.year - 6, -1)},
    )


# --- Supervision information -------------------------------------------------------------------------


@access.supervision_staff_required
def info_list(request: HttpRequest) -> HttpResponse:
    initial = {"cadre": request.GET.get("cadre")} if request.GET.get("cadre", "").isdigit() else {}
    form = InfoForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            info_services.info_record(**form.cleaned_data, actor=request.user)
        except SupervisionError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("已登记监督信息。"))
            return redirect("supervision:info_list")
    items = SupervisionInfo.objects.select_related("cadre__unit").order_by("-date", "-pk")[:500]
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/info_list.html", {"form": form, "items": items}, status=status)


@access.supervision_staff_required
@require_POST
def info_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    info = access.get_info(request.user, pk)
    try:
        info_services.info_conclude(info=info, actor=request.user)
        messages.success(request, _("监督信息已办结。"))
    except SupervisionError as error:
        messages.error(request, error.message)
    return redirect("supervision:info_list")


# --- Reports: the public ------------------------------------------------------------------------------

RECEIPT_SESSION_KEY = "supervision_receipt"


def _public_form(data=None) -> PublicReportForm:
    return PublicReportForm(data, max_chars=PublicitySettings.load().feedback_max_chars)


def _fresh_token(form: PublicReportForm) -> None:
    data = form.data.copy() if form.is_bound else {}
    data["token"] = feedback_service.signed_form_token(scope=report_services.PUBLIC_FORM_SCOPE, now=timezone.now())
    data[HONEYPOT] = ""
    if form.is_bound:
        form.data = data
    else:
        form.initial.update(data)


@require_http_methods(["GET", "HEAD", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    """The public web form, open at any time, with the notice feedback's protections."""
    if request.method != "POST":
        form = _public_form()
        _fresh_token(form)
        return render(request, "supervision/public/report.html", {"form": form})
    form = _public_form(request.POST)
    error, status = "", 400
    limited = is_ratelimited(
        request,
        group="supervision-report",
        key="ip",
        rate=feedback_service.feedback_rate(),
        method="POST",
        increment=True,
    )
    try:
        if limited:
            status = 429
            raise SupervisionError(_("提交过于频繁，请稍后再试（您填写的内容已保留）。"))
        if not form.is_valid():
            raise SupervisionError(_("请按提示修改后再提交。"))
        if form.cleaned_data[HONEYPOT]:
            raise SupervisionError(_("表单校验未通过，请刷新页面后重新提交（您填写的内容已保留）。"))
        feedback_service.signed_form_token_check(
            token=form.cleaned_data["token"], scope=report_services.PUBLIC_FORM_SCOPE, now=timezone.now()
        )
        report = report_services.report_submit_public(
            subject=form.cleaned_data["subject"],
            name=form.cleaned_data["name"],
            contact=form.cleaned_data["contact"],
            text=form.cleaned_data["text"],
            today=timezone.localdate(),
        )
    except DomainError as exc:
        error = exc.message
    else:
        request.session[RECEIPT_SESSION_KEY] = report.receipt_code
        return redirect("supervision_public:receipt")
    _fresh_token(form)
    return render(request, "supervision/public/report.html", {"form": form, "error": error}, status=status)


@require_safe
def public_receipt(request: HttpRequest) -> HttpResponse:
    code = request.session.get(RECEIPT_SESSION_KEY)
    if not code:
        return redirect("supervision_public:lookup")
    return render(request, "supervision/public/receipt.html", {"code": code})


@require_http_methods(["GET", "HEAD", "POST"])
def public_lookup(request: HttpRequest) -> HttpResponse:
    """The notice feedback's lookup page for a report's receipt code."""
    return lookup_page(
        request,
        group="supervision-lookup",
        find=report_services.report_lookup,
        template="supervision/public/lookup.html",
    )


# --- 谁考察谁反馈: the unit report ---------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year - 1))
    except ValueError:
        year = today.year - 1
    return min(max(year, 2000), today.year)


@login_required
def unit_reports(request: HttpRequest) -> HttpResponse:
    units = unit_report.readable_units(request.user)
    if not units.exists():
        raise PermissionDenied
    year = _year(request)
    return render(
        request,
        "supervision/unit_reports.html",
        {"units": units, "year": year, "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1)},
    )


@login_required
def unit_report_page(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    unit = unit_report.get_unit_for_reader(request.user, pk)
    staff = is_org_staff(request.user)
    if request.method == "POST":
        if not staff:
            raise PermissionDenied
        text = request.POST.get("text", "").strip()
        if not text or len(text) > 5000:
            messages.error(request, _("反馈意见须填写，最多 5000 字。"))
        else:
            UnitFeedbackNote.objects.update_or_create(
                unit=unit, year=year, defaults={"text": text, "written_by": request.user}
            )
            messages.success(request, _("已保存反馈意见。"))
        return redirect("supervision:unit_report", pk=unit.pk, year=year)
    report = unit_report.unit_report(unit, year)
    return render(request, "supervision/unit_report.html", {"report": report, "staff": staff})


@login_required
def unit_report_pdf(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    unit = unit_report.get_unit_for_reader(request.user, pk)
    report = unit_report.unit_report(unit, year)
    html = render_to_string("supervision/pdf/unit_report.html", {"report": report, "generated_at": timezone.now()})
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="unit-report-{unit.pk}-{year}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- 领导班子等次 ------------------------------------------------------------------------------------------


@org_staff_required
def team_grades(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    if request.method == "POST":
        if request.POST.get("action") == "propose":
            proposed = team_grade_services.team_grades_propose(year=year)
            messages.success(request, _("已按规则生成 %(n)s 个领导班子的建议等次。") % {"n": len(proposed)})
        else:
            grade = get_object_or_404_in(TeamGrade.objects.all(), pk=request.POST.get("team_grade", ""), year=year)
            try:
                team_grade_services.team_grade_confirm(
                    team_grade=grade,
                    grade=request.POST.get("grade", ""),
                    reason=request.POST.get("reason", ""),
                    actor=request.user,
                )
                messages.success(request, _("已确定%(unit)s领导班子等次。") % {"unit": grade.unit.name})
            except SupervisionError as error:
                messages.error(request, error.message)
        return redirect(f"{reverse('supervision:team_grades')}?year={year}")
    grades = TeamGrade.objects.filter(year=year).select_related("unit").prefetch_related("changes__changed_by")
    settings = SupervisionSettings.load()
    return render(
        request,
        "supervision/team_grades.html",
        {
            "grades": grades,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
            "choices": TeamGradeValue.choices,
            "quota": team_grade_services.excellent_quota(grades.count(), settings),
            "settings": settings,
        },
    )
