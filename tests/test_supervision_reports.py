"""举报受理: staff register phone, letter and visit reports; the public form works at any time with
the notice feedback's protections; triage with per-step deadlines and reminders; open reports on
the profile, selection and notice gate for staff only; yearly statistics; supervision information."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from publicity.models import FeedbackState, NoticeState
from publicity.services import feedback as feedback_service
from supervision.models import Channel, InfoStatus, Report, ReportEvent, SupervisionInfo, SupervisionSettings
from supervision.services import reports as service
from supervision.tasks import remind_overdue_reports

from .factories import NoticeFactory, open_selection, post_with_vacancy
from .support import today

pytestmark = pytest.mark.django_db

TEXT = "反映该同志在项目验收中收受施工方礼金，请组织核实。"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def page(response) -> str:
    return response.content.decode()


def register(personas, *, actor=None, **extra):
    data = {
        "channel": Channel.PHONE,
        "received_on": today(),
        "text": TEXT,
        "cadre": personas.cadre,
        "reporter_name": "王举报",
        "reporter_contact": "13900000000",
    } | extra
    return service.report_register(actor=actor or personas.org_staff.user, **data)


# --- Staff register ------------------------------------------------------------------------------------


def test_staff_register_a_letter_with_its_scan(client, personas):
    client.force_login(personas.discipline)
    data = {
        "channel": "letter",
        "received_on": (today() - timedelta(days=2)).isoformat(),
        "cadre": personas.cadre.pk,
        "reporter_name": "王举报",
        "text": TEXT,
        "scan": SimpleUploadedFile("来信.pdf", PDF, content_type="application/pdf"),
    }
    response = client.post(reverse("supervision:report_register"), data, follow=True)
    report = Report.objects.get()
    assert (report.channel, report.cadre, report.unit, report.state) == (
        "letter",
        personas.cadre,
        personas.unit,
        FeedbackState.RECEIVED,
    )
    assert report.step_due == today() - timedelta(days=2) + timedelta(days=SupervisionSettings.load().receive_days)
    assert report.receipt_code in page(response) and "王举报" in page(response)
    scan = report.scans.get()
    download = client.get(reverse("supervision:report_scan", args=[scan.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.force_login(personas.cadre.user)
    assert client.get(reverse("supervision:report_scan", args=[scan.pk])).status_code == 403


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"text": "太短"}, "反映内容至少 10 个字"),
        ({"cadre": "", "subject": ""}, "请写明反映的是哪位干部"),
        ({"received_on": (timezone.localdate() + timedelta(days=3)).isoformat()}, "受理日期不能晚于今天"),
        ({"channel": "web"}, "选择一个有效的选项"),
    ],
)
def test_bad_registration_is_refused_and_keeps_input(client, personas, values, message):
    client.force_login(personas.org_staff.user)
    data = {"channel": "phone", "received_on": today().isoformat(), "cadre": personas.cadre.pk, "text": TEXT}
    data |= {"reporter_name": "王举报"} | values
    response = client.post(reverse("supervision:report_register"), data)
    assert response.status_code == 400 and message in page(response) and "王举报" in page(response)
    assert not Report.objects.exists()


def test_bad_scan_type_is_refused(client, personas):
    client.force_login(personas.org_staff.user)
    data = {"channel": "visit", "received_on": today().isoformat(), "cadre": personas.cadre.pk, "text": TEXT}
    data["scan"] = SimpleUploadedFile("记录.pdf", b"MZ not a pdf at all", content_type="application/pdf")
    response = client.post(reverse("supervision:report_register"), data)
    assert response.status_code == 400 and "不允许上传" in page(response)
    assert not Report.objects.exists()


# --- The public form -------------------------------------------------------------------------------------


def _public(token_age=30, **values):
    token = feedback_service.signed_form_token(
        scope=service.PUBLIC_FORM_SCOPE, now=timezone.now() - timedelta(seconds=token_age)
    )
    return {"subject": "青石镇某干部", "text": TEXT, "name": "", "contact": "", "website": "", "token": token} | values


def test_public_report_at_any_time_with_receipt_and_lookup(client, personas):
    form = page(client.get(reverse("supervision_public:report")))
    assert 'name="token"' in form and 'name="website"' in form
    response = client.post(reverse("supervision_public:report"), _public())
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.channel == Channel.WEB and report.registered_by is None and report.subject == "青石镇某干部"
    receipt = page(client.get(reverse("supervision_public:receipt")))
    assert report.receipt_code in receipt
    service.report_transition(
        report=report, to_state="verifying", public_reply="已受理，正在核查", actor=personas.discipline
    )
    lookup = page(client.post(reverse("supervision_public:lookup"), {"code": report.receipt_code.replace("-", "")}))
    assert "核查中" in lookup and "已受理，正在核查" in lookup and TEXT not in lookup


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"website": "http://spam.example"}, "表单校验未通过"),
        ({"token": "forged"}, "表单校验未通过"),
        ({"token_age": 0}, "提交过快"),
        ({"token_age": 7 * 3600}, "表单已过期"),
    ],
)
def test_public_form_protections_refuse_and_keep_the_text(client, values, message):
    age = values.pop("token_age", 30)
    response = client.post(reverse("supervision_public:report"), _public(token_age=age, **values))
    assert response.status_code == 400 and message in page(response) and TEXT in page(response)
    assert not Report.objects.exists()


def test_public_form_token_of_a_notice_is_not_accepted(client):
    notice = NoticeFactory(published=True)
    data = _public()
    data["token"] = feedback_service.form_token_issue(
        public_id=notice.public_id, now=timezone.now() - timedelta(seconds=30)
    )
    assert client.post(reverse("supervision_public:report"), data).status_code == 400


def test_public_form_is_rate_limited(client):
    from publicity.models import PublicitySettings

    PublicitySettings.objects.update_or_create(pk=1, defaults={"feedback_rate_limit": "2/h"})
    statuses = [client.post(reverse("supervision_public:report"), _public()).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert Report.objects.count() == 2


# --- Triage ------------------------------------------------------------------------------------------------


def test_triage_path_with_notes_deadlines_and_public_reply(client, personas):
    report = register(personas)
    client.force_login(personas.org_staff.user)
    url = reverse("supervision:report_transition", args=[report.pk])
    response = client.post(url, {"to_state": "closed"}, follow=True)
    assert "不能改为“已办结”" in page(response)
    client.post(url, {"to_state": "verifying"})
    report.refresh_from_db()
    assert report.state == "verifying" and report.step_due == today() + timedelta(days=30)
    response = client.post(url, {"to_state": "substantiated"}, follow=True)
    assert "须填写办理意见" in page(response)
    client.post(
        url, {"to_state": "substantiated", "note": "经查属实，已移送纪委", "public_reply": "反映属实，已依规处理"}
    )
    client.post(url, {"to_state": "closed"})
    report.refresh_from_db()
    assert (report.state, report.finding, report.step_due) == ("closed", "substantiated", None)
    assert report.public_reply == "反映属实，已依规处理"
    assert list(ReportEvent.objects.filter(report=report).values_list("to_state", flat=True)) == [
        "received",
        "verifying",
        "substantiated",
        "closed",
    ]


def test_the_cadre_reported_on_cannot_triage_it(personas):
    personas.cadre.user.is_org_staff = True
    personas.cadre.user.save()
    report = register(personas)
    with pytest.raises(service.SupervisionError, match="涉及您本人"):
        service.report_transition(report=report, to_state="verifying", actor=personas.cadre.user)


def test_overdue_reports_remind_staff_once_a_day(celery_worker, personas):
    report = register(personas, received_on=today() - timedelta(days=20))
    assert report.step_due < today()
    assert remind_overdue_reports.delay().get(timeout=30) == 1
    assert remind_overdue_reports.delay().get(timeout=30) == 0  # already reminded today
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {personas.org_staff.user.pk, personas.discipline.pk}
    assert report.receipt_code in Notification.objects.first().title


# --- Where open reports show ---------------------------------------------------------------------------------


def test_open_reports_show_to_staff_on_profile_selection_and_gate_never_the_reporter_to_the_cadre(client, personas):
    staff = personas.org_staff.user
    report = register(personas)
    selection = open_selection(post_with_vacancy(personas.unit), staff)
    selection.candidates.create(cadre=personas.cadre, source="unit")
    notice = NoticeFactory(cadre=personas.cadre, state=NoticeState.GATE)
    urls = [
        reverse("cadres:cadre_detail", args=[personas.cadre.pk]),
        reverse("selection:selection_detail", args=[selection.pk]),
        reverse("publicity:notice_detail", args=[notice.pk]),
    ]
    client.force_login(staff)
    for url in urls:
        assert report.receipt_code in page(client.get(url)), url
    client.force_login(personas.cadre.user)
    own = page(client.get(reverse("cadres:my_profile")))
    assert report.receipt_code not in own and "王举报" not in own and "13900000000" not in own
    assert client.get(reverse("supervision:report_detail", args=[report.pk])).status_code == 403
    service.report_transition(report=report, to_state="verifying", actor=personas.discipline)
    service.report_transition(report=report, to_state="unsubstantiated", note="查无实据", actor=personas.discipline)
    service.report_transition(report=report, to_state="closed", actor=personas.discipline)
    client.force_login(staff)
    assert report.receipt_code not in page(client.get(urls[0]))


def test_a_web_report_is_linked_to_the_cadre_by_staff(client, personas):
    report = service.report_submit_public(subject="张干部", name="", contact="", text=TEXT, today=today())
    client.force_login(personas.org_staff.user)
    client.post(reverse("supervision:report_link", args=[report.pk]), {"cadre": personas.cadre.pk})
    report.refresh_from_db()
    assert report.cadre == personas.cadre and report.unit == personas.unit


def test_yearly_statistics_by_channel_outcome_and_unit(client, personas):
    register(personas)
    register(personas, channel=Channel.LETTER)
    closed = register(personas, cadre=personas.stranger)
    for state, note in (("verifying", ""), ("unsubstantiated", "查无实据"), ("closed", "")):
        service.report_transition(report=closed, to_state=state, note=note, actor=personas.discipline)
    service.report_submit_public(subject="某事项", name="", contact="", text=TEXT, today=today())
    client.force_login(personas.discipline)
    text = page(client.get(reverse("supervision:report_statistics"), {"year": today().year}))
    assert "全年受理举报 4 件" in text
    channel = text.split('id="stats-channel"')[1].split("</table>")[0]
    assert (
        '<td>电话</td><td class="text-end">2</td>' in channel and '<td>网络</td><td class="text-end">1</td>' in channel
    )
    outcome = text.split('id="stats-outcome"')[1].split("</table>")[0]
    assert "反映不属实" in outcome and "办理中" in outcome
    unit = text.split('id="stats-unit"')[1].split("</table>")[0]
    assert personas.unit.name in unit and personas.other_unit.name in unit and "未关联单位" in unit


# --- Supervision information -----------------------------------------------------------------------------------


def test_supervision_information_recorded_and_shown_before_promotion(client, personas):
    client.force_login(personas.discipline)
    data = {
        "cadre": personas.cadre.pk,
        "source": "audit",
        "provided_by": "区审计局",
        "summary": "经济责任审计发现专项资金未按期拨付",
        "date": today().isoformat(),
        "status": "open",
    }
    assert client.post(reverse("supervision:info_list"), data).status_code == 302
    info = SupervisionInfo.objects.get()
    notice = NoticeFactory(cadre=personas.cadre, state=NoticeState.GATE)
    client.force_login(personas.org_staff.user)
    assert "经济责任审计发现" in page(client.get(reverse("publicity:notice_detail", args=[notice.pk])))
    assert "经济责任审计发现" in page(client.get(reverse("cadres:cadre_detail", args=[personas.cadre.pk])))
    client.post(reverse("supervision:info_conclude", args=[info.pk]))
    info.refresh_from_db()
    assert info.status == InfoStatus.CONCLUDED
    response = client.post(reverse("supervision:info_list"), data | {"provided_by": ""})
    assert response.status_code == 400 and "请填写提供单位" in page(response)
    client.force_login(personas.cadre.user)
    assert "经济责任审计发现" not in page(client.get(reverse("cadres:my_profile")))
