"""The shared PDF renderer: Chinese fonts embedded, no fetching outside the app's static files."""

import http.server
import subprocess
import threading

import pytest

from achievements.pdf import render_pdf, render_verified_pdf, verify_export

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_chinese_text_renders_with_an_embedded_cjk_font(tmp_path):
    content = render_pdf('<html><body style="font-family: sans-serif">实绩档案：青石镇</body></html>')
    path = tmp_path / "cjk.pdf"
    path.write_bytes(content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts or "WenQuanYi" in fonts
    assert " yes " in fonts.splitlines()[-1]  # embedded
    assert "实绩档案：青石镇" in pdf_text(content, tmp_path)


def test_the_renderer_fetches_nothing_outside_static_files(tmp_path):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    html = f"""<html><head><link rel="stylesheet" href="/static/css/app.css"></head><body>
      <img src="http://127.0.0.1:{port}/beacon.png">
      <img src="file:///etc/passwd">
      <link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">
      <p>正文</p></body></html>"""
    try:
        content = render_pdf(html)
    finally:
        server.shutdown()
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
