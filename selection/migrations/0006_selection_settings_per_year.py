"""Selection settings per year: the organization-wide row becomes the row of the year it was last
saved in (years without a row read the field defaults, as for the evaluation settings)."""

import django.core.validators
from django.db import migrations, models


def year_of_existing(apps, schema_editor):
    model = apps.get_model("selection", "SelectionSettings")
    for row in model.objects.all():
        row.year = row.updated_at.year if row.updated_at else 2026
        row.save(update_fields=["year"])


class Migration(migrations.Migration):
    dependencies = [("selection", "0005_vote_box_sweep")]

    operations = [
        migrations.AddField(
            model_name="selectionsettings",
            name="year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="年度"),
        ),
        migrations.RunPython(year_of_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="selectionsettings",
            name="year",
            field=models.PositiveSmallIntegerField(
                unique=True,
                validators=[
                    django.core.validators.MinValueValidator(2000),
                    django.core.validators.MaxValueValidator(2100),
                ],
                verbose_name="年度",
            ),
        ),
    ]
