"""PDF dossiers (实绩档案) for one cadre, and the zip of a whole unit built in the background."""

from __future__ import annotations

import csv
import io
import logging
import re
import tempfile
import zipfile
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cadres.background import enqueue_after_commit
from cadres.models import Cadre, Unit, User
from core.jobs import Progress, job_run
from core.models import JobStatus

from .. import access, rules
from ..errors import RecordLocked
from ..models import DossierExport, year_span
from ..pdf import VerifiedPdf, render_verified_pdf

logger = logging.getLogger(__name__)

# A dossier covers at most this many years: enough for 任前 reviews (three years) with room to spare.
MAX_YEARS = 10
DOSSIER_KIND = "dossier"


def check_years(year_from: int, year_to: int, *, now: datetime | None = None) -> None:
    this_year = rules.today_in_shanghai(now).year
    if year_from > year_to:
        raise RecordLocked(reason=_("起始年度不能晚于截止年度。"), field="year_from")
    if year_to > this_year:
        raise RecordLocked(reason=_("截止年度不能晚于今年。"), field="year_to")
    if year_to - year_from + 1 > MAX_YEARS:
        raise RecordLocked(reason=_("一次最多导出 %(years)s 个年度。") % {"years": MAX_YEARS}, field="year_from")


def dossier_title(cadre: Cadre, year_from: int, year_to: int) -> str:
    return _("%(name)s %(years)s 年度实绩档案") % {"name": cadre.name, "years": year_span(year_from, year_to)}


def dossier_render(
    *, cadre: Cadre, year_from: int, year_to: int, actor: User | None, now: datetime | None = None
) -> VerifiedPdf:
    """Render and register one cadre's dossier: cover, one section per year, page numbers.

    Evaluation results are in it only when `actor` may see them (the unit zip is built for org staff).
    """
    from ..selectors import year_record

    now = now or timezone.now()
    check_years(year_from, year_to, now=now)
    cadre = Cadre.objects.select_related("unit", "rank").get(pk=cadre.pk)
    show_results = actor is not None and access.can_see_results(actor, cadre)
    years = [
        year_record(cadre=cadre, year=y, with_results=show_results, actor=actor, now=now)
        for y in range(year_to, year_from - 1, -1)
    ]
    title = dossier_title(cadre, year_from, year_to)
    return render_verified_pdf(
        template="achievements/pdf/dossier.html",
        context={
            "cadre": cadre,
            "years": years,
            "show_results": show_results,
            "viewer": actor,
            "year_from": year_from,
            "year_to": year_to,
            "title": title,
            "generated_at": now,
            "site_url": settings.SITE_URL.rstrip("/"),
            "verify_url": f"{settings.SITE_URL.rstrip('/')}/achievements/verify/",
        },
        kind=DOSSIER_KIND,
        title=title,
        actor=actor,
    )


def dossier_filename(cadre: Cadre, year_from: int, year_to: int) -> str:
    # Names become file names inside the zip and in Content-Disposition: keep them plain.
    safe = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", f"{cadre.code}-{cadre.name}")
    return f"{safe}-{year_span(year_from, year_to, '-')}.pdf"


# --- Whole-unit export -------------------------------------------------------------------------------


@transaction.atomic
def export_start(
    *, unit: Unit, year_from: int, year_to: int, actor: User, now: datetime | None = None
) -> DossierExport:
    from ..tasks import build_unit_export

    check_years(year_from, year_to, now=now)
    job = DossierExport.objects.create(
        unit=unit,
        year_from=year_from,
        year_to=year_to,
        requested_by=actor,
        progress_total=unit.cadres.filter(is_active=True).count(),
    )
    enqueue_after_commit(build_unit_export, job.pk)
    return job


