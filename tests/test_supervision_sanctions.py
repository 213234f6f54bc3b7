"""奖惩: records with their document, the commendation rule, each sanction's 影响期 refusing a
promotion (selection qualifications and the notice gate) with the reason and the end date, the
限期整改 follow-up, and where records show (archive, dossier, profile)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from publicity import rules as publicity_rules
from publicity.models import NoticeState
from selection import rules as selection_rules
from supervision import rules
from supervision.models import RecordKind, RectifyStatus, RewardSanction, SupervisionSettings

from .factories import (
    NoticeFactory,
    annual_grade,
    open_selection,
    pass_gate,
    post_with_vacancy,
    real_channel_settings,
    sanction,
)
from .support import pdf_text, today

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


# --- Rules -------------------------------------------------------------------------------------------


def test_impact_period_is_counted_in_calendar_months_from_the_decision():
    assert rules.impact_end(date(2026, 3, 10), 6) == date(2026, 9, 9)
    assert rules.impact_end(date(2026, 8, 31), 6) == date(2027, 2, 27)  # 28 Feb is the first free day
    assert rules.impact_end(date(2026, 1, 1), 0) is None


def test_default_impact_periods_follow_the_regulations():
    settings = SupervisionSettings.load()
    assert rules.impact_months(RecordKind.ADMONITION, settings=settings) == 6
    assert rules.impact_months(RecordKind.GOV_WARNING, settings=settings) == 6
    assert rules.impact_months(RecordKind.GOV_DEMERIT, settings=settings) == 12
    assert rules.impact_months(RecordKind.GOV_MAJOR_DEMERIT, settings=settings) == 18
    assert rules.impact_months(RecordKind.PARTY_SERIOUS_WARNING, settings=settings) == 18
    assert rules.impact_months(RecordKind.DEMOTION, settings=settings) == 24
    # 问责 takes its form's period.
    assert rules.impact_months(RecordKind.ACCOUNTABILITY, form=RecordKind.POST_ADJUSTMENT, settings=settings) == 12
    assert set(rules.IMPACT_BASIS) == set(rules.SANCTION_KINDS) == set(rules.DEFAULT_IMPACT_MONTHS)


def test_party_probation_refuses_through_the_two_years_after_the_rights_come_back(personas):
    """留党察看 (纪律处分条例 第十二条): the probation year and two more years, 36 months by default —
    still refused after 24 months (the old default), free the day after the 36th month."""
    staff = personas.org_staff.user
    assert rules.DEFAULT_IMPACT_MONTHS[RecordKind.PARTY_PROBATION] == 36
    record = sanction(personas.cadre, staff, kind="party_probation", on=date(2023, 6, 2))
    assert record.impact_months == 36 and record.impact_end == date(2026, 6, 1)
    selection = open_selection(post_with_vacancy(personas.unit), staff)  # qualification date 2026-06-01
    (reason,) = selection_rules.qualification_failures(personas.cadre, selection)
    assert reason.startswith("受到留党察看（区纪委〔2026〕7号，2023-06-02），影响期至 2026-06-01，期间不得提拔")
    assert "《中国共产党纪律处分条例》（2023年修订）第十二条" in reason and "恢复党员权利后二年内" in reason
    selection.qualification_date = date(2026, 6, 2)
    assert selection_rules.qualification_failures(personas.cadre, selection) == []


def test_government_sanction_reasons_cite_the_articles_on_periods_and_promotion(personas):
    staff = personas.org_staff.user
    sanction(personas.cadre, staff, kind="gov_major_demerit", on=date(2025, 3, 1))
    selection = open_selection(post_with_vacancy(personas.unit), staff)
    (reason,) = selection_rules.qualification_failures(personas.cadre, selection)
    assert "影响期至 2026-08-31" in reason  # 18 months
    assert "公职人员政务处分法》第八条" in reason and "第十九条（政务处分期内不得晋升职务" in reason


# --- Recording through the page ------------------------------------------------------------------------


def _form(cadre, **values):
    data = {
        "cadre": cadre.pk,
        "kind": "admonition",
        "document_no": "区纪委〔2026〕7号",
        "issuing_body": "中共青山区纪委",
        "date": (today() - timedelta(days=10)).isoformat(),
        "reason": "违规发放津贴补贴",
    }
    return data | values


def test_staff_record_an_admonition_and_its_impact_end_is_fixed(client, personas):
    client.force_login(personas.org_staff.user)
    on = today() - timedelta(days=10)
    response = client.post(reverse("supervision:record_create"), _form(personas.cadre), follow=True)
    record = RewardSanction.objects.get()
    assert record.impact_months == 6 and record.impact_end == rules.impact_end(on, 6)
    assert record.recorded_by == personas.org_staff.user
    assert "已登记诫勉" in page(response) and record.impact_end.isoformat() in page(response)
    # A later change of the setting does not move a recorded 影响期.
    settings = SupervisionSettings.load()
    settings.impact_months = {**settings.impact_months, "admonition": 3}
    settings.save()
    record.refresh_from_db()
    assert record.impact_end == rules.impact_end(on, 6)


def test_discipline_staff_record_a_government_sanction(client, personas):
    client.force_login(personas.discipline)
    response = client.post(reverse("supervision:record_create"), _form(personas.cadre, kind="gov_demerit"))
    assert response.status_code == 302
    assert RewardSanction.objects.get().impact_months == 12


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"document_no": ""}, "请填写文号。"),
        ({"kind": "accountability"}, "问责须选择问责方式。"),
        ({"kind": "yellow_card"}, "黄牌警告须规定限期整改的期限。"),
        ({"date": (date.today() + timedelta(days=400)).isoformat()}, "决定日期不能晚于今天"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_keeps_the_input(client, personas, values, message):
    client.force_login(personas.org_staff.user)
    response = client.post(reverse("supervision:record_create"), _form(personas.cadre, **values))
    assert response.status_code == 400
    assert message in page(response) and "违规发放津贴补贴" in page(response)
    assert not RewardSanction.objects.exists()


def test_commendation_only_in_a_year_graded_excellent(client, personas):
    client.force_login(personas.org_staff.user)
    year = today().year - 1
    data = _form(personas.cadre, kind="commendation", for_year=year, document_no="青组〔2026〕3号")
    response = client.post(reverse("supervision:record_create"), data)
    assert response.status_code == 400
    assert f"{year} 年度考核等次尚未确定并公布" in page(response) and "青组〔2026〕3号" in page(response)
    annual_grade(personas.cadre, year, grade="competent")
    response = client.post(reverse("supervision:record_create"), data)
    assert "年度考核等次为“称职”，只有年度考核优秀的才能嘉奖" in page(response)
    assert not RewardSanction.objects.exists()
    annual_grade(personas.colleague, year)
    response = client.post(reverse("supervision:record_create"), data | {"cadre": personas.colleague.pk})
    assert response.status_code == 302
    record = RewardSanction.objects.get()
    assert record.kind == "commendation" and record.impact_end is None and record.for_year == year


def test_commendation_rule_is_a_setting(client, personas):
    settings = SupervisionSettings.load()
    settings.commendation_requires_excellent = False
    settings.save()
    client.force_login(personas.org_staff.user)
    data = _form(personas.cadre, kind="merit", for_year=today().year - 1)
    assert client.post(reverse("supervision:record_create"), data).status_code == 302


def test_settings_page_changes_the_months_with_the_regulation_shown(client, personas):
    client.force_login(personas.org_staff.user)
    url = reverse("supervision:settings")
    form = page(client.get(url))
    assert "党政领导干部选拔任用工作条例》第二十四条" in form and "公职人员政务处分法》第八条" in form
    assert "第十九条（政务处分期内不得晋升职务" in form and "第二十二条" not in form
    data = {"commendation_requires_excellent": "on", "receive_days": 5, "verify_days": 30, "close_days": 10}
    data |= {"township_head_min_years": 3, "department_head_min_years": 5, "team_excellent_quota_percent": 30}
    data |= {
        "team_excellent_min_unit_score": 90,
        "team_excellent_max_problem_share": 10,
        "team_poor_max_unit_score": 70,
    }
    data |= {f"months_{k}": rules.DEFAULT_IMPACT_MONTHS[k] for k in rules.SANCTION_KINDS} | {"months_admonition": 9}
    assert client.post(url, data).status_code == 302
    assert SupervisionSettings.load().impact_months["admonition"] == 9
    response = client.post(url, data | {"months_admonition": -1})
    assert response.status_code == 400 and SupervisionSettings.load().impact_months["admonition"] == 9
    client.force_login(personas.discipline)
    assert client.get(url).status_code == 403


# --- Promotion refused during the 影响期 ---------------------------------------------------------------


def test_selection_qualification_refuses_during_the_impact_period_with_reason_and_end(client, personas):
    staff = personas.org_staff.user
    record = sanction(personas.cadre, staff, on=date(2026, 3, 10))
    selection = open_selection(post_with_vacancy(personas.unit), staff)  # qualification date 2026-06-01
    failures = selection_rules.qualification_failures(personas.cadre, selection)
    assert failures == [
        "受到诫勉（区纪委〔2026〕7号，2026-03-10），影响期至 2026-09-09，期间不得提拔"
        "（《党政领导干部选拔任用工作条例》第二十四条第（六）项：受到诫勉影响期未满的，不得列为考察对象；"
        "受到诫勉的，六个月内不得提拔或者重用）"
    ]
    client.force_login(staff)
    response = client.post(
        reverse("selection:unit_recommendation", args=[selection.pk]),
        {
            "unit": personas.unit.pk,
            "cadre": personas.cadre.pk,
            "reason": "工作扎实",
            "document_number": "教党〔2026〕5号",
        },
    )
    assert response.status_code == 400 and "影响期至 2026-09-09" in page(response)
    eligible = page(client.get(reverse("selection:eligible", args=[selection.pk]), {"all": "1"}))
    assert "影响期至 2026-09-09" in eligible
    # On the day after the end the cadre qualifies again.
    selection.qualification_date = record.impact_end + timedelta(days=1)
    assert selection_rules.qualification_failures(personas.cadre, selection) == []


def test_notice_is_not_published_during_the_impact_period(client, personas):
    real_channel_settings()
    staff = personas.org_staff.user
    record = sanction(personas.cadre, staff, kind="gov_warning")
    notice = NoticeFactory(cadre=personas.cadre, state=NoticeState.GATE)
    pass_gate(notice, actor=staff)
    client.force_login(staff)
    detail = page(client.get(reverse("publicity:notice_detail", args=[notice.pk])))
    assert 'id="supervision-gate"' in detail and f"影响期至 {record.impact_end.isoformat()}" in detail
    start = publicity_rules.default_start(today())
    response = client.post(reverse("publicity:notice_publish", args=[notice.pk]), {"start_date": start})
    assert response.status_code == 400
    assert "不能发布这份公示：受到政务警告" in page(response) and record.impact_end.isoformat() in page(response)
    notice.refresh_from_db()
    assert notice.state == NoticeState.GATE


def test_a_sanction_without_impact_period_does_not_refuse(personas):
    staff = personas.org_staff.user
    sanction(personas.cadre, staff, kind="criticism")
    selection = open_selection(post_with_vacancy(personas.unit), staff)
    assert selection_rules.qualification_failures(personas.cadre, selection) == []


# --- 黄牌警告 / 诫勉 with 限期整改 ----------------------------------------------------------------------


def test_yellow_card_follow_up_and_closing(client, personas):
    staff = personas.org_staff.user
    record = sanction(personas.cadre, staff, kind="yellow_card", rectify_deadline=today() + timedelta(days=30))
    assert record.rectify_status == RectifyStatus.OPEN and record.impact_end is None
    client.force_login(staff)
    listing = page(client.get(reverse("supervision:rectifications")))
    assert personas.cadre.name in listing
    client.post(reverse("supervision:record_follow_up", args=[record.pk]), {"text": "已约谈，制定整改清单"})
    response = client.post(reverse("supervision:record_close", args=[record.pk]), {"note": ""}, follow=True)
    assert "请填写办结说明" in page(response)
    client.post(reverse("supervision:record_close", args=[record.pk]), {"note": "整改到位"})
    record.refresh_from_db()
    assert record.rectify_status == RectifyStatus.CLOSED and record.closing_note == "整改到位"
    assert record.rectify_entries.get().text == "已约谈，制定整改清单"
    assert personas.cadre.name not in page(client.get(reverse("supervision:rectifications")))
    response = client.post(reverse("supervision:record_follow_up", args=[record.pk]), {"text": "再跟进"}, follow=True)
    assert "不在办理中" in page(response)


# --- Where records show ----------------------------------------------------------------------------------


def test_archive_profile_and_dossier_show_records_to_staff_and_the_cadre_only(client, personas):
    staff = personas.org_staff.user
    sanction(personas.cadre, staff, on=today() - timedelta(days=3), reason="违规公款吃喝<script>")
    archive = reverse("achievements:cadre_archive", args=[personas.cadre.pk, today().year])
    for who in (personas.org_staff.user, personas.cadre.user):
        client.force_login(who)
        text = page(client.get(archive))
        assert 'id="archive-records"' in text and "违规公款吃喝&lt;script&gt;" in text
    client.force_login(personas.leader.user)  # reads the colleague's archive, not the records
    assert 'id="archive-records"' not in page(client.get(archive))
    client.force_login(staff)
    profile = page(client.get(reverse("cadres:cadre_detail", args=[personas.cadre.pk])))
    assert 'id="supervision-profile"' in profile and "区纪委〔2026〕7号" in profile


def test_dossier_pdf_lists_the_records(personas, tmp_path):
    from achievements.services.dossiers import dossier_render

    sanction(personas.cadre, personas.org_staff.user, on=today() - timedelta(days=3))
    pdf = dossier_render(
        cadre=personas.cadre, year_from=today().year, year_to=today().year, actor=personas.org_staff.user
    )
    text = pdf_text(pdf.content, tmp_path)
    assert "奖惩情况" in text and "区纪委〔2026〕7号" in text
