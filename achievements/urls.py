from django.urls import path

from .views import archive, assessments, logs, records, staff

app_name = "achievements"

urlpatterns = [
    # Daily logs, the unit feed, summaries, deductions, leave
    path("logs/", logs.my_logs, name="my_logs"),
    path("feed/", logs.unit_feed, name="feed"),
    path("summaries/", logs.summaries, name="summaries"),
    path("summaries/<int:year>/q<int:quarter>/", logs.summary_edit, name="summary_quarter"),
    path("summaries/<int:year>/annual/", logs.summary_edit, name="summary_annual"),
    path("deductions/", logs.my_deductions, name="my_deductions"),
    path("cadres/<dbid:pk>/deductions/", logs.cadre_deductions, name="cadre_deductions"),
    path("units/deductions/", logs.unit_overview, name="unit_overview"),
    path("leave/", logs.leave_list, name="leave_list"),
    path("leave/<dbid:pk>/delete/", logs.leave_delete, name="leave_delete"),
    # Achievement records
    path("records/", records.my_records, name="my_records"),
    path("records/new/", records.record_new, name="record_new"),
    path("records/<dbid:pk>/", records.record_detail, name="record_detail"),
    path("records/<dbid:pk>/edit/", records.record_edit, name="record_edit"),
    path("records/<dbid:pk>/delete/", records.record_delete, name="record_delete"),
    path("records/<dbid:pk>/attachments/", records.attachment_upload, name="attachment_upload"),
    path("records/<dbid:pk>/verify/", records.record_verify, name="record_verify"),
    path("attachments/<dbid:pk>/", records.attachment_download, name="attachment_download"),
    path("attachments/<dbid:pk>/delete/", records.attachment_delete, name="attachment_delete"),
    path("participants/lookup/", records.participant_lookup, name="participant_lookup"),
    path("verification/", records.verification_list, name="verification"),
    # Self-assessment
    path("assessments/", assessments.assessment_list, name="assessments"),
    path("assessments/new/", assessments.assessment_new, name="assessment_new"),
    path("assessments/<dbid:pk>/", assessments.assessment_detail, name="assessment_detail"),
    path("assessments/<dbid:pk>/edit/", assessments.assessment_edit, name="assessment_edit"),
    path("assessments/<dbid:pk>/submit/", assessments.assessment_submit, name="assessment_submit"),
    path("assessments/<dbid:pk>/review/", assessments.assessment_review, name="assessment_review"),
    path("assessments/<dbid:pk>/objections/", assessments.objection_create, name="objection_create"),
    # Archive, dossiers, exports, public verification
    path("archive/", archive.my_archive, name="my_archive"),
    path("cadres/<dbid:pk>/archive/<int:year>/", archive.cadre_archive, name="cadre_archive"),
    path("cadres/<dbid:pk>/dossier.pdf", archive.dossier_pdf, name="dossier_pdf"),
    path("exports/", archive.export_list, name="exports"),
    path("exports/<dbid:pk>/", archive.export_status, name="export_status"),
    path("exports/<dbid:pk>/download/", archive.export_download, name="export_download"),
    path("verify/", archive.verify_page, name="verify"),
    # Org-staff settings
    path("workdays/", staff.workdays, name="workdays"),
    path("workdays/<dbid:pk>/delete/", staff.workday_delete, name="workday_delete"),
    path("rules/", staff.rules_list, name="rules_list"),
    path("rules/new/", staff.rules_new, name="rules_new"),
    path("rules/<dbid:pk>/edit/", staff.rules_edit, name="rules_edit"),
    path("reminders/", staff.reminders, name="reminders"),
]
