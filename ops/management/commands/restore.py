from pathlib import Path

import environ
from django.core.management.base import BaseCommand, CommandError

from ops import backup


class Command(BaseCommand):
    help = "从备份恢复数据库和上传文件，并按备份清单核对各表行数和文件。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="a backup set made by `manage.py backup`")
        parser.add_argument(
            "--database-url",
            help="restore into this database instead of the configured one (a rehearsal), e.g. postgres://…/rehearsal",
        )
        parser.add_argument("--media-root", help="restore the files here instead of MEDIA_ROOT")
        parser.add_argument("--yes", action="store_true", help="overwrite the configured database without asking")

    def handle(self, *args, path: str, database_url: str | None, media_root: str | None, yes: bool, **options):
        database = environ.Env.db_url_config(database_url) if database_url else None
        if database is None and not yes:
            raise CommandError("this replaces the configured database and files: add --yes, or use --database-url")
        try:
            report = backup.backup_restore(
                path=Path(path), database=database, media_root=Path(media_root) if media_root else None
            )
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        for difference in report.differences:
            self.stderr.write(difference)
        if not report.keys_known:
            self.stderr.write("the backup was made under ballot keys that BALLOT_KEYS does not list: add them back")
        if report.differences:
            raise CommandError("restore finished with differences")
        self.stdout.write("restore: row counts and files match the backup")
