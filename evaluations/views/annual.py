"""用实绩: annual results, grades and their calibration, unit scores, use of results, follow-ups."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.access import get_object_or_404_in, is_org_staff, org_staff_required
from cadres.models import Unit, UnitCategory
from core.errors import show_error
from core.ids import parse_id
from core.paging import page_of, query_without_page

from .. import access, exports, rules, selectors
from ..errors import EvaluationError, ImportFailed
from ..forms import AnnualFilterForm, FollowUpCloseForm, GradeForm, UnitScoreForm, UploadForm
from ..models import AnnualResult, FollowUp, FollowUpStatus, Grade, PeriodState, UnitAnnualScore
from ..services import annual
from .common import download


def _year(request: HttpRequest, default: int | None = None) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or default or this_year)
    except ValueError:
        year = this_year
    return min(max(year, 2000), 2100)


@org_staff_required
def annual_results(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period(pk)
    if not period.is_annual:
        return redirect("evaluations:results", pk=period.pk)
    if not period.has_results:
        messages.info(request, _("%(period)s 尚未计算出结果。") % {"period": period.title})
        return redirect("evaluations:period_detail", pk=period.pk)
    form = AnnualFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = page_of(request, selectors.annual_queryset(period, filters))
    return render(
        request,
        "evaluations/annual_results.html",
        {
            "period": period,
            "filter": form,
            "page": page,
            "query": query_without_page(request),
            "counts": selectors.annual_counts(period),
            "units": Unit.objects.filter(pk__in=period.annual_results.values("unit")),
        },
    )


@org_staff_required
def annual_results_export(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period(pk)
    if not period.is_annual or not period.has_results:
        raise Http404
    form = AnnualFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return download(
        exports.annual_headers(),
        exports.annual_export_rows(period, filters),
        request.GET.get("format", "xlsx"),
        exports.annual_filename(period),
        sheet_title=_("年度考核结果"),
    )


@org_staff_required
@require_POST
def grades_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period(pk)
    unit = None
    if request.POST.get("unit"):
        unit = get_object_or_404_in(Unit.objects.all(), pk=request.POST["unit"])
    try:
        count = annual.grades_confirm(period=period, actor=request.user, unit=unit)
    except EvaluationError as error:
        show_error(error, request=request)
    else:
        messages.success(request, _("已按建议确定 %(n)s 人的等次。") % {"n": count})
    return redirect("evaluations:annual_results", pk=period.pk)


@login_required
def annual_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """How an annual score came about: staff for anyone, a cadre for their own published result."""
    result = access.get_annual_result_for_user(request.user, pk)
    staff = is_org_staff(request.user)
    form = None
    if staff and result.period and result.period.state == PeriodState.COMPUTED and not result.is_published:
        form = GradeForm(initial={"grade": result.grade or result.proposed_grade})
    return render(
        request,
        "evaluations/annual_detail.html",
        {
            "explanation": selectors.explain_annual(result),
            "staff_view": staff,
            "grade_form": form,
            "last_place_basis": selectors.last_place_basis_text(result),
        },
    )


@org_staff_required
@require_POST
def grade_set(request: HttpRequest, pk: int) -> HttpResponse:
    result = access.get_annual_result_for_user(request.user, pk)
    form = GradeForm(request.POST)
    if form.is_valid():
        try:
            change = annual.grade_set(
                result=result, grade=form.cleaned_data["grade"], reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        except EvaluationError as error:
            show_error(error, request=request)
            return redirect("evaluations:annual_detail", pk=result.pk)
        else:
            label = Grade(form.cleaned_data["grade"]).label
            if change:
                messages.success(request, _("等次已调整为“%(grade)s”，调整记录已保存。") % {"grade": label})
            else:
                messages.success(request, _("等次已确定为“%(grade)s”。") % {"grade": label})
            return redirect("evaluations:annual_detail", pk=result.pk)
    return render(
        request,
        "evaluations/annual_detail.html",
        {"explanation": selectors.explain_annual(result), "staff_view": True, "grade_form": form},
    )


@org_staff_required
def unit_scores(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    posted = request.method == "POST"
    form = UnitScoreForm(request.POST if posted and "save" in request.POST else None, prefix="one")
    upload = UploadForm(
        request.POST if posted and "upload" in request.POST else None, request.FILES or None, prefix="file"
    )
    issues = []
    if request.method == "POST" and "save" in request.POST and form.is_valid():
        annual.unit_annual_score_save(
            unit=form.cleaned_data["unit"],
            year=year,
            score=form.cleaned_data["score"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
        messages.success(request, _("已保存 %(unit)s 的年度考核得分。") % {"unit": form.cleaned_data["unit"].name})
        return redirect(f"{request.path}?year={year}")
    if request.method == "POST" and "upload" in request.POST and upload.is_valid():
        file = upload.cleaned_data["file"]
        try:
            count = annual.unit_annual_scores_import(
                content=file.read(), filename=file.name, year=year, actor=request.user
            )
        except ImportFailed as error:
            issues = error.issues
        else:
            messages.success(request, _("已导入 %(n)s 个单位的年度考核得分。") % {"n": count})
            return redirect(f"{request.path}?year={year}")
    scores = {s.unit_id: s for s in UnitAnnualScore.objects.filter(year=year).select_related("updated_by__cadre")}
    units = [(u, scores.get(u.pk)) for u in Unit.objects.filter(is_active=True)]
    return render(
        request,
        "evaluations/unit_scores.html",
        {
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
            "units": units,
            "form": form,
            "upload": upload,
            "issues": issues,
            "missing": sum(1 for _u, s in units if s is None),
        },
    )


@org_staff_required
def use_of_results(request: HttpRequest) -> HttpResponse:
    years = selectors.available_years()
    year = _year(request, default=selectors.latest_annual_results_year() or (years[0] if years else None))
    kind = request.GET.get("kind", "")
    unit_id = parse_id(request.GET.get("unit"))
    all_flags = selectors.use_of_results(year, unit_id=unit_id)
    flags = [f for f in all_flags if f.kind == kind] if kind else all_flags
    tally = dict.fromkeys(selectors.FLAG_KINDS, 0)
    for flag in all_flags:
        tally[flag.kind] += 1
    published = AnnualResult.objects.published().filter(year=year).exists()
    return render(
        request,
        "evaluations/use_of_results.html",
        {
            "year": year,
            "years": years,
            "page": page_of(request, flags),
            "query": query_without_page(request),
            "tally": [(value, label, tally[value]) for value, label in selectors.FLAG_KINDS.items()],
            "kind": kind,
            "kinds": selectors.FLAG_KINDS,
            "unit_id": unit_id,
            "units": Unit.objects.filter(pk__in=AnnualResult.objects.filter(year=year).values("unit")),
            "published": published,
            "settings": rules.settings_for(year),
            "small_unit_size": rules.settings_for(year).small_unit_size,
            "comparison": rules.settings_for(year).get_last_place_comparison_display(),
        },
    )


@org_staff_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", FollowUpStatus.OPEN)
    if status not in (*FollowUpStatus.values, "all"):
        status = FollowUpStatus.OPEN
    rows = selectors.follow_ups(status="" if status == "all" else status)
    return render(
        request,
        "evaluations/follow_ups.html",
        {"page": page_of(request, rows), "status": status, "query": query_without_page(request)},
    )


@org_staff_required
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404_in(
        FollowUp.objects.select_related("cadre", "annual_result__unit", "annual_result__rank", "closed_by"), pk=pk
    )
    form = FollowUpCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            annual.follow_up_close(follow_up=follow_up, note=form.cleaned_data["note"], actor=request.user)
        except ValidationError as error:
            form.add_error("note", error.message_dict.get("note", error.messages))
        else:
            messages.success(request, _("事项已办结。"))
            return redirect("evaluations:follow_up_detail", pk=follow_up.pk)
    history = AnnualResult.objects.filter(cadre=follow_up.cadre).select_related("unit").order_by("-year")[:5]
    return render(
        request,
        "evaluations/follow_up_detail.html",
        {
            "follow_up": follow_up,
            "form": form,
            "history": history,
            "about_self": annual.follow_up_about_self(follow_up, request.user),
        },
    )


RULES_DOCUMENT = django_settings.BASE_DIR / "docs" / "rules.md"


@login_required
def rules_document(request: HttpRequest) -> HttpResponse:
    """docs/rules.md, the rules in the product's own words, as shipped with this version."""
    return render(request, "evaluations/rules_document.html", {"text": RULES_DOCUMENT.read_text(encoding="utf-8")})


@login_required
def rules_page(request: HttpRequest) -> HttpResponse:
    """The rules in force for a year, each with an anchor that flags and explanations link to."""
    from achievements.rules import rules_table

    year = _year(request)
    settings = rules.settings_table(year)
    record_rules = rules_table(year)
    categories = [("", _("通用"))] + [(c.value, c.label) for c in UnitCategory]
    return render(
        request,
        "evaluations/rules.html",
        {
            "year": year,
            "columns": [
                (label, settings[value], record_rules.get(value) or record_rules[""]) for value, label in categories
            ],
            "default": settings[""],
        },
    )
