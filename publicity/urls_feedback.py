"""Staff pages for public feedback (群众反映), included into publicity/urls.py."""

from django.urls import path

from .views import feedback

feedback_urlpatterns = [
    path("feedback/", feedback.feedback_list, name="feedback_list"),
    path("feedback/<dbid:pk>/", feedback.feedback_detail, name="feedback_detail"),
    path("feedback/<dbid:pk>/transition/", feedback.feedback_transition, name="feedback_transition"),
]
