"""Roster import and export: all-or-nothing, every bad row reported, re-import by 编号."""

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from cadres.models import Cadre, PoliticalStatus, RosterImport, Unit, UnitCategory, UnitRole
from cadres.roster import RosterFileError
from cadres.services import roster_import
from core.models import JobStatus

from .roster_files import HEADERS, csv_bytes, many_rows, row, valid_rows, xlsx

pytestmark = pytest.mark.django_db


def import_file(content: bytes, name: str = "roster.xlsx"):
    return roster_import(content=content, filename=name, actor=None)


def issues_of(content: bytes, name: str = "roster.xlsx"):
    with pytest.raises(RosterFileError) as caught:
        import_file(content, name)
    return caught.value.issues


def test_import_creates_units_tree_and_cadres():
    summary = import_file(xlsx(valid_rows()))
    assert (summary.total_rows, summary.created, summary.updated, summary.units_created) == (5, 5, 0, 3)
    centre = Unit.objects.get(name="区价格认定中心")
    assert centre.category == UnitCategory.SUBORDINATE
    assert centre.parent.name == "区发改局"
    deputy = Cadre.objects.get(code="FG002")
    assert (deputy.name, deputy.gender, str(deputy.birth_date)) == ("孙副局长", "F", "1980-01-02")
    assert (deputy.rank.name, deputy.role, deputy.post_title) == ("副科级", UnitRole.TEAM_MEMBER, "副局长")


def test_reimport_updates_by_code_and_leaves_unchanged_rows_alone():
    import_file(xlsx(valid_rows()))
    rows = valid_rows()
    rows[2] = row("FG003", "李科员", post="规划科科长", unit="青石镇", category="乡镇街道")
    summary = import_file(xlsx(rows))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 4)
    moved = Cadre.objects.get(code="FG003")
    assert (moved.post_title, moved.unit.name) == ("规划科科长", "青石镇")
    assert Cadre.objects.count() == 5


def test_csv_in_utf8_and_in_gbk_from_excel_both_import():
    import_file(csv_bytes(valid_rows()[:2]), "roster.csv")
    import_file(csv_bytes(valid_rows()[2:], encoding="gb18030"), "roster.csv")
    assert Cadre.objects.count() == 5


def test_dates_in_common_spreadsheet_forms_are_understood():
    rows = [row("D1", birth="1985/6/5"), row("D2", birth="1985.06.05"), row("D3", birth="19850605")]
    import_file(xlsx(rows))
    assert {str(c.birth_date) for c in Cadre.objects.all()} == {"1985-06-05"}


def test_missing_column_is_named():
    headers = [h for h in HEADERS if h != "角色"]
    issues = issues_of(xlsx([r[:-1] for r in valid_rows()], headers=headers))
    assert [(i.line, i.message) for i in issues] == [(1, "缺少必需的列：角色")]


def test_unknown_header_is_reported_with_the_allowed_columns():
    headers = [*HEADERS[:1], "名字", *HEADERS[2:]]
    messages = [i.message for i in issues_of(xlsx(valid_rows(), headers=headers))]
    assert any("无法识别的列名" in m for m in messages)
    assert "缺少必需的列：姓名" in messages


def test_every_bad_row_is_reported_with_line_and_reason_and_nothing_is_written():
    rows = [
        *valid_rows(),
        row("BAD1", birth="1985-02-30"),
        row("BAD2", category="街道办"),
        row("FG001", "重复的人"),
        row("BAD3", gender="未知"),
        row("BAD4", rank="处级"),
        row("", "无编号"),
    ]
    issues = issues_of(xlsx(rows))
    found = {(i.line, i.column) for i in issues}
    assert found == {(7, "出生日期"), (8, "单位类别"), (9, "编号"), (10, "性别"), (11, "职级"), (12, "编号")}
    by_line = {i.line: i.message for i in issues}
    assert "1985-02-30" in by_line[7]
    assert "街道办" in by_line[8] and "乡镇街道" in by_line[8]
    assert "与第 2 行重复" in by_line[9]
    assert "处级" in by_line[11]
    assert Cadre.objects.count() == 0
    assert Unit.objects.count() == 0


