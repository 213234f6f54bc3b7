"""Org staff: result tables, charts, explanations, exports and rater-quality flags."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from cadres.access import get_object_or_404_in, org_staff_required
from core.ids import parse_id
from core.paging import page_of, query_without_page

from .. import access, exports, page_cache, rules, selectors
from ..forms import ResultFilterForm
from ..models import QuarterlyResult
from .common import download


def _filters(request: HttpRequest) -> tuple[ResultFilterForm, dict]:
    form = ResultFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


def _require_results(request: HttpRequest, period) -> HttpResponse | None:
    if period.is_annual:
        return redirect("evaluations:annual_results", pk=period.pk)
    if not period.has_results:
        messages.info(request, _("%(period)s 尚未计算出结果。") % {"period": period.title})
        return redirect("evaluations:period_detail", pk=period.pk)
    return None


@org_staff_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period(pk)
    if response := _require_results(request, period):
        return response

    def build() -> str:
        form, filters = _filters(request)
        queryset = selectors.results_queryset(period, filters)
        page = page_of(request, queryset)
        settings = rules.settings_for(period.year, filters.get("category") or "")
        completion = selectors.completion_figures(period)
        context = {
            "period": period,
            "filter": form,
            "page": page,
            "rows": selectors.result_rows(period, page.object_list),
            "query": query_without_page(request),
            "distribution": selectors.results_distribution(period, filters, queryset, settings),
            "completion": completion,
            "completion_chart": [{"unit": c.unit.name, "rate": c.rate} for c in completion.units],
            "threshold": settings.display_threshold,
        }
        return render_to_string("evaluations/_results_body.html", context, request=request)

    # The same for every org staff member: rendered once per period, filters and language.
    body = page_cache.results_body(period, request.GET.urlencode(), build)
    return render(request, "evaluations/results.html", {"period": period, "body": mark_safe(body)})  # noqa: S308


PICKER_PAGE = 50


@org_staff_required
def unit_picker(request: HttpRequest) -> HttpResponse:
    """The unit tree of the result filters, loaded by htmx: one level (roots, or a unit's
    children) or a name search, PICKER_PAGE units at a time; each unit is a submit button of the
    filter form (name="unit")."""
    name = request.GET.get("unit_name", "").strip()[:100]
    parent = parse_id(request.GET.get("parent"))
    offset = min(parse_id(request.GET.get("offset")) or 0, 10**6)
    units, more = selectors.unit_picker(parent_id=parent, q=name, limit=PICKER_PAGE, offset=offset)
    return render(
        request,
        "evaluations/_unit_picker.html",
        {
            "units": units,
            "more": more,
            "name": name,
            "parent": parent,
            "next_offset": offset + PICKER_PAGE,
            "continued": offset > 0,
        },
    )


@org_staff_required
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period(pk)
    if period.is_annual or not period.has_results:
        raise Http404
    _form, filters = _filters(request)
    return download(
        exports.result_headers(),
        exports.result_export_rows(period, filters),
        request.GET.get("format", "xlsx"),
        exports.results_filename(period),
        sheet_title=_("考核结果"),
    )


@org_staff_required
def result_detail(request: HttpRequest, pk: int, cadre_pk: int) -> HttpResponse:
    period = access.get_period(pk)
    if response := _require_results(request, period):
        return response
    result = get_object_or_404_in(
        QuarterlyResult.objects.select_related("period", "cadre", "unit", "rank"), period=period, cadre_id=cadre_pk
    )
    return render(
        request,
        "evaluations/explanation.html",
        {"explanation": selectors.explain_quarterly(result), "staff_view": True, "period": period},
    )


@org_staff_required
def quality(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period(pk)
    if response := _require_results(request, period):
        return response
    flags, spreads = selectors.quality(period)
    return render(
        request,
        "evaluations/quality.html",
        {
            "period": period,
            "flags": flags,
            "spreads": spreads,
            "settings": rules.settings_for(period.year),
        },
    )
