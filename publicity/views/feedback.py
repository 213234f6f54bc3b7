"""Public feedback on a notice (submission, receipt, status lookup) and its triage by org staff."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from core.paging import page_of, query_without_page
from ops import ratelimit

from .. import public_pages, selectors
from ..access import get_feedback_for_user, staff_only
from ..errors import FeedbackClosed, FeedbackError, TransitionRefused
from ..forms import HONEYPOT, FeedbackFilterForm, FeedbackForm, LookupForm, TransitionForm
from ..models import FeedbackState, Notice, PublicitySettings, TriageItem
from ..services import feedback as service
from .public import notice_page

RECEIPT_SESSION_KEY = "publicity_receipt"
STAFF_PAGE_SIZE = 30
# Public forms refuse while their rate-limit counter (Redis) is unreachable: see ops/ratelimit.py.
BUSY_MESSAGE = gettext_lazy("系统繁忙，暂时无法提交，请几分钟后再试（您填写的内容已保留）。")


# --- The public ------------------------------------------------------------------------------------


@require_POST
def feedback_submit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    today, now = timezone.localdate(), timezone.now()
    entry = public_pages.notice_entry(public_id=public_id, today=today)
    notice = public_pages.find_public_notice(public_id, today=today)
    if entry is None or notice is None:
        raise Http404
    publicity_settings = PublicitySettings.load()
    form = FeedbackForm(request.POST, max_chars=publicity_settings.feedback_max_chars)
    limit = ratelimit.check(
        request, group="publicity-feedback", key="ip", rate=service.feedback_rate(publicity_settings)
    )
    if limit is ratelimit.Limit.LIMITED:
        return _refused(request, entry, public_id, form, _("提交过于频繁，请稍后再试（您填写的内容已保留）。"), 429)
    if limit is ratelimit.Limit.UNAVAILABLE:
        return _refused(request, entry, public_id, form, BUSY_MESSAGE, 503)
    try:
        service.check_open_for_feedback(notice=notice, today=today)
    except FeedbackClosed as error:
        return notice_page(request, entry, public_id, feedback_error=error.message, status=400)
    if not form.is_valid():
        return _refused(request, entry, public_id, form, _("请按提示修改后再提交。"), 400)
    try:
        if form.cleaned_data[HONEYPOT]:
            raise service.FeedbackSuspected(_("表单校验未通过，请刷新页面后重新提交（您填写的内容已保留）。"))
        service.form_token_check(token=form.cleaned_data["token"], notice=notice, now=now)
        feedback = service.feedback_submit(
            notice=notice,
            name=form.cleaned_data["name"],
            contact=form.cleaned_data["contact"],
            text=form.cleaned_data["text"],
            today=today,
        )
    except FeedbackError as error:
        return _refused(request, entry, public_id, form, error.message, 400)
    request.session[RECEIPT_SESSION_KEY] = {"code": feedback.receipt_code, "title": entry.title}
    return redirect("public:feedback_receipt")


def _refused(
    request: HttpRequest, entry, public_id: uuid.UUID, form: FeedbackForm, message: str, status: int
) -> HttpResponse:
    """The notice page again, with the message, what the sender typed, and a fresh form token."""
    data = form.data.copy()
    data["token"] = service.form_token_issue(public_id=public_id, now=timezone.now())
    data[HONEYPOT] = ""
    form.data = data
    return notice_page(request, entry, public_id, form=form, feedback_error=message, status=status)


@require_safe
def feedback_receipt(request: HttpRequest) -> HttpResponse:
    receipt = request.session.get(RECEIPT_SESSION_KEY)
    if not receipt:
        return redirect("public:feedback_lookup")
    return render(request, "publicity/public/receipt.html", {"receipt": receipt})


def lookup_page(
    request: HttpRequest, *, group: str, find: Callable[..., TriageItem | None], template: str
) -> HttpResponse:
    """The receipt-code lookup of anything triaged (a notice's feedback, supervision's reports):
    rate-limited per client address; anyone with a code sees the state and the public reply, nothing else."""
    form = LookupForm(request.POST or None)
    result = None
    not_found = False
    status = 200
    if request.method == "POST":
        limit = ratelimit.check(request, group=group, key="ip", rate=service.LOOKUP_RATE)
        if limit is ratelimit.Limit.LIMITED:
            form.add_error(None, _("查询过于频繁，请稍后再试。"))
            status = 429
        elif limit is ratelimit.Limit.UNAVAILABLE:
            form.add_error(None, BUSY_MESSAGE)
            status = 503
        elif form.is_valid():
            result = find(code=form.cleaned_data["code"])
            not_found = result is None
    return render(request, template, {"form": form, "result": result, "not_found": not_found}, status=status)


def feedback_lookup(request: HttpRequest) -> HttpResponse:
    return lookup_page(
        request, group="publicity-lookup", find=service.feedback_lookup, template="publicity/public/lookup.html"
    )


# --- Org staff -------------------------------------------------------------------------------------


@staff_only
def feedback_list(request: HttpRequest) -> HttpResponse:
    filters = FeedbackFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    notice_id = data.get("notice")
    items = selectors.feedback_list(
        actor=request.user, notice_id=notice_id, state=data.get("state") or "", q=data.get("q") or ""
    )
    return render(
        request,
        "publicity/feedback/list.html",
        {
            "filters": filters,
            "page": page_of(request, items, STAFF_PAGE_SIZE),
            "notice": Notice.objects.filter(pk=notice_id).first() if notice_id else None,
            "query": query_without_page(request),
            "states": FeedbackState,
        },
    )


def _detail(request: HttpRequest, feedback, form: TransitionForm | None = None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "publicity/feedback/detail.html",
        {
            "feedback": feedback,
            "events": selectors.feedback_trail(feedback),
            "form": form or TransitionForm(initial={"public_reply": feedback.public_reply}),
            "next_states": []
            if service.about_self(feedback, request.user)
            else [FeedbackState(s) for s in service.allowed_next_states(feedback.state)],
            "about_self": service.about_self(feedback, request.user),
        },
        status=status,
    )


@staff_only
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_feedback_for_user(request.user, pk))


@staff_only
@require_POST
def feedback_transition(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = get_feedback_for_user(request.user, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            service.feedback_transition(
                feedback=feedback,
                to_state=form.cleaned_data["to_state"],
                note=form.cleaned_data["note"],
                public_reply=form.cleaned_data["public_reply"],
                actor=request.user,
            )
        except TransitionRefused as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("已办理为“%(state)s”。") % {"state": FeedbackState(form.cleaned_data["to_state"]).label}
            )
            return redirect("publicity:feedback_detail", pk=feedback.pk)
    messages.error(request, _("未能办理，请按提示修改。"))
    return _detail(request, feedback, form, status=400)
