"""The appointment form (干部任免审批表) as PDF and .lrmx, and the .lrmx import: org staff only
(rules.md §11). Everyone else, discipline staff and the cadre themself included, gets 404."""

from __future__ import annotations

import base64
import hashlib

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadres.access import get_object_or_404_in
from cadres.models import Cadre
from core.pdf import render_pdf

from . import access
from .appointment_form import AppointmentForm, build_for_candidate, build_form, filler_name
from .lrmx import MAX_FILE_BYTES, LrmxError, apply_import, export_lrmx, parse_lrmx, preview_import
from .models import Candidate

SESSION_KEY = "lrmx_import"


def _cadre(pk: int) -> Cadre:
    return get_object_or_404_in(Cadre.objects.select_related("unit", "rank"), pk=pk)


def _candidate(request: HttpRequest, pk: int, candidate_id: int) -> Candidate:
    return access.get_inspection_candidate_for_staff(request.user, pk, candidate_id)


# The national form is a Chinese document: its cells are written in Chinese whatever the interface
# language (its labels are the form's official wording).
FORM_LANGUAGE = "zh-hans"


def _cadre_form(request: HttpRequest, cadre: Cadre) -> AppointmentForm:
    with translation.override(FORM_LANGUAGE):
        return build_form(cadre, as_of=timezone.localdate(), filler=filler_name(request.user))


def _candidate_form(request: HttpRequest, candidate: Candidate) -> AppointmentForm:
    with translation.override(FORM_LANGUAGE):
        return build_for_candidate(candidate, as_of=timezone.localdate(), filler=filler_name(request.user))


def _pdf_response(form: AppointmentForm, filename: str) -> HttpResponse:
    extra = {"photo": (form.photo, form.photo_type)} if form.photo else None
    with translation.override(FORM_LANGUAGE):
        html = render_to_string("selection/appointment_form_pdf.html", {"form": form})
    response = HttpResponse(render_pdf(html, extra_files=extra), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _lrmx_response(form: AppointmentForm, filename: str) -> HttpResponse:
    response = HttpResponse(export_lrmx(form), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@access.staff_only
def cadre_form_pdf(request: HttpRequest, cadre_id: int) -> HttpResponse:
    cadre = _cadre(cadre_id)
    return _pdf_response(_cadre_form(request, cadre), f"appointment-form-{cadre.code}.pdf")


@access.staff_only
def cadre_form_lrmx(request: HttpRequest, cadre_id: int) -> HttpResponse:
    cadre = _cadre(cadre_id)
    return _lrmx_response(_cadre_form(request, cadre), f"{cadre.code}.lrmx")


@access.staff_only
def candidate_form_pdf(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    candidate = _candidate(request, pk, candidate_id)
    return _pdf_response(_candidate_form(request, candidate), f"appointment-form-{candidate.cadre.code}.pdf")


@access.staff_only
def candidate_form_lrmx(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    candidate = _candidate(request, pk, candidate_id)
    return _lrmx_response(_candidate_form(request, candidate), f"{candidate.cadre.code}.lrmx")


# --- Import -------------------------------------------------------------------------------------------


class LrmxUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("任免审批表文件（.lrmx）"), allow_empty_file=True)


def _stamp(cadre: Cadre) -> str:
    return cadre.updated_at.isoformat()


@access.staff_only
def lrmx_import(request: HttpRequest, cadre_id: int) -> HttpResponse:
    """GET: the upload form. POST with a file: check it whole and show the preview (nothing is
    written). POST `confirm` with the preview's digest: write exactly the previewed file."""
    cadre = _cadre(cadre_id)
    context: dict = {"cadre": cadre, "max_mb": MAX_FILE_BYTES // (1024 * 1024)}
    if request.method == "POST" and "confirm" in request.POST:
        pending = request.session.get(SESSION_KEY) or {}
        if pending.get("cadre") != cadre.pk or pending.get("digest") != request.POST.get("digest"):
            messages.error(request, _("预览已失效，请重新上传文件。"))
            return redirect("selection:lrmx_import", cadre_id=cadre.pk)
        if pending.get("stamp") != _stamp(cadre):
            request.session.pop(SESSION_KEY, None)
            messages.error(request, _("预览之后该干部的档案已被修改，本次未导入。请重新上传文件并核对预览。"))
            return redirect("selection:lrmx_import", cadre_id=cadre.pk)
        person = parse_lrmx(base64.b64decode(pending["content"]))
        apply_import(cadre, person)
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            _("已从任免审批表文件「%(file)s」导入 %(name)s 的信息。") % {"file": pending["file"], "name": cadre.name},
        )
        return redirect("cadres:cadre_detail", pk=cadre.pk)

    upload = LrmxUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload.is_valid():
        uploaded = upload.cleaned_data["file"]
        data = uploaded.read(MAX_FILE_BYTES + 1)
        try:
            person = parse_lrmx(data)
        except LrmxError as error:
            context.update(upload=upload, problems=error.problems, file_name=uploaded.name)
            return render(request, "selection/appointment_form_import.html", context, status=400)
        digest = hashlib.sha256(data).hexdigest()
        request.session[SESSION_KEY] = {
            "cadre": cadre.pk,
            "digest": digest,
            "stamp": _stamp(cadre),
            "file": uploaded.name[:200],
            "content": base64.b64encode(data).decode("ascii"),
        }
        context.update(preview=preview_import(cadre, person), digest=digest, file_name=uploaded.name)
        return render(request, "selection/appointment_form_import.html", context)
    context["upload"] = upload
    return render(
        request, "selection/appointment_form_import.html", context, status=400 if request.method == "POST" else 200
    )
