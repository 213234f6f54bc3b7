"""Org staff draft, check, publish and decide 任前公示 through the pages; every refusal says why and
changes nothing."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from achievements.models import Summary
from publicity import rules
from publicity.models import GateCheck, GateCheckKind, Notice, NoticeState, PublicitySettings

from .factories import FeedbackFactory, NoticeFactory, cadre_with_record, pass_gate, real_channel_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, personas):
    client.force_login(personas.org_staff.user)
    return client


def detail(notice) -> str:
    return reverse("publicity:notice_detail", args=[notice.pk])


def page_text(response) -> str:
    return response.content.decode()


def snapshot(notice) -> dict:
    notice = Notice.objects.get(pk=notice.pk)
    return {f.name: getattr(notice, f.name) for f in Notice._meta.concrete_fields if f.name != "updated_at"}


def gate_notice(personas, **kwargs):
    return NoticeFactory(cadre=personas.cadre, state=NoticeState.GATE, **kwargs)


# --- Drafting ---------------------------------------------------------------------------------------


def test_staff_find_a_cadre_and_draft_a_notice_from_the_record(staff_client, personas):
    cadre = cadre_with_record(unit=personas.unit)
    found = staff_client.get(reverse("publicity:notice_create"), {"q": "周明"})
    assert "周明远" in page_text(found)
    response = staff_client.post(
        reverse("publicity:notice_create"), {"cadre": cadre.pk, "proposed_post": "柳溪镇党委书记"}, follow=True
    )
    notice = Notice.objects.get(cadre=cadre)
    assert response.redirect_chain[-1][0] == detail(notice)
    assert notice.state == NoticeState.DRAFT and notice.created_by == personas.org_staff.user
    assert notice.title == "关于周明远同志任前公示"
    assert notice.current_post == f"{personas.unit.name}副镇长"
    assert "1985年6月生" in notice.basic_info and "经核实的主要实绩" in notice.achievements
    assert notice.feedback_channels == PublicitySettings.load().feedback_channels
    assert notice.source["basic"]["birth"] == "1985-06" and notice.source_built_at is not None
    assert "1985年6月生" in page_text(response)


def test_create_without_cadre_or_post_is_refused_and_keeps_the_input(staff_client, personas):
    response = staff_client.post(reverse("publicity:notice_create"), {"proposed_post": "副局长"})
    assert response.status_code == 200 and "请先搜索并选择一名干部。" in page_text(response)
    assert 'value="副局长"' in page_text(response)
    response = staff_client.post(reverse("publicity:notice_create"), {"cadre": personas.cadre.pk})
    assert "请填写拟任职务。" in page_text(response)
    assert not Notice.objects.exists()


def test_inactive_cadre_cannot_get_a_notice(staff_client, personas):
    personas.cadre.is_active = False
    personas.cadre.save()
    response = staff_client.post(
        reverse("publicity:notice_create"), {"cadre": personas.cadre.pk, "proposed_post": "副局长"}
    )
    assert "请先搜索并选择一名干部。" in page_text(response)
    assert not Notice.objects.exists()


def test_edit_saves_free_text_and_keeps_typed_text_when_too_long(staff_client, personas):
    notice = NoticeFactory(cadre=personas.cadre)
    url = reverse("publicity:notice_edit", args=[notice.pk])
    form = {f: getattr(notice, f) for f in ("title", "current_post", "proposed_post", "basic_info", "resume")}
    form |= {"study_credits": "", "achievements": "修改后的实绩", "evaluation_results": "", "feedback_channels": "电话"}
    too_long = form | {"title": "长" * 201, "achievements": "我刚输入的实绩"}
    response = staff_client.post(url, too_long)
    assert response.status_code == 200 and "我刚输入的实绩" in page_text(response)
    assert "200" in page_text(response)  # the limit is named
    assert Notice.objects.get(pk=notice.pk).achievements != "我刚输入的实绩"
    response = staff_client.post(url, form)
    assert response.status_code == 302
    assert Notice.objects.get(pk=notice.pk).achievements == "修改后的实绩"


def test_private_data_typed_into_the_text_is_pointed_out_to_staff(staff_client, personas):
    cadre = personas.cadre
    cadre.phone = "13912345678"
    cadre.save()
    notice = NoticeFactory(cadre=cadre, resume="2008.07— 青石镇科员\n联系电话 13912345678")
    response = staff_client.get(detail(notice))
    assert "privacy-warnings" in page_text(response)
    assert "简历" in page_text(response) and "13912345678" not in page_text(response).split("privacy-warnings")[1][:400]
    notice.resume = "2008.07— 青石镇科员"
    notice.save()
    assert "privacy-warnings" not in page_text(staff_client.get(detail(notice)))


def test_published_notice_cannot_be_edited_or_rebuilt(staff_client, personas):
    notice = NoticeFactory(cadre=personas.cadre, published=True)
    before = snapshot(notice)
    form = {
        f: getattr(notice, f) for f in ("title", "current_post", "proposed_post", "basic_info", "feedback_channels")
    }
    response = staff_client.post(reverse("publicity:notice_edit", args=[notice.pk]), form | {"basic_info": "改"})
    assert "当前状态为“已发布”，不能修改" in page_text(response)
    response = staff_client.post(reverse("publicity:notice_rebuild", args=[notice.pk]), follow=True)
    assert "不能按档案重新生成" in page_text(response)
    assert snapshot(notice) == before


def test_record_changes_reach_the_draft_only_through_rebuild(staff_client, personas):
    cadre = cadre_with_record(unit=personas.unit)
    staff_client.post(reverse("publicity:notice_create"), {"cadre": cadre.pk, "proposed_post": "镇长"})
    notice = Notice.objects.get(cadre=cadre)
    year = timezone.localdate().year - 1
    Summary.objects.filter(author=cadre, year=year).update(text="新写的年度总结内容")
    assert "新写的年度总结内容" not in Notice.objects.get(pk=notice.pk).achievements
    response = staff_client.post(reverse("publicity:notice_rebuild", args=[notice.pk]), follow=True)
    assert "已按干部当前档案重新生成公示内容。" in page_text(response)
    assert "新写的年度总结内容" in Notice.objects.get(pk=notice.pk).achievements


# --- Gate ------------------------------------------------------------------------------------------


def test_submit_moves_a_draft_to_the_gate_once(staff_client, personas):
    notice = NoticeFactory(cadre=personas.cadre)
    url = reverse("publicity:notice_submit", args=[notice.pk])
    response = staff_client.post(url, follow=True)
    assert "已提交任前把关" in page_text(response)
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.GATE
    response = staff_client.post(url, follow=True)
    assert "当前状态为“把关审核中”，不能提交把关" in page_text(response)


def test_gate_check_is_recorded_with_who_when_and_note(staff_client, personas):
    notice = gate_notice(personas)
    url = reverse("publicity:gate_check", args=[notice.pk, GateCheckKind.DOSSIER])
    response = staff_client.post(url, {"dossier-result": "passed", "dossier-note": ""})
    assert response.status_code == 400 and "请填写把关说明。" in page_text(response)
    assert not GateCheck.objects.exists()
    response = staff_client.post(url, {"dossier-result": "passed", "dossier-note": "档案审核无疑问"}, follow=True)
    check = GateCheck.objects.get(notice=notice, kind=GateCheckKind.DOSSIER)
    assert check.checked_by == personas.org_staff.user and check.note == "档案审核无疑问"
    assert abs(check.checked_at - timezone.now()) < timedelta(minutes=1)
    assert "档案审核无疑问" in page_text(response)


def test_gate_check_is_refused_outside_the_gate(staff_client, personas):
    notice = NoticeFactory(cadre=personas.cadre)
    url = reverse("publicity:gate_check", args=[notice.pk, GateCheckKind.QUOTA])
    response = staff_client.post(url, {"quota-result": "passed", "quota-note": "有空缺"})
    assert response.status_code == 400 and "不能记录把关结果" in page_text(response)
    assert not GateCheck.objects.exists()
    assert staff_client.post(reverse("publicity:gate_check", args=[notice.pk, "nonsense"])).status_code == 404


def test_publish_is_refused_until_all_four_checks_passed_naming_them(staff_client, personas):
    notice = gate_notice(personas)
    start = rules.default_start(timezone.localdate())
    staff_client.post(
        reverse("publicity:gate_check", args=[notice.pk, "quota"]), {"quota-result": "passed", "quota-note": "有空缺"}
    )
    staff_client.post(
        reverse("publicity:gate_check", args=[notice.pk, "discipline"]),
        {"discipline-result": "failed", "discipline-note": "有信访件待核"},
    )
    before = snapshot(notice)
    response = staff_client.post(reverse("publicity:notice_publish", args=[notice.pk]), {"start_date": start})
    text = page_text(response)
    assert response.status_code == 400
    assert "四项任前把关全部通过后才能发布公示" in text
    assert "尚未把关：档案审核（凡提必查）、个人有关事项报告核查（凡提必核）" in text
    assert "未通过：纪检监察机关意见（凡提必听）" in text
    assert snapshot(notice) == before


def test_publish_refuses_a_past_or_holiday_start_and_computes_the_end(staff_client, personas):
    real_channel_settings()
    notice = gate_notice(personas)
    pass_gate(notice, actor=personas.org_staff.user)
    url = reverse("publicity:notice_publish", args=[notice.pk])
    today = timezone.localdate()
    response = staff_client.post(url, {"start_date": today - timedelta(days=1)})
    assert response.status_code == 400 and "已经过去" in page_text(response)
    holiday = today + timedelta(days=1)
    calendar = rules.calendar_around(today)
    while calendar.is_workday(holiday):
        holiday += timedelta(days=1)
    response = staff_client.post(url, {"start_date": holiday})
    assert response.status_code == 400 and "不是工作日" in page_text(response)
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.GATE
    start = rules.default_start(today)
    response = staff_client.post(url, {"start_date": start}, follow=True)
    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED and notice.start_date == start
    assert notice.end_date == rules.publicity_period(start).end
    assert notice.published_by == personas.org_staff.user and notice.published_at is not None
    assert "公示已发布" in page_text(response)


def test_publish_preview_shows_the_computed_end_date(staff_client, personas):
    notice = gate_notice(personas)
    url = reverse("publicity:publish_preview", args=[notice.pk])
    start = rules.default_start(timezone.localdate())
    end = rules.publicity_period(start).end
    response = staff_client.get(url, {"start_date": start.isoformat()})
    assert f"{end.year}年{end.month}月{end.day}日" in page_text(response)
    past = staff_client.get(url, {"start_date": (timezone.localdate() - timedelta(days=3)).isoformat()})
    assert "已经过去" in page_text(past)
    assert "选择开始日期后" in page_text(staff_client.get(url, {"start_date": "garbage"}))


def test_send_back_needs_a_reason_which_goes_into_the_history(staff_client, personas):
    notice = gate_notice(personas)
    url = reverse("publicity:notice_send_back", args=[notice.pk])
    response = staff_client.post(url, {"reason": "  "})
    assert response.status_code == 400 and "请填写退回原因。" in page_text(response)
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.GATE
    staff_client.post(url, {"reason": "简历时间有误"})
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.DRAFT
    page = page_text(staff_client.get(detail(notice)))
    assert "简历时间有误" in page and "None" not in page.split('id="history-table"')[1]


# --- Outcome ---------------------------------------------------------------------------------------


def test_outcome_is_refused_before_the_period_ends_naming_the_end_date(staff_client, personas):
    notice = NoticeFactory(cadre=personas.cadre, published=True)
    before = snapshot(notice)
    response = staff_client.post(
        reverse("publicity:outcome_record", args=[notice.pk]), {"outcome": "appointed", "reason": "无异议"}
    )
    end = notice.end_date
    assert response.status_code == 400
    assert f"公示期至 {end.year}年{end.month}月{end.day}日 结束，结束后才能记录任用结果。" in page_text(response)
    assert snapshot(notice) == before


def test_outcome_after_the_period_decides_the_notice(staff_client, personas):
    notice = NoticeFactory(cadre=personas.cadre, ended=True)
    url = reverse("publicity:outcome_record", args=[notice.pk])
    response = staff_client.post(url, {"outcome": "educated", "reason": ""})
    assert response.status_code == 400 and "请填写结果说明。" in page_text(response)
    response = staff_client.post(
        url, {"outcome": "educated", "reason": "反映问题部分属实，批评教育后任用"}, follow=True
    )
    notice.refresh_from_db()
    assert notice.state == NoticeState.DECIDED and notice.outcome == "educated"
    assert notice.decided_by == personas.org_staff.user
    assert "批评教育后任用" in page_text(response)
    response = staff_client.post(url, {"outcome": "appointed", "reason": "再来一次"})
    assert response.status_code == 400 and "不能记录任用结果" in page_text(response)
    assert Notice.objects.get(pk=notice.pk).outcome == "educated"


def test_every_transition_is_in_the_audit_trail_with_the_actor(staff_client, personas):
    notice = NoticeFactory(cadre=personas.cadre)
    staff_client.post(reverse("publicity:notice_submit", args=[notice.pk]))
    entry = LogEntry.objects.get_for_object(notice).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == personas.org_staff.user and entry.changes_dict["state"] == ["draft", "gate"]


# --- List and settings -------------------------------------------------------------------------


def test_list_filters_by_state_from_the_dates_and_counts_feedback(staff_client, personas):
    draft = NoticeFactory(cadre=personas.cadre)
    live = NoticeFactory(cadre=personas.colleague, published=True)
    ended = NoticeFactory(cadre=personas.leader, ended=True)
    FeedbackFactory(notice=live)
    FeedbackFactory(notice=live, state="closed")
    url = reverse("publicity:notice_list")
    rows = page_text(staff_client.get(url, {"state": "publicity"}))
    assert personas.colleague.name in rows and personas.cadre.name not in rows and personas.leader.name not in rows
    assert "1 件未办结" in rows and "剩" in rows
    ended_rows = page_text(staff_client.get(url, {"state": "ended"}))
    assert personas.leader.name in ended_rows and "已结束，待记录结果" in ended_rows
    assert personas.cadre.name in page_text(staff_client.get(url, {"state": "draft"}))
    searched = page_text(staff_client.get(url, {"q": personas.leader.name}))
    assert personas.leader.name in searched and personas.colleague.name not in searched
    assert draft and ended


def test_list_queries_stay_constant(staff_client, personas, django_assert_max_num_queries):
    for _ in range(12):
        FeedbackFactory(notice=NoticeFactory(published=True))
    with django_assert_max_num_queries(14):
        assert staff_client.get(reverse("publicity:notice_list")).status_code == 200


def test_settings_are_saved_and_a_bad_rate_is_refused(staff_client, personas):
    url = reverse("publicity:settings")
    form = {
        "min_workdays": 7,
        "record_years": 3,
        "show_outcome_publicly": "on",
        "issuer_name": "中共青山区委组织部",
        "feedback_channels": "电话 12380",
        "feedback_max_chars": 1500,
        "feedback_rate_limit": "每小时五次",
    }
    response = staff_client.post(url, form)
    assert response.status_code == 200 and "如 5/h" in page_text(response) and "每小时五次" in page_text(response)
    assert PublicitySettings.load().min_workdays == 5
    response = staff_client.post(url, form | {"min_workdays": 4, "feedback_rate_limit": "10/h"})
    assert PublicitySettings.load().min_workdays == 5
    response = staff_client.post(url, form | {"feedback_rate_limit": "10/h"})
    assert response.status_code == 302
    saved = PublicitySettings.load()
    assert saved.min_workdays == 7 and saved.show_outcome_publicly and saved.feedback_rate_limit == "10/h"
    assert LogEntry.objects.get_for_object(saved).filter(actor=personas.org_staff.user).exists()
