"""The unit export becomes a core.jobs job: the shared status values (pending → queued; expired →
succeeded with expired_at set; the others keep their values), progress fields renamed from
done/total, created_at renamed to requested_at, rows kept."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce


def forwards(apps, schema_editor):
    DossierExport = apps.get_model("achievements", "DossierExport")
    DossierExport.objects.filter(status="pending").update(status="queued")
    # The purge did not record when; the finish time (or the request) is the best that is known.
    DossierExport.objects.filter(status="expired").update(
        status="succeeded", expired_at=Coalesce(F("finished_at"), F("requested_at"))
    )


def backwards(apps, schema_editor):
    DossierExport = apps.get_model("achievements", "DossierExport")
    DossierExport.objects.filter(status="queued").update(status="pending")
    DossierExport.objects.filter(status="succeeded", expired_at__isnull=False).update(status="expired")


class Migration(migrations.Migration):
    dependencies = [
        ("achievements", "0011_merge_log_index_and_export_heartbeat"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="dossierexport", old_name="created_at", new_name="requested_at"),
        migrations.RenameField(model_name="dossierexport", old_name="done", new_name="progress_done"),
        migrations.RenameField(model_name="dossierexport", old_name="total", new_name="progress_total"),
        migrations.AlterModelOptions(
            name="dossierexport",
            options={
                "ordering": ["-requested_at", "-pk"],
                "verbose_name": "档案批量导出",
                "verbose_name_plural": "档案批量导出",
            },
        ),
        migrations.AlterField(
            model_name="dossierexport",
            name="requested_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="发起时间"),
        ),
        migrations.AlterField(
            model_name="dossierexport",
            name="progress_done",
            field=models.PositiveIntegerField(default=0, verbose_name="已完成步数"),
        ),
        migrations.AlterField(
            model_name="dossierexport",
            name="progress_total",
            field=models.PositiveIntegerField(default=0, verbose_name="总步数"),
        ),
        migrations.AddField(
            model_name="dossierexport",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="执行次数"),
        ),
        migrations.AddField(
            model_name="dossierexport",
            name="expired_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="过期删除时间"),
        ),
        migrations.AddField(
            model_name="dossierexport",
            name="progress_label",
            field=models.CharField(blank=True, max_length=200, verbose_name="当前步骤"),
        ),
        migrations.AddField(
            model_name="dossierexport",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="开始时间"),
        ),
        migrations.AlterField(
            model_name="dossierexport",
            name="error",
            field=models.TextField(blank=True, verbose_name="错误"),
        ),
        migrations.AlterField(
            model_name="dossierexport",
            name="requested_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="发起人",
            ),
        ),
        migrations.AlterField(
            model_name="dossierexport",
            name="status",
            field=models.CharField(
                choices=[("queued", "排队中"), ("running", "进行中"), ("succeeded", "已完成"), ("failed", "失败")],
                default="queued",
                max_length=20,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