def test_a_bad_reimport_changes_nothing_already_there():
    import_file(xlsx(valid_rows()))
    rows = valid_rows()
    rows[0] = row("FG001", "钱局长", post="新职务", rank="正科级", role="主要领导")
    rows.append(row("X1", birth="不是日期"))
    issues_of(xlsx(rows))
    assert Cadre.objects.get(code="FG001").post_title == "局长"


def test_political_status_imports_by_label_keeps_blank_and_refuses_unknown_values_all_or_nothing():
    headers = [*HEADERS, "政治面貌"]
    rows = [
        [*r, status] for r, status in zip(valid_rows(), ["中共党员", "群众", "", "民主党派成员", "团员"], strict=True)
    ]
    import_file(xlsx(rows, headers=headers))
    statuses = dict(Cadre.objects.values_list("code", "political_status"))
    assert statuses == {
        "FG001": PoliticalStatus.CPC_MEMBER,
        "FG002": PoliticalStatus.MASSES,
        "FG003": PoliticalStatus.CPC_MEMBER,  # blank for a new cadre: the default
        "JG001": PoliticalStatus.DEMOCRATIC_PARTY,
        "QS001": PoliticalStatus.LEAGUE_MEMBER,  # 团员, as people write it
    }
    # A blank cell leaves an existing cadre's status alone; an unknown value refuses the whole file.
    rows[0][-1], rows[1][-1], rows[3][-1] = "无党派人士", "", "党外人士"
    issues = issues_of(xlsx(rows, headers=headers))
    assert [(i.line, i.column) for i in issues] == [(5, "政治面貌")]
    assert issues[0].message == (
        "政治面貌「党外人士」无法识别，应为：中共党员、中共预备党员、共青团员、民主党派成员、无党派人士、群众。"
    )
    assert dict(Cadre.objects.values_list("code", "political_status")) == statuses  # nothing written
    rows[3][-1] = "民主党派成员"
    summary = import_file(xlsx(rows, headers=headers))
    assert (summary.updated, summary.unchanged) == (1, 4)
    assert Cadre.objects.get(code="FG001").political_status == PoliticalStatus.NON_PARTISAN
    assert Cadre.objects.get(code="FG002").political_status == PoliticalStatus.MASSES
    # Without the column nothing changes either.
    assert import_file(xlsx(valid_rows())).unchanged == 5


def test_unit_with_two_categories_in_one_file_is_refused():
    rows = [row("U1", unit="新单位", category="区直单位"), row("U2", unit="新单位", category="乡镇街道")]
    issues = issues_of(xlsx(rows))
    assert [(i.line, i.column) for i in issues] == [(3, "单位")]
    assert "与第 2 行不一致" in issues[0].message


def test_unknown_parent_unit_is_refused():
    issues = issues_of(xlsx([row("P1", unit="某中心", category="区直下属单位", parent="不存在的局")]))
    assert [(i.line, i.column) for i in issues] == [(2, "上级单位")]
    assert "不存在的局" in issues[0].message


def test_empty_file_header_only_and_non_spreadsheet_are_refused_clearly():
    assert [i.message for i in issues_of(b"")] == ["文件为空。"]
    assert [i.message for i in issues_of(xlsx([]))] == ["文件中没有数据行。"]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    assert "不是有效的 Excel" in issues_of(png, "roster.xlsx")[0].message
    assert "不是文本格式的 CSV" in issues_of(png, "roster.csv")[0].message
    assert "只支持 .xlsx 和 .csv" in issues_of(b"abc", "roster.pdf")[0].message


def test_formula_cells_in_a_workbook_are_refused_not_imported_empty():
    issues = issues_of(xlsx([row("F1", "王五", post="=1+1")]))
    assert [(i.line, i.message) for i in issues] == [(2, "单元格 I2 是公式，请先复制并“粘贴为数值”。")]


def test_markup_in_names_is_refused_and_in_post_titles_is_kept_as_text(client, personas):
    issues = issues_of(xlsx([row("H1", "<script>alert(1)</script>")]))
    assert [(i.line, i.column) for i in issues] == [(2, "姓名")]

    import_file(xlsx([row("H2", "王五", post="<b>科员</b><script>alert(1)</script>")]))
    assert Cadre.objects.get(code="H2").post_title == "<b>科员</b><script>alert(1)</script>"
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("cadres:cadre_list"), {"q": "H2"}).content.decode()
    assert "&lt;b&gt;科员&lt;/b&gt;&lt;script&gt;" in page
    assert "<script>alert(1)" not in page


