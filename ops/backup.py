"""Backups: the database (pg_dump -Fc, or SQLite's online backup API), the uploaded files, and a
manifest of row counts and file hashes that a restore is checked against.

The ballot keys the sealed sheets depend on are written to a *separate* directory (BACKUP_KEYS_DIR
or --keys-dir), never into the backup set itself: SECURITY.md requires the keys and the database
to be kept by different custodians.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA_ARCHIVE = "media.tar.gz"


class BackupError(Exception):
    pass


@dataclass
class BackupResult:
    path: Path
    keys_file: Path | None
    manifest: dict


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def row_counts(using: str = "default") -> dict[str, int]:
    """Rows per table of every installed model (the same list on both sides of a restore)."""
    counts = {}
    conn = connections[using]
    existing = set(conn.introspection.table_names())
    with conn.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if model._meta.managed and not model._meta.proxy and table in existing and table not in counts:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608  (table names from the models)
                counts[table] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def media_files(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): _sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args


def sqlite_backup(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database through its online backup API."""
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def backup_create(*, directory: Path, keys_dir: Path | None = None, now: datetime | None = None) -> BackupResult:
    now = now or timezone.now()
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    target = Path(directory) / f"cadreperf-{stamp}"
    target.mkdir(parents=True, exist_ok=False)
    db = settings.DATABASES["default"]
    vendor = connection.vendor
    if vendor == "postgresql":
        dump = target / PG_DUMP
        subprocess.run(  # noqa: S603  (arguments from settings, no shell)
            ["pg_dump", "-Fc", "--no-owner", "-f", str(dump), *_pg_args(db), db["NAME"]],  # noqa: S607
            env=_pg_env(db),
            check=True,
            capture_output=True,
        )
        database_file = dump
    elif vendor == "sqlite":
        database_file = target / SQLITE_FILE
        sqlite_backup(Path(db["NAME"]), database_file)
    else:
        raise BackupError(f"unsupported database: {vendor}")
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(target / MEDIA_ARCHIVE, "w:gz") as archive:
        if media_root.exists():
            archive.add(media_root, arcname="media")
    manifest = {
        "created_at": now.isoformat(),
        "database": vendor,
        "database_file": database_file.name,
        "database_sha256": _sha256(database_file),
        "media_sha256": _sha256(target / MEDIA_ARCHIVE),
        "row_counts": row_counts(),
        "media_files": media_files(media_root),
        "ballot_key_ids": [_key_id(k) for k in settings.BALLOT_KEYS],
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    keys_file = None
    if keys_dir is not None:
        keys_dir = Path(keys_dir)
        if keys_dir.resolve().is_relative_to(Path(directory).resolve()):
            raise BackupError("the keys must not be stored with the backups (SECURITY.md): choose another --keys-dir")
        keys_dir.mkdir(parents=True, exist_ok=True)
        keys_file = keys_dir / f"ballot-keys-{stamp}.txt"
        fd = os.open(keys_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(",".join(settings.BALLOT_KEYS) + "\n")
    return BackupResult(target, keys_file, manifest)


def _key_id(key: str) -> str:
    """A fingerprint that names a key without revealing it."""
    return hashlib.sha256(("cadreperf-ballot-key-id:" + key).encode()).hexdigest()[:16]


@dataclass
class RestoreReport:
    row_counts_match: bool
    files_match: bool
    differences: list[str]
    keys_known: bool


def backup_restore(
    *, path: Path, database: dict[str, Any] | None = None, media_root: Path | None = None
) -> RestoreReport:
    """Restore a backup set into `database` (default: the configured one) and `media_root`,
    then compare the restored row counts and files with the manifest."""
    path = Path(path)
    manifest = json.loads((path / MANIFEST).read_text())
    database_file = path / manifest["database_file"]
    if _sha256(database_file) != manifest["database_sha256"]:
        raise BackupError(f"{database_file} does not match its manifest hash: the backup is damaged")
    db = database or settings.DATABASES["default"]
    if manifest["database"] == "postgresql":
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", *_pg_args(db)]
        command += ["-d", db["NAME"], str(database_file)]
        subprocess.run(command, env=_pg_env(db), check=True, capture_output=True)  # noqa: S603  (no shell)
    else:
        sqlite_backup(database_file, Path(db["NAME"]))
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if media_root.exists():
        shutil.rmtree(media_root)
    media_root.mkdir(parents=True)
    with tarfile.open(path / MEDIA_ARCHIVE, "r:gz") as archive:
        for member in archive.getmembers():
            if not member.name.startswith("media/") or not (member.isfile() or member.isdir()):
                continue
            member.name = member.name[len("media/") :]
            archive.extract(member, media_root, filter="data")
    differences = []
    restored_counts = _counts_in(db, manifest["row_counts"]) if database else row_counts()
    for table, count in manifest["row_counts"].items():
        if restored_counts.get(table) != count:
            differences.append(f"{table}: {count} in the backup, {restored_counts.get(table)} restored")
    restored_files = media_files(media_root)
    for name, digest in manifest["media_files"].items():
        if restored_files.get(name) != digest:
            differences.append(f"file {name} missing or changed")
    counts_ok = not any(not d.startswith("file ") for d in differences)
    files_ok = not any(d.startswith("file ") for d in differences)
    keys_known = set(manifest["ballot_key_ids"]) <= {_key_id(k) for k in settings.BALLOT_KEYS}
    return RestoreReport(counts_ok, files_ok, differences, keys_known)


def _counts_in(db: dict[str, Any], tables: dict[str, int]) -> dict[str, int]:
    """Row counts in a database that is not Django's connection (a rehearsal target)."""
    if db["ENGINE"].endswith("sqlite3"):
        conn = sqlite3.connect(str(db["NAME"]))
        try:
            return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname=db["NAME"],
    ) as conn:
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
