"""Online votes go through the ballot box: sealed ballots, voter rows with a random key and a day,
the opened box's receipts on the vote. Votes cast before this upgrade stay in their counters
(counts only), and the box adds to them when the vote closes."""

import random

import django.db.models.deletion
from django.db import migrations, models

import evaluations.models


def copy_voters(apps, schema_editor):
    old = apps.get_model("selection", "VoterOld")
    new = apps.get_model("selection", "Voter")
    rows = list(old.objects.values_list("event_id", "cadre_id", "has_voted"))
    random.SystemRandom().shuffle(rows)
    new.objects.bulk_create(new(event_id=e, cadre_id=c, has_voted=v) for e, c, v in rows)


def copy_back(apps, schema_editor):
    old = apps.get_model("selection", "VoterOld")
    new = apps.get_model("selection", "Voter")
    old.objects.bulk_create(old(event_id=e, cadre_id=c, has_voted=v) for e, c, v in new.objects.values_list("event_id", "cadre_id", "has_voted"))


class Migration(migrations.Migration):
    dependencies = [
        ("selection", "0003_approved_post_message"),
    ]

    operations = [
        migrations.AddField(
            model_name="voteevent",
            name="opened_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="开箱时间"),
        ),
        migrations.AddField(
            model_name="voteevent",
            name="receipts",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="voteevent",
            name="swept_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="清理时间"),
        ),
        migrations.CreateModel(
            name="SealedVote",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=evaluations.models.new_id, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("sealed", models.BinaryField()),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="selection.voteevent"
                    ),
                ),
            ],
            options={"verbose_name": "密封选票", "verbose_name_plural": "密封选票"},
        ),
        # The voter table is made again with a random key (an integer key would order the rows).
        migrations.RemoveConstraint(model_name="voter", name="voter_once_per_event"),
        migrations.RenameModel(old_name="Voter", new_name="VoterOld"),
        migrations.AlterField(
            model_name="voterold",
            name="event",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="selection.voteevent"
            ),
        ),
        migrations.CreateModel(
            name="Voter",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=evaluations.models.new_id, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("has_voted", models.BooleanField(default=False, verbose_name="已投票")),
                ("voted_on", models.DateField(blank=True, null=True, verbose_name="投票日期")),
                (
                    "cadre",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cadres.cadre",
                        verbose_name="参加人员",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="voters",
                        to="selection.voteevent",
                        verbose_name="推荐投票",
                    ),
                ),
            ],
            options={
                "verbose_name": "参加人员",
                "verbose_name_plural": "参加人员",
                "ordering": ["event", "cadre__code"],
                "constraints": [
                    models.UniqueConstraint(fields=("event", "cadre"), name="voter_once_per_event")
                ],
            },
        ),
        migrations.RunPython(copy_voters, copy_back),
        migrations.DeleteModel(name="VoterOld"),
    ]