def test_ten_thousand_rows_import_completely():
    summary = import_file(xlsx(many_rows(10_000)))
    assert summary.created == 10_000
    assert Cadre.objects.count() == 10_000
    assert Unit.objects.count() == 50
    assert LogEntry.objects.filter(content_type__model="cadre").count() == 10_000


def test_import_writes_audit_entries_with_the_changes(personas):
    roster_import(content=xlsx(valid_rows()), filename="a.xlsx", actor=personas.org_staff.user)
    rows = valid_rows()
    rows[2] = row("FG003", "李科员", post="规划科科长")
    roster_import(content=xlsx(rows), filename="b.xlsx", actor=personas.org_staff.user)
    cadre = Cadre.objects.get(code="FG003")
    entries = LogEntry.objects.filter(object_pk=str(cadre.pk), content_type__model="cadre").order_by("timestamp")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert entries[1].changes == {"post_title": ["规划科科员", "规划科科长"]}
    assert entries[1].actor == personas.org_staff.user


# --- Through the browser's path: upload, background job, status page ---------------------------


def upload(client, content: bytes, name: str, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cadres:roster_import"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    return client.get(response["Location"])


def test_upload_page_imports_and_reports_success(client, personas, django_capture_on_commit_callbacks):
    client.force_login(personas.org_staff.user)
    page = upload(client, xlsx(valid_rows()), "花名册.xlsx", django_capture_on_commit_callbacks)
    text = page.content.decode()
    assert "导入成功" in text and "新增 5 人" in text
    job = RosterImport.objects.get()
    assert job.status == JobStatus.SUCCEEDED
    assert not job.file  # the uploaded personal data is not kept on disk
    assert job.attempts == 1 and job.started_at and job.finished_at and job.requested_by == personas.org_staff.user
    assert 'data-status="succeeded"' in text and "data-job-status>已完成</span>" in text and "hx-get" not in text


def test_the_status_card_polls_and_shows_progress_while_the_import_is_queued_or_running(client, personas):
    client.force_login(personas.org_staff.user)
    job = RosterImport.objects.create(original_name="花名册.xlsx", requested_by=personas.org_staff.user)
    url = reverse("cadres:roster_import_status", args=[job.pk])
    queued = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert (
        f'hx-get="{url}"' in queued and "data-job-status>排队中</span>" in queued and "已排队，等待后台处理" in queued
    )
    assert "<html" not in queued
    RosterImport.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, progress_done=0, progress_total=1, progress_label="导入花名册"
    )
    running = client.get(url).content.decode()
    assert f'hx-get="{url}"' in running and "data-job-status>进行中</span>" in running
    assert "第 0/1 步：导入花名册" in running and '<progress class="w-100" max="1" value="0"' in running
    assert "花名册导入：花名册.xlsx</h1>" in running  # the full page around the card


