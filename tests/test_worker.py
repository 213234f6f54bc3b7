"""Background jobs on a real Celery worker over Redis (not eager mode)."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres.models import Cadre, RosterImport
from core.models import JobStatus

from .roster_files import row, valid_rows, xlsx

pytestmark = [pytest.mark.worker]


def wait_for(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")


def test_roster_upload_is_imported_by_the_worker(celery_worker, client, personas):
    client.force_login(personas.org_staff.user)
    response = client.post(
        reverse("cadres:roster_import"), {"file": SimpleUploadedFile("roster.xlsx", xlsx(valid_rows()))}
    )
    job = RosterImport.objects.get()
    assert response["Location"] == reverse("cadres:roster_import_status", args=[job.pk])

    finished = wait_for(lambda: RosterImport.objects.filter(pk=job.pk, finished_at__isnull=False).first())
    assert finished.status == JobStatus.SUCCEEDED
    assert finished.created_count == 5
    assert Cadre.objects.filter(code__in=["FG001", "QS001"]).count() == 2

    partial = client.get(reverse("cadres:roster_import_status", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "导入成功" in partial.content.decode() and "<html" not in partial.content.decode()


def test_bad_roster_fails_in_the_worker_and_reports_rows(celery_worker, client, personas):
    client.force_login(personas.org_staff.user)
    client.post(
        reverse("cadres:roster_import"),
        {"file": SimpleUploadedFile("bad.xlsx", xlsx([row("W1", birth="1980-02-31")]))},
    )
    job = wait_for(lambda: RosterImport.objects.filter(finished_at__isnull=False).first())
    assert job.status == JobStatus.FAILED
    assert [(e["line"], e["column"]) for e in job.errors] == [(2, "出生日期")]
