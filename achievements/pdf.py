"""Verified exports: every exported PDF is registered with its SHA-256 under a short verification
code that the PDF prints, so anyone can later check that a file is an unaltered export."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from core.pdf import render_pdf

from .models import ExportedDocument

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_verification_code() -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{code[:5]}-{code[5:]}"


@dataclass(frozen=True)
class VerifiedPdf:
    content: bytes
    code: str
    sha256: str


def render_verified_pdf(
    *,
    template: str,
    context: dict[str, Any],
    kind: str,
    title: str,
    actor: Any = None,
    extra_files: dict[str, tuple[bytes, str]] | None = None,
) -> VerifiedPdf:
    """Render a template to PDF with a fresh verification code in its context, and register it.

    The template prints `verification_code`; the SHA-256 of the finished file is stored under it.
    """
    code = new_verification_code()
    html = render_to_string(template, {**context, "verification_code": code})
    content = render_pdf(html, extra_files=extra_files)
    digest = hashlib.sha256(content).hexdigest()
    ExportedDocument.objects.create(
        code=code,
        sha256=digest,
        kind=kind,
        title=title[:200],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return VerifiedPdf(content, code, digest)


def normalize_code(typed: str) -> str:
    """A code as people type it (abcde23456, ABCDE 23456, ａｂｃｄｅ－２３４５６) in its printed form ABCDE-23456.

    Case, spaces and any kind of dash do not matter; what is left is returned as is when it is not ten
    letters and digits, so that it matches nothing.
    """
    letters = "".join(ch for ch in unicodedata.normalize("NFKC", typed).upper() if ch.isascii() and ch.isalnum())
    return f"{letters[:5]}-{letters[5:]}" if len(letters) == 10 else letters


def verify_export(*, code: str, content: bytes) -> tuple[ExportedDocument | None, bool]:
    """The registered export behind a code, and whether `content` is exactly that file."""
    document = ExportedDocument.objects.filter(code=normalize_code(code)).first()
    if document is None:
        return None, False
    return document, hashlib.sha256(content).hexdigest() == document.sha256
