"""No private data on the public side (rules.md §6): ID number, phone, address and birth day never get out."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from publicity.privacy import find_private_data, mask_private_data
from publicity.services import feedback as service

from .factories import CadreFactory, NoticeFactory
from .support import pdf_text

ID_NUMBER = "32080419850615123X"
PHONE = "13912345678"
ADDRESS = "淮阴区幸福路88号3栋201室"
BIRTH = date(1985, 6, 15)
# Every form the private values could take on a page or in a PDF.
FORBIDDEN = [
    ID_NUMBER,
    ID_NUMBER.lower(),
    PHONE,
    "139 1234 5678",
    "139-1234-5678",
    ADDRESS,
    "幸福路88号3栋201室",
    "1985年6月15日",
    "1985年06月15日",
    "1985-06-15",
    "1985.06.15",
    "1985.6.15",
]
LEAKY = (
    f"张明，男，汉族，1985年6月15日生，身份证号{ID_NUMBER}，江苏淮安人。\n"
    f"联系电话：139 1234 5678，家庭住址：{ADDRESS}。\n"
    "出生日期：1985-06-15（1985.6.15）。"
)


@pytest.fixture
def cadre(db):
    return CadreFactory(name="张明", id_number=ID_NUMBER, phone=PHONE, address=ADDRESS, birth_date=BIRTH)


def leaky_notice(cadre, **traits):
    return NoticeFactory(
        cadre=cadre,
        title=f"关于张明同志（{ID_NUMBER}）的任前公示",
        current_post=f"青山镇党委副书记（电话{PHONE}）",
        basic_info=LEAKY,
        resume=f"2008.07—2015.03 青山镇科员（住{ADDRESS}）\n2015.03— 青山镇镇长",
        study_credits="2025 年 52 分（核对人电话 139-1234-5678）",
        achievements=f"牵头招商引资，新签约项目 6 个。身份证 {ID_NUMBER.lower()}。",
        evaluation_results="2025 年度 优秀；生日 1985年06月15日。",
        feedback_channels=f"举报电话：0000-12380\n本人电话：{PHONE}",
        source={"cadre": {"id_number": ID_NUMBER, "phone": PHONE, "address": ADDRESS, "birth_date": "1985-06-15"}},
        **traits,
    )


def assert_clean(text: str, where: str) -> None:
    for value in FORBIDDEN:
        assert value not in text, f"{value!r} leaked on {where}"


@pytest.mark.django_db
def test_private_data_never_reaches_any_public_page_or_the_pdf(client, cadre, tmp_path):
    notice = leaky_notice(cadre, published=True)
    ended = leaky_notice(cadre, ended=True)
    pages = {
        "index": reverse("public:index"),
        "archive": reverse("public:archive"),
        "detail": reverse("public:notice_detail", args=[notice.public_id]),
        "ended detail": reverse("public:notice_detail", args=[ended.public_id]),
    }
    for where, url in pages.items():
        html = client.get(url).content.decode()
        assert "张明" in html, where  # the page did render the notice
        assert_clean(html, where)
    detail = client.get(pages["detail"]).content.decode()
    assert "1985年6月生" in detail and "0000-12380" in detail  # year and month stay, the hotline stays
    for target in (notice, ended):
        text = pdf_text(client.get(reverse("public:notice_pdf", args=[target.public_id])).content, tmp_path)
        assert "张明" in text
        assert_clean(text.replace("\n", ""), "PDF")
        assert_clean(text, "PDF")
    token = service.form_token_issue(public_id=notice.public_id, now=timezone.now() - timedelta(seconds=30))
    response = client.post(
        reverse("public:feedback_submit", args=[notice.public_id]),
        {"text": "反映该同志的情况，请组织核实处理。", "token": token, "website": ""},
    )
    assert response.status_code == 302
    receipt = client.get(reverse("public:feedback_receipt")).content.decode()
    assert 'id="receipt-code"' in receipt and "张明" in receipt
    assert_clean(receipt, "receipt")


# --- The detectors -----------------------------------------------------------------------------------


def kinds(text: str, cadre=None) -> list[str]:
    return [finding.kind for finding in find_private_data(text, cadre=cadre)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("身份证号 110101199003071234 已核", "id_number"),
        ("身份证号 11010119900307123X", "id_number"),
        ("旧身份证 110101900307123", "id_number"),
        ("手机 13812345678", "mobile"),
        ("手机 138-1234-5678", "mobile"),
        ("手机 +86 138 1234 5678", "mobile"),
        ("1990年3月7日生", "birth_date"),
        ("1990年03月07日出生", "birth_date"),
        ("出生日期：1990-03-07", "birth_date"),
        ("出生于 1990.3.7", "birth_date"),
        ("1990/03/07 生", "birth_date"),
        ("家庭住址：青山镇幸福路 8 号", "address"),
    ],
)
def test_each_kind_of_private_data_is_found_and_masked(text, kind):
    assert kinds(text) == [kind]
    masked = mask_private_data(text)
    assert masked != text
    digits = "".join(c for c in masked if c.isdigit())
    assert len(digits) <= 6  # at most a year and a month or a house number survive


@pytest.mark.parametrize(
    "text",
    [
        "举报电话：0000-12380",
        "来信地址：××区行政中心组织部（邮编 223300）",
        "1985年6月生，2008年7月参加工作",
        "2015.03— 青山镇经济发展办主任",
        "2024年度考核优秀，2023年3月15日牵头召开招商推介会",
        "新签约项目 6 个，总投资 12 亿元，实现财政收入 1184 万元",
        "2008.07—2015.03 青山镇党政办科员",
    ],
)
def test_legitimate_notice_text_is_left_alone(text):
    assert find_private_data(text) == []
    assert mask_private_data(text) == text


def test_full_birth_date_keeps_year_and_month():
    assert mask_private_data("张明，1985年6月15日生，大学学历") == "张明，1985年6月生，大学学历"
    assert mask_private_data("出生日期：1985-06-15") == "出生日期：1985年6月"


@pytest.mark.django_db
def test_the_cadres_own_values_are_found_in_any_form(cadre):
    cadre.phone = "0517-83456789"
    text = "办公电话 0517 8345 6789；住 淮阴区幸福路88号 3栋201室；生日 19850615；证件 32080419850615123x"
    assert sorted(set(kinds(text, cadre))) == ["address", "birth_date", "id_number", "phone"]
    masked = mask_private_data(text, cadre=cadre)
    for value in ("8345", "3栋201室", "19850615", "32080419850615123"):
        assert value not in masked
    # The same landline of someone else is not private data.
    assert find_private_data("办公电话 0517 8345 6789") == []


def test_findings_carry_a_masked_excerpt_never_the_whole_value():
    (finding,) = find_private_data("身份证号 110101199003071234")
    assert finding.kind == "id_number" and finding.label == "身份证号"
    assert "110101199003071234" not in finding.excerpt and finding.excerpt.startswith("110")
    assert finding.excerpt.endswith("34")
