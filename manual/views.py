"""The manual's pages: an index, one page per role, and the same page as a printable PDF."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from core.pdf import render_pdf

from . import access
from .contents import BY_SLUG, RoleManual


def _manual(request: HttpRequest, role: str) -> RoleManual | HttpResponse:
    manual = BY_SLUG.get(role)
    if manual is None:
        raise Http404
    if not access.may_read(request.user, manual):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    return manual


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "manual/index.html", {"manuals": access.readable(request.user)})


def role_manual(request: HttpRequest, role: str) -> HttpResponse:
    manual = _manual(request, role)
    if isinstance(manual, HttpResponse):
        return manual
    template = "manual/public_page.html" if manual.role is None else "manual/page.html"
    return render(request, template, {"manual": manual, "body": f"manual/roles/{manual.slug}.html"})


def role_manual_pdf(request: HttpRequest, role: str) -> HttpResponse:
    manual = _manual(request, role)
    if isinstance(manual, HttpResponse):
        return manual
    html = render_to_string(
        "manual/pdf.html",
        {"manual": manual, "body": f"manual/roles/{manual.slug}.html", "pdf": True, "generated_at": timezone.now()},
        request=request,
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="manual-{manual.slug}.pdf"'
    return response
