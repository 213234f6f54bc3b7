"""Public pages of 任前公示 (no login): the index, the archive, a notice, its PDF and photo.

The notice content comes from the shared cache (publicity.public_pages); only the layout and the
feedback form, which carry per-request tokens, are rendered here for each request.
"""

from __future__ import annotations

import mimetypes
import uuid

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.csrf import get_token

from .. import public_pages
from ..forms import FeedbackForm
from ..services.feedback import form_token_issue

# Only images go out as the photo, never anything a browser would run or render as a page.
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    if request.GET:  # a query string is in the page (the language form's `next`): not cached
        body = public_pages.index_fragment(today=today)
        return render(request, "publicity/public/index.html", {"body": body})

    def build() -> str:
        context = {"body": public_pages.index_fragment(today=today), "csrf_token": public_pages.CSRF_SLOT}
        return render_to_string("publicity/public/index.html", context, request=request)

    page = public_pages.index_page(today=today, build=build)
    return HttpResponse(page.replace(public_pages.CSRF_SLOT, get_token(request)))


@require_safe
def archive(request: HttpRequest) -> HttpResponse:
    body = public_pages.archive_fragment(today=timezone.localdate(), page_number=request.GET.get("page", "1"))
    return render(request, "publicity/public/archive.html", {"body": body})


def notice_page(
    request: HttpRequest,
    entry: public_pages.NoticeEntry,
    public_id: uuid.UUID,
    *,
    form: FeedbackForm | None = None,
    feedback_error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The notice page around its cached body; the feedback form is fresh for every request."""
    if form is None and entry.in_publicity:
        token = form_token_issue(public_id=public_id, now=timezone.now())
        form = FeedbackForm(initial={"token": token}, max_chars=entry.feedback_max_chars)
    context = {"entry": entry, "public_id": public_id, "form": form, "feedback_error": feedback_error}
    return render(request, "publicity/public/detail.html", context, status=status)


@require_safe
def notice_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    entry = public_pages.notice_entry(public_id=public_id, today=timezone.localdate())
    if entry is None:
        raise Http404
    return notice_page(request, entry, public_id)


@require_safe
def notice_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = public_pages.notice_pdf(public_id=public_id, today=timezone.localdate())
    if found is None:
        raise Http404
    content, filename = found
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def notice_photo(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """The cadre's photo from private media, only while the notice is public."""
    notice = public_pages.find_public_notice(public_id, today=timezone.localdate())
    if notice is None or not notice.cadre.photo:
        raise Http404
    content_type = mimetypes.guess_type(notice.cadre.photo.name)[0]
    if content_type not in PHOTO_TYPES:
        raise Http404
    response = FileResponse(notice.cadre.photo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    return response
