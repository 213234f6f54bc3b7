"""Public pages of 任前公示: no login (mounted at /notices/ by config/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "public"

urlpatterns: list = []
