from django.urls import path

from .views import feedback, notices

app_name = "publicity"

urlpatterns = [
    path("", notices.notice_list, name="notice_list"),
    path("new/", notices.notice_create, name="notice_create"),
    path("settings/", notices.settings_edit, name="settings"),
    path("<dbid:pk>/", notices.notice_detail, name="notice_detail"),
    path("<dbid:pk>/edit/", notices.notice_edit, name="notice_edit"),
    path("<dbid:pk>/rebuild/", notices.notice_rebuild, name="notice_rebuild"),
    path("<dbid:pk>/submit/", notices.notice_submit, name="notice_submit"),
    path("<dbid:pk>/send-back/", notices.notice_send_back, name="notice_send_back"),
    path("<dbid:pk>/gate/<str:kind>/", notices.gate_check, name="gate_check"),
    path("<dbid:pk>/publish/", notices.notice_publish, name="notice_publish"),
    path("<dbid:pk>/publish/preview/", notices.publish_preview, name="publish_preview"),
    path("<dbid:pk>/outcome/", notices.outcome_record, name="outcome_record"),
    # Public feedback (群众反映), handled by the same staff.
    path("feedback/", feedback.feedback_list, name="feedback_list"),
    path("feedback/<dbid:pk>/", feedback.feedback_detail, name="feedback_detail"),
    path("feedback/<dbid:pk>/transition/", feedback.feedback_transition, name="feedback_transition"),
]
