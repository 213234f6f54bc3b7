"""The full-process record (全程记实): every step from the vacancy on, who and when; append-only in
the database (attacked through the ORM, the admin and raw SQL, on PostgreSQL and on SQLite);
corrections as new entries; the PDF with its verification code, read back."""

from __future__ import annotations

import importlib
import sqlite3

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from achievements.models import ExportedDocument
from achievements.pdf import verify_export
from selection.models import ProcessEntry
from selection.services import record

from .factories import to_inspection
from .support import pdf_text

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("selection.migrations.0005_process_entry_append_only")


def test_every_step_from_the_vacancy_is_recorded_with_who(personas):
    selection, (a, b) = to_inspection(personas)
    entries = list(ProcessEntry.objects.filter(selection=selection).order_by("seq"))
    steps = [e.step for e in entries]
    assert steps[0] == "制定工作方案"
    assert "推荐提名" in steps and "会议推荐结束" in steps and "谈话推荐结束" in steps
    assert steps[-1] == "考察对象已确定"
    assert a.cadre.name in entries[-1].text and b.cadre.name in entries[-1].text
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert {e.actor for e in entries} == {personas.org_staff.user}


def _attack(call):
    with pytest.raises(DatabaseError, match="全程记实不能修改或删除"), transaction.atomic():
        call()


def test_the_database_refuses_updates_and_deletes(personas):
    selection, _cs = to_inspection(personas)
    entry = ProcessEntry.objects.filter(selection=selection).first()
    original = (entry.step, entry.text)
    entry.text = "篡改"
    _attack(entry.save)
    _attack(lambda: ProcessEntry.objects.filter(pk=entry.pk).update(text="篡改"))
    _attack(lambda: ProcessEntry.objects.filter(pk=entry.pk).delete())
    table = ProcessEntry._meta.db_table

    def raw(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])

    _attack(lambda: raw(f"UPDATE {table} SET text = '篡改' WHERE id = %s"))  # noqa: S608
    _attack(lambda: raw(f"DELETE FROM {table} WHERE id = %s"))  # noqa: S608
    entry.refresh_from_db()
    assert (entry.step, entry.text) == original


def test_the_admin_cannot_change_or_delete_an_entry(client, personas):
    selection, _cs = to_inspection(personas)
    entry = ProcessEntry.objects.filter(selection=selection).first()
    client.force_login(personas.admin)
    change = reverse("admin:selection_processentry_change", args=[entry.pk])
    assert client.get(reverse("admin:selection_processentry_changelist")).status_code == 200
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    client.post(change, {"step": "篡改", "text": "篡改", "seq": entry.seq})
    assert (
        client.post(reverse("admin:selection_processentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    )
    client.post(
        reverse("admin:selection_processentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert ProcessEntry.objects.get(pk=entry.pk).text == entry.text


def test_the_sqlite_trigger_of_the_embedded_mode():
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE {MIGRATION.TABLE} (id INTEGER PRIMARY KEY, text TEXT)")
    for sql in MIGRATION.SQLITE_UP:
        db.execute(sql)
    db.execute(f"INSERT INTO {MIGRATION.TABLE} (text) VALUES ('原文')")  # noqa: S608
    for sql in (f"UPDATE {MIGRATION.TABLE} SET text = '篡改'", f"DELETE FROM {MIGRATION.TABLE}"):  # noqa: S608
        with pytest.raises(sqlite3.DatabaseError, match="全程记实不能修改或删除"):
            db.execute(sql)
    assert db.execute(f"SELECT text FROM {MIGRATION.TABLE}").fetchall() == [("原文",)]  # noqa: S608


def test_a_correction_is_a_new_entry_pointing_at_the_corrected_one(client, personas):
    selection, _cs = to_inspection(personas)
    entry = ProcessEntry.objects.filter(selection=selection).first()
    count = ProcessEntry.objects.count()
    client.force_login(personas.org_staff.user)
    url = reverse("selection:process_correct", args=[selection.pk, entry.pk])
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": "方案文号应为青组〔2026〕9号"}).status_code == 302
    correction = ProcessEntry.objects.latest("seq")
    assert correction.corrects == entry and ProcessEntry.objects.count() == count + 1
    assert ProcessEntry.objects.get(pk=entry.pk).text == entry.text
    page = client.get(reverse("selection:process_record", args=[selection.pk])).content.decode()
    assert f"更正 #{entry.seq}" in page
    for who in ("cadre", "leader", "discipline"):
        client.force_login(personas.user(who))
        assert client.get(reverse("selection:process_record", args=[selection.pk])).status_code == 404


def test_the_pdf_has_a_verification_code_and_reads_back(client, personas, tmp_path):
    selection, (a, _b) = to_inspection(personas)
    record.append(selection=selection, step="个别谈话", text="考察对象：甲。", actor=personas.org_staff.user)
    client.force_login(personas.org_staff.user)
    response = client.get(reverse("selection:process_record_pdf", args=[selection.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = ExportedDocument.objects.get(kind="selection_record")
    text = pdf_text(response.content, tmp_path)
    assert document.code in text and "全程记实" in text and "制定工作方案" in text and a.cadre.name in text
    assert verify_export(code=document.code, content=response.content) == (document, True)
    assert verify_export(code=document.code, content=response.content + b"x")[1] is False
