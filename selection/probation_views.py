"""Pages after the appointment, for org staff: the probations and their review, and the
干部调整情况通报 of a meeting (HTML with print styles, and PDF)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.access import get_object_or_404_in, user_display_name
from core.errors import show_error
from core.pdf import render_pdf

from . import access
from . import probation_selectors as selectors
from .errors import SelectionError
from .models import MeetingKind, Probation, ProbationStatus
from .probation_forms import ConfirmForm, EndForm, ExtendForm
from .services import probation as services


@access.staff_only
def probation_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ProbationStatus.values:
        status = ""
    return render(
        request,
        "selection/probation_list.html",
        {
            "rows": selectors.probation_rows(timezone.localdate(), status=status),
            "status": status,
            "statuses": ProbationStatus.choices,
        },
    )


def _probation(pk: int) -> Probation:
    return get_object_or_404_in(selectors.probations(), pk=pk)


def _reviews(probation: Probation) -> list:
    reviews = list(probation.reviews.select_related("by").order_by("at", "pk"))
    for review in reviews:
        review.by_name = user_display_name(review.by) if review.by else ""
    return reviews


def _detail(request: HttpRequest, probation: Probation, status: int = 200, **forms: object) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "selection/probation_detail.html",
        {
            "probation": probation,
            "reviews": _reviews(probation),
            "due": services.reminder_due(probation, today),
            "may_confirm": probation.is_running and today >= probation.end_date,
            "confirm_form": forms.get("confirm_form") or ConfirmForm(),
            "extend_form": forms.get("extend_form") or ExtendForm(),
            "end_form": forms.get("end_form") or EndForm(),
        },
        status=status,
    )


@access.staff_only
def probation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _probation(pk))


def _review(request: HttpRequest, pk: int, form_class, name: str, call, success: str) -> HttpResponse:
    probation = _probation(pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(probation, form.cleaned_data)
        except SelectionError as error:
            # A closed probation shows no review forms: its refusal goes to the page's messages.
            if probation.is_running:
                show_error(error, form=form)
            else:
                show_error(error, request=request)
        else:
            messages.success(request, success)
            return redirect("selection:probation_detail", pk=probation.pk)
    return _detail(request, probation, status=400, **{name: form})


@require_POST
@access.staff_only
def probation_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(
        request,
        pk,
        ConfirmForm,
        "confirm_form",
        lambda p, d: services.probation_confirm(probation=p, note=d["note"], actor=request.user),
        _("已记录试用期满考核：正式任职。"),
    )


@require_POST
@access.staff_only
def probation_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(
        request,
        pk,
        ExtendForm,
        "extend_form",
        lambda p, d: services.probation_extend(
            probation=p, new_end=d["new_end"], reason=d["reason"], actor=request.user
        ),
        _("已延长试用期。"),
    )


@require_POST
@access.staff_only
def probation_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(
        request,
        pk,
        EndForm,
        "end_form",
        lambda p, d: services.probation_end_unfit(probation=p, reason=d["reason"], actor=request.user),
        _("已结束试用期，免去试任职务。"),
    )


# --- 干部调整情况通报 ---------------------------------------------------------------------------------


@access.staff_only
def briefing_list(request: HttpRequest) -> HttpResponse:
    return render(request, "selection/briefing_list.html", {"meetings": selectors.briefing_meetings()})


def _briefing_context(kind: str, day: str) -> dict:
    if kind not in MeetingKind.values:
        raise Http404
    try:
        held_on = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    meetings, rows = selectors.briefing(kind, held_on)
    if not rows:
        raise Http404
    label = MeetingKind(kind).label
    return {
        "kind": kind,
        "held_on": held_on,
        "meeting_label": label,
        "title": _("干部调整情况通报（%(day)s %(meeting)s）") % {"day": held_on.isoformat(), "meeting": label},
        "rows": rows,
        "attendees": meetings[0].attendees if meetings else "",
        "generated_on": timezone.localdate(),
    }


@access.staff_only
def briefing(request: HttpRequest, kind: str, day: str) -> HttpResponse:
    return render(request, "selection/briefing.html", _briefing_context(kind, day))


@access.staff_only
def briefing_pdf(request: HttpRequest, kind: str, day: str) -> HttpResponse:
    context = _briefing_context(kind, day)
    pdf = render_pdf(render_to_string("selection/pdf_briefing.html", context))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="briefing-{kind}-{context["held_on"].isoformat()}.pdf"'
    return response
