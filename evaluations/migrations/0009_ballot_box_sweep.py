"""Openings record when the box's tables were rewritten; an hourly job retries one that could not be."""

from django.db import migrations, models


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_hour, _created = interval_model.objects.get_or_create(every=1, period="hours")
    task_model.objects.get_or_create(
        name="考实绩：清理已开箱票箱的数据表",
        defaults={"task": "evaluations.tasks.sweep_ballot_boxes", "interval": every_hour, "enabled": True},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task="evaluations.tasks.sweep_ballot_boxes"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0008_ballot_box_cleanup"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="boxopening",
            name="swept_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="清理时间"),
        ),
        migrations.RunPython(schedule, unschedule),
    ]
