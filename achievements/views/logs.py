"""Daily logs, the unit feed, summaries, deductions and leave."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.access import cadre_of, cadre_required, get_object_or_404_in
from core.dates import format_day
from core.errors import show_error
from core.paging import page_of

from .. import access, page_cache, rules, selectors, services
from ..deductions import deduction_report
from ..errors import LogChanged, RecordError
from ..forms import DailyLogForm, FeedFilterForm, LeaveForm, SummaryForm
from ..models import SummaryKind
from ._common import YEARS, parse_day, parse_int, record_years, this_year

# --- The cadre's own log page ---------------------------------------------------------------------


@cadre_required
def my_logs(request: HttpRequest) -> HttpResponse:
    cadre = cadre_of(request.user)
    today = rules.today_in_shanghai()
    day = parse_day(request.POST.get("day") or request.GET.get("day")) or today
    composer = selectors.log_composer(cadre=cadre, day=day)
    form = DailyLogForm(
        request.POST or None,
        author=cadre,
        min_chars=composer.min_chars,
        target_chars=composer.target_chars,
        initial={"day": day, "text": composer.log.text if composer.log else "", "version": composer.version},
        # daily_log_save below makes the rules' check (in its transaction); its error goes on the form.
        check_rules=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            log = services.daily_log_save(
                author=cadre,
                day=form.cleaned_data["day"],
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
            )
        except LogChanged as error:
            show_error(error, form=form)
            # The author has now seen the stored text: saving again replaces it on purpose.
            form.data = form.data.copy()
            form.data["version"] = error.current_version
        except RecordError as error:
            show_error(error, form=form)
        else:
            messages.success(
                request,
                _("已保存 %(day)s 的工作日志（%(count)s 字）。") % {"day": format_day(log.day), "count": len(log.text)},
            )
            next_url = request.POST.get("next", "")
            if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                return redirect(next_url)
            return redirect(f"{reverse('achievements:my_logs')}?day={log.day.isoformat()}")
    month_param = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in month_param.split("-")) if month_param else (day.year, day.month)
        if year not in YEARS:
            raise ValueError(year)
        month_view = selectors.log_month(cadre=cadre, year=year, month=month)
    except ValueError:
        month_view = selectors.log_month(cadre=cadre, year=day.year, month=day.month)
    return render(
        request,
        "achievements/my_logs.html",
        {
            "cadre": cadre,
            "form": form,
            "composer": composer,
            "month": month_view,
            "open_days": selectors.open_days(cadre=cadre),
            "today": today,
        },
    )


# --- The unit feed ---------------------------------------------------------------------------------


@cadre_required
def unit_feed(request: HttpRequest) -> HttpResponse:
    cadre = cadre_of(request.user)
    today = rules.today_in_shanghai()
    unit_id = parse_int(request.GET.get("unit"), cadre.unit_id)
    readable = access.readable_unit_ids(request.user)
    if unit_id not in readable:
        raise Http404  # outside scope, like a unit that does not exist

    def build() -> str:
        return render_to_string("achievements/_feed_body.html", _feed_context(request, unit_id, today), request=request)

    # The same for every reader of the unit with the same units to pick from: rendered once per
    # unit, filters, day and language, built again after a log of the unit is written (page_cache).
    body = page_cache.feed_body(
        unit_id=unit_id, readable=readable, today=today, query=request.GET.urlencode(), build=build
    )
    return render(request, "achievements/feed.html", {"body": mark_safe(body)})  # noqa: S308


def _feed_context(request: HttpRequest, unit_id: int, today: date) -> dict:
    authors = selectors.feed_authors(unit_id=unit_id)
    author_id = parse_int(request.GET.get("author"))
    data = {
        "unit": unit_id,
        # A person picked for another unit does not apply after switching units.
        "author": author_id if author_id is not None and authors.filter(pk=author_id).exists() else "",
        "start": request.GET.get("start") or (today - timedelta(days=6)).isoformat(),
        "end": request.GET.get("end") or today.isoformat(),
    }
    form = FeedFilterForm(data)
    form.fields["unit"].queryset = access.feed_units(request.user)
    form.fields["unit"].widget.attrs["data-autosubmit"] = ""
    form.fields["author"].queryset = authors
    form.fields["author"].label_from_instance = lambda c: f"{c.name}（{c.post_title or c.get_role_display()}）"
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        author = form.cleaned_data["author"]
    else:
        start, end, author = today - timedelta(days=6), today, None
    logs = selectors.unit_feed(
        actor=request.user, unit_id=unit_id, start=start, end=end, author_id=author.pk if author else None
    )
    return {
        "form": form,
        "page": page_of(request, logs),
        "unit": form.fields["unit"].queryset.filter(pk=unit_id).first(),
        "start": start,
        "end": end,
        "posted": selectors.posted_in_unit(unit_id=unit_id),
    }


# --- Summaries ---------------------------------------------------------------------------------------


@cadre_required
def summaries(request: HttpRequest) -> HttpResponse:
    cadre = cadre_of(request.user)
    current = this_year()
    year = parse_int(request.GET.get("year"), current, low=2000, high=current)
    return render(
        request,
        "achievements/summaries.html",
        {
            "periods": selectors.summary_periods(cadre=cadre, year=year),
            "year": year,
            "years": record_years(cadre),
        },
    )


@cadre_required
def summary_edit(request: HttpRequest, year: int, quarter: int | None = None) -> HttpResponse:
    cadre = cadre_of(request.user)
    if (quarter is not None and quarter not in (1, 2, 3, 4)) or year not in YEARS:
        raise Http404
    kind = SummaryKind.QUARTERLY if quarter else SummaryKind.ANNUAL
    period = next(
        (p for p in selectors.summary_periods(cadre=cadre, year=year) if p.kind == kind and p.quarter == quarter), None
    )
    if period is None:
        raise Http404
    limits = rules.rules_for_unit(year, cadre.unit)
    minimum, target = (
        (limits.quarterly_summary_min_chars, limits.quarterly_summary_target_chars)
        if quarter
        else (limits.annual_summary_min_chars, limits.annual_summary_target_chars)
    )
    form = SummaryForm(
        request.POST or None,
        author=cadre,
        period=period,
        min_chars=minimum,
        target_chars=max(target, minimum),
        initial={"text": period.summary.text if period.summary else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.summary_save(author=cadre, kind=kind, year=year, quarter=quarter, text=form.cleaned_data["text"])
        except RecordError as error:
            show_error(error, form=form)
        else:
            messages.success(request, _("已保存%(label)s。") % {"label": period.label})
            return redirect(f"{reverse('achievements:summaries')}?year={year}")
    return render(
        request,
        "achievements/summary_form.html",
        {"form": form, "period": period, "minimum": minimum, "target": max(target, minimum)},
    )


# --- Deductions ----------------------------------------------------------------------------------------


def _deductions_page(request: HttpRequest, cadre: object, own: bool) -> HttpResponse:
    current = this_year()
    year = parse_int(request.GET.get("year"), current, low=2000, high=current)
    today = rules.today_in_shanghai()
    default_quarter = rules.quarter_of(today) if year == current else 4
    quarter_param = request.GET.get("quarter", str(default_quarter))
    quarter = None if quarter_param == "year" else parse_int(quarter_param, default_quarter, low=1, high=4)
    report = deduction_report(cadre=cadre, year=year, quarter=quarter)
    return render(
        request,
        "achievements/deductions.html",
        {
            "cadre": cadre,
            "own": own,
            "report": report,
            "year": year,
            "quarter": quarter,
            "quarters": [q for q in (1, 2, 3, 4) if rules.quarter_bounds(year, q)[0] <= today],
            "years": record_years(cadre),
        },
    )


@cadre_required
def my_deductions(request: HttpRequest) -> HttpResponse:
    return _deductions_page(request, cadre_of(request.user), own=True)


@login_required
def cadre_deductions(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = access.get_archive_cadre(request.user, pk)
    own = (me := cadre_of(request.user)) is not None and me.pk == cadre.pk
    return _deductions_page(request, cadre, own=own)


@login_required
def unit_overview(request: HttpRequest) -> HttpResponse:
    """A unit's missing logs, days still open for backfill, leave and points, for its leaders and org staff."""
    unit = access.get_overview_unit(request.user, parse_int(request.GET.get("unit")))
    current = this_year()
    year = parse_int(request.GET.get("year"), current, low=min(YEARS), high=current)
    today = rules.today_in_shanghai()
    default_quarter = rules.quarter_of(today) if year == current else 4
    quarter_param = request.GET.get("quarter", str(default_quarter))
    quarter = None if quarter_param == "year" else parse_int(quarter_param, default_quarter, low=1, high=4)
    rows = selectors.unit_overview(unit_id=unit.pk, year=year, quarter=quarter)
    return render(
        request,
        "achievements/unit_overview.html",
        {
            "unit": unit,
            "units": access.overview_units(request.user),
            "rows": rows,
            "year": year,
            "quarter": quarter,
            "quarters": [q for q in (1, 2, 3, 4) if rules.quarter_bounds(year, q)[0] <= today],
            "years": list(range(current, current - 5, -1)),
        },
    )


