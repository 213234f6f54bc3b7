"""Org-staff settings of 晒实绩: the working-day calendar, the record rules, the daily reminder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.access import get_object_or_404_in, org_staff_required
from core.dates import format_day
from core.errors import show_error

from .. import rules, services
from ..errors import RecordError
from ..forms import HolidayYearForm, OverrideRangeForm, RecordRulesForm, ReminderSettingsForm
from ..models import CalendarYearConfirmation, RecordRules, ReminderSettings, WorkdayOverride
from ._common import parse_int, this_year


@dataclass
class DayRun:
    """Consecutive days that share a status and reason (春节 2月15日–2月23日)."""

    start: date
    end: date
    is_workday: bool
    label: str


def _statutory_runs(year: int) -> list[DayRun]:
    calendar = rules.WorkCalendar()  # the package alone, without overrides
    runs: list[DayRun] = []
    day = date(year, 1, 1)
    while day.year == year:
        is_workday, label = calendar.describe(day)
        if label:
            last = runs[-1] if runs else None
            if last and last.label == label and last.is_workday == is_workday and last.end + timedelta(days=1) == day:
                last.end = day
            else:
                runs.append(DayRun(day, day, is_workday, label))
        day += timedelta(days=1)
    return runs


@org_staff_required
def workdays(request: HttpRequest) -> HttpResponse:
    current = this_year()
    year = parse_int(request.GET.get("year"), current, low=2000, high=2100)
    action = request.POST.get("action", "range") if request.method == "POST" else ""
    form = OverrideRangeForm(request.POST if action == "range" else None)
    year_form = HolidayYearForm(request.POST if action == "year" else None, initial={"year": year}, auto_id="year_%s")
    if request.method == "POST" and action == "range" and form.is_valid():
        data = form.cleaned_data
        try:
            rows = services.workday_overrides_set(
                start=data["start"], end=data["end"], is_workday=data["is_workday"], note=data["note"]
            )
        except RecordError as error:
            show_error(error, form=form)
        else:
            messages.success(
                request,
                _("已将 %(start)s 至 %(end)s 共 %(count)s 天设为%(what)s。")
                % {
                    "start": format_day(data["start"]),
                    "end": format_day(data["end"]),
                    "count": len(rows),
                    "what": _("上班") if data["is_workday"] else _("放假"),
                },
            )
            return redirect(f"{request.path}?year={data['start'].year}")
    if request.method == "POST" and action == "year" and year_form.is_valid():
        data = year_form.cleaned_data
        try:
            free, work = services.calendar_year_enter(
                year=data["year"],
                holidays=data["holidays"],
                workdays=data["workdays"],
                actor=request.user,
                confirm=data["confirm"],
            )
        except RecordError as error:
            show_error(error, form=year_form)
        else:
            messages.success(
                request,
                _("已录入 %(year)s 年放假 %(free)s 天、调休上班 %(work)s 天。")
                % {"year": data["year"], "free": free, "work": work},
            )
            if data["confirm"]:
                messages.success(request, _("已确认 %(year)s 年节假日录入完整。") % {"year": data["year"]})
            return redirect(f"{request.path}?year={data['year']}")
    if request.method == "POST" and action in ("confirm", "unconfirm"):
        target = parse_int(request.POST.get("year"), year, low=2000, high=2100)
        try:
            if action == "confirm":
                services.calendar_year_confirm(year=target, actor=request.user)
                messages.success(request, _("已确认 %(year)s 年节假日录入完整。") % {"year": target})
            else:
                services.calendar_year_unconfirm(year=target)
                messages.success(request, _("已撤销 %(year)s 年的确认，该年日历重新标为待录入。") % {"year": target})
        except RecordError as error:
            show_error(error, request=request)
        return redirect(f"{request.path}?year={target}")
    return render(
        request,
        "achievements/workdays.html",
        {
            "form": form,
            "year_form": year_form,
            "year": year,
            "years": list(range(current - 2, current + 3)),
            "overrides": WorkdayOverride.objects.filter(day__year=year),
            "uncovered": rules.uncovered_years(sorted({current, current + 1, year})),
            "covered": rules.package_covers(year),
            "confirmation": CalendarYearConfirmation.objects.select_related("confirmed_by").filter(year=year).first(),
            "statutory": _statutory_runs(year) if rules.package_covers(year) else [],
        },
    )


@org_staff_required
@require_POST
def workday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    override = get_object_or_404_in(WorkdayOverride.objects.all(), pk=pk)
    services.workday_override_delete(override=override)
    messages.success(request, _("已删除 %(day)s 的调整。") % {"day": format_day(override.day)})
    return redirect(f"{reverse('achievements:workdays')}?year={override.day.year}")


@org_staff_required
def rules_list(request: HttpRequest) -> HttpResponse:
    current = this_year()
    rows = RecordRules.objects.all()
    return render(
        request,
        "achievements/rules_list.html",
        {"rows": rows, "defaults": RecordRules(year=current), "current": current},
    )


def _rules_form(request: HttpRequest, instance: RecordRules | None) -> HttpResponse:
    initial = {"year": this_year()} if instance is None else None
    form = RecordRulesForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("已保存 %(rules)s 的实绩记录规则。") % {"rules": saved})
        return redirect("achievements:rules_list")
    return render(request, "achievements/rules_form.html", {"form": form, "instance": instance})


@org_staff_required
def rules_new(request: HttpRequest) -> HttpResponse:
    return _rules_form(request, None)


@org_staff_required
def rules_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _rules_form(request, get_object_or_404_in(RecordRules.objects.all(), pk=pk))


@org_staff_required
def reminders(request: HttpRequest) -> HttpResponse:
    from django_celery_beat.models import PeriodicTask

    current = ReminderSettings.load()
    form = ReminderSettingsForm(
        request.POST or None,
        initial={
            "enabled": current.enabled,
            "send_at": current.send_at,
            "warn_window_closing": current.warn_window_closing,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.reminder_settings_save(**form.cleaned_data)
        messages.success(request, _("提醒设置已保存。"))
        return redirect("achievements:reminders")
    services.ensure_schedules()
    task = PeriodicTask.objects.filter(name=services.reminders.REMINDER_TASK).first()
    return render(request, "achievements/reminders.html", {"form": form, "task": task, "settings": current})
