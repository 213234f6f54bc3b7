"""The archive page, PDF dossiers, the unit zip export and the public verification page."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_ratelimit.decorators import ratelimit

from cadres.access import cadre_of, cadre_required, is_org_staff, org_staff_required
from core.errors import show_error
from core.jobs import job_progress
from core.models import JobStatus
from core.paging import page_of
from ops import outbox

from .. import access, rules, selectors, services
from ..errors import RecordError
from ..forms import UnitExportForm, VerifyExportForm, YearRangeForm
from ..models import DossierExport
from ..pdf import verify_export
from ..services.dossiers import dossier_filename, export_download_name
from ..tasks import build_unit_export
from ._common import parse_int, this_year


def attachment_disposition(filename: str) -> str:
    """Content-Disposition with an ASCII fallback and the real (Chinese) name per RFC 6266."""
    fallback = filename.encode("ascii", "ignore").decode() or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


@cadre_required
def my_archive(request: HttpRequest) -> HttpResponse:
    return redirect("achievements:cadre_archive", pk=cadre_of(request.user).pk, year=this_year())


@login_required
def cadre_archive(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    cadre = access.get_archive_cadre(request.user, pk)
    today = rules.today_in_shanghai()
    if year > today.year or year < 2000:
        return redirect("achievements:cadre_archive", pk=pk, year=today.year)
    show_results = access.can_see_results(request.user, cadre)
    years = selectors.archive_years(cadre, today, with_results=show_results)
    record = selectors.year_record(cadre=cadre, year=year, with_results=show_results, actor=request.user)
    # The dossier covers up to three years ending with the year on the page, from the first year on record.
    year_from = min(year, max(year - 2, min(years)))
    return render(
        request,
        "achievements/archive.html",
        {
            "cadre": cadre,
            "record": record,
            "year": year,
            "years": years,
            "dossier_form": YearRangeForm(initial={"year_from": year_from, "year_to": year}),
            "is_staff_view": is_org_staff(request.user),
        },
    )


@login_required
def dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = access.get_archive_cadre(request.user, pk)
    form = YearRangeForm(request.GET)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("achievements:cadre_archive", pk=pk, year=this_year())
    year_from, year_to = form.cleaned_data["year_from"], form.cleaned_data["year_to"]
    try:
        pdf = services.dossier_render(cadre=cadre, year_from=year_from, year_to=year_to, actor=request.user)
    except RecordError as error:
        show_error(error, request=request)
        return redirect("achievements:cadre_archive", pk=pk, year=this_year())
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = attachment_disposition(dossier_filename(cadre, year_from, year_to))
    response["X-Verification-Code"] = pdf.code
    response["X-Content-SHA256"] = pdf.sha256
    response["Cache-Control"] = "private, no-store"
    return response


# --- Unit export (org staff) ----------------------------------------------------------------------


@org_staff_required
def export_list(request: HttpRequest) -> HttpResponse:
    current = this_year()
    form = UnitExportForm(
        request.POST or None,
        initial={"unit": parse_int(request.GET.get("unit")), "year_from": current - 2, "year_to": current},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.export_start(
                unit=data["unit"], year_from=data["year_from"], year_to=data["year_to"], actor=request.user
            )
        except RecordError as error:
            show_error(error, form=form)
        else:
            return redirect("achievements:export_status", pk=job.pk)
    jobs = DossierExport.objects.select_related("unit", "requested_by")
    return render(request, "achievements/exports.html", {"form": form, "page": page_of(request, jobs, 20)})


@org_staff_required
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.get_export_for_user(request.user, pk)
    if job.status == JobStatus.RUNNING and services.exports_fail_stale():
        job.refresh_from_db()
    waiting = job.status == JobStatus.QUEUED and outbox.is_pending(build_unit_export, job.pk)
    template = "achievements/_export_status.html" if request.htmx else "achievements/export_status.html"
    return render(request, template, {"job": job, "progress": job_progress(job), "waiting_for_broker": waiting})


@org_staff_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = access.get_export_for_user(request.user, pk)
    if job.status != JobStatus.SUCCEEDED or not job.file:
        raise Http404  # only a finished zip is ever offered
    response = FileResponse(job.file.open("rb"), content_type="application/zip")
    response["Content-Disposition"] = attachment_disposition(export_download_name(job))
    response["Cache-Control"] = "private, no-store"
    return response


# --- Public verification ----------------------------------------------------------------------------


@ratelimit(key="ip", rate="20/m", method="POST", block=False)
def verify_page(request: HttpRequest) -> HttpResponse:
    """Anyone (no login) checks whether a PDF is an unaltered export of this system."""
    result = None
    form = VerifyExportForm(request.POST or None, request.FILES or None, initial={"code": request.GET.get("code", "")})
    limited = getattr(request, "limited", False)
    if request.method == "POST" and not limited and form.is_valid():
        upload = form.cleaned_data["file"]
        document, unaltered = verify_export(code=form.cleaned_data["code"], content=upload.read())
        result = {"document": document, "unaltered": unaltered, "filename": upload.name}
    status = 429 if limited and request.method == "POST" else 200
    return render(
        request, "achievements/verify.html", {"form": form, "result": result, "limited": limited}, status=status
    )
