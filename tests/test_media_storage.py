"""Uploaded and generated files on S3-compatible object storage (MEDIA_STORAGE=s3), local by default."""

from __future__ import annotations

import io
import zipfile

import boto3
import pytest
from django.urls import reverse
from moto import mock_aws

from achievements import services as achievement_services
from achievements.models import DossierExport
from core.models import JobStatus

from .support import today
from .test_settings import run_django

BUCKET = "cadreperf-media"


def test_media_storage_is_the_local_disk_unless_the_environment_says_s3():
    show = "from django.conf import settings; print(repr(settings.STORAGES['default']))"
    local = run_django(show, DEBUG="1")
    assert local.returncode == 0, local.stderr
    assert "django.core.files.storage.FileSystemStorage" in local.stdout
    s3 = run_django(
        show + "; from django.core.files.storage import default_storage as d; print(type(d._wrapped or d).__name__)"
        "; d._setup(); print(type(d._wrapped).__name__, d.bucket_name, d.endpoint_url, d.location, d.file_overwrite)",
        DEBUG="1",
        MEDIA_STORAGE="s3",
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL="http://minio.internal:9000",
        S3_ACCESS_KEY_ID="key",
        S3_SECRET_ACCESS_KEY="secret",
    )
    assert s3.returncode == 0, s3.stderr
    assert f"S3Storage {BUCKET} http://minio.internal:9000 media False" in s3.stdout
    wrong = run_django("", DEBUG="1", MEDIA_STORAGE="nfs")
    assert wrong.returncode != 0 and "MEDIA_STORAGE must be filesystem or s3" in wrong.stderr


@pytest.fixture
def s3_media(settings):
    """The S3 storage backend against an S3 API served in-process (moto), bucket private."""
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "us-east-1",
                    "location": "media",
                    "file_overwrite": False,
                    "addressing_style": "path",
                    "signature_version": "s3v4",
                },
            },
        }
        yield boto3.client("s3", region_name="us-east-1")


def test_a_unit_export_is_written_to_and_downloaded_from_the_bucket(
    client, personas, settings, s3_media, django_capture_on_commit_callbacks
):
    year = today().year
    with django_capture_on_commit_callbacks(execute=False):
        job = achievement_services.export_start(
            unit=personas.unit, year_from=year, year_to=year, actor=personas.org_staff.user
        )
    finished = achievement_services.export_run(export_id=job.pk)
    assert finished.status == JobStatus.SUCCEEDED, finished.error
    keys = [item["Key"] for item in s3_media.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"media/{finished.file.name}"] and keys[0].startswith("media/exports/")
    stored = s3_media.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read()
    assert len(stored) == DossierExport.objects.get(pk=job.pk).size
    assert not (settings.MEDIA_ROOT / "exports").exists()  # nothing on the local disk

    client.force_login(personas.org_staff.user)
    response = client.get(reverse("achievements:export_download", args=[job.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == stored
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert any(name.endswith(".pdf") for name in names)
