"""The ballot box, step 3 of 4: submission records get random keys and a day, never a time."""

import secrets
from datetime import datetime, time
from zoneinfo import ZoneInfo

import django.db.models.deletion
from django.db import migrations, models

import evaluations.models

SHANGHAI = ZoneInfo("Asia/Shanghai")


def restore(apps, schema_editor):
    stash = apps.get_model("evaluations", "SubmissionStash")
    submission = apps.get_model("evaluations", "SheetSubmission")
    rows = list(
        stash.objects.values_list(
            "assignment_id", "submitted_on", "id",
        )
    )
    secrets.SystemRandom().shuffle(rows)
    created = submission.objects.bulk_create(
        [submission(assignment_id=a, submitted_on=day) for a, day, _id in rows], batch_size=5000
    )
    content_type = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="evaluations", model="sheetsubmission"
    )[0]
    assignments = {
        a.pk: a
        for a in apps.get_model("evaluations", "SheetAssignment")
        .objects.filter(pk__in=[r[0] for r in rows])
        .select_related("rater", "unit", "period")
    }
    log_entry = apps.get_model("auditlog", "LogEntry")
    log_entry.objects.bulk_create(
        [
            log_entry(
                content_type=content_type,
                object_pk=str(s.pk),
                object_repr=f"{assignments[s.assignment_id].rater.name} → {assignments[s.assignment_id].unit.name}",
                action=0,
                changes={"submitted_on": ["None", s.submitted_on.isoformat() if s.submitted_on else "—"]},
                actor_id=assignments[s.assignment_id].rater.user_id,
                timestamp=datetime.combine(
                    s.submitted_on or assignments[s.assignment_id].period.opened_at.date(), time.min, SHANGHAI
                ),
                additional_data={"date_only": True},
            )
            for s in created
            if s.assignment_id in assignments and (s.submitted_on or assignments[s.assignment_id].period.opened_at)
        ],
        batch_size=5000,
    )


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0006_ballot_box_data")]

    operations = [
        migrations.DeleteModel(name="SheetSubmission"),
        migrations.CreateModel(
            name="SheetSubmission",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=evaluations.models.new_id, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("submitted_on", models.DateField(blank=True, null=True, verbose_name="提交日期")),
                (
                    "assignment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="submission",
                        to="evaluations.sheetassignment",
                        verbose_name="测评表",
                    ),
                ),
            ],
            options={"verbose_name": "测评表提交记录", "verbose_name_plural": "测评表提交记录"},
        ),
        migrations.RunPython(restore, migrations.RunPython.noop),
    ]
