"""Existing rows follow the new write rules: names without inner spaces, 编号 in upper case.

A search for 张伟 must find a cadre imported as 张　伟, and the unique constraint on Upper(code)
(next migration) needs codes that differ only by case to be merged first: the migration stops
and names them rather than guessing which record is the right one.
"""

from django.db import migrations


def normalize(apps, schema_editor):
    from cadres.models import normalize_cadre_code, normalize_cadre_name

    Cadre = apps.get_model("cadres", "Cadre")
    User = apps.get_model("cadres", "User")
    by_code = {}
    for cadre in Cadre.objects.only("pk", "code"):
        by_code.setdefault(normalize_cadre_code(cadre.code), []).append(cadre.code)
    clashes = {code: codes for code, codes in by_code.items() if len(codes) > 1}
    if clashes:
        listed = "; ".join(", ".join(codes) for codes in clashes.values())
        raise RuntimeError(f"Cadre codes that differ only by case must be merged before migrating: {listed}")
    for cadre in Cadre.objects.select_related("user"):
        code, name = normalize_cadre_code(cadre.code), normalize_cadre_name(cadre.name)
        if (code, name) == (cadre.code, cadre.name):
            continue
        if cadre.user_id and cadre.user.username == cadre.code and code != cadre.code:
            if not User.objects.filter(username=code).exclude(pk=cadre.user_id).exists():
                User.objects.filter(pk=cadre.user_id).update(username=code)
        Cadre.objects.filter(pk=cadre.pk).update(code=code, name=name)


class Migration(migrations.Migration):
    dependencies = [("cadres", "0003_notifications_records_from")]

    operations = [migrations.RunPython(normalize, migrations.RunPython.noop)]
