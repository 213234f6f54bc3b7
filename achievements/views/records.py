"""Achievement records: the author's list and form, evidence files, org-staff verification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.access import cadre_of, cadre_required, is_org_staff, org_staff_required
from cadres.models import Unit
from core.errors import show_error
from core.paging import page_of

from .. import access, selectors, services
from ..errors import RecordError
from ..forms import (
    AchievementForm,
    AttachmentForm,
    FigureFormSet,
    ParticipantFormSet,
    VerifyForm,
)
from ..models import AchievementCategory, VerificationStatus
from ._common import parse_int


@cadre_required
def my_records(request: HttpRequest) -> HttpResponse:
    cadre = cadre_of(request.user)
    items = selectors.cadre_achievements(cadre=cadre)
    return render(request, "achievements/records.html", {"items": items, "cadre": cadre})


def _record_form_page(request: HttpRequest, achievement: object | None) -> HttpResponse:
    cadre = cadre_of(request.user)
    if achievement is not None:
        initial = {
            "title": achievement.title,
            "date": achievement.date,
            "category": achievement.category_id,
            "description": achievement.description,
        }
        figures_initial = [{"label": f.label, "value": f.value, "unit": f.unit} for f in achievement.figures.all()]
        participants_initial = [
            {"cadre_code": f"{p.cadre.name}（{p.cadre.code}）", "role": p.role, "share": p.share}
            for p in achievement.participants.select_related("cadre")
        ]
    else:
        initial, figures_initial = {}, []
        participants_initial = [{"cadre_code": f"{cadre.name}（{cadre.code}）", "share": "100"}]
    data = request.POST or None
    form = AchievementForm(data, initial=initial)
    figures = FigureFormSet(data, prefix="figures", initial=figures_initial)
    participants = ParticipantFormSet(data, prefix="participants", initial=participants_initial)
    if request.method == "POST" and form.is_valid() and figures.is_valid() and participants.is_valid():
        try:
            saved = services.achievement_save(
                author=cadre,
                achievement=achievement,
                figures=figures.figures(),
                participants=participants.participants(),
                **form.cleaned_data,
            )
        except RecordError as error:
            show_error(error, form=form)
        else:
            if achievement is not None and achievement.verification_status != VerificationStatus.PENDING:
                messages.info(request, _("实绩已修改，需由考核办重新核实。"))
            else:
                messages.success(request, _("已保存实绩「%(title)s」。") % {"title": saved.title})
            return redirect("achievements:record_detail", pk=saved.pk)
    return render(
        request,
        "achievements/record_form.html",
        {"form": form, "figures": figures, "participants": participants, "achievement": achievement},
    )


@cadre_required
def record_new(request: HttpRequest) -> HttpResponse:
    return _record_form_page(request, None)


@cadre_required
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_form_page(request, access.get_own_achievement(request.user, pk))


@login_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    achievement = selectors.achievement_detail(access.get_achievement_for_user(request.user, pk))
    staff = is_org_staff(request.user)
    may_verify = staff and access.may_verify(request.user, achievement)
    return render(
        request,
        "achievements/record_detail.html",
        {
            "item": achievement,
            "can_edit": access.may_edit_achievement(request.user, achievement),
            "attachment_form": AttachmentForm(),
            "verify_form": VerifyForm(
                initial={
                    "verification_status": achievement.verification_status,
                    "verification_note": achievement.verification_note,
                }
            )
            if may_verify
            else None,
            "verify_blocked": staff and not may_verify,
            "share_total": sum(p.share for p in achievement.participants.all()),
        },
    )


@cadre_required
@require_POST
def record_delete(request: HttpRequest, pk: int) -> HttpResponse:
    achievement = access.get_own_achievement(request.user, pk)
    try:
        services.achievement_delete(achievement=achievement, author=cadre_of(request.user))
    except RecordError as error:
        show_error(error, request=request)
        return redirect("achievements:record_detail", pk=pk)
    messages.success(request, _("已删除实绩「%(title)s」。") % {"title": achievement.title})
    return redirect("achievements:my_records")


# --- Evidence ---------------------------------------------------------------------------------------


@cadre_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    achievement = access.get_own_achievement(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                achievement=achievement,
                upload=form.cleaned_data["file"],
                author=cadre_of(request.user),
                actor=request.user,
            )
        except RecordError as error:
            show_error(error, request=request)
        else:
            messages.success(request, _("已上传「%(name)s」。") % {"name": attachment.original_name})
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("achievements:record_detail", pk=pk)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = access.get_attachment_for_user(request.user, pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@cadre_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = access.get_attachment_for_user(request.user, pk)
    achievement = access.get_own_achievement(request.user, attachment.achievement_id)
    try:
        services.attachment_delete(attachment=attachment, author=cadre_of(request.user))
    except RecordError as error:
        show_error(error, request=request)
    else:
        messages.success(request, _("已删除「%(name)s」。") % {"name": attachment.original_name})
    return redirect("achievements:record_detail", pk=achievement.pk)


@login_required
def participant_lookup(request: HttpRequest) -> JsonResponse:
    """Name/code suggestions: participants for cadres; with scope=leave, whom the user may mark leave for."""
    if request.GET.get("scope") == "leave":
        allowed, scope = access.may_mark_leave(request.user), access.leave_cadres_for(request.user)
    else:
        allowed, scope = cadre_of(request.user) is not None, None
    if not allowed:
        return JsonResponse({"results": []}, status=403)
    return JsonResponse({"results": selectors.participant_suggestions(request.GET.get("q", "")[:50], scope=scope)})


# --- Verification (org staff) -------------------------------------------------------------------------


@org_staff_required
def verification_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", VerificationStatus.PENDING)
    if status not in VerificationStatus.values and status != "all":
        status = VerificationStatus.PENDING
    items = selectors.verification_queue(
        status="" if status == "all" else status,
        unit_id=parse_int(request.GET.get("unit")),
        category_id=parse_int(request.GET.get("category")),
        year=parse_int(request.GET.get("year"), low=2000, high=2100),
        q=request.GET.get("q", "").strip()[:50],
    )
    page = page_of(request, items, 30)
    return render(
        request,
        "achievements/verification.html",
        {
            "page": page,
            "involved": access.involved_ids(request.user, [item.pk for item in page.object_list]),
            "status": status,
            "statuses": VerificationStatus.choices,
            "units": Unit.objects.filter(is_active=True),
            "categories": AchievementCategory.objects.all(),
            "unit_id": parse_int(request.GET.get("unit")),
            "category_id": parse_int(request.GET.get("category")),
            "year": request.GET.get("year", ""),
            "q": request.GET.get("q", ""),
        },
    )


@org_staff_required
@require_POST
def record_verify(request: HttpRequest, pk: int) -> HttpResponse:
    achievement = access.get_achievement_for_user(request.user, pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.achievement_verify(
                achievement=achievement,
                status=form.cleaned_data["verification_status"],
                note=form.cleaned_data["verification_note"],
                actor=request.user,
            )
        except RecordError as error:
            show_error(error, request=request)
        else:
            messages.success(
                request,
                _("已将「%(title)s」标记为%(status)s。")
                % {
                    "title": achievement.title,
                    "status": VerificationStatus(form.cleaned_data["verification_status"]).label,
                },
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    next_url = request.POST.get("next", "")
    if next_url.startswith("/achievements/verification/"):
        return redirect(next_url)
    return redirect("achievements:record_detail", pk=pk)
