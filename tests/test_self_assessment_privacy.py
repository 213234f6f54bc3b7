"""A self-assessment in draft is its author's private notes: no page, list, archive, dossier, audit
trail or admin shows it to anyone else, org staff and the system admin included. From submission on,
the readers stay those of the workflow (reviewers and leaders, then the unit once posted, org staff)."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from achievements import services
from achievements.models import AssessmentState, SelfAssessment

from .support import pdf_text, today

pytestmark = pytest.mark.django_db

SECRET = "草稿里尚未定稿的私密想法"
PERFORMANCE = SECRET + "：全年牵头完成新任教师培训、学科教研和课题研究三项重点工作。" * 5
READERS = ("cadre", "colleague", "leader", "team_member", "superior_leader", "stranger", "org_staff", "admin")


def write_draft(author) -> SelfAssessment:
    return services.assessment_save(author=author, year=today().year, performance=PERFORMANCE, plans=SECRET)


def move_to(assessment: SelfAssessment, state: str, personas) -> SelfAssessment:
    """Through the real services, so every trail (events, audit) is written as in use."""
    if state == AssessmentState.DRAFT:
        return assessment
    services.assessment_submit(assessment=assessment, actor=assessment.author.user)
    if state == AssessmentState.RETURNED:
        return services.assessment_return(assessment=assessment, actor=personas.leader.user, reason="请补充具体成果。")
    if state in (AssessmentState.POSTED, AssessmentState.FILED):
        assessment = services.assessment_approve(assessment=assessment, actor=personas.leader.user)
    if state == AssessmentState.FILED:
        services.assessments_file_due(now=assessment.posting_ends_at)
    assessment.refresh_from_db()
    assert assessment.state == state
    return assessment


WORKFLOW_READERS = {"cadre", "leader", "team_member", "superior_leader", "org_staff", "admin"}
EXPECTED = {
    AssessmentState.DRAFT: {"cadre"},
    AssessmentState.SUBMITTED: WORKFLOW_READERS,
    AssessmentState.RETURNED: WORKFLOW_READERS,
    AssessmentState.POSTED: WORKFLOW_READERS | {"colleague"},
    AssessmentState.FILED: WORKFLOW_READERS | {"colleague"},
}


@pytest.mark.parametrize("state", list(EXPECTED))
def test_who_opens_a_self_assessment_in_each_state(client, personas, state):
    assessment = move_to(write_draft(personas.cadre), state, personas)
    url = reverse("achievements:assessment_detail", args=[assessment.pk])
    for persona in READERS:
        client.force_login(personas.user(persona))
        response = client.get(url)
        expected = 200 if persona in EXPECTED[state] else 404
        assert response.status_code == expected, f"{persona} reads a {state} form"
        assert (SECRET in response.content.decode()) is (expected == 200), persona


def test_org_staff_read_their_own_draft_but_not_anothers(client, personas):
    own = write_draft(personas.org_staff)
    client.force_login(personas.org_staff.user)
    assert client.get(reverse("achievements:assessment_detail", args=[own.pk])).status_code == 200
    client.force_login(personas.admin)
    assert client.get(reverse("achievements:assessment_detail", args=[own.pk])).status_code == 404


def test_no_list_archive_or_dossier_shows_a_draft_to_anyone_else(client, personas, tmp_path):
    assessment = write_draft(personas.cadre)
    detail = reverse("achievements:assessment_detail", args=[assessment.pk])
    year = today().year
    pages = [
        reverse("achievements:assessments"),
        reverse("achievements:feed"),
        reverse("achievements:cadre_archive", args=[personas.cadre.pk, year]),
        reverse("home"),
    ]
    for persona in READERS[1:]:
        client.force_login(personas.user(persona))
        for page in pages:
            text = client.get(page).content.decode()
            assert detail not in text and SECRET not in text, f"{persona} {page}"
    for persona in ("leader", "org_staff"):
        client.force_login(personas.user(persona))
        response = client.get(
            reverse("achievements:dossier_pdf", args=[personas.cadre.pk]), {"year_from": year, "year_to": year}
        )
        assert response.status_code == 200
        assert SECRET not in pdf_text(response.content, tmp_path), persona


def test_the_audit_trail_keeps_no_text_of_a_self_assessment(client, personas):
    """Org staff read the audit trail: it records that a form was written and moved on, not what it says."""
    assessment = write_draft(personas.cadre)
    services.assessment_save(
        author=personas.cadre, year=today().year, performance=PERFORMANCE + "再改一稿。", assessment=assessment
    )
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(SelfAssessment))
    assert entries.exists()
    for entry in entries:
        assert SECRET not in str(entry.changes) and SECRET not in entry.changes_text
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("cadres:audit_log"), {"model": "selfassessment"}).content.decode()
    assert "实绩自评表" in page and SECRET not in page


def test_the_admin_does_not_list_or_open_anothers_draft(client, personas):
    draft_form = write_draft(personas.cadre)
    submitted = move_to(write_draft(personas.colleague), AssessmentState.SUBMITTED, personas)
    client.force_login(personas.admin)
    listing = client.get(reverse("admin:achievements_selfassessment_changelist")).content.decode()
    assert personas.colleague.name in listing and personas.cadre.name not in listing
    change = client.get(reverse("admin:achievements_selfassessment_change", args=[draft_form.pk]), follow=True)
    assert SECRET not in change.content.decode()
    assert client.get(reverse("admin:achievements_selfassessment_change", args=[submitted.pk])).status_code == 200


def test_the_migration_removes_text_already_in_the_trail(personas):
    import importlib

    from django.apps import apps

    scrub = importlib.import_module("achievements.migrations.0007_scrub_self_assessment_text_from_audit").scrub
    assessment = write_draft(personas.cadre)
    content_type = ContentType.objects.get_for_model(SelfAssessment)
    old = LogEntry.objects.create(
        content_type=content_type,
        object_pk=str(assessment.pk),
        object_repr=str(assessment),
        action=LogEntry.Action.CREATE,
        changes={"performance": ["None", PERFORMANCE], "plans": ["None", SECRET], "state": ["None", "draft"]},
    )
    scrub(apps, None)
    old.refresh_from_db()
    assert old.changes == {"state": ["None", "draft"]}
