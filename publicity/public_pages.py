"""The public side of 任前公示, rendered once and kept in the shared cache.

What is cached is the part of a page that is the same for every visitor: the notice list, the
archive page, the notice itself and its PDF. The page around it (language switcher, feedback
form) holds a CSRF token and a signed form timestamp, so it is rendered for each request.

Every key carries a version and the local date. Any change to a notice, its feedback, the
settings or a cadre (photo) moves the version (see `invalidate`, wired to signals in apps.py),
and a new day starts new keys, so a notice leaves the index the day after it ends without
anyone touching it.
"""

from __future__ import annotations

import mimetypes
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cadres.models import Cadre
from core.cache_versions import LocalCopies, current_version, replace_version
from core.csrf import shared_slot
from core.pdf import render_pdf
from core.release import release

from .models import Feedback, Notice, NoticeState, PublicitySettings
from .privacy import mask_private_data
from .record import section_labels
from .rules import has_placeholder

T = TypeVar("T")

VERSION_KEY = "publicity:public:version"
# The date in the key already retires entries at midnight; this only bounds memory.
TIMEOUT_SECONDS = 6 * 60 * 60
ARCHIVE_PAGE_SIZE = 20
# Deeper pages are rare; not caching them keeps made-up page numbers from filling the cache.
MAX_CACHED_ARCHIVE_PAGES = 50

SECTIONS = ("basic_info", "resume", "study_credits", "achievements", "evaluation_results")


def invalidate(**_kwargs: Any) -> None:
    replace_version(VERSION_KEY, after_commit=False)


def _key(today: date, *parts: Any) -> str:
    return ":".join(
        [
            "publicity:public",
            release(),
            current_version(VERSION_KEY),
            translation.get_language() or "",
            today.isoformat(),
            *map(str, parts),
        ]
    )


def _settings_saved(created: bool = False, **_kwargs: Any) -> None:
    # PublicitySettings.load() creates the row with the defaults the page was just rendered with.
    if not created:
        invalidate()


def connect_signals() -> None:
    post_save.connect(_settings_saved, sender=PublicitySettings, dispatch_uid="publicity-public-settings-save")
    for model in (Notice, Feedback, Cadre):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"publicity-public-{model.__name__}-save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"publicity-public-{model.__name__}-delete")


# --- What a public page shows of a notice -------------------------------------------------------------


@dataclass(frozen=True)
class PublicNotice:
    """A notice as the public sees it: every text passed through the privacy mask."""

    notice: Notice
    title: str
    current_post: str
    proposed_post: str
    sections: list[tuple[str, str]]
    feedback_channels: str
    in_publicity: bool
    ended: bool
    outcome: str
    photo_version: str
    issuer: str = ""
    issue_date: date | None = None

    @property
    def public_id(self) -> uuid.UUID:
        return self.notice.public_id


def public_notice(
    notice: Notice, *, today: date, show_outcome: bool, settings: PublicitySettings | None = None
) -> PublicNotice:
    """A notice as the public pages show it; a list passes the settings it loaded once."""
    settings = settings or PublicitySettings.load()
    cadre = notice.cadre

    def mask(text: str) -> str:
        return mask_private_data(text, cadre=cadre)

    labels = section_labels(notice, settings)

    return PublicNotice(
        notice=notice,
        title=mask(notice.title),
        current_post=mask(notice.current_post),
        proposed_post=mask(notice.proposed_post),
        sections=[(labels[field], mask(getattr(notice, field))) for field in SECTIONS if getattr(notice, field)],
        feedback_channels=mask(notice.feedback_channels),
        in_publicity=notice.is_in_publicity(today),
        ended=notice.has_ended(today),
        outcome=notice.get_outcome_display() if show_outcome and notice.state == NoticeState.DECIDED else "",
        photo_version=str(int(cadre.updated_at.timestamp())) if cadre.photo else "",
        issuer=_issuer(notice, settings),
        issue_date=timezone.localdate(notice.published_at) if notice.published_at else notice.start_date,
    )


def _issuer(notice: Notice, settings: PublicitySettings) -> str:
    """The 落款 recorded at publishing; for a notice published before it was recorded, the current
    setting unless that is still a placeholder."""
    if notice.issued_by:
        return notice.issued_by
    current = settings.issuer_name.strip()
    return "" if has_placeholder(current) else current


def _public_queryset():
    return Notice.objects.public().select_related("cadre")


def find_public_notice(public_id: uuid.UUID, *, today: date) -> Notice | None:
    """A published or decided notice whose period has started; drafts, the gate and future notices: None."""
    return _public_queryset().filter(public_id=public_id, start_date__lte=today).first()


# --- Cached fragments ---------------------------------------------------------------------------------


