from django.db import migrations

CATEGORIES = ["经济发展", "项目建设", "民生服务", "基层治理", "党的建设", "改革创新", "安全稳定", "其他"]


def create_categories(apps, schema_editor):
    AchievementCategory = apps.get_model("achievements", "AchievementCategory")
    for order, name in enumerate(CATEGORIES):
        AchievementCategory.objects.get_or_create(name=name, defaults={"sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("achievements", "0001_initial")]

    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
