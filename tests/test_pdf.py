"""The shared PDF renderer: Chinese fonts embedded, no fetching outside the app's static files."""

import subprocess

import pytest

from achievements.pdf import render_verified_pdf, verify_export
from core.pdf import render_pdf

from .support import beacon_server, pdf_text

pytestmark = pytest.mark.django_db


def test_chinese_text_renders_with_an_embedded_cjk_font(tmp_path):
    content = render_pdf('<html><body style="font-family: sans-serif">实绩档案：青石镇</body></html>')
    path = tmp_path / "cjk.pdf"
    path.write_bytes(content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts or "WenQuanYi" in fonts
    assert " yes " in fonts.splitlines()[-1]  # embedded
    assert "实绩档案：青石镇" in pdf_text(content, tmp_path)


def test_the_renderer_fetches_nothing_outside_static_files(tmp_path):
    with beacon_server() as (port, hits):
        html = f"""<html><head><link rel="stylesheet" href="/static/css/app.css"></head><body>
          <img src="http://127.0.0.1:{port}/beacon.png">
          <img src="file:///etc/passwd">
          <link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">
          <p>正文</p></body></html>"""
        content = render_pdf(html)
    assert hits == []
    assert "root:" not in pdf_text(content, tmp_path)


def test_verified_pdf_is_registered_and_checks_out(tmp_path, settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
    (tmp_path / "doc.html").write_text("<p>验证码 {{ verification_code }}</p>", encoding="utf-8")
    pdf = render_verified_pdf(template="doc.html", context={}, kind="test", title="测试")
    assert pdf.code in pdf_text(pdf.content, tmp_path)
    document, unaltered = verify_export(code=pdf.code, content=pdf.content)
    assert document.sha256 == pdf.sha256 and unaltered
    assert verify_export(code=pdf.code, content=pdf.content + b"%tampered")[1] is False
    assert verify_export(code="NOPE", content=pdf.content) == (None, False)
