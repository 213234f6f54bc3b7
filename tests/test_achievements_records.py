"""Achievement records: figures, joint participants (shares ≤ 100% on every path), private evidence
files, org-staff verification with audit trail."""

from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from achievements import services
from achievements.errors import DuplicateParticipant, SharesExceed
from achievements.models import (
    Achievement,
    AchievementAttachment,
    AchievementParticipant,
    ParticipantRole,
    VerificationStatus,
)
from core.models import Notification

from .factories import CadreFactory, category
from .support import TINY_PDF, TINY_PNG, today

pytestmark = pytest.mark.django_db


def form_data(personas, participants, figures=(("新增就业", "350", "人"),), **fields):
    data = {
        "title": "引进冷链物流项目",
        "date": today().isoformat(),
        "category": category().pk,
        "description": "牵头对接客商六批次，协调解决项目用地四十五亩。",
        "figures-TOTAL_FORMS": str(len(figures)),
        "figures-INITIAL_FORMS": "0",
        "participants-TOTAL_FORMS": str(len(participants)),
        "participants-INITIAL_FORMS": "0",
        **fields,
    }
    for i, (label, value, unit) in enumerate(figures):
        data.update({f"figures-{i}-label": label, f"figures-{i}-value": value, f"figures-{i}-unit": unit})
    for i, (cadre, role, share) in enumerate(participants):
        data.update(
            {
                f"participants-{i}-cadre_code": f"{cadre.name}（{cadre.code}）",
                f"participants-{i}-role": role,
                f"participants-{i}-share": share,
            }
        )
    return data


def make(personas, participants=(), **overrides):
    return services.achievement_save(
        author=personas.cadre,
        title=overrides.get("title", "完成教师培训"),
        date=today(),
        category=category(),
        description="组织培训三期，参训教师一百八十六人。",
        figures=[services.FigureInput("参训教师", Decimal("186"), "人")],
        participants=[services.ParticipantInput(c, r, Decimal(s)) for c, r, s in participants],
    )


def test_joint_achievement_is_created_with_figures_and_participants_on_the_page(client, personas):
    client.force_login(personas.cadre.user)
    response = client.post(
        reverse("achievements:record_new"),
        form_data(
            personas,
            [(personas.cadre, ParticipantRole.EXECUTOR, "50"), (personas.leader, ParticipantRole.SUPERVISOR, "30")],
        ),
    )
    achievement = Achievement.objects.get()
    assert response["Location"] == reverse("achievements:record_detail", args=[achievement.pk])
    assert [(f.label, f.value, f.unit) for f in achievement.figures.all()] == [("新增就业", Decimal("350.00"), "人")]
    assert {(p.cadre, p.role, p.share) for p in achievement.participants.all()} == {
        (personas.cadre, ParticipantRole.EXECUTOR, Decimal("50")),
        (personas.leader, ParticipantRole.SUPERVISOR, Decimal("30")),
    }
    detail = client.get(response["Location"]).content.decode()
    assert "王主任" in detail and "分管领导" in detail and "80%" in detail


def test_shares_above_100_percent_are_refused_on_the_page(client, personas):
    client.force_login(personas.cadre.user)
    response = client.post(
        reverse("achievements:record_new"),
        form_data(
            personas,
            [(personas.cadre, ParticipantRole.LEAD, "70"), (personas.colleague, ParticipantRole.ASSISTANT, "40")],
        ),
    )
    assert response.status_code == 200
    assert "参与人的贡献占比合计为 110%，不能超过 100%。" in response.content.decode()
    assert "引进冷链物流项目" in response.content.decode()  # what was typed stays
    assert not Achievement.objects.exists()


def test_an_unknown_participant_code_is_named(client, personas):
    client.force_login(personas.cadre.user)
    data = form_data(personas, [(personas.cadre, ParticipantRole.LEAD, "50")])
    data["participants-0-cadre_code"] = "NOSUCH"
    response = client.post(reverse("achievements:record_new"), data)
    assert "找不到编号为「NOSUCH」的在职干部。" in response.content.decode()


