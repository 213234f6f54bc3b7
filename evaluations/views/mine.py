"""A cadre's own results: scores, ranks, trend and how each number was computed."""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cadres.access import cadre_of, cadre_required

from .. import access, rules, selectors


@cadre_required
def my_results(request: HttpRequest) -> HttpResponse:
    cadre = cadre_of(request.user)
    quarterly = selectors.my_quarterly_results(cadre)
    scale = rules.settings_for(quarterly[-1].period.year if quarterly else timezone.localdate().year)
    return render(
        request,
        "evaluations/my_results.html",
        {
            "quarterly": list(reversed(quarterly)),
            "annual": list(reversed(selectors.my_annual_results(cadre))),
            "trend": {
                "labels": [r.period.code for r in quarterly],
                "scores": [float(r.score) if r.score is not None else None for r in quarterly],
                "unit_ranks": [r.rank_in_unit for r in quarterly],
                # The y axis spans the rating scale (settings), extended down for deductions.
                "min": math.floor(min([scale.score_min, *(r.score for r in quarterly if r.score is not None)])),
                "max": scale.score_max,
            },
        },
    )


@cadre_required
def my_result_detail(request: HttpRequest, period_pk: int) -> HttpResponse:
    result = access.get_own_quarterly_result(request.user, period_pk)
    return render(
        request,
        "evaluations/explanation.html",
        {"explanation": selectors.explain_quarterly(result), "staff_view": False, "period": result.period},
    )
