from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops import backup


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL 用 pg_dump -Fc，SQLite 用其在线备份接口）和上传文件，并另存测评密钥。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", default=settings.BACKUP_DIR, help="where backup sets go (BACKUP_DIR)")
        parser.add_argument(
            "--keys-dir",
            default=settings.BACKUP_KEYS_DIR or None,
            help="where the ballot keys go (BACKUP_KEYS_DIR); must not be inside --output",
        )

    def handle(self, *args, output: str, keys_dir: str | None, **options) -> None:
        try:
            result = backup.backup_create(directory=Path(output), keys_dir=Path(keys_dir) if keys_dir else None)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        tables = len(result.manifest["row_counts"])
        rows = sum(result.manifest["row_counts"].values())
        files = len(result.manifest["media_files"])
        self.stdout.write(f"backup: {result.path} ({tables} tables, {rows} rows, {files} files)")
        if result.keys_file:
            self.stdout.write(f"ballot keys: {result.keys_file} (keep apart from the backups)")
        else:
            self.stderr.write("ballot keys NOT saved: set BACKUP_KEYS_DIR or --keys-dir (kept apart from backups)")
