"""Links from the staff notice pages to the public notice page and the staff's feedback triage."""

from __future__ import annotations

from django.urls import reverse

from .models import Notice


def public_url(notice: Notice) -> str:
    return reverse("public:notice_detail", args=[notice.public_id])


def feedback_list_url(notice: Notice) -> str:
    return f"{reverse('publicity:feedback_list')}?notice={notice.pk}"