# --- Leave ------------------------------------------------------------------------------------------------


@login_required
def leave_list(request: HttpRequest) -> HttpResponse:
    if not access.may_mark_leave(request.user):
        raise PermissionDenied
    cadres = access.leave_cadres_for(request.user)
    initial = {}
    if (target := cadres.filter(pk=parse_int(request.GET.get("cadre"), 0)).first()) is not None:
        initial["cadre"] = f"{target.name}（{target.code}）"
    form = LeaveForm(request.POST or None, cadres=cadres, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = services.leave_mark(
                cadre=data["cadre"],
                start=data["start"],
                end=data["end"],
                kind=data["kind"],
                note=data["note"],
                actor=request.user,
            )
        except RecordError as error:
            show_error(error, form=form)
        else:
            messages.success(
                request,
                _("已登记 %(name)s %(start)s 至 %(end)s 的%(kind)s。")
                % {
                    "name": period.cadre.name,
                    "start": format_day(period.start),
                    "end": format_day(period.end),
                    "kind": period.get_kind_display(),
                },
            )
            return redirect("achievements:leave_list")
    periods = access.leave_periods_for(request.user).select_related("cadre__unit", "marked_by").order_by("-start")
    return render(
        request,
        "achievements/leave.html",
        # A leader's few cadres are suggested at once; larger scopes are looked up as one types.
        {
            "form": form,
            "page": page_of(request, periods),
            "suggestions": cadres.order_by("unit__sort_order", "code")[:200],
        },
    )


@login_required
@require_POST
def leave_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.may_mark_leave(request.user):
        raise PermissionDenied
    period = get_object_or_404_in(access.leave_periods_for(request.user).select_related("cadre"), pk=pk)
    services.leave_delete(period=period)
    messages.success(request, _("已删除 %(name)s 的这条请假/借调登记。") % {"name": period.cadre.name})
    return redirect("achievements:leave_list")
