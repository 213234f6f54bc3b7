"""The unit dossier zip, built by a real Celery worker on Redis, with progress and a download."""

import csv
import io
import os
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from achievements import services
from achievements.models import DailyLog, DossierExport, ExportedDocument
from achievements.pdf import verify_export
from core.models import JobStatus
from evaluations.models import AnnualResult, Grade

from .factories import CHINESE_LOG
from .support import pdf_text, today
from .test_worker import wait_for

pytestmark = [pytest.mark.worker]


def test_unit_zip_is_built_by_the_worker_with_progress_and_download(celery_worker, client, personas, tmp_path):
    DailyLog.objects.create(author=personas.colleague, unit=personas.unit, day=today(), text=CHINESE_LOG)
    colleague = personas.colleague
    AnnualResult.objects.create(
        cadre=colleague,
        year=today().year - 1,
        unit=colleague.unit,
        unit_category=colleague.unit.category,
        role=colleague.role,
        rank=colleague.rank,
        annual_score="88.25",
        grade=Grade.COMPETENT,
        is_published=True,
    )
    client.force_login(personas.org_staff.user)
    year = today().year
    response = client.post(
        reverse("achievements:exports"), {"unit": personas.unit.pk, "year_from": year - 1, "year_to": year}
    )
    job = DossierExport.objects.get()
    assert response["Location"] == reverse("achievements:export_status", args=[job.pk])
    assert job.progress_total == 4  # 张干部, 李同事, 王主任, 赵副主任

    finished = wait_for(lambda: DossierExport.objects.filter(pk=job.pk, finished_at__isnull=False).first(), timeout=240)
    assert finished.status == JobStatus.SUCCEEDED, finished.error
    assert (finished.progress_done, finished.progress_total) == (4, 4)

    partial = client.get(reverse("achievements:export_status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="export-download"' in partial and "<html" not in partial and "hx-get" not in partial

    download = client.get(reverse("achievements:export_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert "%E5%8C%BA%E6%95%99%E5%B8%88" in download["Content-Disposition"]  # 区教师…, percent-encoded
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert len([n for n in names if n.endswith(".pdf")]) == 4 and "清单.csv" in names
    manifest = list(csv.reader(io.StringIO(archive.read("清单.csv").decode("utf-8-sig"))))
    assert manifest[0] == ["编号", "姓名", "文件", "验证码", "SHA-256"] and len(manifest) == 5
    colleague_row = next(row for row in manifest if row[1] == "李同事")
    pdf = archive.read(colleague_row[2])
    document, unaltered = verify_export(code=colleague_row[3], content=pdf)
    assert unaltered and document.created_by == personas.org_staff.user
    text = pdf_text(pdf, tmp_path)
    # Built for org staff, the zip keeps the evaluation results a unit leader does not see.
    assert CHINESE_LOG in text and "考核结果（已公布）" in text and "88.25" in text
    assert ExportedDocument.objects.filter(kind="dossier").count() == 4

    client.force_login(personas.leader.user)
    assert client.get(reverse("achievements:export_download", args=[job.pk])).status_code == 403


def test_status_page_polls_while_the_job_runs(client, personas, transactional_db):
    job = DossierExport.objects.create(
        unit=personas.unit, year_from=2026, year_to=2026, progress_total=4, progress_done=1, status="running"
    )
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("achievements:export_status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "已完成 1 / 4 人" in page and 'value="1"' in page
    assert 'id="export-status"' in page and 'data-status="running"' in page and "data-job-status>进行中</span>" in page
    assert "区教师发展中心 2026</h1>" in page and "2026–2026" not in page  # one year is named once


def test_old_zips_are_deleted_by_the_nightly_job(client, personas, transactional_db, settings):
    services.ensure_schedules()  # transactional tests flush what the migration created
    assert (
        PeriodicTask.objects.get(name="achievements.purge-old-exports").task == "achievements.tasks.purge_old_exports"
    )
    now = timezone.now()
    old = DossierExport.objects.create(unit=personas.unit, year_from=2026, year_to=2026, status="succeeded")
    old.file.save("old.zip", ContentFile(b"PK\x03\x04"), save=False)
    old.finished_at = now - timedelta(days=settings.DOSSIER_EXPORT_KEEP_DAYS + 1)
    old.save()
    fresh = DossierExport.objects.create(unit=personas.unit, year_from=2026, year_to=2026, status="succeeded")
    fresh.file.save("fresh.zip", ContentFile(b"PK\x03\x04"), save=False)
    fresh.finished_at = now
    fresh.save()
    path = old.file.path
    assert services.exports_purge(now=now) == 1
    old.refresh_from_db()
    assert old.status == JobStatus.SUCCEEDED and old.expired_at == now and not old.file
    assert not os.path.exists(path) and DossierExport.objects.get(pk=fresh.pk).file
    client.force_login(personas.org_staff.user)
    assert client.get(reverse("achievements:export_download", args=[old.pk])).status_code == 404
    assert "已超过保留期限" in client.get(reverse("achievements:export_status", args=[old.pk])).content.decode()


def test_a_crashed_export_fails_with_a_chinese_error_on_the_card(client, personas, monkeypatch, transactional_db):
    from achievements.services import dossiers

    def broken(**kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(dossiers, "dossier_render", broken)
    job = DossierExport.objects.create(unit=personas.unit, year_from=2026, year_to=2026, progress_total=4)
    with pytest.raises(RuntimeError):
        services.export_run(export_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at and job.attempts == 1 and not job.file
    assert job.error.startswith("后台任务出错（RuntimeError），没有做任何更改。") and "磁盘已满" in job.error
    client.force_login(personas.org_staff.user)
    card = client.get(reverse("achievements:export_status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="failed"' in card and "hx-get" not in card and "data-job-status>失败</span>" in card
    assert "导出失败" in card and "后台任务出错（RuntimeError）" in card and "磁盘已满" in card
    assert client.get(reverse("achievements:export_download", args=[job.pk])).status_code == 404
