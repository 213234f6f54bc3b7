"""The annual self-assessment: draft → submitted → returned/approved → posted with objections → filed."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from achievements import access, rules, services
from achievements.errors import RecordLocked, TextTooShort
from achievements.models import AssessmentState, SelfAssessment, SelfAssessmentObjection
from cadres.models import UnitRole
from core.models import Notification

from .factories import CadreFactory, UnitFactory
from .support import today

pytestmark = pytest.mark.django_db
PERFORMANCE = "全年牵头完成新任教师培训、学科教研和课题研究三项重点工作，" * 5


def draft(cadre, **overrides):
    return services.assessment_save(
        author=cadre, year=today().year, performance=overrides.get("performance", PERFORMANCE)
    )


def test_the_whole_workflow_through_the_pages(client, personas):
    client.force_login(personas.cadre.user)
    response = client.post(
        reverse("achievements:assessment_new"),
        {
            "year": today().year,
            "performance": PERFORMANCE,
            "shortcomings": "调研不够深入。",
            "plans": "加强学习。",
            "submit": "0",
        },
    )
    assessment = SelfAssessment.objects.get()
    assert response["Location"] == reverse("achievements:assessment_detail", args=[assessment.pk])
    assert assessment.state == AssessmentState.DRAFT
    client.post(reverse("achievements:assessment_submit", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED
    assert Notification.objects.filter(recipient=personas.leader.user, title__contains="请审核").exists()

    # The main leader returns it: a reason is required and reaches the author.
    client.force_login(personas.leader.user)
    assert (
        'id="review-box"'
        in client.get(reverse("achievements:assessment_detail", args=[assessment.pk])).content.decode()
    )
    client.post(reverse("achievements:assessment_review", args=[assessment.pk]), {"decision": "return", "reason": ""})
    assert SelfAssessment.objects.get().state == AssessmentState.SUBMITTED
    client.post(
        reverse("achievements:assessment_review", args=[assessment.pk]),
        {"decision": "return", "reason": "请补充课题研究的具体成果。"},
    )
    assessment.refresh_from_db()
    assert (assessment.state, assessment.return_reason) == (AssessmentState.RETURNED, "请补充课题研究的具体成果。")
    assert Notification.objects.filter(recipient=personas.cadre.user, body="请补充课题研究的具体成果。").exists()

    # The author edits and resubmits; the leader approves and the form is posted for 3 days.
    client.force_login(personas.cadre.user)
    client.post(
        reverse("achievements:assessment_edit", args=[assessment.pk]),
        {"performance": PERFORMANCE + "课题已结题。", "shortcomings": "", "plans": "", "submit": "1"},
    )
    assert SelfAssessment.objects.get().state == AssessmentState.SUBMITTED
    client.force_login(personas.leader.user)
    client.post(reverse("achievements:assessment_review", args=[assessment.pk]), {"decision": "approve"})
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.POSTED
    assert assessment.posting_ends_at == rules.posting_end(assessment.posted_at, 3)  # three working days
    assert Notification.objects.filter(recipient=personas.colleague.user, title__contains="公示中").exists()

    # A colleague objects; the author reads the objection without the name, the leader with it.
    client.force_login(personas.colleague.user)
    assert "公示中" in client.get(reverse("achievements:feed")).content.decode()
    client.post(reverse("achievements:objection_create", args=[assessment.pk]), {"text": "课题结题时间与实际不符。"})
    assert SelfAssessmentObjection.objects.get().author == personas.colleague
    client.force_login(personas.cadre.user)
    own_view = client.get(reverse("achievements:assessment_detail", args=[assessment.pk])).content.decode()
    assert "课题结题时间与实际不符。" in own_view and "李同事" not in own_view
    client.force_login(personas.leader.user)
    leader_view = client.get(reverse("achievements:assessment_detail", args=[assessment.pk])).content.decode()
    assert "课题结题时间与实际不符。" in leader_view and "李同事" in leader_view
    assert reverse("achievements:cadre_archive", args=[personas.cadre.pk, today().year]) in leader_view

    # The posting ends: the scheduled job files it; later objections are refused.
    assert services.assessments_file_due(now=assessment.posting_ends_at - timedelta(minutes=1)) == 0
    assert services.assessments_file_due(now=assessment.posting_ends_at) == 1
    assert services.assessments_file_due(now=assessment.posting_ends_at + timedelta(hours=1)) == 0
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.FILED
    with pytest.raises(RecordLocked, match="公示期已结束"):
        services.objection_file(assessment=assessment, author=personas.colleague, text="再提一条意见内容。")
    actions = list(assessment.events.values_list("action", flat=True))
    assert actions == ["submitted", "returned", "submitted", "approved", "objection", "filed"]


def test_submission_needs_the_minimum_length_and_only_the_author_submits(personas):
    assessment = draft(personas.cadre, performance="太短了")
    with pytest.raises(TextTooShort):
        services.assessment_submit(assessment=assessment, actor=personas.cadre.user)
    assessment = services.assessment_save(
        author=personas.cadre, year=today().year, performance=PERFORMANCE, assessment=assessment
    )
    with pytest.raises(RecordLocked):
        services.assessment_submit(assessment=assessment, actor=personas.colleague.user)
    services.assessment_submit(assessment=assessment, actor=personas.cadre.user)
    with pytest.raises(RecordLocked, match="不能修改"):
        services.assessment_save(
            author=personas.cadre, year=today().year, performance=PERFORMANCE, assessment=assessment
        )


def test_only_the_main_leader_reviews(personas):
    assessment = draft(personas.cadre)
    services.assessment_submit(assessment=assessment, actor=personas.cadre.user)
    for outsider in (
        personas.team_member.user,
        personas.colleague.user,
        personas.org_staff.user,
        personas.superior_leader.user,
    ):
        with pytest.raises(RecordLocked):
            services.assessment_approve(assessment=assessment, actor=outsider)
    services.assessment_approve(assessment=assessment, actor=personas.leader.user)


def test_a_main_leaders_form_goes_to_the_main_leader_above_or_to_org_staff(personas):
    own = draft(personas.leader)
    services.assessment_submit(assessment=own, actor=personas.leader.user)
    with pytest.raises(RecordLocked):
        services.assessment_approve(assessment=own, actor=personas.leader.user)
    with pytest.raises(RecordLocked):
        services.assessment_approve(assessment=own, actor=personas.org_staff.user)
    services.assessment_approve(assessment=own, actor=personas.superior_leader.user)

    top = CadreFactory(unit=UnitFactory(name="独立单位"), role=UnitRole.MAIN_LEADER, with_account=True)
    lonely = draft(top)
    services.assessment_submit(assessment=lonely, actor=top.user)
    assert Notification.objects.filter(recipient=personas.org_staff.user, title__contains="请审核").exists()
    waiting = draft(personas.colleague)
    services.assessment_submit(assessment=waiting, actor=personas.colleague.user)
    assert list(access.assessments_to_review(personas.org_staff.user)) == [lonely]
    assert list(access.assessments_to_review(personas.leader.user)) == [waiting]
    services.assessment_approve(assessment=lonely, actor=personas.org_staff.user)


def test_objections_come_only_from_colleagues_during_the_posting(personas):
    assessment = draft(personas.cadre)
    services.assessment_submit(assessment=assessment, actor=personas.cadre.user)
    now = timezone.now()
    posted = services.assessment_approve(assessment=assessment, actor=personas.leader.user, now=now)
    for outsider in (personas.cadre, personas.stranger, personas.superior_leader):
        with pytest.raises(RecordLocked):
            services.objection_file(assessment=assessment, author=outsider, text="这是一条异议内容。", now=now)
    services.objection_file(assessment=assessment, author=personas.team_member, text="这是一条异议内容。", now=now)
    with pytest.raises(RecordLocked):
        services.objection_file(
            assessment=assessment, author=personas.colleague, text="这是一条异议内容。", now=posted.posting_ends_at
        )


def test_drafts_stay_private_and_posted_forms_are_shown_in_the_unit(client, personas):
    assessment = draft(personas.cadre)
    url = reverse("achievements:assessment_detail", args=[assessment.pk])
    for persona in ("colleague", "leader", "stranger"):
        client.force_login(personas.user(persona))
        assert client.get(url).status_code == 404, persona
    services.assessment_submit(assessment=assessment, actor=personas.cadre.user)
    services.assessment_approve(assessment=assessment, actor=personas.leader.user)
    for persona, status in (("colleague", 200), ("leader", 200), ("superior_leader", 200), ("stranger", 404)):
        client.force_login(personas.user(persona))
        assert client.get(url).status_code == status, persona


def approve_at(personas, when):
    assessment = draft(personas.cadre)
    services.assessment_submit(assessment=assessment, actor=personas.cadre.user)
    return services.assessment_approve(assessment=assessment, actor=personas.leader.user, now=when)


def shanghai(*args):
    return datetime(*args, tzinfo=rules.SHANGHAI)


def test_posting_approved_on_friday_runs_three_working_days_over_the_weekend(personas):
    posted = approve_at(personas, shanghai(2026, 11, 27, 16, 30))  # a Friday afternoon
    assert posted.posting_ends_at == shanghai(2026, 12, 3)  # Mon, Tue, Wed; ends Wednesday 24:00
    note = Notification.objects.filter(recipient=personas.colleague.user).latest("pk").title
    assert "3 个工作日内（至 2026年12月2日 24:00）可提出异议" in note
    services.objection_file(
        assessment=posted,
        author=personas.colleague,
        text="培训人数与台账记载不一致，请核实。",
        now=shanghai(2026, 12, 2, 23, 0),
    )
    with pytest.raises(RecordLocked):
        services.objection_file(
            assessment=posted,
            author=personas.colleague,
            text="课题结题时间与实际情况不一致。",
            now=shanghai(2026, 12, 3, 0, 1),
        )
    assert services.assessments_file_due(now=shanghai(2026, 12, 2, 23, 59)) == 0
    assert services.assessments_file_due(now=shanghai(2026, 12, 3, 0, 0)) == 1


def test_posting_skips_the_national_day_holiday_and_counts_an_adjusted_saturday(personas):
    # 2026-10-01..07 are holidays; Saturday 10-10 is a working day (调休).
    posted = approve_at(personas, shanghai(2026, 9, 30, 10, 0))
    assert posted.posting_ends_at == shanghai(2026, 10, 11)  # 10-08, 10-09, 10-10


def test_posting_follows_the_override_table(personas):
    from achievements.models import WorkdayOverride

    WorkdayOverride.objects.create(day=date(2026, 11, 30), is_workday=False, note="防汛停工")
    posted = approve_at(personas, shanghai(2026, 11, 27, 16, 30))
    assert posted.posting_ends_at == shanghai(2026, 12, 4)  # Tue, Wed, Thu


def test_posting_length_in_working_days_is_a_setting(personas):
    from achievements.models import RecordRules

    RecordRules.objects.create(year=today().year, self_assessment_posting_days=5)
    posted = approve_at(personas, shanghai(2026, 11, 27, 16, 30))
    assert posted.posting_ends_at == shanghai(2026, 12, 5)  # Mon–Fri of the next week


def test_one_form_per_year_for_this_or_last_year(personas):
    draft(personas.cadre)
    with pytest.raises(RecordLocked, match="已经存在"):
        draft(personas.cadre)
    with pytest.raises(RecordLocked, match="本年度或上一年度"):
        services.assessment_save(author=personas.cadre, year=today().year - 2, performance=PERFORMANCE)
