"""The full-process record (全程记实) is append-only in the database itself: a trigger refuses every
UPDATE and DELETE of its rows, on PostgreSQL and on SQLite (the embedded mode)."""

from django.db import migrations

TABLE = "selection_processentry"
MESSAGE = "全程记实不能修改或删除，更正请追加一条新记录"

PG_UP = f"""
CREATE OR REPLACE FUNCTION selection_process_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER selection_process_entry_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION selection_process_entry_append_only();
"""
PG_DOWN = f"""
DROP TRIGGER IF EXISTS selection_process_entry_append_only ON {TABLE};
DROP FUNCTION IF EXISTS selection_process_entry_append_only();
"""
SQLITE_UP = [
    f"CREATE TRIGGER selection_process_entry_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER selection_process_entry_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS selection_process_entry_no_update;",
    "DROP TRIGGER IF EXISTS selection_process_entry_no_delete;",
]


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("selection", "0004_inspection_discipline_record")]

    operations = [migrations.RunPython(up, down)]
