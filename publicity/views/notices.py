"""Org-staff pages of 任前公示: the notice list, drafting, the gate, publishing, the outcome, settings."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cadres.models import Cadre
from core.dates import format_day
from core.errors import show_error
from core.ids import parse_id
from core.paging import page_of

from .. import links, record, rules, selectors
from ..access import get_notice_for_staff, staff_only
from ..errors import PublicityError
from ..forms import (
    GateCheckForm,
    NoticeCreateForm,
    NoticeEditForm,
    OutcomeForm,
    PublicitySettingsForm,
    PublishForm,
    SendBackForm,
)
from ..models import GateCheckKind, Notice, NoticeState, PublicitySettings
from ..services import notices as services

PAGE_SIZE = 30
CADRE_MATCHES = 20


def _today() -> date:
    return timezone.localdate()


@staff_only
def notice_list(request: HttpRequest) -> HttpResponse:
    today = _today()
    tab = request.GET.get("state", "")
    q = request.GET.get("q", "").strip()[:50]
    page = page_of(request, selectors.notice_list(today=today, tab=tab, q=q), PAGE_SIZE)
    page.object_list = selectors.with_deadlines(list(page.object_list), today)
    counts = selectors.tab_counts(today)
    return render(
        request,
        "publicity/notice_list.html",
        {
            "page": page,
            "tabs": [(t, counts[t.key]) for t in selectors.TABS],
            "tab": tab if tab in selectors.TAB_KEYS else "",
            "q": q,
            "today": today,
        },
    )


@staff_only
def notice_create(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:50]
    form = NoticeCreateForm(request.POST or None, initial={"cadre": request.GET.get("cadre")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_create(
                cadre=data["cadre"],
                proposed_post=data["proposed_post"],
                current_post=data["current_post"],
                actor=request.user,
            )
        except PublicityError as error:
            show_error(error, form=form)
        else:
            messages.success(request, _("已按档案生成公示草稿，请核对并修改各部分内容。"))
            return redirect("publicity:notice_detail", pk=notice.pk)
    matches = []
    if q:
        matches = list(
            Cadre.objects.filter(is_active=True)
            .filter(Q(name__icontains=q) | Q(code__iexact=q))
            .select_related("unit", "rank")
            .order_by("name", "code")[:CADRE_MATCHES]
        )
    chosen = parse_id(form["cadre"].value())
    selected = Cadre.objects.filter(pk=chosen, is_active=True).select_related("unit").first() if chosen else None
    return render(
        request, "publicity/notice_create.html", {"form": form, "q": q, "matches": matches, "selected": selected}
    )


def _detail_context(request: HttpRequest, notice: Notice, **forms: object) -> dict:
    today = _today()
    gate_forms = forms.pop("gate_forms", {})
    rows = selectors.gate_rows(notice)
    for row in rows:
        row.form = gate_forms.get(row.kind) or GateCheckForm(prefix=row.kind)
    start = rules.default_start(today)
    publish_form = forms.pop("publish_form", None) or PublishForm(initial={"start_date": start})
    preview_start = publish_form["start_date"].value()
    preview = _preview(preview_start, today)
    return {
        "notice": notice,
        "today": today,
        "stage": selectors.stage(notice, today),
        "gate": rows,
        "gate_passed": all(r.check and r.check.result == "passed" for r in rows),
        "feedback": selectors.feedback_counts(notice),
        "history": selectors.history(notice),
        "privacy_warnings": selectors.privacy_warnings(notice),
        "publish_form": publish_form,
        "preview": preview,
        "send_back_form": forms.pop("send_back_form", None) or SendBackForm(),
        "outcome_form": forms.pop("outcome_form", None) or OutcomeForm(),
        "settings": PublicitySettings.load(),
        "placeholders": rules.placeholder_settings(notice) if notice.state == NoticeState.GATE else [],
        "own_notice": services.notice_about_self(notice, request.user),
        "section_labels": record.section_labels(notice),
        "public_url": links.public_url(notice),
        "feedback_url": links.feedback_list_url(notice),
        "workdays_left": (
            rules.workdays_left(start=notice.start_date, end=notice.end_date, today=today)
            if notice.state == NoticeState.PUBLISHED
            else None
        ),
    }


def _render_detail(request: HttpRequest, notice: Notice, status: int = 200, **forms: object) -> HttpResponse:
    # Refusals that are not about one input (wrong state, gate incomplete) show above the page.
    bound = [f for f in [*forms.get("gate_forms", {}).values(), *forms.values()] if hasattr(f, "non_field_errors")]
    errors = [str(e) for form in bound for e in form.non_field_errors()]
    context = _detail_context(request, notice, **forms) | {"action_errors": errors}
    return render(request, "publicity/notice_detail.html", context, status=status)


@staff_only
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, get_notice_for_staff(request.user, pk))


@staff_only
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_staff(request.user, pk)
    form = NoticeEditForm(request.POST or None, instance=notice)
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_update(notice=notice, actor=request.user, **{f: form.cleaned_data[f] for f in form.fields})
        except PublicityError as error:
            show_error(error, form=form)
        else:
            messages.success(request, _("公示内容已保存。"))
            return redirect("publicity:notice_detail", pk=notice.pk)
    notice.refresh_from_db()
    return render(request, "publicity/notice_edit.html", {"form": form, "notice": notice})


def _after_action(request: HttpRequest, notice: Notice, action, success: str) -> HttpResponse:
    try:
        action()
    except PublicityError as error:
        show_error(error, request=request)
    else:
        messages.success(request, success)
    return redirect("publicity:notice_detail", pk=notice.pk)


@staff_only
@require_POST
def notice_submit(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_staff(request.user, pk)
    return _after_action(
        request,
        notice,
        lambda: services.notice_submit(notice=notice, actor=request.user),
        _("已提交任前把关，请逐项记录四项把关结果。"),
    )


@staff_only
@require_POST
def notice_rebuild(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_staff(request.user, pk)
    return _after_action(
        request,
        notice,
        lambda: services.notice_rebuild(notice=notice, actor=request.user),
        _("已按干部当前档案重新生成公示内容。"),
    )


@staff_only
@require_POST
def notice_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_staff(request.user, pk)
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            services.notice_send_back(notice=notice, reason=form.cleaned_data["reason"], actor=request.user)
        except PublicityError as error:
            show_error(error, form=form)
        else:
            messages.success(request, _("已退回修改。"))
            return redirect("publicity:notice_detail", pk=notice.pk)
    return _render_detail(request, notice, status=400, send_back_form=form)


@staff_only
@require_POST
def gate_check(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    notice = get_notice_for_staff(request.user, pk)
    if kind not in GateCheckKind.values:
        raise Http404
    form = GateCheckForm(request.POST, prefix=kind)
    if form.is_valid():
        try:
            services.gate_check_record(
                notice=notice,
                kind=kind,
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except PublicityError as error:
            show_error(error, form=form)
        else:
            messages.success(request, _("已记录“%(kind)s”的把关结果。") % {"kind": GateCheckKind(kind).label})
            return redirect(reverse("publicity:notice_detail", args=[notice.pk]) + "#gate")
    return _render_detail(request, notice, status=400, gate_forms={kind: form})


@staff_only
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_staff(request.user, pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            published = services.notice_publish(
                notice=notice, start_date=form.cleaned_data["start_date"], actor=request.user
            )
        except PublicityError as error:
            show_error(error, form=form)
        else:
            messages.success(
                request,
                _("公示已发布：%(start)s 至 %(end)s。")
                % {"start": format_day(published.start_date), "end": format_day(published.end_date)},
            )
            return redirect("publicity:notice_detail", pk=notice.pk)
    return _render_detail(request, notice, status=400, publish_form=form)


def _preview(value: object, today: date) -> dict | None:
    if isinstance(value, date):
        start = value
    else:
        try:
            start = date.fromisoformat(str(value or ""))
        except ValueError:
            return None
    if start.year not in range(2000, 2101):
        return None
    period = selectors.publish_preview(start)
    return {
        "period": period,
        "in_past": start < today,
        "next_workday": None if period.start_is_workday else rules.next_workday(start),
    }


@staff_only
@require_GET
def publish_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The end date a start date gives (htmx fragment under the publish form)."""
    get_notice_for_staff(request.user, pk)
    return render(
        request, "publicity/_publish_preview.html", {"preview": _preview(request.GET.get("start_date"), _today())}
    )


@staff_only
@require_POST
def outcome_record(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_staff(request.user, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.outcome_record(
                notice=notice,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except PublicityError as error:
            show_error(error, form=form)
        else:
            messages.success(request, _("已记录任用结果，公示归档。"))
            return redirect("publicity:notice_detail", pk=notice.pk)
    return _render_detail(request, notice, status=400, outcome_form=form)


@staff_only
def settings_edit(request: HttpRequest) -> HttpResponse:
    current = PublicitySettings.load()
    form = PublicitySettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.settings_save(values=form.cleaned_data, actor=request.user)
        messages.success(request, _("公示设置已保存。"))
        return redirect("publicity:settings")
    return render(request, "publicity/settings.html", {"form": form})
