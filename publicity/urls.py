from django.urls import path  # noqa: F401

from .urls_feedback import feedback_urlpatterns

app_name = "publicity"

urlpatterns: list = []
urlpatterns += feedback_urlpatterns