def test_a_crashed_import_fails_with_a_chinese_error_and_keeps_no_file(client, personas, monkeypatch):
    from cadres import services

    def broken(**kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(services, "roster_import", broken)
    job = RosterImport.objects.create(
        original_name="花名册.xlsx", requested_by=personas.org_staff.user, file=SimpleUploadedFile("a.xlsx", b"x")
    )
    with pytest.raises(RuntimeError):
        services.roster_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.file and job.errors == []
    assert job.error.startswith("后台任务出错（RuntimeError），没有做任何更改。") and "磁盘已满" in job.error
    client.force_login(personas.org_staff.user)
    card = client.get(reverse("cadres:roster_import_status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="failed"' in card and "data-job-status>失败</span>" in card and "未导入" in card
    assert "后台任务出错（RuntimeError）" in card and "磁盘已满" in card and "import-errors" not in card


def test_upload_page_lists_every_error_with_line_numbers(client, personas, django_capture_on_commit_callbacks):
    client.force_login(personas.org_staff.user)
    rows = [*valid_rows(), row("E1", birth="1985-13-01"), row("E2", role="局长")]
    text = upload(client, xlsx(rows), "bad.xlsx", django_capture_on_commit_callbacks).content.decode()
    assert "未导入" in text and "发现 2 处错误" in text
    # The shared job card (core/_job_status.html): status, no polling, the job's Chinese error.
    assert 'id="import-status"' in text and 'data-status="failed"' in text and "hx-get" not in text
    assert "data-job-status>失败</span>" in text
    job = RosterImport.objects.get()
    assert job.error == "发现 2 处错误。没有写入任何数据，请改正后重新上传整个文件。" and len(job.errors) == 2
    assert f"data-job-error>{job.error}</p>" in text
    assert "<td>7</td><td>出生日期</td>" in text
    assert "<td>8</td><td>角色</td>" in text
    assert Cadre.objects.filter(code__startswith="FG").count() == 0


def test_upload_form_refuses_other_file_types_and_keeps_the_page(client, personas):
    client.force_login(personas.org_staff.user)
    response = client.post(reverse("cadres:roster_import"), {"file": SimpleUploadedFile("x.docx", b"abc")})
    assert response.status_code == 200
    assert "只支持 .xlsx 和 .csv 格式的花名册" in response.content.decode()
    assert RosterImport.objects.count() == 0


# --- Command line -------------------------------------------------------------------------------


def test_import_roster_command_imports_and_reports_bad_rows(tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(valid_rows()))
    call_command("import_roster", str(good))
    assert "导入成功：共 5 行，新增 5" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([row("C1", birth="1999-99-99"), row("C2", category="无")]))
    with pytest.raises(CommandError, match="发现 2 处错误"):
        call_command("import_roster", str(bad))
    err = capsys.readouterr().err
    assert "第 2 行「出生日期」" in err and "第 3 行「单位类别」" in err


# --- Export ------------------------------------------------------------------------------------


def test_export_neutralizes_formula_cells_in_csv_and_xlsx(client, personas):
    rows = [row("F1", "王五", post='=HYPERLINK("http://x")'), row("F2", "赵六", post="@SUM(A1)")]
    import_file(csv_bytes(rows), "roster.csv")
    client.force_login(personas.org_staff.user)
    response = client.get(reverse("cadres:roster_export"), {"format": "csv", "q": "F"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    posts = {r["编号"]: r["职务"] for r in rows}
    assert posts == {"F1": '\'=HYPERLINK("http://x")', "F2": "'@SUM(A1)"}

    response = client.get(reverse("cadres:roster_export"), {"q": "F"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for c in sheet["I"][1:]]
    assert sorted(values) == ['\'=HYPERLINK("http://x")', "'@SUM(A1)"]


def test_export_then_reimport_round_trips_without_changes(client, personas):
    import_file(xlsx(valid_rows()))
    client.force_login(personas.org_staff.user)
    exported = client.get(reverse("cadres:roster_export"), {"unit": Unit.objects.get(name="区发改局").pk})
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert [c.value for c in sheet[1]][:10] == HEADERS
    Cadre.objects.filter(code="FG002").update(political_status=PoliticalStatus.NON_PARTISAN)
    exported = client.get(reverse("cadres:roster_export"), {"unit": Unit.objects.get(name="区发改局").pk})
    sheet = load_workbook(io.BytesIO(exported.content)).active
    headers = [c.value for c in sheet[1]]
    status = {r[0].value: r[headers.index("政治面貌")].value for r in sheet.iter_rows(min_row=2)}
    assert status == {"FG001": "中共党员", "FG002": "无党派人士", "FG003": "中共党员"}
    summary = import_file(exported.content)
    assert (summary.total_rows, summary.created, summary.updated, summary.unchanged) == (3, 0, 0, 3)
    assert Cadre.objects.get(code="FG002").political_status == PoliticalStatus.NON_PARTISAN


def _validations(sheet):
    """{column header: allowed values} of the sheet's list drop-downs."""
    headers = [c.value for c in sheet[1]]
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        first = str(validation.sqref).split(":")[0]
        column = "".join(ch for ch in first if ch.isalpha())
        from openpyxl.utils import column_index_from_string

        assert str(validation.sqref).startswith(f"{column}2:{column}")
        found[headers[column_index_from_string(column) - 1]] = validation.formula1.strip('"').split(",")
    return found


def test_blank_template_has_a_chinese_sheet_an_example_row_and_drop_downs(client, personas):
    client.force_login(personas.org_staff.user)
    content = client.get(reverse("cadres:roster_template")).content
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    assert book.sheetnames == ["干部花名册"]
    assert [c.value for c in sheet[1]][:10] == HEADERS
    assert sheet.max_row == 2
    example = dict(zip(HEADERS, [c.value for c in sheet[2]][:10], strict=True))
    assert example["编号"] == "示例" and example["性别"] == "男" and example["角色"] == "一般干部"
    assert sheet.freeze_panes == "A2"
    assert _validations(sheet) == {
        "性别": ["男", "女"],
        "单位类别": ["乡镇街道", "区直单位", "区直下属单位"],
        "职级": ["正科级", "副科级", "一般干部"],
        "角色": ["主要领导", "班子成员", "一般干部"],
        "政治面貌": ["中共党员", "中共预备党员", "共青团员", "民主党派成员", "无党派人士", "群众"],
    }
    headers = [c.value for c in sheet[1]]
    assert headers[10:12] == ["民族", "政治面貌"] and sheet[2][11].value == "中共党员"
    # The example row is passed over: the template filled in below it imports as it is.
    sheet.append(row("FG001", "钱局长", rank="正科级", post="局长", role="主要领导"))
    out = io.BytesIO()
    book.save(out)
    summary = import_file(out.getvalue())
    assert (summary.total_rows, summary.created) == (1, 1)
    assert not Cadre.objects.filter(name="张三").exists()


def test_roster_export_has_a_chinese_sheet_widths_a_frozen_header_and_drop_downs(client, personas):
    import_file(xlsx(valid_rows()))
    client.force_login(personas.org_staff.user)
    book = load_workbook(io.BytesIO(client.get(reverse("cadres:roster_export")).content))
    sheet = book.active
    assert book.sheetnames == ["干部花名册"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["E"].width >= 20  # 单位
    assert all(sheet.column_dimensions[c].width for c in "ABCDEFGHIJ")
    assert "职级" in _validations(sheet)
    assert sheet["A2"].value != "示例"


def _with_title(rows, *, csv=False):
    """A roster as offices keep it: a title row and a date row above the header."""
    from openpyxl import Workbook

    if csv:
        out = io.StringIO()
        writer = csv_module.writer(out)
        writer.writerow(["青山区干部花名册"])
        writer.writerow([])
        writer.writerows([HEADERS, *rows])
        return out.getvalue().encode("utf-8-sig")
    book = Workbook()
    sheet = book.active
    sheet.append(["青山区干部花名册（2026年12月）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append(["填报单位：组织部", None, None, None, None, None, None, None, "填报日期：2026-12-01"])
    sheet.append(HEADERS)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


csv_module = csv


def test_title_rows_above_the_header_are_skipped_and_reported(client, personas, django_capture_on_commit_callbacks):
    client.force_login(personas.org_staff.user)
    page = upload(client, _with_title(valid_rows()), "花名册.xlsx", django_capture_on_commit_callbacks)
    text = page.content.decode()
    assert Cadre.objects.filter(code__in=[r[0] for r in valid_rows()]).count() == 5
    job = RosterImport.objects.get()
    assert job.status == JobStatus.SUCCEEDED and job.title_lines == [1, 2]
    assert "导入成功" in text and "新增 5 人" in text
    assert "表头上方的标题行（第 1、2 行）已跳过" in text


def test_title_row_in_csv_is_skipped_and_bad_rows_keep_their_real_line_numbers():
    summary = import_file(_with_title(valid_rows()[:2], csv=True), "roster.csv")
    assert summary.title_lines == [1] and summary.created == 2
    rows = valid_rows()
    rows[1] = row("FG002", "孙副局长", gender="未知")
    issues = issues_of(_with_title(rows))
    # title (1), date line (2), header (3): the second data row is line 5
    assert [(i.line, i.column) for i in issues] == [(5, "性别")]


def test_a_file_without_a_recognizable_header_still_names_the_missing_columns():
    issues = issues_of(xlsx([row("FG001")], headers=["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"]))
    assert any("缺少必需的列" in i.message for i in issues)
