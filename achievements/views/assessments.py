"""The annual self-assessment (实绩自评表): write, submit, review, post, object, file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.access import cadre_of, cadre_required, is_org_staff
from core.errors import show_error

from .. import access, rules, selectors, services
from ..errors import RecordError
from ..forms import ObjectionForm, ReturnForm, SelfAssessmentForm
from ..models import AssessmentState, SelfAssessment


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    cadre = cadre_of(request.user)
    to_review = access.assessments_to_review(request.user)
    if cadre is None and not is_org_staff(request.user):
        raise PermissionDenied
    context = {
        "mine": SelfAssessment.objects.filter(author=cadre).order_by("-year") if cadre else [],
        "to_review": to_review,
        "posted": selectors.posted_in_unit(unit_id=cadre.unit_id).exclude(author=cadre) if cadre else [],
        "can_start": cadre is not None,
        "all_recent": SelfAssessment.objects.select_related("author", "unit").exclude(state=AssessmentState.DRAFT)[:50]
        if is_org_staff(request.user)
        else None,
    }
    return render(request, "achievements/assessments.html", context)


def _form_page(request: HttpRequest, assessment: SelfAssessment | None) -> HttpResponse:
    cadre = cadre_of(request.user)
    today = rules.today_in_shanghai()
    years = [today.year, today.year - 1]
    year = assessment.year if assessment else today.year
    minimum = rules.rules_for_unit(year, cadre.unit).self_assessment_min_chars
    form = SelfAssessmentForm(request.POST or None, instance=assessment, years=years, min_chars=minimum)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.assessment_save(
                author=cadre,
                year=assessment.year if assessment else form.cleaned_data["year"],
                performance=form.cleaned_data["performance"],
                shortcomings=form.cleaned_data["shortcomings"],
                plans=form.cleaned_data["plans"],
                assessment=assessment,
            )
        except RecordError as error:
            show_error(error, form=form)
        else:
            if request.POST.get("submit") == "1":
                try:
                    services.assessment_submit(assessment=saved, actor=request.user)
                except RecordError as error:
                    show_error(error, request=request)
                    return redirect("achievements:assessment_edit", pk=saved.pk)
                messages.success(request, _("自评表已提交，等待主要领导审核。"))
            else:
                messages.success(request, _("草稿已保存。"))
            return redirect("achievements:assessment_detail", pk=saved.pk)
    return render(
        request, "achievements/assessment_form.html", {"form": form, "assessment": assessment, "minimum": minimum}
    )


@cadre_required
def assessment_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@cadre_required
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment_for_user(request.user, pk)
    if assessment.author_id != cadre_of(request.user).pk:
        raise PermissionDenied
    if not assessment.is_editable:
        messages.error(request, _("当前状态不能修改。"))
        return redirect("achievements:assessment_detail", pk=pk)
    return _form_page(request, assessment)


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment_for_user(request.user, pk)
    cadre = cadre_of(request.user)
    start, end = rules.year_bounds(assessment.year)
    objections = list(assessment.objections.select_related("author"))
    own = cadre is not None and cadre.pk == assessment.author_id
    see_names = access.may_see_objectors(request.user, assessment)
    return render(
        request,
        "achievements/assessment_detail.html",
        {
            "assessment": assessment,
            "own": own,
            "achievements": selectors.cadre_achievements(cadre=assessment.author, start=start, end=end),
            "events": assessment.events.select_related("actor", "actor__cadre"),
            "may_review": assessment.state == AssessmentState.SUBMITTED and access.may_review(request.user, assessment),
            "may_object": access.may_object(request.user, assessment),
            "objections": objections
            if (own or see_names)
            else [o for o in objections if o.author_id == getattr(cadre, "pk", None)],
            "see_names": see_names,
            "can_view_archive": access.cadres_visible_to(request.user).filter(pk=assessment.author_id).exists(),
            "return_form": ReturnForm(),
            "objection_form": ObjectionForm(),
        },
    )


@cadre_required
@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment_for_user(request.user, pk)
    try:
        services.assessment_submit(assessment=assessment, actor=request.user)
    except RecordError as error:
        show_error(error, request=request)
    else:
        messages.success(request, _("自评表已提交，等待主要领导审核。"))
    return redirect("achievements:assessment_detail", pk=pk)


@login_required
@require_POST
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment_for_user(request.user, pk)
    if not access.may_review(request.user, assessment):
        raise PermissionDenied
    try:
        if request.POST.get("decision") == "approve":
            services.assessment_approve(assessment=assessment, actor=request.user)
            messages.success(request, _("已审核通过，自评表开始在单位内公示。"))
        else:
            form = ReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("退回时请写明理由。"))
                return redirect("achievements:assessment_detail", pk=pk)
            services.assessment_return(assessment=assessment, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("已退回本人修改。"))
    except RecordError as error:
        show_error(error, request=request)
    return redirect("achievements:assessment_detail", pk=pk)


@cadre_required
@require_POST
def objection_create(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment_for_user(request.user, pk)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写异议内容。"))
        return redirect("achievements:assessment_detail", pk=pk)
    try:
        services.objection_file(assessment=assessment, author=cadre_of(request.user), text=form.cleaned_data["text"])
    except RecordError as error:
        show_error(error, request=request)
    else:
        messages.success(request, _("异议已提交，主要领导会收到通知。"))
    return redirect("achievements:assessment_detail", pk=pk)
