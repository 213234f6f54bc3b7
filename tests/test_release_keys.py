"""Cached page bodies belong to one release of the code: after a deploy, no page is served in the
markup of the release before (core/release.py; the keys of the results, feed, sheet-rows and public
caches carry it)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from achievements.services import daily_log_save
from cadres.models import Cadre
from core import release as release_module
from publicity.models import Notice

from .factories import NoticeFactory
from .support import today

pytestmark = pytest.mark.django_db


@pytest.fixture
def deploy(monkeypatch):
    """Start serving a named release, as a new container of a new image does."""

    def to(name: str) -> None:
        monkeypatch.setenv("RELEASE", name)
        release_module.release.cache_clear()

    yield to
    release_module.release.cache_clear()


def test_a_new_release_never_reads_the_public_index_cached_by_the_one_before(client, deploy):
    deploy("2026.12.1")
    notice = NoticeFactory(published=True, title="正在公示的公示")
    assert "正在公示的公示" in client.get(reverse("public:index")).content.decode()
    Notice.objects.filter(pk=notice.pk).update(title="新版本里的标题")  # behind the signals' backs
    assert "新版本里的标题" not in client.get(reverse("public:index")).content.decode()  # cached
    deploy("2026.12.2")
    assert "新版本里的标题" in client.get(reverse("public:index")).content.decode()


def test_a_new_release_never_reads_a_unit_feed_cached_by_the_one_before(
    client, personas, deploy, django_capture_on_commit_callbacks
):
    deploy("2026.12.1")
    with django_capture_on_commit_callbacks(execute=True):
        daily_log_save(author=personas.cadre, day=today(), text="走访辖区企业三家，了解用工需求。", expected_version="")
    client.force_login(personas.colleague.user)
    feed = reverse("achievements:feed")
    assert personas.cadre.name in client.get(feed).content.decode()
    Cadre.objects.filter(pk=personas.cadre.pk).update(name="新版本改名")
    assert "新版本改名" not in client.get(feed).content.decode()
    deploy("2026.12.2")
    assert "新版本改名" in client.get(feed).content.decode()


def test_without_a_named_release_the_digest_follows_the_sources(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "page.html").write_text("<p>一</p>", encoding="utf-8")
    (tmp_path / "app" / "views.py").write_text("X = 1\n", encoding="utf-8")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "lib.py").write_text("Y = 1\n", encoding="utf-8")
    first = release_module._source_digest(tmp_path)
    assert release_module._source_digest(tmp_path) == first
    (tmp_path / ".venv" / "lib.py").write_text("Y = 2\n", encoding="utf-8")  # not the product's code
    assert release_module._source_digest(tmp_path) == first
    (tmp_path / "app" / "page.html").write_text("<p>二</p>", encoding="utf-8")
    assert release_module._source_digest(tmp_path) != first
