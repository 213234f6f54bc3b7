"""Links from the staff pages to pages another part of the app serves (the public notice page and
the staff's feedback triage). One place, so they can become `reverse()` calls in one edit."""

from __future__ import annotations

from .models import Notice


def public_url(notice: Notice) -> str:
    return f"/notices/{notice.public_id}/"


def feedback_list_url(notice: Notice) -> str:
    return f"/publicity/feedback/?notice={notice.pk}"
