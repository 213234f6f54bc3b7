from django.urls import path

from . import appointment_form_views as af
from . import inspection_views as iv
from . import views

app_name = "selection"

urlpatterns = [
    path("", views.selection_list, name="selection_list"),
    path("new/", views.selection_create, name="selection_create"),
    path("posts/", views.post_list, name="post_list"),
    path("pool/", views.pool, name="pool"),
    path("pool/<dbid:pk>/remove/", views.pool_remove, name="pool_remove"),
    path("structure/", views.structure, name="structure"),
    path("settings/", views.settings_edit, name="settings"),
    path("my/", views.my_ballots, name="my_ballots"),
    path("my/nominate/<dbid:pk>/", views.nominate, name="nominate"),
    path("my/vote/<dbid:pk>/", views.vote, name="vote"),
    path("votes/<dbid:pk>/receipts/", views.receipts, name="receipts"),
    path("my/apply/<dbid:pk>/", views.apply, name="apply"),
    path("public/<uuid:public_id>/", views.public_round1, name="public_round1"),
    path("<dbid:pk>/", views.selection_detail, name="selection_detail"),
    path("<dbid:pk>/eligible/", views.eligible, name="eligible"),
    path("<dbid:pk>/start-nomination/", views.start_nomination, name="start_nomination"),
    path("<dbid:pk>/unit-recommendation/", views.unit_recommendation, name="unit_recommendation"),
    path("<dbid:pk>/round1/close/", views.round1_close, name="round1_close"),
    path("<dbid:pk>/publicity/end/", views.publicity_end, name="publicity_end"),
    path("<dbid:pk>/votes/<str:kind>/setup/", views.event_setup, name="event_setup"),
    path("<dbid:pk>/votes/<str:kind>/paper/", views.paper_counts, name="paper_counts"),
    path("<dbid:pk>/votes/<str:kind>/close/", views.event_close, name="event_close"),
    path("<dbid:pk>/round2/close/", views.round2_close, name="round2_close"),
    path(
        "<dbid:pk>/candidates/<dbid:candidate_id>/reserve-exception/", views.reserve_exception, name="reserve_exception"
    ),
    path("<dbid:pk>/finalize/", views.finalize, name="finalize"),
    path("<dbid:pk>/add-to-pool/", views.add_to_pool, name="add_to_pool"),
    path("<dbid:pk>/cancel/", views.cancel, name="cancel"),
    path("<dbid:pk>/inspection/", iv.inspection, name="inspection"),
    path("<dbid:pk>/inspection/team/", iv.team_set, name="inspection_team"),
    path("<dbid:pk>/inspection/poll/", iv.poll_setup, name="inspection_poll"),
    path("<dbid:pk>/inspection/poll/close/", iv.poll_close, name="inspection_poll_close"),
    path("<dbid:pk>/inspection/<dbid:candidate_id>/", iv.candidate_file, name="inspection_candidate"),
    path("<dbid:pk>/inspection/<dbid:candidate_id>/talks/", iv.talk_add, name="inspection_talk"),
    path("<dbid:pk>/inspection/<dbid:candidate_id>/visits/", iv.visit_add, name="inspection_visit"),
    path("<dbid:pk>/inspection/<dbid:candidate_id>/documents/", iv.document_add, name="inspection_document"),
    path("<dbid:pk>/inspection/<dbid:candidate_id>/analysis/draft/", iv.analysis_draft, name="analysis_draft"),
    path("<dbid:pk>/inspection/<dbid:candidate_id>/analysis/edit/", iv.analysis_edit, name="analysis_edit"),
    path("inspection-polls/<dbid:poll_id>/", iv.poll_sheet, name="poll_sheet"),
    path("discipline/", iv.discipline_list, name="discipline_list"),
    path("discipline/<dbid:candidate_id>/opinion/", iv.discipline_opinion, name="discipline_opinion"),
    path("<dbid:pk>/meetings/", iv.meeting_add, name="meeting_add"),
    path("<dbid:pk>/meetings/<dbid:meeting_id>/decide/", iv.decide, name="decide"),
    path("<dbid:pk>/meetings/<dbid:meeting_id>/speech/", iv.meeting_speech, name="meeting_speech"),
    path("<dbid:pk>/comparison/", iv.comparison, name="comparison"),
    path("<dbid:pk>/comparison.pdf", iv.comparison_pdf, name="comparison_pdf"),
    path("<dbid:pk>/record.pdf", iv.process_record_pdf, name="process_record_pdf"),
    path("<dbid:pk>/record/", iv.process_record, name="process_record"),
    path("<dbid:pk>/record/<dbid:entry_id>/correct/", iv.process_correct, name="process_correct"),
    path("cadres/<dbid:cadre_id>/appointment-form.pdf", af.cadre_form_pdf, name="appointment_form_pdf"),
    path("cadres/<dbid:cadre_id>/appointment-form.lrmx", af.cadre_form_lrmx, name="appointment_form_lrmx"),
    path("cadres/<dbid:cadre_id>/lrmx-import/", af.lrmx_import, name="lrmx_import"),
    path(
        "<dbid:pk>/inspection/<dbid:candidate_id>/appointment-form.pdf",
        af.candidate_form_pdf,
        name="candidate_appointment_form_pdf",
    ),
    path(
        "<dbid:pk>/inspection/<dbid:candidate_id>/appointment-form.lrmx",
        af.candidate_form_lrmx,
        name="candidate_appointment_form_lrmx",
    ),
]
