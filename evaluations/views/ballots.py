"""A rater's sheets: list, fill, save a draft, submit once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cadres.access import cadre_of, cadre_required
from core.errors import show_error
from core.paging import page_of

from .. import access, selectors
from ..errors import AlreadySubmitted, EvaluationError, SheetRuleBroken
from ..forms import sheet_input_from_post
from ..lines import sheet_lines
from ..models import DIMENSIONS, PERSON_PROBLEMS, TEAM_PROBLEMS, PeriodState
from ..sealing import normalize_receipt
from ..services import ballots


@cadre_required
def my_sheets(request: HttpRequest) -> HttpResponse:
    sheets = list(selectors.my_sheets(cadre_of(request.user))[:200])
    open_sheets = [s for s in sheets if s.period.state == PeriodState.OPEN]
    return render(
        request,
        "evaluations/my_sheets.html",
        {
            "open_sheets": open_sheets,
            "past_sheets": [s for s in sheets if s.period.state != PeriodState.OPEN][:40],
            "pending": sum(1 for s in open_sheets if not s.is_submitted),
        },
    )


@login_required
def receipts(request: HttpRequest, pk: int) -> HttpResponse:
    """The sorted receipts of an opened box, for the period's raters and org staff to check."""
    period = access.get_period_for_receipts(request.user, pk)
    code = normalize_receipt(request.GET.get("code", ""))
    listing = selectors.box_receipts(period)
    return render(
        request,
        "evaluations/receipts.html",
        {
            "period": period,
            "opening": listing.opening,
            "page": page_of(request, listing.receipts, size=300),
            "code": code,
            "typed": request.GET.get("code", ""),
            "found": listing.contains(code) if code else None,
        },
    )


@cadre_required
def sheet_fill(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access.get_assignment_for_rater(request.user, pk)
    rater = cadre_of(request.user)
    problems = []
    data = None
    if request.method == "POST":
        lines = sheet_lines(assignment)
        data = sheet_input_from_post(request.POST, lines, annual=assignment.period.is_annual)
        try:
            if "submit" in request.POST:
                receipt = ballots.sheet_submit(assignment_id=assignment.pk, rater=rater, data=data)
                # Shown once, in this response only: the server keeps no record of whose receipt it is.
                return render(request, "evaluations/sheet_receipt.html", {"assignment": assignment, "receipt": receipt})
            ballots.sheet_save_draft(assignment_id=assignment.pk, rater=rater, data=data)
            messages.success(request, _("草稿已保存，提交前可以继续修改。"))
            return redirect("evaluations:sheet_fill", pk=assignment.pk)
        except AlreadySubmitted as error:
            # A double click: the first request submitted the sheet; this one changes nothing.
            messages.info(request, error.message)
            return redirect("evaluations:my_sheets")
        except SheetRuleBroken as error:
            problems = error.problems
        except EvaluationError as error:
            show_error(error, request=request)
            return redirect("evaluations:my_sheets")
    page = selectors.sheet_page(assignment, data)
    return render(
        request,
        "evaluations/sheet_annual.html" if assignment.period.is_annual else "evaluations/sheet.html",
        {
            "sheet": page,
            "problems": problems,
            "problem_ratees": {p.ratee_id for p in problems if p.ratee_id},
            "dimensions": DIMENSIONS,
            "person_problems": PERSON_PROBLEMS,
            "team_problems": TEAM_PROBLEMS,
            "editable": assignment.period.state == PeriodState.OPEN and not page.submitted,
        },
    )
