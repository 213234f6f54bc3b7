from django.db import migrations

DEFAULT_RANKS = [
    ("正科级", 10, "principal"),
    ("副科级", 20, "deputy"),
    ("一般干部", 30, ""),
]


def create_ranks(apps, schema_editor):
    RankLevel = apps.get_model("cadres", "RankLevel")
    for name, order, tier in DEFAULT_RANKS:
        RankLevel.objects.get_or_create(name=name, defaults={"sort_order": order, "leadership_tier": tier})


class Migration(migrations.Migration):
    dependencies = [("cadres", "0001_initial")]

    operations = [migrations.RunPython(create_ranks, migrations.RunPython.noop)]
