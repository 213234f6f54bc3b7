from django.urls import path

from .views import annual, ballots, mine, periods, results

app_name = "evaluations"

urlpatterns = [
    # Raters and cadres
    path("sheets/", ballots.my_sheets, name="my_sheets"),
    path("sheets/<dbid:pk>/", ballots.sheet_fill, name="sheet_fill"),
    path("periods/<dbid:pk>/receipts/", ballots.receipts, name="receipts"),
    path("my/", mine.my_results, name="my_results"),
    path("my/<dbid:period_pk>/", mine.my_result_detail, name="my_result_detail"),
    path("annual/<dbid:pk>/", annual.annual_detail, name="annual_detail"),
    path("rules/", annual.rules_page, name="rules"),
    path("rules/document/", annual.rules_document, name="rules_document"),
    # Org staff
    path("settings/", periods.settings_edit, name="settings"),
    path("scopes/", periods.scope_list, name="scope_list"),
    path("scopes/<dbid:unit_pk>/", periods.scope_edit, name="scope_edit"),
    path("periods/", periods.period_list, name="period_list"),
    path("periods/<dbid:pk>/", periods.period_detail, name="period_detail"),
    path("periods/<dbid:pk>/progress/", periods.period_progress, name="period_progress"),
    path("periods/<dbid:pk>/opening/", periods.period_opening_progress, name="period_opening_progress"),
    path("periods/<dbid:pk>/remind/", periods.period_remind, name="period_remind"),
    path("periods/<dbid:pk>/deadline/", periods.period_deadline, name="period_deadline"),
    path("periods/<dbid:pk>/completion/", periods.completion, name="completion"),
    path("periods/<dbid:pk>/paper/", periods.paper_entry, name="paper_entry"),
    path("periods/<dbid:pk>/results/", results.results, name="results"),
    path("units/picker/", results.unit_picker, name="unit_picker"),
    path("periods/<dbid:pk>/results/export/", results.results_export, name="results_export"),
    path("periods/<dbid:pk>/results/<dbid:cadre_pk>/", results.result_detail, name="result_detail"),
    path("periods/<dbid:pk>/quality/", results.quality, name="quality"),
    path("periods/<dbid:pk>/annual/", annual.annual_results, name="annual_results"),
    path("periods/<dbid:pk>/annual/export/", annual.annual_results_export, name="annual_results_export"),
    path("periods/<dbid:pk>/grades/confirm/", annual.grades_confirm, name="grades_confirm"),
    path("periods/<dbid:pk>/<slug:action>/", periods.period_action, name="period_action"),
    path("annual/<dbid:pk>/grade/", annual.grade_set, name="grade_set"),
    path("unit-scores/", annual.unit_scores, name="unit_scores"),
    path("use/", annual.use_of_results, name="use_of_results"),
    path("follow-ups/", annual.follow_up_list, name="follow_up_list"),
    path("follow-ups/<dbid:pk>/", annual.follow_up_detail, name="follow_up_detail"),
]
