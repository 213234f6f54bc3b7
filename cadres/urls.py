from django.urls import path

from . import views

app_name = "cadres"

urlpatterns = [
    path("me/", views.my_profile, name="my_profile"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/new/", views.cadre_create, name="cadre_create"),
    path("cadres/<dbid:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<dbid:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("cadres/<dbid:pk>/photo/", views.cadre_photo, name="cadre_photo"),
    path("cadres/<dbid:pk>/deactivate/", views.cadre_deactivate, name="cadre_deactivate"),
    path("cadres/<dbid:pk>/reactivate/", views.cadre_reactivate, name="cadre_reactivate"),
    path("cadres/<dbid:pk>/reset-password/", views.cadre_reset_password, name="cadre_reset_password"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<dbid:pk>/", views.notification_open, name="notification_open"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<dbid:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("roster/import/", views.roster_import, name="roster_import"),
    path("roster/import/<dbid:pk>/", views.roster_import_status, name="roster_import_status"),
    path("roster/export/", views.roster_export, name="roster_export"),
    path("roster/template/", views.roster_template, name="roster_template"),
    path("accounts/issue/", views.accounts_issue, name="accounts_issue"),
    path("age-alerts/", views.age_alerts, name="age_alerts"),
    path("audit/", views.audit_log, name="audit_log"),
    path("settings/", views.org_settings, name="org_settings"),
]
