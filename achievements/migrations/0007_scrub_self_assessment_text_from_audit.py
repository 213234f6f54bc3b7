"""Audit entries written before the self-assessment's text left the trail still hold it (drafts
included): remove those fields from them, keeping the rest of each entry."""

from django.db import migrations

TEXT_FIELDS = ("performance", "shortcomings", "plans")


def scrub(apps, schema_editor):
    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="achievements", model="selfassessment").first()
    if content_type is None:
        return
    for entry in LogEntry.objects.filter(content_type=content_type).iterator():
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        if not any(field in changes for field in TEXT_FIELDS):
            continue
        entry.changes = {name: values for name, values in changes.items() if name not in TEXT_FIELDS}
        entry.changes_text = ""
        entry.save(update_fields=["changes", "changes_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("achievements", "0006_record_rules_bounds"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
