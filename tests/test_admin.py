"""The Django admin, for system admins: every registered model's pages open, in Chinese."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_admin_changelist_and_add_page_opens(client, personas):
    client.force_login(personas.admin)
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        if model_admin.has_add_permission(client.get(changelist).wsgi_request):
            add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
            assert client.get(add).status_code == 200, add


def test_cadre_admin_is_in_chinese_and_searchable(client, personas):
    client.force_login(personas.admin)
    response = client.get(reverse("admin:cadres_cadre_changelist"), {"q": "张干部"})
    text = response.content.decode()
    assert "干部" in text and "张干部" in text and "李同事" not in text


def test_system_admin_sees_notices_and_feedback_read_only(client, personas):
    from publicity.models import Feedback, Notice

    from .factories import FeedbackFactory

    feedback = FeedbackFactory(notice__cadre=personas.cadre)
    client.force_login(personas.admin)
    notices = client.get(reverse("admin:publicity_notice_changelist")).content.decode()
    items = client.get(reverse("admin:publicity_feedback_changelist")).content.decode()
    assert feedback.notice.title in notices and feedback.receipt_code in items
    detail = client.get(reverse("admin:publicity_feedback_change", args=[feedback.pk]))
    assert detail.status_code == 200 and feedback.text in detail.content.decode()
    # Writes go through the staff pages and their services: the admin only shows.
    assert (
        client.post(reverse("admin:publicity_notice_delete", args=[feedback.notice.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Notice.objects.filter(pk=feedback.notice.pk).exists() and Feedback.objects.filter(pk=feedback.pk).exists()
    client.force_login(personas.org_staff.user)
    assert client.get(reverse("admin:publicity_feedback_changelist")).status_code == 302
