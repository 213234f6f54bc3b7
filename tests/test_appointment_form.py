"""The official appointment form (干部任免审批表): the PDF read back with pdftotext, rewards and
sanctions from supervision through the registry, annual grades from evaluations, access per
persona, and the .lrmx export and import (round trip, preview, all-or-nothing, bad files)."""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cadres.models import Cadre, EducationEntry, FamilyMember, ResumeEntry
from evaluations.models import Grade
from publicity.models import PublicitySettings
from selection import appointment_form
from selection.lrmx import LrmxError, parse_lrmx
from selection.services import decision as decision_services

from .factories import CadreFactory, annual_grade, sanction, to_inspection
from .support import pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


def _png(color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 80), color).save(out, format="PNG")
    return out.getvalue()


def _full_record(cadre: Cadre, staff) -> Cadre:
    """The cadre with every cell of the form filled, rewards and sanctions through supervision."""
    cadre.ethnicity = "汉族"
    cadre.native_place = "湖南衡阳"
    cadre.birthplace = "湖南衡南"
    cadre.party_join_date = date(2006, 7, 1)
    cadre.work_start_date = date(2007, 8, 15)
    cadre.health = "健康"
    cadre.professional_title = "经济师"
    cadre.specialty = "教育管理"
    cadre.id_number = "430422198506150011"
    cadre.post_title = "副主任"
    cadre.photo.save("p.png", ContentFile(_png()), save=False)
    cadre.save()
    EducationEntry.objects.create(
        cadre=cadre, kind="full_time", level="大学", degree="教育学学士", school="湖南师范大学教育学专业"
    )
    EducationEntry.objects.create(cadre=cadre, kind="in_service", level="研究生", school="中共湖南省委党校经济管理专业")
    EducationEntry.objects.create(cadre=cadre, kind="in_service", degree="管理学硕士", school="湘潭大学公共管理学院")
    ResumeEntry.objects.create(
        cadre=cadre, start_date=date(2003, 9, 1), end_date=date(2007, 7, 1), description="湖南师范大学教育学专业学习"
    )
    ResumeEntry.objects.create(
        cadre=cadre, start_date=date(2007, 8, 1), end_date=date(2018, 3, 1), description="区第一中学教师"
    )
    ResumeEntry.objects.create(cadre=cadre, start_date=date(2018, 3, 1), description="区教师发展中心副主任")
    FamilyMember.objects.create(
        cadre=cadre,
        relation="妻子",
        name="刘芳",
        birth_date=date(1987, 2, 3),
        political_status="中共党员",
        employer_post="区人民医院护士",
        sort_order=1,
    )
    FamilyMember.objects.create(
        cadre=cadre,
        relation="父亲",
        name="张国强",
        birth_date=date(1958, 10, 1),
        political_status="群众",
        employer_post="退休",
        sort_order=2,
    )
    year = timezone.localdate().year
    annual_grade(cadre, year - 3, Grade.COMPETENT)
    annual_grade(cadre, year - 2, Grade.EXCELLENT)
    annual_grade(cadre, year - 1, Grade.EXCELLENT)
    annual_grade(cadre, year - 4, Grade.EXCELLENT)  # older than the form's three years
    annual_grade(cadre, year, Grade.EXCELLENT, published=False)  # not published: never printed
    sanction(
        cadre,
        staff,
        kind="commendation",
        for_year=year - 1,
        on=timezone.localdate() - timedelta(days=10),
        document_no="区委〔2026〕3号",
        issuing_body="中共青山区委",
        reason="年度考核优秀",
    )
    sanction(cadre, staff, kind="criticism", on=date(year - 2, 5, 6), reason="会议纪律松散")
    PublicitySettings.objects.update_or_create(pk=1, defaults={"issuer_name": "中共青山区委组织部"})
    return Cadre.objects.get(pk=cadre.pk)


