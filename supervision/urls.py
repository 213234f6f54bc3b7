from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("records/", views.record_list, name="record_list"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/<dbid:pk>/", views.record_detail, name="record_detail"),
    path("records/<dbid:pk>/follow-up/", views.record_follow_up, name="record_follow_up"),
    path("records/<dbid:pk>/close/", views.record_close, name="record_close"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_register, name="report_register"),
    path("reports/statistics/", views.report_statistics, name="report_statistics"),
    path("reports/<dbid:pk>/", views.report_detail, name="report_detail"),
    path("reports/<dbid:pk>/transition/", views.report_transition, name="report_transition"),
    path("reports/<dbid:pk>/link/", views.report_link, name="report_link"),
    path("reports/<dbid:pk>/scans/", views.report_scan_add, name="report_scan_add"),
    path("scans/<dbid:pk>/", views.report_scan, name="report_scan"),
    path("info/", views.info_list, name="info_list"),
    path("info/<dbid:pk>/conclude/", views.info_conclude, name="info_conclude"),
    path("settings/", views.settings_edit, name="settings"),
    path("team-grades/", views.team_grades, name="team_grades"),
    path("units/", views.unit_reports, name="unit_reports"),
    path("units/<dbid:pk>/<int:year>/", views.unit_report_page, name="unit_report"),
    path("units/<dbid:pk>/<int:year>/pdf/", views.unit_report_pdf, name="unit_report_pdf"),
]
