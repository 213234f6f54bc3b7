"""The ballot box, step 1 of 4: its tables, and the new columns (nullable until step 2 fills them)."""

import django.db.models.deletion
from django.db import migrations, models

import evaluations.models

UUID_PK = ("id", models.UUIDField(default=evaluations.models.new_id, editable=False, primary_key=True, serialize=False))


def period_fk():
    return models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="evaluations.period")


def unit_fk():
    return models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="cadres.unit")


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0003_notifications_records_from"),
        ("evaluations", "0004_daily_rater_reminders"),
    ]

    operations = [
        migrations.CreateModel(
            name="SealedSheet",
            fields=[UUID_PK, ("sealed", models.BinaryField()), ("period", period_fk()), ("unit", unit_fk())],
            options={"verbose_name": "密封测评表", "verbose_name_plural": "密封测评表"},
        ),
        migrations.AddIndex(
            model_name="sealedsheet",
            index=models.Index(fields=["period", "unit"], name="sealed_sheet_period_unit"),
        ),
        migrations.CreateModel(
            name="PaperSheet",
            fields=[
                UUID_PK,
                ("number", models.CharField(max_length=30, verbose_name="表号")),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="paper_sheets",
                        to="evaluations.period",
                    ),
                ),
                ("unit", unit_fk()),
            ],
            options={"verbose_name": "纸质测评表", "verbose_name_plural": "纸质测评表"},
        ),
        migrations.AddConstraint(
            model_name="papersheet",
            constraint=models.UniqueConstraint(fields=("period", "unit", "number"), name="paper_sheet_number_once"),
        ),
        migrations.CreateModel(
            name="BoxOpening",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("opened_at", models.DateTimeField(verbose_name="开箱时间")),
                ("sheet_count", models.PositiveIntegerField(verbose_name="测评表数")),
                ("receipts", models.JSONField(default=list)),
                (
                    "period",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="box_opening",
                        to="evaluations.period",
                    ),
                ),
            ],
            options={"verbose_name": "开箱记录", "verbose_name_plural": "开箱记录"},
        ),
        migrations.CreateModel(
            name="UnitSheetTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sheets", models.PositiveIntegerField(verbose_name="测评表数")),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sheet_tallies",
                        to="evaluations.period",
                    ),
                ),
                ("unit", unit_fk()),
            ],
            options={"verbose_name": "单位测评表数", "verbose_name_plural": "单位测评表数"},
        ),
        migrations.AddConstraint(
            model_name="unitsheettally",
            constraint=models.UniqueConstraint(fields=("period", "unit"), name="sheet_tally_once"),
        ),
        migrations.CreateModel(
            name="UnitGroupSpread",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "rater_group",
                    models.CharField(
                        choices=[("leader", "领导主评"), ("peer", "同级互评"), ("other", "其他参评")],
                        max_length=10,
                        verbose_name="评价组",
                    ),
                ),
                ("sheets", models.PositiveIntegerField(verbose_name="测评表数")),
                ("scores", models.PositiveIntegerField(verbose_name="分数个数")),
                ("total", models.PositiveBigIntegerField()),
                ("squares", models.PositiveBigIntegerField()),
                ("low", models.PositiveSmallIntegerField()),
                ("high", models.PositiveSmallIntegerField()),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="group_spreads",
                        to="evaluations.period",
                    ),
                ),
                ("unit", unit_fk()),
            ],
            options={"verbose_name": "评价组分布", "verbose_name_plural": "评价组分布"},
        ),
        migrations.AddConstraint(
            model_name="unitgroupspread",
            constraint=models.UniqueConstraint(fields=("period", "unit", "rater_group"), name="group_spread_once"),
        ),
        migrations.CreateModel(
            name="SheetQuality",
            fields=[
                UUID_PK,
                ("mean_score", models.DecimalField(decimal_places=2, max_digits=6, verbose_name="平均分")),
                (
                    "deviation",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name="平均偏差"),
                ),
                ("is_flat", models.BooleanField(default=False, verbose_name="全部同分")),
                ("is_outlier", models.BooleanField(default=False, verbose_name="偏离共识")),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sheet_quality",
                        to="evaluations.period",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cadres.unit",
                        verbose_name="单位",
                    ),
                ),
            ],
            options={"verbose_name": "测评表质量", "verbose_name_plural": "测评表质量", "ordering": ["unit", "id"]},
        ),
        migrations.AddIndex(
            model_name="sheetquality",
            index=models.Index(fields=["period", "unit"], name="sheet_quality_period_unit"),
        ),
        # Submissions move to a table with random keys (step 3); their assignments wait here.
        migrations.CreateModel(
            name="SubmissionStash",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("assignment_id", models.BigIntegerField()),
                ("submitted_on", models.DateField(null=True)),
            ],
        ),
        migrations.AddField(
            model_name="score",
            name="period",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="evaluations.period"
            ),
        ),
        migrations.AddField(
            model_name="democraticscore",
            name="period",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="evaluations.period"
            ),
        ),
        migrations.AddField(
            model_name="problemtick",
            name="period",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="evaluations.period"
            ),
        ),
        migrations.AddField(
            model_name="problemtick",
            name="unit",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="cadres.unit"
            ),
        ),
        migrations.AddField(model_name="sheetdraft", name="sealed", field=models.BinaryField(null=True)),
        # Rows written again in step 2 have no sheet; the column goes in step 4.
        *(
            migrations.AlterField(
                model_name=name,
                name="sheet",
                field=models.ForeignKey(
                    null=True,
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name=related,
                    to="evaluations.sheet",
                ),
            )
            for name, related in (
                ("score", "scores"),
                ("democraticscore", "democratic_scores"),
                ("problemtick", "problem_ticks"),
            )
        ),
    ]
