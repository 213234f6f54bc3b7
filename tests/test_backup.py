"""Backup and restore: pg_dump -Fc and the files into a backup set, restored into a fresh database."""

from __future__ import annotations

import json
import sqlite3
import uuid

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from evaluations.models import QuarterlyResult
from ops import backup

from .factories import close_and_compute, make_team, open_period, submit_all


def _admin_connection():
    db = django_settings.DATABASES["default"]
    return psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True)


@pytest.fixture
def fresh_database():
    name = f"restore_{uuid.uuid4().hex[:10]}"
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    db = django_settings.DATABASES["default"]
    yield f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}", name
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_with_the_same_rows_results_and_files(
    transactional_db, settings, tmp_path, fresh_database
):
    make_team("备份镇", staff=4)
    period = open_period()
    submit_all(period, lambda rater, ratee: 80 + (ratee.pk % 7))
    close_and_compute(period)
    results = sorted(QuarterlyResult.objects.filter(period=period).values_list("cadre_id", "weighted_score"))
    assert results
    stored = default_storage.save("evidence/2026/证明材料.pdf", ContentFile(b"%PDF-1.7 evidence"))
    url, name = fresh_database

    call_command("backup", output=str(tmp_path / "backups"), keys_dir=str(tmp_path / "keys"))
    (backup_set,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((backup_set / "manifest.json").read_text())
    assert (backup_set / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert manifest["row_counts"]["evaluations_quarterlyresult"] == len(results)
    assert stored in manifest["media_files"]
    (keys_file,) = (tmp_path / "keys").iterdir()
    assert keys_file.read_text().strip() == ",".join(django_settings.BALLOT_KEYS)
    assert oct(keys_file.stat().st_mode & 0o777) == "0o600"
    assert not any(k in (backup_set / "manifest.json").read_text() for k in django_settings.BALLOT_KEYS)

    restored_media = tmp_path / "restored-media"
    call_command("restore", str(backup_set), database_url=url, media_root=str(restored_media))

    db = django_settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=name) as conn:
        restored = sorted(
            conn.execute(
                "SELECT cadre_id, weighted_score FROM evaluations_quarterlyresult WHERE period_id = %s", [period.pk]
            ).fetchall()
        )
        for table, count in manifest["row_counts"].items():
            assert conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == count, table  # noqa: S608
    assert restored == results
    assert (restored_media / stored).read_bytes() == b"%PDF-1.7 evidence"


def test_a_damaged_backup_is_refused(transactional_db, tmp_path, fresh_database):
    call_command("backup", output=str(tmp_path / "backups"))
    (backup_set,) = (tmp_path / "backups").iterdir()
    with (backup_set / "database.dump").open("ab") as handle:
        handle.write(b"x")
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(backup_set), database_url=fresh_database[0], media_root=str(tmp_path / "m"))


def test_keys_are_never_written_into_the_backup_directory(db, tmp_path):
    with pytest.raises(CommandError, match="must not be stored with the backups"):
        call_command("backup", output=str(tmp_path), keys_dir=str(tmp_path / "keys"))


def test_restore_into_the_live_database_needs_yes(db, tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path))


def test_sqlite_is_copied_through_its_backup_api_while_in_use(tmp_path):
    live = sqlite3.connect(tmp_path / "live.sqlite3")
    live.execute("CREATE TABLE t (x INTEGER)")
    live.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1000)])
    live.commit()
    live.execute("BEGIN")
    live.execute("INSERT INTO t VALUES (-1)")  # not committed: not in the backup
    backup.sqlite_backup(tmp_path / "live.sqlite3", tmp_path / "copy.sqlite3")
    live.rollback()
    live.close()
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("SELECT COUNT(*), MIN(x) FROM t").fetchone() == (1000, 0)
    copy.close()
