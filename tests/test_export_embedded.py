"""Without a broker (the embedded default, Celery eager) the unit export still goes at once to the
progress page, which advances while the zip is built in the background."""

import threading

import pytest
from django.urls import reverse

from achievements.models import DossierExport
from achievements.services import dossiers
from core.models import JobStatus

from .support import today
from .test_worker import wait_for


@pytest.fixture
def gated_render(monkeypatch):
    """Each cadre's PDF waits for a permit from the test, so the test sees every state of the job."""
    permits = threading.Semaphore(0)
    render = dossiers.dossier_render

    def gated(**kwargs):
        assert permits.acquire(timeout=60), "the test never let this dossier be rendered"
        return render(**kwargs)

    monkeypatch.setattr(dossiers, "dossier_render", gated)
    return permits


def status_partial(client, job) -> str:
    return client.get(reverse("achievements:export_status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()


def test_embedded_export_redirects_before_the_zip_is_built_and_the_progress_page_advances(
    client, personas, transactional_db, gated_render
):
    from config.celery import app

    assert app.conf.task_always_eager  # as in the embedded default without a broker
    client.force_login(personas.org_staff.user)
    year = today().year
    response = client.post(
        reverse("achievements:exports"), {"unit": personas.unit.pk, "year_from": year, "year_to": year}
    )

    job = DossierExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("achievements:export_status", args=[job.pk])
    # The request has returned while no dossier could be rendered yet: the zip is not built in it.
    assert job.finished_at is None and job.progress_done == 0 and not job.file
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and "已完成 0 / 4 人" in page

    gated_render.release()
    wait_for(lambda: DossierExport.objects.filter(pk=job.pk, progress_done=1).first(), timeout=60)
    assert "已完成 1 / 4 人" in status_partial(client, job)

    for _ in range(3):
        gated_render.release()
    finished = wait_for(lambda: DossierExport.objects.filter(pk=job.pk, finished_at__isnull=False).first(), timeout=120)
    assert finished.status == JobStatus.SUCCEEDED, finished.error
    final = status_partial(client, job)
    assert 'id="export-download"' in final and "hx-get" not in final
    download = client.get(reverse("achievements:export_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
