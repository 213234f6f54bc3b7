"""axe-core (vendored, WCAG 2.1 AA) in headless Chromium over public and signed-in pages."""

from __future__ import annotations

import pytest

from .conftest import browser_login
from .factories import PASSWORD
from .publicity_helpers import NoticeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def axe_violations(page, path: str) -> list[str]:
    page.goto(f"{page.base_url}{path}")
    page.wait_for_load_state("networkidle")
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")  # same origin: allowed by the CSP
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [
        f"{path}: {v['id']} ({v['impact']}) x{len(v['nodes'])}: {v['nodes'][0]['target']} "
        f"{[(n['target'], n.get('any', [{}])[0].get('message', '')[:160]) for n in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


def test_public_pages_and_login_have_no_serious_violations(page, db):
    notice = NoticeFactory(published=True)
    found = []
    for path in [
        "/notices/",
        f"/notices/{notice.public_id}/",
        "/notices/archive/",
        "/notices/feedback/status/",
        "/accounts/login/",
        "/achievements/verify/",
    ]:
        found += axe_violations(page, path)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("who", ["cadre", "leader", "org_staff"])
def test_signed_in_pages_have_no_serious_violations(page, personas, who):
    user = personas.user(who)
    browser_login(page, user.username, PASSWORD)
    paths = ["/", "/achievements/logs/", "/achievements/summaries/", "/achievements/records/", "/evaluations/sheets/"]
    if who == "org_staff":
        paths += ["/cadres/", "/evaluations/periods/", "/publicity/", "/achievements/exports/"]
    found = []
    for path in paths:
        found += axe_violations(page, path)
    assert found == [], "\n".join(found)
