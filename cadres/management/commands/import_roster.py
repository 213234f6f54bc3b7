from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cadres.roster import RosterFileError
from cadres.services import roster_import


class Command(BaseCommand):
    help = "导入花名册（.xlsx 或 .csv）。有任何错误行则整个文件不导入，并列出每一行的错误。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            summary = roster_import(content=file.read_bytes(), filename=file.name, actor=None)
        except RosterFileError as error:
            for issue in error.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"未导入：发现 {len(error.issues)} 处错误，没有写入任何数据。") from None
        if summary.title_lines:
            lines = "、".join(str(line) for line in summary.title_lines)
            self.stdout.write(f"表头上方的标题行（第 {lines} 行）已跳过。")
        self.stdout.write(
            self.style.SUCCESS(
                f"导入成功：共 {summary.total_rows} 行，新增 {summary.created}，更新 {summary.updated}，"
                f"未变化 {summary.unchanged}，新建单位 {summary.units_created}。"
            )
        )
