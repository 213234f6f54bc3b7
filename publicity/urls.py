from django.urls import path

from .views import notices

app_name = "publicity"

urlpatterns = [
    path("", notices.notice_list, name="notice_list"),
    path("new/", notices.notice_create, name="notice_create"),
    path("settings/", notices.settings_edit, name="settings"),
    path("<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("<int:pk>/edit/", notices.notice_edit, name="notice_edit"),
    path("<int:pk>/rebuild/", notices.notice_rebuild, name="notice_rebuild"),
    path("<int:pk>/submit/", notices.notice_submit, name="notice_submit"),
    path("<int:pk>/send-back/", notices.notice_send_back, name="notice_send_back"),
    path("<int:pk>/gate/<str:kind>/", notices.gate_check, name="gate_check"),
    path("<int:pk>/publish/", notices.notice_publish, name="notice_publish"),
    path("<int:pk>/publish/preview/", notices.publish_preview, name="publish_preview"),
    path("<int:pk>/outcome/", notices.outcome_record, name="outcome_record"),
]
