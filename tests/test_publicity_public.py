"""Public pages of 任前公示 (no login): index, archive, notice, PDF and photo, per state; caching."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from publicity import public_pages
from publicity.models import Notice, NoticeState, Outcome, PublicitySettings

from .factories import CadreFactory, NoticeFactory, pass_gate
from .support import pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


def url(name: str, notice: Notice | None = None) -> str:
    return reverse(f"public:{name}", args=[notice.public_id] if notice else [])


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), (163, 21, 21)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def future_notice(**kwargs) -> Notice:
    today = timezone.localdate()
    return NoticeFactory(
        state=NoticeState.PUBLISHED,
        start_date=today + timedelta(days=2),
        end_date=today + timedelta(days=9),
        published_at=timezone.now(),
        **kwargs,
    )


@pytest.fixture
def notices():
    gate = NoticeFactory(state=NoticeState.GATE, title="把关中的公示")
    pass_gate(gate)
    return {
        "draft": NoticeFactory(title="草稿中的公示"),
        "gate": gate,
        "future": future_notice(title="尚未开始的公示"),
        "open": NoticeFactory(published=True, title="正在公示的公示"),
        "ended": NoticeFactory(ended=True, title="已经结束的公示"),
    }


def test_index_lists_only_notices_in_their_period(client, notices):
    html = client.get(url("index")).content.decode()
    assert "正在公示的公示" in html
    for other in ("草稿中的公示", "把关中的公示", "尚未开始的公示", "已经结束的公示"):
        assert other not in html


def test_archive_lists_only_ended_notices_and_paginates(client, notices):
    html = client.get(url("archive")).content.decode()
    assert "已经结束的公示" in html and "正在公示的公示" not in html and "草稿中的公示" not in html
    cadre = notices["ended"].cadre
    for i in range(public_pages.ARCHIVE_PAGE_SIZE):
        NoticeFactory(ended=True, cadre=cadre, title=f"往期公示第{i:02d}号")
    first = client.get(url("archive")).content.decode()
    second = client.get(url("archive") + "?page=2").content.decode()
    assert "第 1 / 2 页" in first and "第 2 / 2 页" in second
    assert first.count('class="pub-card pub-item"') == public_pages.ARCHIVE_PAGE_SIZE
    assert second.count('class="pub-card pub-item"') == 1
    assert client.get(url("archive") + "?page=abc").status_code == 200
    assert "第 2 / 2 页" in client.get(url("archive") + "?page=99").content.decode()


@pytest.mark.parametrize("state", ["draft", "gate", "future"])
def test_unpublished_and_future_notices_are_404_everywhere(client, notices, state):
    notice = notices[state]
    for name in ("notice_detail", "notice_pdf", "notice_photo"):
        assert client.get(url(name, notice)).status_code == 404, name


def test_published_notice_page_shows_the_notice_and_the_feedback_form(client, notices):
    notice = notices["open"]
    response = client.get(url("notice_detail", notice))
    html = response.content.decode()
    assert response.status_code == 200
    assert notice.title in html and notice.proposed_post in html and notice.current_post in html
    assert "牵头完成青山镇产业园区招商引资" in html and "0472-12380" in html
    assert 'id="feedback-form"' in html and "csrfmiddlewaretoken" in html
    assert "公示期已结束" not in html
    # No staff navigation on a public page.
    assert "navbar" not in html and "干部名册" not in html


def test_ended_notice_says_so_and_has_no_form(client, notices):
    html = client.get(url("notice_detail", notices["ended"])).content.decode()
    assert "公示期已结束" in html and 'id="feedback-form"' not in html


def decide(notice: Notice, outcome: str = Outcome.APPOINTED_AFTER_EDUCATION) -> None:
    notice.state = NoticeState.DECIDED
    notice.outcome = outcome
    notice.outcome_reason = "经核实存在夸大政绩情况，已批评教育。"
    notice.decided_at = timezone.now()
    notice.save()


def test_outcome_is_shown_only_when_the_settings_say_so(client, notices):
    notice = notices["ended"]
    decide(notice)
    html = client.get(url("notice_detail", notice)).content.decode()
    assert "公示期已结束" in html and "批评教育后任用" not in html
    settings = PublicitySettings.load()
    settings.show_outcome_publicly = True
    settings.save()
    html = client.get(url("notice_detail", notice)).content.decode()
    assert "批评教育后任用" in html
    assert "批评教育后任用" in client.get(url("archive")).content.decode()
    assert "已批评教育" not in html  # the staff's reason stays internal


def test_outcome_is_not_shown_for_an_ended_notice_not_yet_decided(client, notices):
    settings = PublicitySettings.load()
    settings.show_outcome_publicly = True
    settings.save()
    html = client.get(url("notice_detail", notices["ended"])).content.decode()
    assert "公示期已结束" in html and 'id="notice-outcome"' not in html


def test_section_text_is_escaped_and_keeps_its_line_breaks(client, tmp_path):
    notice = NoticeFactory(
        published=True,
        title="关于<b>王</b>同志的任前公示",
        achievements="第一行<script>alert('x')</script>\n第二行",
        feedback_channels="举报电话：0000-12380\n<img src=x onerror=alert(1)>",
    )
    html = client.get(url("notice_detail", notice)).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>第二行" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>王</b>" not in html and "&lt;b&gt;王&lt;/b&gt;" in html
    text = pdf_text(client.get(url("notice_pdf", notice)).content, tmp_path)
    assert "<script>alert('x')</script>" in text  # shown as text in the PDF, never interpreted


def test_pdf_is_a_printable_notice_with_an_embedded_chinese_font(client, notices, tmp_path):
    notice = notices["open"]
    response = client.get(url("notice_pdf", notice))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert notice.title in text and "拟任职务" in text and "反映渠道" in text
    fonts = pdf_fonts(response.content, tmp_path)
    assert "CJK" in fonts and " yes " in fonts.splitlines()[-1]
    ended_text = pdf_text(client.get(url("notice_pdf", notices["ended"])).content, tmp_path)
    assert "公示期已结束" in ended_text


def test_photo_is_served_only_for_public_notices_with_its_content_type(client):
    cadre = CadreFactory(photo=png_upload())
    published = NoticeFactory(published=True, cadre=cadre)
    draft = NoticeFactory(cadre=cadre)
    response = client.get(url("notice_photo", published))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(url("notice_photo", draft)).status_code == 404
    html = client.get(url("notice_detail", published)).content.decode()
    assert url("notice_photo", published) in html
    no_photo = NoticeFactory(published=True)
    assert client.get(url("notice_photo", no_photo)).status_code == 404
    assert "notice_photo" not in client.get(url("notice_detail", no_photo)).content.decode()


def test_photo_appears_in_the_pdf(client, tmp_path):
    cadre = CadreFactory(photo=png_upload())
    notice = NoticeFactory(published=True, cadre=cadre)
    path = tmp_path / "photo.pdf"
    path.write_bytes(client.get(url("notice_pdf", notice)).content)
    import subprocess

    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) == 3  # header, rule, one image


def test_a_photo_that_is_not_an_image_is_never_served(client):
    cadre = CadreFactory(photo=SimpleUploadedFile("evil.html", b"<script>alert(1)</script>", content_type="text/html"))
    notice = NoticeFactory(published=True, cadre=cadre)
    assert client.get(url("notice_photo", notice)).status_code == 404


# --- Caching -----------------------------------------------------------------------------------------


def test_cached_pages_need_no_database_queries(client, notices, django_assert_num_queries):
    notice = notices["open"]
    for page in (url("index"), url("archive"), url("notice_detail", notice), url("notice_pdf", notice)):
        assert client.get(page).status_code == 200
        with django_assert_num_queries(0):
            assert client.get(page).status_code == 200, page


def test_cache_is_invalidated_when_a_notice_changes(client, notices):
    notice = notices["open"]
    assert "正在公示的公示" in client.get(url("index")).content.decode()
    assert "正在公示的公示" in client.get(url("notice_detail", notice)).content.decode()
    # A write that bypasses the model's signals is not seen: the page really comes from the cache.
    Notice.objects.filter(pk=notice.pk).update(title="悄悄改过的标题")
    assert "悄悄改过的标题" not in client.get(url("index")).content.decode()
    assert "悄悄改过的标题" not in client.get(url("notice_detail", notice)).content.decode()
    notice.refresh_from_db()
    notice.title = "修改后的公示标题"
    notice.save()
    assert "修改后的公示标题" in client.get(url("index")).content.decode()
    assert "修改后的公示标题" in client.get(url("notice_detail", notice)).content.decode()
    notice.state = NoticeState.DRAFT
    notice.save()
    assert client.get(url("notice_detail", notice)).status_code == 404
    assert "修改后的公示标题" not in client.get(url("index")).content.decode()


def test_cache_is_invalidated_when_settings_or_feedback_change(client, notices):
    notice = notices["ended"]
    decide(notice)
    assert "批评教育后任用" not in client.get(url("notice_detail", notice)).content.decode()
    settings = PublicitySettings.load()
    settings.show_outcome_publicly = True
    settings.save()
    assert "批评教育后任用" in client.get(url("notice_detail", notice)).content.decode()
    version = cache.get(public_pages.VERSION_KEY)
    from .factories import FeedbackFactory

    FeedbackFactory(notice=notices["open"])
    assert cache.get(public_pages.VERSION_KEY) != version


def test_a_new_day_brings_new_pages_without_any_change(notices):
    """The local date is part of every key: a notice leaves the index the day after it ends."""
    notice = notices["open"]
    today = timezone.localdate()
    assert notice.title in public_pages.index_fragment(today=today)
    after_end = notice.end_date + timedelta(days=1)
    assert notice.title not in public_pages.index_fragment(today=after_end)
    assert notice.title in public_pages.archive_fragment(today=after_end, page_number="1")
    entry = public_pages.notice_entry(public_id=notice.public_id, today=after_end)
    assert entry.ended and not entry.in_publicity
    upcoming = notices["future"]
    assert public_pages.notice_entry(public_id=upcoming.public_id, today=today) is None
    assert public_pages.notice_entry(public_id=upcoming.public_id, today=upcoming.start_date) is not None


def test_cached_notice_never_holds_a_csrf_token_or_form_token(client, notices):
    notice = notices["open"]
    first = client.get(url("notice_detail", notice))
    entry = public_pages.notice_entry(public_id=notice.public_id, today=timezone.localdate())
    assert "csrfmiddlewaretoken" not in entry.html and 'name="token"' not in entry.html
    other = client.__class__()
    second = other.get(url("notice_detail", notice))
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_every_process_fills_in_the_same_csrf_slot_of_the_shared_index_page():
    # The index page is built by one web process and read from the cache by the others: each must
    # find the stand-in for the token, or its visitors get a form that fails the CSRF check.
    code = "import django; django.setup(); from publicity import public_pages; print(public_pages.CSRF_SLOT)"
    env = os.environ | {"SECRET_KEY": django_settings.SECRET_KEY, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env["DEBUG"] = "1"  # settings without production's required keys; the slot depends on SECRET_KEY only
    other = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert other.returncode == 0, other.stderr
    assert other.stdout.strip().splitlines()[-1] == public_pages.CSRF_SLOT


def test_the_index_is_cached_whole_and_each_visitor_gets_a_working_csrf_token(notices):
    from django.test import Client

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [first.get(url("index")), second.get(url("index"))]
    tokens = []
    for client, page in zip((first, second), pages, strict=True):
        html = page.content.decode()
        assert "正在公示的公示" in html and public_pages.CSRF_SLOT not in html
        tokens.append(html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0])
        # The token in the cached page is this visitor's: the footer's language form posts with it.
        answer = client.post(
            reverse("set_language"), {"language": "en", "next": url("index"), "csrfmiddlewaretoken": tokens[-1]}
        )
        assert answer.status_code == 302
    assert tokens[0] != tokens[1] and first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    # The page itself comes from the cache: a title changed behind the model's back is not seen.
    Notice.objects.filter(pk=notices["open"].pk).update(title="悄悄改过的标题")
    assert "悄悄改过的标题" not in Client().get(url("index")).content.decode()
    # With a query string (it is in the page) the layout is rendered for the request.
    assert "?x=1" in Client().get(url("index"), {"x": "1"}).content.decode()


def test_benchmark_command_reports_cached_pages_without_queries(notices):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("benchmark_publicity_public", runs=5, stdout=out)
    rows = {tuple(line.split()[:2]): line.split()[2:] for line in out.getvalue().splitlines()[1:]}
    assert set(rows) == {(page, mode) for page in ("index", "detail", "pdf") for mode in ("cached", "uncached")}
    for page in ("index", "detail", "pdf"):
        assert rows[(page, "cached")][1] == "0"
        assert int(rows[(page, "uncached")][1]) > 0


def test_unknown_ids_are_404_and_leave_nothing_in_the_cache(client):
    import uuid

    made_up = uuid.uuid4()
    assert client.get(reverse("public:notice_detail", args=[made_up])).status_code == 404
    assert client.get(reverse("public:notice_pdf", args=[made_up])).status_code == 404
    redis = cache._cache.get_client()
    assert not list(redis.scan_iter(match=f"*{made_up}*"))


def test_a_visitor_switches_to_english_and_gets_the_english_page_not_the_cached_chinese_one(client, notices):
    notice = notices["open"]
    assert "正在公示" in client.get(url("index")).content.decode()
    assert "公示中" in client.get(url("notice_detail", notice)).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url("index")})
    try:
        index = client.get(url("index")).content.decode()
        detail = client.get(url("notice_detail", notice)).content.decode()
    finally:
        # The language middleware leaves the last request's language active in this thread.
        translation.activate(django_settings.LANGUAGE_CODE)
    assert 'lang="en"' in index and "In publicity" in index and "Past notices" in index
    assert "Online feedback" in detail and "Publicity period" in detail and "公示中" not in detail


def test_the_index_is_never_served_from_an_entry_of_another_version(client, notices):
    """The whole page is kept next to the version it was built at and read with the current one in
    one round trip: another process's invalidation (a new version) rebuilds it."""
    assert "正在公示的公示" in client.get(url("index")).content.decode()
    Notice.objects.filter(pk=notices["open"].pk).update(title="另一进程改过的标题")
    assert "另一进程改过的标题" not in client.get(url("index")).content.decode()
    cache.set(public_pages.VERSION_KEY, "elsewhere01", None)  # as invalidate() in another process
    assert "另一进程改过的标题" in client.get(url("index")).content.decode()
    # Withdrawn (back to draft) behind the signals, then a new version: gone from the index.
    Notice.objects.filter(pk=notices["open"].pk).update(state=NoticeState.DRAFT)
    cache.set(public_pages.VERSION_KEY, "elsewhere02", None)
    assert "另一进程改过的标题" not in client.get(url("index")).content.decode()


def test_with_no_version_in_the_cache_the_index_is_built_and_a_version_made(client, notices):
    cache.delete(public_pages.VERSION_KEY)
    assert "正在公示的公示" in client.get(url("index")).content.decode()
    version = cache.get(public_pages.VERSION_KEY)
    assert version
    assert "正在公示的公示" in client.get(url("index")).content.decode()
    assert cache.get(public_pages.VERSION_KEY) == version
