"""In Chromium: org staff issue a token on the 系统对接 pages (desktop and phone), and the login page
offers unified sign-on when it is on; axe-core finds no serious violation on these pages."""

from __future__ import annotations

import pytest

from integrations.models import ApiToken

from .conftest import browser_login
from .factories import PASSWORD
from .test_browser_every_page import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def axe_violations(page, path: str) -> list[str]:
    """The serious and critical axe-core violations on one page (the every-page check's rule)."""
    page.goto(f"{page.base_url}{path}")
    page.wait_for_load_state("networkidle")
    return run_axe(page, blocking_only=True)


def test_org_staff_issue_a_token_and_see_it_once(page, personas, artifacts):
    browser_login(page, personas.org_staff.code, PASSWORD)
    page.click("a.dropdown-toggle:text-is('系统')")
    page.click("text=系统对接")
    page.fill("#id_name", "人事信息系统")
    page.fill("#id_description", "每日增量同步")
    page.click("button:has-text('创建')")
    page.wait_for_load_state("networkidle")
    page.fill("#id_name", "<b>同步</b>")
    page.check("input[value='cadres:read']")
    page.check("input[value='results:read']")
    page.fill("#id_days", "30")
    page.click("button:has-text('签发')")
    page.wait_for_load_state("networkidle")
    token = page.inner_text("#token")
    assert token.startswith("cp_") and len(token) == 67
    assert page.inner_text("dl").count("<b>同步</b>") == 1  # escaped, shown as text
    page.screenshot(path=str(artifacts / "integrations-token-issued.png"), full_page=True)
    assert ApiToken.objects.get().token_key == token[:15]

    page.click("text=我已保存，返回")
    page.wait_for_load_state("networkidle")
    assert token not in page.content() and token[:15] in page.content()
    page.screenshot(path=str(artifacts / "integrations-account.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 362
    page.screenshot(path=str(artifacts / "integrations-account-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    found = axe_violations(page, "/integrations/")
    found += axe_violations(page, page.url.removeprefix(page.base_url))
    assert found == [], "\n".join(found)
    assert page.js_errors == []


def test_the_login_page_offers_unified_sign_on_when_it_is_on(page, settings, artifacts):
    settings.OIDC_RP_CLIENT_ID = "cadreperf"
    settings.SIGNON_LOCAL_LOGIN = "admin"
    found = axe_violations(page, "/accounts/login/")
    assert page.is_visible("text=统一身份认证登录")
    assert page.is_visible("text=下方密码登录仅供系统管理员使用")
    page.screenshot(path=str(artifacts / "login-unified-sign-on.png"), full_page=True)
    assert found == [], "\n".join(found)