def index_fragment(*, today: date) -> str:
    def build() -> str:
        notices = _public_queryset().filter(pk__in=Notice.objects.in_publicity(today)).order_by("end_date", "pk")
        settings = PublicitySettings.load()
        show = settings.show_outcome_publicly
        items = [public_notice(n, today=today, show_outcome=show, settings=settings) for n in notices]
        return render_to_string("publicity/public/_index_list.html", {"items": items, "today": today})

    return cache.get_or_set(_key(today, "index"), build, TIMEOUT_SECONDS)


# Stands in for the visitor's CSRF token in a cached whole page (the language form in the footer
# carries one); the view puts each visitor's own token in its place. The same in every process:
# the page is shared through the cache.
CSRF_SLOT = shared_slot("publicity.index")

# The index page also kept in each process while current (one small round trip a visit).
_INDEX_COPIES = LocalCopies[str](max_entries=8)


def index_page(*, today: date, build: Callable[[], str]) -> str:
    """The whole index page as anyone sees it in the current language (CSRF_SLOT for the token):
    the page is the same for every visitor, so the layout is rendered once, not per request.

    The busiest public page, so one round trip to the cache: the page is kept under a key without
    the version, next to the version it was built at, and read together with the current version.
    An entry of another version is never served: the page is built again and replaces it."""
    key = ":".join(["publicity:public:index-page", release(), translation.get_language() or "", today.isoformat()])
    return _INDEX_COPIES.body(version_keys=[VERSION_KEY], key=key, build=build, timeout=TIMEOUT_SECONDS)


def archive_fragment(*, today: date, page_number: Any) -> str:
    """One page of ended notices (a page number out of range shows the last page)."""
    number = int(page_number) if str(page_number).isdigit() and int(page_number) > 0 else 1

    def build() -> str:
        ended = _public_queryset().filter(pk__in=Notice.objects.ended(today)).order_by("-end_date", "-pk")
        page = Paginator(ended, ARCHIVE_PAGE_SIZE).get_page(number)
        settings = PublicitySettings.load()
        show = settings.show_outcome_publicly
        items = [public_notice(n, today=today, show_outcome=show, settings=settings) for n in page]
        return render_to_string("publicity/public/_archive_list.html", {"items": items, "page": page})

    if number > MAX_CACHED_ARCHIVE_PAGES:
        return build()
    return cache.get_or_set(_key(today, "archive", number), build, TIMEOUT_SECONDS)


@dataclass(frozen=True)
class NoticeEntry:
    """The cached part of a notice page, and what the view needs to build the rest without a query."""

    pk: int
    title: str
    html: str
    in_publicity: bool
    ended: bool
    feedback_max_chars: int


def _cached_per_notice(kind: str, *, public_id: uuid.UUID, today: date, make: Callable[[Notice], T]) -> T | None:
    """What `make` gives for a public notice, cached per day; None where the public gets 404.
    Misses are not cached, so made-up ids cannot fill the cache; the lookup is one indexed query."""
    key = _key(today, kind, public_id)
    cached = cache.get(key)
    if cached is not None:
        return cached
    notice = find_public_notice(public_id, today=today)
    if notice is None:
        return None
    made = make(notice)
    cache.set(key, made, TIMEOUT_SECONDS)
    return made


def notice_entry(*, public_id: uuid.UUID, today: date) -> NoticeEntry | None:
    return _cached_per_notice("notice", public_id=public_id, today=today, make=partial(_entry, today=today))


def _entry(notice: Notice, *, today: date) -> NoticeEntry:
    publicity_settings = PublicitySettings.load()
    shown = public_notice(notice, today=today, show_outcome=publicity_settings.show_outcome_publicly)
    return NoticeEntry(
        pk=notice.pk,
        title=shown.title,
        html=render_to_string("publicity/public/_notice_body.html", {"n": shown, "today": today}),
        in_publicity=shown.in_publicity,
        ended=shown.ended,
        feedback_max_chars=publicity_settings.feedback_max_chars,
    )


def _photo_file(cadre: Cadre) -> tuple[bytes, str] | None:
    if not cadre.photo:
        return None
    with cadre.photo.open("rb") as handle:
        return handle.read(), mimetypes.guess_type(cadre.photo.name)[0] or "application/octet-stream"


def notice_pdf(*, public_id: uuid.UUID, today: date) -> tuple[bytes, str] | None:
    """The printable notice (PDF bytes and a file name), or None where the public gets 404."""
    return _cached_per_notice("pdf", public_id=public_id, today=today, make=partial(_pdf, today=today))


def _pdf(notice: Notice, *, today: date) -> tuple[bytes, str]:
    shown = public_notice(notice, today=today, show_outcome=PublicitySettings.load().show_outcome_publicly)
    photo = _photo_file(notice.cadre)
    html = render_to_string(
        "publicity/public/notice_pdf.html", {"n": shown, "today": today, "has_photo": photo is not None}
    )
    content = render_pdf(html, extra_files={"photo": photo} if photo else None)
    return content, f"notice-{notice.public_id}.pdf"