def test_service_and_api_refuse_excess_shares_and_duplicates(client, personas):
    with pytest.raises(SharesExceed):
        make(
            personas,
            [(personas.cadre, ParticipantRole.LEAD, "60"), (personas.colleague, ParticipantRole.EXECUTOR, "40.01")],
        )
    with pytest.raises(DuplicateParticipant):
        make(personas, [(personas.cadre, ParticipantRole.LEAD, "10"), (personas.cadre, ParticipantRole.EXECUTOR, "10")])
    client.force_login(personas.cadre.user)
    payload = {
        "title": "接口填报",
        "date": today().isoformat(),
        "category": category().pk,
        "description": "说明",
        "participants": [
            {"cadre": personas.cadre.pk, "role": "lead", "share": "80"},
            {"cadre": personas.colleague.pk, "role": "assistant", "share": "30"},
        ],
    }
    response = client.post("/api/achievements/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["participants"] == ["参与人的贡献占比合计为 110%，不能超过 100%。"]
    payload["participants"][1]["share"] = "20"
    payload["figures"] = [{"label": "培训", "value": "3", "unit": "期"}]
    created = client.post("/api/achievements/", payload, content_type="application/json")
    assert created.status_code == 201 and len(created.json()["participants"]) == 2
    patched = client.patch(
        f"/api/achievements/{created.json()['id']}/",
        {"participants": [{"cadre": personas.leader.pk, "role": "lead", "share": "101"}]},
        content_type="application/json",
    )
    assert patched.status_code == 400
    assert AchievementParticipant.objects.count() == 2


def test_too_many_figures_or_participants_are_refused_on_the_page_and_the_api(client, personas):
    client.force_login(personas.cadre.user)
    many_figures = [("指标", "1", "项")] * 21
    page = client.post(reverse("achievements:record_new"), form_data(personas, [], figures=many_figures))
    assert page.status_code == 200 and "量化指标最多 20 项。" in page.content.decode()
    assert not Achievement.objects.exists()
    api = client.post(
        "/api/achievements/",
        {
            "title": "完成",
            "date": today().isoformat(),
            "category": category().pk,
            "description": "组织培训三期。",
            "figures": [{"label": "指标", "value": "1", "unit": "项"}] * 21,
        },
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["figures"] == ["量化指标最多 20 项。"]
    assert not Achievement.objects.exists()


def test_admin_refuses_excess_shares(client, personas):
    achievement = make(personas)
    client.force_login(personas.admin)
    url = reverse("admin:achievements_achievement_change", args=[achievement.pk])
    data = {
        "title": achievement.title,
        "date": achievement.date.isoformat(),
        "category": achievement.category_id,
        "description": achievement.description,
        "created_by": personas.cadre.pk,
        "unit": personas.unit.pk,
        "verification_status": "pending",
        "verification_note": "",
        "figures-TOTAL_FORMS": "0",
        "figures-INITIAL_FORMS": "0",
        "participants-TOTAL_FORMS": "2",
        "participants-INITIAL_FORMS": "0",
        "participants-0-cadre": personas.cadre.pk,
        "participants-0-role": "lead",
        "participants-0-share": "60",
        "participants-1-cadre": personas.colleague.pk,
        "participants-1-role": "assistant",
        "participants-1-share": "50",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "不能超过 100%" in response.content.decode()
    assert not AchievementParticipant.objects.exists()
    data["participants-1-share"] = "40"
    assert client.post(url, data).status_code == 302
    assert AchievementParticipant.objects.count() == 2
    # Verification happens on the page or the API, which record who checked it and tell the author:
    # the admin cannot set it behind their back.
    data.update({"participants-TOTAL_FORMS": "0", "verification_status": "verified", "verification_note": "属实"})
    assert client.post(url, data).status_code == 302
    achievement.refresh_from_db()
    assert (achievement.verification_status, achievement.verification_note) == ("pending", "")


# --- Evidence ---------------------------------------------------------------------------------------


def upload(client, achievement, name, content):
    return client.post(
        reverse("achievements:attachment_upload", args=[achievement.pk]), {"file": SimpleUploadedFile(name, content)}
    )


def test_evidence_is_stored_privately_and_downloaded_as_an_attachment(client, personas):
    achievement = make(personas)
    client.force_login(personas.cadre.user)
    upload(client, achievement, "验收意见书.pdf", TINY_PDF)
    attachment = AchievementAttachment.objects.get()
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT)) and not stored.is_relative_to(Path(settings.STATIC_ROOT))
    assert "验收意见书" not in stored.name  # the stored name is random
    assert attachment.original_name == "验收意见书.pdf" and attachment.content_type == "application/pdf"

    client.force_login(personas.colleague.user)
    response = client.get(reverse("achievements:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E9%AA%8C%E6%94%B6" in response["Content-Disposition"]  # 验收, percent-encoded
    assert b"".join(response.streaming_content) == TINY_PDF
    client.force_login(personas.stranger.user)
    assert client.get(reverse("achievements:attachment_download", args=[attachment.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("achievements:attachment_download", args=[attachment.pk])).status_code == 302


def test_evidence_type_and_size_are_checked(client, personas, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    achievement = make(personas)
    client.force_login(personas.cadre.user)
    disguised = upload(client, achievement, "scan.pdf", b"MZ\x90\x00 an executable renamed")
    message = client.get(disguised["Location"]).content.decode()
    assert "文件「scan.pdf」的内容不是 PDF 文件，与扩展名不符" in message
    assert "类型不允许上传" not in message and "允许的类型" not in message
    html = upload(client, achievement, "page.html", b"<script>alert(1)</script>")
    assert "类型不允许上传" in client.get(html["Location"]).content.decode()
    big = upload(client, achievement, "big.png", TINY_PNG + b"\x00" * 2048)
    page = client.get(big["Location"]).content.decode()
    assert "文件「big.png」超过 1.0\xa0KB，请压缩后再上传。" in page
    assert not AchievementAttachment.objects.exists()
    upload(client, achievement, "photo.PNG", TINY_PNG)
    assert AchievementAttachment.objects.get().content_type == "image/png"


def test_only_the_author_uploads_and_api_uploads_are_checked_alike(client, personas):
    achievement = make(personas)
    client.force_login(personas.colleague.user)
    assert upload(client, achievement, "x.pdf", TINY_PDF).status_code == 404
    client.force_login(personas.cadre.user)
    url = f"/api/achievements/{achievement.pk}/attachments/"
    refused = client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert refused.status_code == 400 and "类型不允许上传" in refused.json()["file"][0]
    accepted = client.post(url, {"file": SimpleUploadedFile("证明.pdf", TINY_PDF)})
    assert accepted.status_code == 201
    assert accepted.json()["download_url"] == reverse(
        "achievements:attachment_download", args=[AchievementAttachment.objects.get().pk]
    )


# --- Verification -------------------------------------------------------------------------------------


def test_org_staff_verify_with_a_note_audited_and_the_author_is_told(client, personas):
    achievement = make(personas)
    client.force_login(personas.org_staff.user)
    queue = client.get(reverse("achievements:verification")).content.decode()
    assert achievement.title in queue
    missing_note = client.post(
        reverse("achievements:record_verify", args=[achievement.pk]), {"verification_status": "doubtful"}
    )
    assert missing_note.status_code == 302
    assert Achievement.objects.get().verification_status == VerificationStatus.PENDING
    client.post(
        reverse("achievements:record_verify", args=[achievement.pk]),
        {"verification_status": "verified", "verification_note": "与验收资料一致。"},
    )
    achievement.refresh_from_db()
    assert (achievement.verification_status, achievement.verification_note) == ("verified", "与验收资料一致。")
    assert achievement.verified_by == personas.org_staff.user and achievement.verified_at is not None
    entry = LogEntry.objects.get_for_object(achievement).latest("timestamp")
    assert entry.actor == personas.org_staff.user and entry.changes["verification_status"] == ["pending", "verified"]
    assert Notification.objects.filter(recipient=personas.cadre.user, title__contains="已核实").exists()

    client.force_login(personas.cadre.user)
    assert (
        client.post(
            reverse("achievements:record_verify", args=[achievement.pk]), {"verification_status": "verified"}
        ).status_code
        == 403
    )
    api = client.post(
        f"/api/achievements/{achievement.pk}/verify/",
        {"verification_status": "verified"},
        content_type="application/json",
    )
    assert api.status_code == 403


def test_org_staff_never_verify_a_record_they_filed_or_took_part_in(client, personas):
    staff = personas.org_staff
    own = services.achievement_save(
        author=staff,
        title="完成年度考核方案",
        date=today(),
        category=category(),
        description="起草全区干部年度考核方案并组织论证。",
        figures=[],
        participants=[],
    )
    joint = make(personas, participants=[(staff, ParticipantRole.ASSISTANT, "20")])
    client.force_login(staff.user)
    for achievement in (own, joint):
        detail = client.get(reverse("achievements:record_detail", args=[achievement.pk])).content.decode()
        assert 'id="verify-form"' not in detail and "请由考核办其他同志核实" in detail
        page = client.post(
            reverse("achievements:record_verify", args=[achievement.pk]),
            {"verification_status": "verified", "verification_note": "属实。"},
            follow=True,
        )
        assert "请由考核办其他同志核实" in page.content.decode()
        api = client.post(
            f"/api/achievements/{achievement.pk}/verify/",
            {"verification_status": "verified"},
            content_type="application/json",
        )
        assert api.status_code == 400 and "请由考核办其他同志核实" in api.json()["non_field_errors"][0]
        assert Achievement.objects.get(pk=achievement.pk).verification_status == VerificationStatus.PENDING
    queue = client.get(reverse("achievements:verification")).content.decode()
    assert queue.count("请由考核办其他同志核实") == 2
    assert f'action="{reverse("achievements:record_verify", args=[own.pk])}"' not in queue
    # Another member of the office checks them.
    colleague = CadreFactory(unit=staff.unit, with_account=True)
    colleague.user.is_org_staff = True
    colleague.user.save()
    services.achievement_verify(achievement=own, status="verified", note="属实。", actor=colleague.user)
    assert Achievement.objects.get(pk=own.pk).verification_status == VerificationStatus.VERIFIED


def test_an_edit_after_verification_sends_the_record_back_to_pending(client, personas):
    achievement = make(personas)
    services.achievement_verify(achievement=achievement, status="verified", note="一致", actor=personas.org_staff.user)
    client.force_login(personas.cadre.user)
    client.post(
        reverse("achievements:record_edit", args=[achievement.pk]),
        form_data(personas, [(personas.cadre, ParticipantRole.LEAD, "100")], title="完成教师培训（修订）"),
    )
    achievement.refresh_from_db()
    assert achievement.title == "完成教师培训（修订）"
    assert achievement.verification_status == VerificationStatus.PENDING and achievement.verified_by is None


def test_verified_records_cannot_be_deleted(client, personas):
    achievement = make(personas)
    services.achievement_verify(achievement=achievement, status="verified", note="", actor=personas.org_staff.user)
    client.force_login(personas.cadre.user)
    client.post(reverse("achievements:record_delete", args=[achievement.pk]))
    assert Achievement.objects.filter(pk=achievement.pk).exists()
    assert client.delete(f"/api/achievements/{achievement.pk}/").status_code == 400


def test_participants_see_joint_records_in_their_own_list(client, personas):
    make(personas, [(personas.cadre, ParticipantRole.LEAD, "60"), (personas.stranger, ParticipantRole.ASSISTANT, "40")])
    client.force_login(personas.stranger.user)
    page = client.get(reverse("achievements:my_records")).content.decode()
    assert "完成教师培训" in page and "协助完成" in page and "40%" in page


def test_participant_lookup_returns_names_units_and_codes_only(client, personas):
    client.force_login(personas.cadre.user)
    found = client.get(reverse("achievements:participant_lookup"), {"q": "孙镇"}).json()["results"]
    assert found == [{"code": personas.stranger.code, "name": "孙镇干部", "unit": "青石镇"}]
    client.force_login(personas.admin)
    assert client.get(reverse("achievements:participant_lookup"), {"q": "孙"}).status_code == 403
    # The leave form's picker serves whoever may mark leave, with or without a cadre record.
    leave = client.get(reverse("achievements:participant_lookup"), {"q": "孙", "scope": "leave"})
    assert leave.status_code == 200 and leave.json()["results"][0]["name"] == "孙镇干部"
    client.force_login(personas.colleague.user)
    assert client.get(reverse("achievements:participant_lookup"), {"q": "孙", "scope": "leave"}).status_code == 403
