"""Headless Chromium on a phone: org staff export a cadre's 干部任免审批表 as .lrmx from the profile,
import it into another cadre (upload, preview, confirm) and open the form's PDF. Screenshots go to
test-artifacts/ (phone 390); the cadre form's family section on a phone."""

from __future__ import annotations

from datetime import date

import pytest

from cadres.models import Cadre, FamilyMember

from .conftest import browser_login
from .factories import PASSWORD, CadreFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_export_then_import_into_another_cadre_on_a_phone(chromium, live_server, personas, artifacts, tmp_path):
    source = personas.cadre
    Cadre.objects.filter(pk=source.pk).update(birthplace="湖南衡南", health="健康", specialty="<b>教育管理</b>")
    FamilyMember.objects.create(cadre=source, relation="妻子", name="刘芳", birth_date=date(1987, 2, 3))
    target = CadreFactory(unit=personas.unit, name="接收干部", birth_date=date(1990, 1, 1))
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        browser_login(page, personas.org_staff.user.username, PASSWORD)
        page.goto(f"{live_server.url}/cadres/{source.pk}/")
        with page.expect_download() as download:
            page.click("text=导出 .lrmx")
        saved = tmp_path / "export.lrmx"
        download.value.save_as(saved)
        assert saved.read_bytes().startswith(b"<?xml")

        page.goto(f"{live_server.url}/cadres/{target.pk}/")
        page.click("text=导入 .lrmx")
        page.set_input_files("input[type=file]", str(saved))
        page.click("#lrmx-upload")
        page.wait_for_selector("#lrmx-preview")
        preview = page.inner_text("#lrmx-preview")
        assert "接收干部" in preview and source.name in preview and "刘芳" in preview
        assert "<b>教育管理</b>" in preview  # shown as text, not markup
        page.screenshot(path=str(artifacts / "appointment-form-import-preview-phone.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        assert Cadre.objects.get(pk=target.pk).name == "接收干部"  # nothing written yet
        page.click("#lrmx-confirm")
        page.wait_for_load_state("networkidle")
        assert "已从任免审批表文件" in page.inner_text("body")
        target = Cadre.objects.get(pk=target.pk)
        assert target.name == source.name and target.birthplace == "湖南衡南"
        assert list(target.family_members.values_list("name", flat=True)) == ["刘芳"]

        # A broken file: refused with the reason, nothing changed.
        page.goto(f"{live_server.url}/selection/cadres/{target.pk}/lrmx-import/")
        broken = tmp_path / "broken.lrmx"
        broken.write_bytes(saved.read_bytes()[:200])
        page.set_input_files("input[type=file]", str(broken))
        page.click("#lrmx-upload")
        page.wait_for_selector("#lrmx-problems")
        assert "不是完整有效的 XML" in page.inner_text("#lrmx-problems")
        page.screenshot(path=str(artifacts / "appointment-form-import-error-phone.png"), full_page=True)
        assert Cadre.objects.get(pk=target.pk).family_members.count() == 1

        # The org staff's form for the new cells works on a phone.
        page.goto(f"{live_server.url}/cadres/{target.pk}/edit/")
        page.fill("input[name=family-1-relation]", "儿子")
        page.fill("input[name=family-1-name]", "张小明")
        page.fill("input[name=family-1-sort_order]", "2")
        page.screenshot(path=str(artifacts / "appointment-form-cadre-edit-phone.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        page.click("button[type=submit].btn-brand")
        page.wait_for_load_state("networkidle")
        assert list(Cadre.objects.get(pk=target.pk).family_members.values_list("name", flat=True)) == ["刘芳", "张小明"]

        response = page.request.get(f"{live_server.url}/selection/cadres/{target.pk}/appointment-form.pdf")
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        assert errors == []
    finally:
        context.close()
