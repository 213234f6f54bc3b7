"""Notices carry real channels and a 落款; placeholders block publishing; section headings say what is listed."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from achievements.models import Achievement, VerificationStatus
from publicity import rules
from publicity.models import Notice, NoticeState, PublicitySettings
from publicity.services import notices as services

from .factories import NoticeFactory, cadre_with_record, category, pass_gate, real_channel_settings
from .support import pdf_text

pytestmark = pytest.mark.django_db


def gate_notice(personas, **kwargs) -> Notice:
    notice = NoticeFactory(cadre=personas.cadre, state=NoticeState.GATE, **kwargs)
    pass_gate(notice)
    return notice


def test_publishing_is_refused_while_the_settings_hold_placeholders_naming_them(client, personas):
    notice = gate_notice(personas)
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("publicity:notice_detail", args=[notice.pk])).content.decode()
    assert 'id="placeholder-warning"' in page and "落款单位、默认反映渠道" in page
    assert 'id="publish-button" disabled' in page
    start = rules.default_start(timezone.localdate())
    response = client.post(reverse("publicity:notice_publish", args=[notice.pk]), {"start_date": start})
    text = response.content.decode()
    assert response.status_code == 400 and "示例占位内容" in text and "落款单位、默认反映渠道" in text
    notice.refresh_from_db()
    assert notice.state == NoticeState.GATE and notice.published_at is None
    api = client.post(f"/api/publicity/notices/{notice.pk}/publish/", {"start_date": start.isoformat()})
    assert api.status_code == 400 and "默认反映渠道" in api.json()["non_field_errors"][0]


def test_the_notice_own_placeholder_channels_are_refused_too(client, personas):
    real_channel_settings()
    notice = gate_notice(personas, feedback_channels="中共××区委组织部\n举报电话：0000-12380")
    client.force_login(personas.org_staff.user)
    start = rules.default_start(timezone.localdate())
    response = client.post(reverse("publicity:notice_publish", args=[notice.pk]), {"start_date": start})
    assert response.status_code == 400 and "反映渠道（本公示）" in response.content.decode()
    assert response.content.decode().split("后才能发布公示：")[1].split("。")[0] == "反映渠道（本公示）"


def test_published_notice_carries_the_issuer_and_date_on_the_page_and_in_the_pdf(client, personas, tmp_path):
    real_channel_settings()
    notice = gate_notice(personas)
    client.force_login(personas.org_staff.user)
    start = rules.default_start(timezone.localdate())
    response = client.post(reverse("publicity:notice_publish", args=[notice.pk]), {"start_date": start})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.issued_by == "中共青山区委组织部"
    issued = timezone.localdate(notice.published_at)
    day = f"{issued.year}年{issued.month}月{issued.day}日"
    # A later change of the setting does not rewrite a notice already issued.
    PublicitySettings.objects.update(issuer_name="中共青山区委")
    Notice.objects.filter(pk=notice.pk).update(start_date=timezone.localdate())  # the period has begun
    client.logout()
    page = client.get(reverse("public:notice_detail", args=[notice.public_id])).content.decode()
    signature = page.split('id="notice-signature">')[1].split("</p>")[0]
    assert "中共青山区委组织部" in signature and day in signature
    pdf = client.get(reverse("public:notice_pdf", args=[notice.public_id]))
    text = pdf_text(pdf.content, tmp_path)
    tail = text[text.index("0472-12380") :]
    assert "中共青山区委组织部" in tail and day in tail


# --- 近三年: the heading says what the section lists ----------------------------------------------


def _notice_for(personas, *, today_year_achievement: bool) -> Notice:
    cadre = cadre_with_record(unit=personas.unit)
    if today_year_achievement:
        Achievement.objects.create(
            created_by=cadre,
            unit=cadre.unit,
            title="今年的实绩",
            date=date(2026, 3, 2),
            category=category(),
            description="牵头完成今年的重点项目。",
            verification_status=VerificationStatus.VERIFIED,
        )
    now = timezone.make_aware(timezone.datetime(2026, 6, 1, 10))
    return services.notice_create(cadre=cadre, proposed_post="柳溪镇党委书记", actor=personas.org_staff.user, now=now)


def test_section_heading_names_three_years_and_this_year_when_this_year_is_listed(client, personas):
    notice = _notice_for(personas, today_year_achievement=True)
    assert notice.source["years"] == [2023, 2024, 2025]
    listed = [line for line in notice.achievements.splitlines() if line.startswith("【")]
    assert listed == ["【2026年（截至6月1日）】", "【2025年】", "【2024年】", "【2023年】"]
    Notice.objects.filter(pk=notice.pk).update(
        state=NoticeState.PUBLISHED, start_date=date(2026, 6, 1), end_date=date(2099, 1, 1)
    )
    page = client.get(reverse("public:notice_detail", args=[notice.public_id])).content.decode()
    assert "近三年及今年以来主要工作实绩" in page and "近三年主要工作实绩" not in page
    assert "近三年年度考核结果" in page
    client.force_login(personas.org_staff.user)
    staff = client.get(reverse("publicity:notice_detail", args=[notice.pk])).content.decode()
    assert "近三年及今年以来主要工作实绩" in staff


def test_section_heading_is_three_years_without_this_year_and_follows_the_setting(client, personas):
    notice = _notice_for(personas, today_year_achievement=False)
    assert not any(line.startswith("【2026") for line in notice.achievements.splitlines())
    Notice.objects.filter(pk=notice.pk).update(
        state=NoticeState.PUBLISHED, start_date=date(2026, 6, 1), end_date=date(2099, 1, 1)
    )
    page = client.get(reverse("public:notice_detail", args=[notice.public_id])).content.decode()
    assert "近三年主要工作实绩" in page and "及今年以来" not in page

    PublicitySettings.objects.update(record_years=2)
    two = _notice_for_other(personas)
    assert two.source["years"] == [2024, 2025]
    Notice.objects.filter(pk=two.pk).update(
        state=NoticeState.PUBLISHED, start_date=date(2026, 6, 1), end_date=date(2099, 1, 1)
    )
    page = client.get(reverse("public:notice_detail", args=[two.public_id])).content.decode()
    assert "近两年主要工作实绩" in page and "近两年年度考核结果" in page


def _notice_for_other(personas) -> Notice:
    cadre = cadre_with_record(unit=personas.unit, name="李明")
    now = timezone.make_aware(timezone.datetime(2026, 6, 1, 10))
    return services.notice_create(cadre=cadre, proposed_post="青石镇镇长", actor=personas.org_staff.user, now=now)
