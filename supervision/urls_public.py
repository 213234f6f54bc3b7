"""The public's report form and status lookup (no login), open at any time."""

from django.urls import path

from . import views

app_name = "supervision_public"

urlpatterns = [
    path("", views.public_report, name="report"),
    path("receipt/", views.public_receipt, name="receipt"),
    path("lookup/", views.public_lookup, name="lookup"),
]
