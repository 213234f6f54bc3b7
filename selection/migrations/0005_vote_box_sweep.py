"""An hourly job rewrites the tables of a vote box that could not be swept when the vote closed."""

from django.db import migrations


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_hour, _created = interval_model.objects.get_or_create(every=1, period="hours")
    task_model.objects.get_or_create(
        name="选拔任用：清理已开箱推荐投票的数据表",
        defaults={"task": "selection.tasks.sweep_vote_boxes", "interval": every_hour, "enabled": True},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task="selection.tasks.sweep_vote_boxes").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("selection", "0004_vote_ballot_box"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
