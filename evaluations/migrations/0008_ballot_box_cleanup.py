"""The ballot box, step 4 of 4: nothing keeps a sheet key any more."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0007_ballot_box_submissions")]

    operations = [
        migrations.RemoveConstraint(model_name="score", name="score_once_per_sheet"),
        migrations.RemoveIndex(model_name="score", name="score_ratee_group"),
        migrations.RemoveConstraint(model_name="democraticscore", name="democratic_score_once_per_sheet"),
        migrations.RemoveConstraint(model_name="problemtick", name="problem_tick_once"),
        migrations.RemoveConstraint(model_name="problemtick", name="team_problem_tick_once"),
        migrations.RemoveField(model_name="score", name="sheet"),
        migrations.RemoveField(model_name="democraticscore", name="sheet"),
        migrations.RemoveField(model_name="problemtick", name="sheet"),
        migrations.DeleteModel(name="SheetFlag"),
        migrations.DeleteModel(name="Sheet"),
        migrations.DeleteModel(name="SubmissionStash"),
        migrations.RemoveField(model_name="sheetdraft", name="data"),
        migrations.AlterField(model_name="sheetdraft", name="sealed", field=models.BinaryField()),
        migrations.AlterField(
            model_name="score",
            name="period",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="evaluations.period"
            ),
        ),
        migrations.AlterField(
            model_name="democraticscore",
            name="period",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="evaluations.period"
            ),
        ),
        migrations.AlterField(
            model_name="problemtick",
            name="period",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="evaluations.period"
            ),
        ),
        migrations.AlterField(
            model_name="problemtick",
            name="unit",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="cadres.unit"),
        ),
        migrations.AddIndex(
            model_name="score",
            index=models.Index(fields=["period", "ratee", "rater_group"], name="score_period_ratee_group"),
        ),
        migrations.AddIndex(
            model_name="democraticscore",
            index=models.Index(fields=["period", "ratee"], name="democratic_score_period_ratee"),
        ),
        migrations.AddIndex(
            model_name="problemtick",
            index=models.Index(fields=["period", "unit"], name="problem_tick_period_unit"),
        ),
    ]