def export_run(*, export_id: int) -> DossierExport:
    """Build the zip (core.jobs): one verified PDF per active cadre of the unit and a manifest of codes and hashes."""

    def work(job: DossierExport, progress: Progress) -> str:
        cadres = list(
            Cadre.objects.filter(unit=job.unit, is_active=True).select_related("unit", "rank").order_by("code")
        )
        # A redelivered job (its worker was killed) starts again from the first cadre: the zip is
        # written to a temporary file and becomes the job's file only once it is complete. Each PDF
        # is committed as it is added (no transaction spans the job), so the row shows the progress
        # and its heartbeat.
        rows = DossierExport.objects.filter(pk=job.pk, status=JobStatus.RUNNING)
        rows.update(progress_total=len(cadres), progress_done=0, heartbeat_at=timezone.now())
        progress(0, len(cadres), "")
        with tempfile.TemporaryFile() as buffer:
            manifest = io.StringIO()
            writer = csv.writer(manifest)
            writer.writerow([_("编号"), _("姓名"), _("文件"), _("验证码"), "SHA-256"])
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for done, cadre in enumerate(cadres, start=1):
                    pdf = dossier_render(
                        cadre=cadre, year_from=job.year_from, year_to=job.year_to, actor=job.requested_by
                    )
                    name = dossier_filename(cadre, job.year_from, job.year_to)
                    archive.writestr(name, pdf.content)
                    writer.writerow([cadre.code, cadre.name, name, pdf.code, pdf.sha256])
                    rows.update(progress_done=done, heartbeat_at=timezone.now())
                    progress(done, len(cadres), cadre.name)
                archive.writestr(_("清单.csv"), "\ufeff" + manifest.getvalue())
            buffer.seek(0)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            job.file.save(f"unit-{job.unit_id}-{job.year_from}-{job.year_to}-{stamp}.zip", File(buffer), save=False)
        DossierExport.objects.filter(pk=job.pk).update(file=job.file.name, size=job.file.size)
        return _("已生成 %(n)s 份档案。") % {"n": len(cadres)}

    return job_run(DossierExport, export_id, work)


EXPORT_STALE_AFTER = timedelta(minutes=10)
INTERRUPTED_MESSAGE = gettext_noop("生成过程中后台进程中断，导出未完成，未生成文件。请重新导出。")


def exports_fail_stale(*, now: datetime | None = None, stale_after: timedelta = EXPORT_STALE_AFTER) -> int:
    """Mark running exports whose worker stopped reporting as failed, visibly; drop any partial file.

    A killed worker's job is redelivered by the broker when it can be (acks_late), and then starts
    again; one that nobody picks up must not show 进行中 for ever.
    """
    now = now or timezone.now()
    stale = DossierExport.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=now - stale_after)
    failed = 0
    for job in stale:
        if job.file:
            job.file.delete(save=False)
        updated = DossierExport.objects.filter(
            pk=job.pk, status=JobStatus.RUNNING, heartbeat_at__lt=now - stale_after
        ).update(status=JobStatus.FAILED, error=INTERRUPTED_MESSAGE, finished_at=now, file="", size=0)
        failed += updated
    return failed


def exports_purge(*, now: datetime | None = None, keep_days: int | None = None) -> int:
    """Delete zips older than the retention period: they hold personal records of a whole unit."""
    now = now or timezone.now()
    keep_days = keep_days if keep_days is not None else settings.DOSSIER_EXPORT_KEEP_DAYS
    purged = 0
    old = DossierExport.objects.filter(
        status=JobStatus.SUCCEEDED, expired_at__isnull=True, finished_at__lt=now - timedelta(days=keep_days)
    )
    for job in old:
        job.file.delete(save=False)
        job.expired_at = now
        job.size = 0
        job.save(update_fields=["file", "expired_at", "size"])
        purged += 1
    return purged


def export_download_name(job: DossierExport) -> str:
    return _("%(unit)s-%(years)s-实绩档案.zip") % {
        "unit": job.unit.name,
        "years": year_span(job.year_from, job.year_to, "-"),
    }
