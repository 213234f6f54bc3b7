"""The roster import becomes a core.jobs job: the shared status values (pending → queued; the other
three keep their values), progress and times; uploaded_by and created_at are renamed, rows kept."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_TO_NEW = {"pending": "queued"}


def forwards(apps, schema_editor):
    RosterImport = apps.get_model("cadres", "RosterImport")
    for old, new in OLD_TO_NEW.items():
        RosterImport.objects.filter(status=old).update(status=new)
    # A finished import: all of its one step done.
    RosterImport.objects.filter(status__in=["succeeded", "failed"]).update(progress_done=1, progress_total=1)


def backwards(apps, schema_editor):
    RosterImport = apps.get_model("cadres", "RosterImport")
    for old, new in OLD_TO_NEW.items():
        RosterImport.objects.filter(status=new).update(status=old)


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0012_merge_sign_on_and_appointment_form_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="rosterimport", old_name="uploaded_by", new_name="requested_by"),
        migrations.RenameField(model_name="rosterimport", old_name="created_at", new_name="requested_at"),
        migrations.AlterModelOptions(
            name="rosterimport",
            options={"ordering": ["-requested_at", "-pk"], "verbose_name": "花名册导入", "verbose_name_plural": "花名册导入"},
        ),
        migrations.AlterField(
            model_name="rosterimport",
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
            model_name="rosterimport",
            name="requested_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="发起时间"),
        ),
        migrations.AddField(
            model_name="rosterimport",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="执行次数"),
        ),
        migrations.AddField(
            model_name="rosterimport",
            name="error",
            field=models.TextField(blank=True, verbose_name="错误"),
        ),
        migrations.AddField(
            model_name="rosterimport",
            name="progress_done",
            field=models.PositiveIntegerField(default=0, verbose_name="已完成步数"),
        ),
        migrations.AddField(
            model_name="rosterimport",
            name="progress_label",
            field=models.CharField(blank=True, max_length=200, verbose_name="当前步骤"),
        ),
        migrations.AddField(
            model_name="rosterimport",
            name="progress_total",
            field=models.PositiveIntegerField(default=0, verbose_name="总步数"),
        ),
        migrations.AddField(
            model_name="rosterimport",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="开始时间"),
        ),
        migrations.AlterField(
            model_name="rosterimport",
            name="errors",
            field=models.JSONField(blank=True, default=list, verbose_name="错误行"),
        ),
        migrations.AlterField(
            model_name="rosterimport",
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
