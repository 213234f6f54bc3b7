"""Headless Chromium: an anonymous visitor reads a notice, sends feedback, checks its status; staff triage it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from publicity.models import Feedback, FeedbackState

from .conftest import browser_login
from .factories import PASSWORD, CadreFactory, NoticeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FEEDBACK = "该同志在码头镇工作期间，引进项目的签约数字与实际落地情况不一致，请组织核实。"


def portrait() -> SimpleUploadedFile:
    image = Image.new("RGB", (300, 400), (226, 232, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((95, 70, 205, 190), fill=(120, 130, 145))
    draw.rectangle((60, 220, 240, 400), fill=(40, 60, 90))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    return SimpleUploadedFile("gu.jpg", buffer.getvalue(), content_type="image/jpeg")


def realistic_notice(unit):
    cadre = CadreFactory(name="顾强", unit=unit, photo=portrait(), id_number="320804198506151234", phone="13912345678")
    return NoticeFactory(
        published=True,
        cadre=cadre,
        title="关于顾强同志拟任职务的任前公示",
        current_post="丁集镇党委副书记、镇长",
        proposed_post="码头镇党委书记",
        basic_info="顾强，男，汉族，1975年3月生，江苏淮安人，2000年7月参加工作，1998年6月加入中国共产党，大学学历。",
        resume="1996.09—2000.07 南京农业大学农学专业学习\n2000.07—2008.03 丁集镇农技站技术员、副站长\n"
        "2008.03—2015.06 丁集镇党委委员、副镇长\n2015.06— 丁集镇党委副书记、镇长",
        study_credits="2023 年 58 分；2024 年 61 分；2025 年 60 分（满分 60 分以上为合格）。",
        achievements="一、招商引资与财税工作\n先后引进天恒机电、万鑫机电等项目 6 个，协议总投资 12.3 亿元；"
        "认真组织抓好财税征管，2025 年上半年实现财政收入 1184 万元，同比增长 18.6%。\n"
        "二、集镇建设\n牵头完成集镇主干道改造 3.2 公里，新建农贸市场 1 个（主要负责人）。\n"
        "三、表彰情况\n个人先后多次被区委区政府表彰为先进个人，2025 年 5 月获市劳动模范称号。",
        evaluation_results="2023 年度 称职，单位内第 2 名\n2024 年度 优秀，单位内第 1 名\n"
        "2025 年度 优秀，单位内第 1 名",
        feedback_channels="中共淮阴区委组织部干部监督室\n举报电话：0517-12380\n"
        "来信地址：淮阴区行政中心组织部（邮编 223300）",
        issued_by="中共淮阴区委组织部",  # frozen at publishing, as the publish service does
    )


def test_visitor_reads_a_notice_sends_feedback_and_checks_its_status(page, personas, artifacts, settings):
    # A person needs a few seconds to write; the robot types at once, so the minimum is off here.
    settings.PUBLICITY_FEEDBACK_MIN_SECONDS = 0
    notice = realistic_notice(personas.unit)

    page.goto(f"{page.base_url}/notices/")
    assert "关于顾强同志拟任职务的任前公示" in page.inner_text("#notice-list")
    page.screenshot(path=str(artifacts / "publicity-public-index.png"), full_page=True)
    page.click("text=关于顾强同志拟任职务的任前公示")
    page.wait_for_selector("#notice")
    page.wait_for_load_state("load")
    assert "码头镇党委书记" in page.inner_text("#notice")
    assert page.evaluate("document.querySelector('.pub-photo').naturalWidth") == 300
    # The sections keep their line breaks; private data of the record is nowhere.
    assert "2008.03—2015.06 丁集镇党委委员、副镇长" in page.inner_text("#notice")
    assert "13912345678" not in page.content() and "320804198506151234" not in page.content()
    # The honeypot is invisible to a person.
    assert not page.is_visible("#id_website")
    page.screenshot(path=str(artifacts / "publicity-public-detail-desktop.png"), full_page=True)
    pdf = page.request.get(page.base_url + page.get_attribute("#notice-pdf", "href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    (artifacts / "publicity-public-notice.pdf").write_bytes(pdf.body())
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "publicity-public-detail-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Too short first: refused, what was typed stays.
    page.fill("#id_name", "李群众")
    page.fill("#id_text", "情况不实")
    page.click("#feedback-form button[type=submit]")
    page.wait_for_selector("#feedback-error")
    assert "反映内容至少 10 个字" in page.inner_text("#feedback")
    assert page.input_value("#id_name") == "李群众"
    page.fill("#id_text", FEEDBACK)
    page.click("#feedback-form button[type=submit]")
    page.wait_for_selector("#receipt-code")
    code = page.inner_text("#receipt-code").strip()
    feedback = Feedback.objects.get()
    assert code == feedback.receipt_code and feedback.notice == notice and feedback.text == FEEDBACK
    page.screenshot(path=str(artifacts / "publicity-public-receipt-phone.png"), full_page=True)

    page.click("a.pub-button:has-text('查询办理情况')")
    page.fill("#id_code", code.lower())
    page.click(".pub-lookup button[type=submit]")
    page.wait_for_selector("#lookup-result")
    assert page.inner_text("#lookup-state") == "已受理"

    # Staff triage it; the visitor then sees the new state and the public reply.
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, personas.org_staff.code, PASSWORD)
    page.goto(f"{page.base_url}/publicity/feedback/")
    page.click(f"text={code}")
    page.click("button[value=verifying]")
    page.wait_for_selector("text=已办理为“核查中”")
    page.fill("#id_note", "调阅招商项目台账，签约与落地数字一致。")
    page.fill("#id_public_reply", "经核实，反映的问题不属实。感谢您的监督。")
    page.click("button[value=unsubstantiated]")
    page.wait_for_selector("text=已办理为“反映不属实”")
    page.screenshot(path=str(artifacts / "publicity-feedback-triage.png"), full_page=True)
    feedback.refresh_from_db()
    assert feedback.state == FeedbackState.UNSUBSTANTIATED
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/notices/feedback/status/")
    page.fill("#id_code", code)
    page.click(".pub-lookup button[type=submit]")
    page.wait_for_selector("#lookup-result")
    assert page.inner_text("#lookup-state") == "反映不属实"
    assert "感谢您的监督" in page.inner_text("#lookup-reply") and "台账" not in page.content()
    # The refused short text answered 400 on purpose; nothing else went wrong.
    assert [e for e in page.js_errors if "status of 400" not in e] == []
