"""Public pages of 任前公示: no login (mounted at /notices/ by config/urls.py)."""

from django.urls import path

from .views import feedback, public

app_name = "public"

urlpatterns = [
    path("", public.index, name="index"),
    path("archive/", public.archive, name="archive"),
    path("feedback/receipt/", feedback.feedback_receipt, name="feedback_receipt"),
    path("feedback/status/", feedback.feedback_lookup, name="feedback_lookup"),
    path("<uuid:public_id>/", public.notice_detail, name="notice_detail"),
    path("<uuid:public_id>/pdf/", public.notice_pdf, name="notice_pdf"),
    path("<uuid:public_id>/photo/", public.notice_photo, name="notice_photo"),
    path("<uuid:public_id>/feedback/", feedback.feedback_submit, name="feedback_submit"),
]
