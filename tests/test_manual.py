"""操作手册: a help page per role, who may read it, the 帮助 links that lead to it, its PDF, and its
screenshots (taken by tests/test_browser_every_page.py; here: present, and not older than the
templates they show)."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.urls import reverse

from manual.contents import MANUALS

from .factories import NoticeFactory
from .manual_shots import SHOTS, fingerprint, load_manifest, referenced_in_templates

pytestmark = pytest.mark.django_db

ROLES = [manual.slug for manual in MANUALS]
# Who may open each role's part: the role itself, org staff (they train everyone) and the admin.
READERS = {
    "cadre": {"cadre", "colleague", "leader", "team_member", "superior_leader", "stranger", "org_staff", "admin"},
    "leader": {"leader", "team_member", "superior_leader", "org_staff", "admin"},
    "org_staff": {"org_staff", "admin"},
    "discipline": {"discipline", "org_staff", "admin"},
    "public": {"anonymous", "cadre", "leader", "team_member", "org_staff", "discipline", "admin"},
}
PERSONAS = ["anonymous", "cadre", "leader", "team_member", "org_staff", "discipline", "admin"]


def client_for(client, personas, who):
    user = personas.user(who)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_each_part(client, personas, role, who):
    client = client_for(client, personas, who)
    urls = [reverse("help:role", args=[role])]
    if who not in READERS[role]:  # (the PDF for its readers: test_pdf_holds_the_text_and_the_pictures)
        urls.append(reverse("help:role_pdf", args=[role]))
    for url in urls:
        response = client.get(url)
        if who in READERS[role]:
            assert response.status_code == 200, url
        elif who == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 403, url


def test_unknown_part_is_404(client, personas):
    client.force_login(personas.org_staff.user)
    assert client.get("/help/nobody/").status_code == 404
    assert client.get("/help/nobody/pdf/").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_each_part_has_its_sections_screenshots_and_links(client, personas, role):
    client.force_login(personas.admin)
    html = client.get(reverse("help:role", args=[role])).content.decode()
    manual = next(m for m in MANUALS if m.slug == role)
    assert str(manual.title) in html
    for section in manual.sections:
        assert f'id="{section.slug}"' in html and f'href="#{section.slug}"' in html
        assert str(section.title) in html
    for _section, shot in manual.shots():
        assert f"/static/{shot}" in html
    assert reverse("help:role_pdf", args=[role]) in html


def test_index_lists_what_each_person_may_read(client, personas):
    html = client.get("/help/").content.decode()
    assert reverse("help:role", args=["public"]) in html and reverse("help:role", args=["cadre"]) not in html
    client.force_login(personas.cadre.user)
    html = client.get("/help/").content.decode()
    assert reverse("help:role", args=["cadre"]) in html and reverse("help:role", args=["org_staff"]) not in html


@pytest.mark.parametrize(
    ("who", "path", "expected"),
    [
        ("cadre", "/achievements/logs/", "/help/cadre/#logs"),
        ("cadre", "/evaluations/sheets/", "/help/cadre/#sheets"),
        ("cadre", "/", "/help/cadre/#start"),
        ("leader", "/achievements/units/deductions/", "/help/leader/#overview"),
        ("leader", "/achievements/logs/", "/help/cadre/#logs"),  # a leader is a cadre too
        ("org_staff", "/cadres/", "/help/org_staff/#roster"),
        ("org_staff", "/evaluations/periods/", "/help/org_staff/#periods"),
        ("discipline", "/selection/discipline/", "/help/discipline/#opinions"),
        ("discipline", "/supervision/reports/", "/help/discipline/#reports"),
    ],
)
def test_help_link_in_the_menu_points_at_the_section_about_this_page(client, personas, who, path, expected):
    client.force_login(personas.user(who))
    html = client.get(path).content.decode()
    assert re.search(rf'href="{re.escape(expected)}" id="help-link"', html), html[:300]
    assert f'<a href="{expected}"><i class="bi bi-question-circle" aria-hidden="true"></i> 本页操作说明' in html


def test_a_page_the_manual_does_not_explain_links_to_the_readers_own_part(client, personas):
    client.force_login(personas.discipline)
    html = client.get("/notifications/").content.decode()
    assert 'href="/help/discipline/" id="help-link"' in html and "本页操作说明" not in html


def test_public_pages_link_to_the_public_guide(client):
    notice = NoticeFactory(published=True)
    for path in ("/notices/", f"/notices/{notice.public_id}/", "/report/"):
        html = client.get(path).content.decode()
        assert f'href="{reverse("help:role", args=["public"])}"' in html, path
    html = client.get("/help/public/").content.decode()
    assert 'id="large-text-toggle"' in html  # the guide is a public page with the same header


@pytest.mark.parametrize("role", ROLES)
def test_pdf_holds_the_text_and_the_pictures(client, personas, role, tmp_path):
    client.force_login(personas.admin)
    response = client.get(reverse("help:role_pdf", args=[role]))
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "manual.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    manual = next(m for m in MANUALS if m.slug == role)
    compact = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", str(manual.title)) in compact
    for section in manual.sections:
        assert re.sub(r"\s+", "", str(section.title)) in compact, section.slug
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) - 2 >= len(manual.shots())
    assert not re.search(r"打开\S*\s*→", text)  # the 打开… → links to the pages are for the screen only


def test_english_headings(client, personas):
    client.force_login(personas.cadre.user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/help/cadre/").content.decode()
    assert "Cadre manual" in html and "Writing the daily log" in html


def test_every_screenshot_the_manual_shows_exists_and_is_fresh():
    """Taken by the browser test from the demo pages; a template or stylesheet changed since the
    picture was taken makes it stale: run tests/test_browser_every_page.py to retake it."""
    declared = {shot for manual in MANUALS for _section, shot in manual.shots()}
    assert referenced_in_templates() == declared
    manifest = load_manifest()
    problems = []
    for shot in sorted(declared):
        name = shot.removeprefix("manual/")
        entry = manifest.get(name)
        if not (SHOTS / name).is_file() or entry is None:
            problems.append(f"{name}: missing")
        elif fingerprint(list(entry["files"])) != entry["files"]:
            changed = [f for f, digest in fingerprint(list(entry["files"])).items() if entry["files"].get(f) != digest]
            problems.append(f"{name}: stale, changed since taken: {changed}")
    assert problems == [], "\n".join(problems)
    # Each picture is a real screenshot of the page it names.
    for name, entry in manifest.items():
        assert (SHOTS / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert any(entry["page"] == s.pages[0] for m in MANUALS for s in m.sections), name