def _xml(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314  (the product's own export)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- The PDF --------------------------------------------------------------------------------------


def test_the_pdf_prints_every_cell_of_the_record_with_the_font_embedded(client, personas, tmp_path, artifacts):
    staff = personas.org_staff.user
    cadre = _full_record(personas.cadre, staff)
    client.force_login(staff)
    response = client.get(reverse("selection:appointment_form_pdf", args=[cadre.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (artifacts / "appointment-form.pdf").write_bytes(response.content)
    text = pdf_text(response.content, tmp_path)
    flat = _squash(text)
    year = timezone.localdate().year
    age = cadre.age_on(timezone.localdate())
    for expected in [
        "干部任免审批表",
        "张干部",
        "1985.06",
        f"（{age}岁）",
        "汉族",
        "湖南衡阳",
        "湖南衡南",
        "2006.07",
        "2007.08",
        "健康",
        "经济师",
        "教育管理",
        "大学",
        "教育学学士",
        "湖南师范大学教育学专业",
        "研究生",
        "管理学硕士",
        "中共湖南省委党校经济管理专业",
        "湘潭大学公共管理学院",
        "区教师发展中心副主任",
        "2003.09--2007.07湖南师范大学教育学专业学习",
        "2018.03--区教师发展中心副主任",
        # 奖惩情况 from supervision, through the registry
        "中共青山区委给予嘉奖（区委〔2026〕3号）：年度考核优秀",
        "给予通报批评",
        # 年度考核结果: the last three published years only
        f"{year - 3}年度考核称职；{year - 2}年度考核优秀；{year - 1}年度考核优秀。",
        "妻子",
        "刘芳",
        "区人民医院护士",
        "张国强",
        "退休",
        "中共青山区委组织部",
        "任免意见",
        "填表人：考核办",
        f"计算年龄时间：{timezone.localdate():%Y.%m.%d}",
    ]:
        assert _squash(expected) in flat, expected
    assert f"{year - 4}年度" not in flat and f"{year}年度" not in flat
    assert "None" not in text
    # The family row: age at the age date
    wife_age = timezone.localdate().year - 1987 - ((timezone.localdate().month, timezone.localdate().day) < (2, 3))
    assert re.search(rf"刘芳\s+{wife_age}\s+中共党员", text)
    fonts = pdf_fonts(response.content, tmp_path)
    serif = [line for line in fonts.splitlines() if re.search(r"Noto-?Serif-?CJK", line)]
    assert serif and all(line.split()[-5] == "yes" for line in serif)  # the emb column
    # Two pages (the form and its 附表), with the photo embedded.
    pages = tmp_path / "pages"
    (tmp_path / "f.pdf").write_bytes(response.content)
    import subprocess

    info = subprocess.run(["pdfinfo", str(tmp_path / "f.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+2", info)
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "f.pdf")], capture_output=True, text=True).stdout
    assert len(images.strip().splitlines()) >= 3  # header, rule, one image
    del pages


def test_an_empty_record_prints_empty_cells_never_none(client, personas, tmp_path):
    bare = CadreFactory(unit=personas.unit, name="空白干部", post_title="")
    client.force_login(personas.org_staff.user)
    response = client.get(reverse("selection:appointment_form_pdf", args=[bare.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "空白干部" in text and "None" not in text and "null" not in text.lower()
    form = appointment_form.build_form(bare, as_of=date(2026, 1, 1))
    assert form.rewards == [] and form.annual_results == "" and form.native_place == "" and form.party_join == ""
    assert len(form.blank_family_rows) == appointment_form.FAMILY_ROWS_PRINTED


def test_user_text_is_escaped_in_the_pdf(client, personas, tmp_path):
    cadre = personas.cadre
    Cadre.objects.filter(pk=cadre.pk).update(name="<b>李</b>", specialty="<b>粗体</b>")
    ResumeEntry.objects.create(
        cadre=cadre,
        start_date=date(2010, 1, 1),
        description="<script>alert(1)</script><img src=x onerror=alert(2)>任职",
    )
    FamilyMember.objects.create(cadre=cadre, relation="子", name="<i>小明</i>")
    client.force_login(personas.org_staff.user)
    response = client.get(reverse("selection:appointment_form_pdf", args=[cadre.pk]))
    assert response.status_code == 200
    text = _squash(pdf_text(response.content, tmp_path))
    assert "<b>李</b>" in text and "<b>粗体</b>" in text and "<i>小明</i>" in text
    assert "<script>alert(1)</script><imgsrc=xonerror=alert(2)>任职" in text


def test_candidate_form_names_the_post_the_current_post_and_the_deciding_meeting(client, personas, tmp_path):
    selection, (a, b) = to_inspection(personas)
    staff = personas.org_staff.user
    client.force_login(staff)
    url = reverse("selection:candidate_appointment_form_pdf", args=[selection.pk, a.pk])
    text = _squash(pdf_text(client.get(url).content, tmp_path))
    post = selection.post
    assert _squash(f"{post.unit.name}{post.title}") in text
    assert _squash(f"{a.cadre.unit.name}{a.cadre.post_title}") in text  # 现任 and 拟免
    assert "研究，拟任" not in text  # no decision yet: 任免理由 stays empty
    meeting = decision_services.meeting_record(
        selection=selection,
        kind="standing",
        held_on=timezone.localdate(),
        members_total=11,
        present=11,
        attendees="常委",
        votes={a.pk: (9, 1, 1), b.pk: (2, 8, 1)},
        actor=staff,
    )
    decision_services.decide(selection=selection, meeting=meeting, actor=staff)
    text = _squash(pdf_text(client.get(url).content, tmp_path, name="after.pdf"))
    assert _squash(f"常委会研究，拟任{post.unit.name}{post.title}") in text
    # Reachable from the candidate page and the decision.
    page = client.get(reverse("selection:inspection_candidate", args=[selection.pk, a.pk])).content.decode()
    assert url in page
    assert url in client.get(reverse("selection:inspection", args=[selection.pk])).content.decode()


# --- Access ------------------------------------------------------------------------------------------

PERSONAS = [
    "org_staff",
    "admin",
    "discipline",
    "cadre",
    "colleague",
    "leader",
    "team_member",
    "superior_leader",
    "stranger",
    "anonymous",
]
ALLOWED = {"org_staff", "admin"}


@pytest.mark.parametrize("who", PERSONAS)
def test_only_org_staff_reach_the_form_the_export_and_the_import(client, personas, who):
    selection, (a, _b) = to_inspection(personas)
    cadre = personas.cadre
    urls = [
        reverse("selection:appointment_form_pdf", args=[cadre.pk]),
        reverse("selection:appointment_form_lrmx", args=[cadre.pk]),
        reverse("selection:lrmx_import", args=[cadre.pk]),
        reverse("selection:candidate_appointment_form_pdf", args=[selection.pk, a.pk]),
        reverse("selection:candidate_appointment_form_lrmx", args=[selection.pk, a.pk]),
    ]
    user = personas.user(who)
    if user is not None:
        client.force_login(user)
    for url in urls:
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/login" in response["Location"], url
        elif who in ALLOWED:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 404, (who, url)
    before = Cadre.objects.get(pk=cadre.pk).name
    response = (
        client.post(
            reverse("selection:lrmx_import", args=[cadre.pk]),
            {"file": SimpleUploadedFile("x.lrmx", _lrmx_bytes(client, personas, cadre, rename="改名"))},
        )
        if who in ALLOWED
        else client.post(reverse("selection:lrmx_import", args=[cadre.pk]), {"confirm": "1"})
    )
    if who not in ALLOWED:
        assert response.status_code in (302, 404) and Cadre.objects.get(pk=cadre.pk).name == before


def test_the_profile_links_the_form_for_org_staff_only(client, personas):
    cadre = personas.cadre
    pdf = reverse("selection:appointment_form_pdf", args=[cadre.pk])
    client.force_login(personas.org_staff.user)
    assert pdf in client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
    client.force_login(cadre.user)
    assert pdf not in client.get(reverse("cadres:my_profile")).content.decode()
    client.force_login(personas.leader.user)
    assert pdf not in client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()


# --- .lrmx ---------------------------------------------------------------------------------------------


def _lrmx_bytes(client, personas, cadre, *, rename: str = "") -> bytes:
    from django.test import Client

    staff_client = Client()
    staff_client.force_login(personas.org_staff.user)
    data = staff_client.get(reverse("selection:appointment_form_lrmx", args=[cadre.pk])).content
    if rename:
        data = data.replace(f"<XingMing>{cadre.name}</XingMing>".encode(), f"<XingMing>{rename}</XingMing>".encode(), 1)
    return data


def _import(client, cadre, data: bytes, name: str = "a.lrmx"):
    return client.post(reverse("selection:lrmx_import", args=[cadre.pk]), {"file": SimpleUploadedFile(name, data)})


def test_export_is_the_editors_xml(client, personas):
    staff = personas.org_staff.user
    cadre = _full_record(personas.cadre, staff)
    client.force_login(staff)
    response = client.get(reverse("selection:appointment_form_lrmx", args=[cadre.pk]))
    assert response.status_code == 200 and 'filename="' in response["Content-Disposition"]
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = _xml(response.content)
    assert root.tag == "Person"
    assert root.findtext("XingMing") == "张干部" and root.findtext("XingBie") == "男"
    assert root.findtext("ChuShengNianYue") == "198506" and root.findtext("RuDangShiJian") == "200607"
    assert root.findtext("JiSuanNianLingShiJian") == timezone.localdate().strftime("%Y%m%d")
    assert root.findtext("QuanRiZhiJiaoYu_XueLi") == "大学" and root.findtext("ZaiZhiJiaoYu_XueWei") == "管理学硕士"
    assert root.findtext("ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi") == "湘潭大学公共管理学院"
    assert root.findtext("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi") == ""  # same entry as the 学历
    assert root.findtext("JianLi").splitlines()[0] == "2003.09--2007.07  湖南师范大学教育学专业学习"
    assert "嘉奖" in root.findtext("JiangChengQingKuang")
    items = root.findall("JiaTingChengYuan/Item")
    assert [i.findtext("XingMing") for i in items] == ["刘芳", "张国强"] and items[0].findtext(
        "ChuShengRiQi"
    ) == "198702"
    photo = base64.b64decode(root.findtext("ZhaoPian"))
    assert photo[:3] == b"\xff\xd8\xff"  # JPEG for the editor


def test_round_trip_export_import_into_a_fresh_cadre_gives_the_same_form(client, personas):
    staff = personas.org_staff.user
    source = _full_record(personas.cadre, staff)
    client.force_login(staff)
    exported = client.get(reverse("selection:appointment_form_lrmx", args=[source.pk])).content
    fresh = CadreFactory(unit=personas.unit, name="新建干部", birth_date=date(1990, 1, 1), post_title="副主任")
    preview = _import(client, fresh, exported)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "新建干部" in html and "张干部" in html and "确认导入" in html
    assert "年度考核结果" in html and "奖惩情况" in html  # shown, not stored
    assert Cadre.objects.get(pk=fresh.pk).name == "新建干部"  # nothing written by the preview
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', html).group(1)
    done = client.post(reverse("selection:lrmx_import", args=[fresh.pk]), {"confirm": "1", "digest": digest})
    assert done.status_code == 302
    fresh = Cadre.objects.get(pk=fresh.pk)
    for name in [
        "name",
        "gender",
        "ethnicity",
        "native_place",
        "birthplace",
        "health",
        "professional_title",
        "specialty",
        "id_number",
    ]:
        assert getattr(fresh, name) == getattr(source, name), name
    assert (fresh.birth_date.year, fresh.birth_date.month) == (1985, 6)
    assert fresh.party_join_date == date(2006, 7, 1)
    assert [(e.start_date, e.end_date, e.description) for e in fresh.resume_entries.all()] == [
        (date(2003, 9, 1), date(2007, 7, 1), "湖南师范大学教育学专业学习"),
        (date(2007, 8, 1), date(2018, 3, 1), "区第一中学教师"),
        (date(2018, 3, 1), None, "区教师发展中心副主任"),
    ]
    assert [
        (m.relation, m.name, m.birth_date, m.political_status, m.employer_post) for m in fresh.family_members.all()
    ] == [
        ("妻子", "刘芳", date(1987, 2, 1), "中共党员", "区人民医院护士"),
        ("父亲", "张国强", date(1958, 10, 1), "群众", "退休"),
    ]
    assert fresh.photo
    from auditlog.models import LogEntry

    # Every replaced row is in the audit trail, with who did it.
    added = LogEntry.objects.get_for_model(FamilyMember).filter(action=LogEntry.Action.CREATE, actor=staff)
    assert added.count() == 2
    # The fresh cadre's own export matches the source's, cell for cell, except what the product
    # computes from records the fresh cadre does not have (rewards, annual results).
    again = _xml(client.get(reverse("selection:appointment_form_lrmx", args=[fresh.pk])).content)
    first = _xml(exported)
    computed = {"JiangChengQingKuang", "NianDuKaoHeJieGuo"}
    for element in first:
        if element.tag in computed:
            continue
        if element.tag == "JiaTingChengYuan":
            assert ET.tostring(element) == ET.tostring(again.find(element.tag))
        else:
            assert (element.text or "") == (again.findtext(element.tag) or ""), element.tag
    assert again.findtext("JiangChengQingKuang") == ""


def test_confirming_a_stale_preview_writes_nothing(client, personas):
    staff = personas.org_staff.user
    cadre = personas.cadre
    client.force_login(staff)
    html = _import(client, cadre, _lrmx_bytes(client, personas, cadre, rename="新名字")).content.decode()
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', html).group(1)
    Cadre.objects.get(pk=cadre.pk).save()  # edited by someone after the preview
    response = client.post(reverse("selection:lrmx_import", args=[cadre.pk]), {"confirm": "1", "digest": digest})
    assert response.status_code == 302
    assert Cadre.objects.get(pk=cadre.pk).name == "张干部"
    # A forged digest never writes either.
    response = client.post(reverse("selection:lrmx_import", args=[cadre.pk]), {"confirm": "1", "digest": "0" * 64})
    assert Cadre.objects.get(pk=cadre.pk).name == "张干部"


GOOD = (
    '<?xml version="1.0" encoding="utf-8"?><Person><XingMing>王五</XingMing><XingBie>女</XingBie>'
    "<ChuShengNianYue>199003</ChuShengNianYue>{extra}</Person>"
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件是空的"),
        (b"PK\x03\x04rest-of-a-zip", "压缩包"),
        (b"not xml at all", "不是完整有效的 XML"),
        (b'<?xml version="1.0"?><Person><XingMing>x</XingMing>', "不是完整有效的 XML"),
        (b"<Root><XingMing>x</XingMing></Root>", "不是任免审批表的 <Person>"),
        (b'<!DOCTYPE Person [<!ENTITY a "aaaa">]><Person><XingMing>&a;</XingMing></Person>', "DOCTYPE"),
        (GOOD.format(extra="").replace("<XingBie>女</XingBie>", "<XingBie>F</XingBie>").encode(), "「性别」应为"),
        (GOOD.format(extra="").replace("199003", "1990年3月").encode(), "「出生年月」的值「1990年3月」不是有效的年月"),
        (GOOD.format(extra="").replace("199003", "199013").encode(), "不是有效的年月"),
        (GOOD.format(extra="<RuDangShiJian>abc</RuDangShiJian>").encode(), "「入党时间」"),
        (GOOD.format(extra="<JianLi>我的简历没有日期</JianLi>").encode(), "「简历」第 1 行"),
        (GOOD.format(extra="<JianLi>2010.03--2008.01  倒序</JianLi>").encode(), "截止年月早于起始年月"),
        (GOOD.format(extra="<ZhaoPian>@@@notbase64@@@</ZhaoPian>").encode(), "不是有效的 base64"),
        (
            GOOD.format(extra="<ZhaoPian>" + base64.b64encode(b"hello world").decode() + "</ZhaoPian>").encode(),
            "不是可以识别的图片",
        ),
        (
            GOOD.format(extra="<JiaTingChengYuan><Item><ChengWei>父亲</ChengWei></Item></JiaTingChengYuan>").encode(),
            "家庭成员第 1 行没有姓名",
        ),
        (
            GOOD.format(
                extra="<JiaTingChengYuan><Item><ChengWei>父亲</ChengWei><XingMing>王大</XingMing>"
                "<Hobby>钓鱼</Hobby></Item></JiaTingChengYuan>"
            ).encode(),
            "无法识别的内容：Hobby",
        ),
        (GOOD.format(extra="<MinZu>" + "汉" * 30 + "</MinZu>").encode(), "「民族」超过 20 字"),
        (GOOD.format(extra="<MinZu>汉族</MinZu><MinZu>回族</MinZu>").encode(), "出现了不止一次"),
    ],
)
def test_a_bad_file_is_refused_whole_with_a_chinese_reason(client, personas, data, message):
    cadre = personas.cadre
    FamilyMember.objects.create(cadre=cadre, relation="母亲", name="原有成员")
    before = Cadre.objects.filter(pk=cadre.pk).values().get()
    client.force_login(personas.org_staff.user)
    response = _import(client, cadre, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "未导入" in html
    from html import unescape

    assert message in unescape(html), unescape(html)[:3000]
    assert Cadre.objects.filter(pk=cadre.pk).values().get() == before
    assert list(cadre.family_members.values_list("name", flat=True)) == ["原有成员"]
    assert "lrmx_import" not in client.session


def test_an_unknown_element_with_data_is_shown_in_the_preview_not_dropped(client, personas):
    client.force_login(personas.org_staff.user)
    data = GOOD.format(extra="<DaoLingNianYue>205003</DaoLingNianYue><XianRenZhiWu>某局局长</XianRenZhiWu>").encode()
    html = _import(client, personas.cadre, data).content.decode()
    assert "DaoLingNianYue" in html and "205003" in html and "某局局长" in html


def test_gb18030_declared_files_and_wrapped_resume_lines_are_read():
    text = (
        '<?xml version="1.0" encoding="gb2312"?><Person><XingMing>李四</XingMing><XingBie>男</XingBie>'
        "<ChuShengNianYue>1980.11</ChuShengNianYue><JianLi>2001.09--2005.07  某大学某专业\r\n"
        "            学习\r\n2005.08--         某单位工作</JianLi></Person>"
    )
    person = parse_lrmx(text.encode("gb18030"))
    assert person.name == "李四" and person.birth == date(1980, 11, 1)
    assert [(r.start, r.end, r.text) for r in person.resume] == [
        (date(2001, 9, 1), date(2005, 7, 1), "某大学某专业学习"),
        (date(2005, 8, 1), None, "某单位工作"),
    ]
    with pytest.raises(LrmxError):
        parse_lrmx(b"\xff\xfe\x00garbage")


# --- The org staff's form for the new cells ----------------------------------------------------------


def _edit_data(cadre, **extra) -> dict:
    data = {
        "code": cadre.code,
        "name": cadre.name,
        "gender": cadre.gender,
        "birth_date": cadre.birth_date.isoformat(),
        "unit": cadre.unit_id,
        "rank": cadre.rank_id,
        "role": cadre.role,
        "post_title": cadre.post_title,
        "birthplace": "湖南衡南",
        "health": "健康",
        "resume-TOTAL_FORMS": "0",
        "resume-INITIAL_FORMS": "0",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "education-TOTAL_FORMS": "1",
        "education-INITIAL_FORMS": "0",
        "education-0-kind": "full_time",
        "education-0-level": "大学",
        "education-0-degree": "法学学士",
        "education-0-school": "湘潭大学法学院法学专业",
        "family-TOTAL_FORMS": "1",
        "family-INITIAL_FORMS": "0",
        "family-0-relation": "妻子",
        "family-0-name": "周敏",
        "family-0-birth_date": "1988-05-06",
        "family-0-political_status": "群众",
        "family-0-employer_post": "区实验小学教师",
        "family-0-sort_order": "1",
    }
    data.update(extra)
    return data


def test_org_staff_record_family_and_education_on_the_cadre_form(client, personas, tmp_path):
    cadre = personas.cadre
    client.force_login(personas.org_staff.user)
    edit = reverse("cadres:cadre_edit", args=[cadre.pk])
    assert "家庭主要成员及重要社会关系" in client.get(edit).content.decode()
    # A family member without a name: refused with the field's message, nothing saved.
    response = client.post(edit, _edit_data(cadre, **{"family-0-name": ""}))
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()
    assert not FamilyMember.objects.exists() and Cadre.objects.get(pk=cadre.pk).birthplace == ""
    response = client.post(edit, _edit_data(cadre))
    assert response.status_code == 302
    cadre = Cadre.objects.get(pk=cadre.pk)
    assert cadre.birthplace == "湖南衡南" and cadre.health == "健康"
    assert cadre.family_members.get().name == "周敏"
    assert cadre.education_entries.get().degree == "法学学士"
    text = _squash(pdf_text(client.get(reverse("selection:appointment_form_pdf", args=[cadre.pk])).content, tmp_path))
    assert "周敏" in text and "区实验小学教师" in text and "法学学士" in text and "湘潭大学法学院法学专业" in text
    # The cadre sees their own family on their profile; a colleague does not.
    client.force_login(cadre.user)
    assert "周敏" in client.get(reverse("cadres:my_profile")).content.decode()
    client.force_login(personas.colleague.user)
    assert "周敏" not in client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()


def test_the_form_stays_chinese_in_the_english_interface(client, personas, tmp_path):
    staff = personas.org_staff.user
    cadre = _full_record(personas.cadre, staff)
    client.force_login(staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Export .lrmx" in client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
    text = _squash(pdf_text(client.get(reverse("selection:appointment_form_pdf", args=[cadre.pk])).content, tmp_path))
    year = timezone.localdate().year
    assert f"{year - 1}年度考核优秀。" in text and "给予嘉奖" in text and "男" in text
    root = _xml(client.get(reverse("selection:appointment_form_lrmx", args=[cadre.pk])).content)
    assert root.findtext("XingBie") == "男" and "年度考核" in root.findtext("NianDuKaoHeJieGuo")
