"""Achievement records (实绩): figures, joint participants with shares, evidence, verification."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre, User
from core.models import NotificationKind
from core.notifications import notify

from .. import access, rules
from ..errors import AttachmentRefused, DuplicateParticipant, RecordLocked, SharesExceed
from ..models import (
    Achievement,
    AchievementAttachment,
    AchievementCategory,
    AchievementFigure,
    AchievementParticipant,
    ParticipantRole,
    VerificationStatus,
)

HUNDRED = Decimal("100")
# A record lists a handful of figures and people; hundreds are a mistake or an attack on the page.
MAX_FIGURES = 20
MAX_PARTICIPANTS = 30


@dataclass(frozen=True)
class FigureInput:
    label: str
    value: Decimal
    unit: str


@dataclass(frozen=True)
class ParticipantInput:
    cadre: Cadre
    role: str
    share: Decimal


def check_participants(participants: Iterable[tuple[int, str, Decimal | None]]) -> None:
    """(cadre id, name, share) rows: nobody twice, shares add up to at most 100%.

    Used by the service, the page formset, the admin inline and the API alike.
    """
    seen: set[int] = set()
    total = Decimal("0")
    for cadre_id, name, share in participants:
        if cadre_id in seen:
            raise DuplicateParticipant(name=name)
        seen.add(cadre_id)
        total += share or Decimal("0")
    if total > HUNDRED:
        raise SharesExceed(total=total)


def _back_to_pending(achievement: Achievement) -> None:
    """A change by the author after verification voids it: staff check the record again."""
    if achievement.verification_status != VerificationStatus.PENDING:
        achievement.verification_status = VerificationStatus.PENDING
        achievement.verified_by = None
        achievement.verified_at = None
        achievement.verification_note = ""


@transaction.atomic
def achievement_save(
    *,
    author: Cadre,
    title: str,
    date: date,
    category: AchievementCategory,
    description: str,
    figures: list[FigureInput],
    participants: list[ParticipantInput],
    achievement: Achievement | None = None,
    now: datetime | None = None,
) -> Achievement:
    """Create a record, or update the author's record (back to 待核实 if it had been checked)."""
    now = now or timezone.now()
    if not author.is_active:
        raise RecordLocked(reason=_("离任干部不能再填写实绩记录。"))
    if date > rules.today_in_shanghai(now):
        raise RecordLocked(reason=_("取得日期不能晚于今天。"), field="date")
    if len(figures) > MAX_FIGURES:
        raise RecordLocked(reason=_("量化指标最多 %(count)s 项。") % {"count": MAX_FIGURES}, field="figures")
    if len(participants) > MAX_PARTICIPANTS:
        raise RecordLocked(reason=_("参与人最多 %(count)s 名。") % {"count": MAX_PARTICIPANTS}, field="participants")
    for p in participants:
        if p.role not in ParticipantRole.values:
            raise RecordLocked(reason=_("参与角色无效。"), field="participants")
        if not (Decimal("0") < p.share <= HUNDRED):
            raise RecordLocked(reason=_("贡献占比必须大于 0 且不超过 100。"), field="participants")
    check_participants((p.cadre.pk, p.cadre.name, p.share) for p in participants)

    if achievement is None:
        achievement = Achievement(created_by=author, unit=author.unit)
    else:
        # Serialize edits of one record, so two saves cannot interleave their participant lists.
        achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
        if achievement.created_by_id != author.pk:
            raise RecordLocked(reason=_("只有填报人可以修改这条实绩。"))
        _back_to_pending(achievement)
    achievement.title = title.strip()
    achievement.date = date
    achievement.category = category
    achievement.description = rules.normalize_text(description)
    achievement.save()

    achievement.figures.all().delete()
    AchievementFigure.objects.bulk_create(
        AchievementFigure(achievement=achievement, label=f.label.strip(), value=f.value, unit=f.unit.strip())
        for f in figures
    )
    achievement.participants.all().delete()
    AchievementParticipant.objects.bulk_create(
        AchievementParticipant(achievement=achievement, cadre=p.cadre, role=p.role, share=p.share) for p in participants
    )
    return achievement


@transaction.atomic
def achievement_delete(*, achievement: Achievement, author: Cadre) -> None:
    if achievement.created_by_id != author.pk:
        raise RecordLocked(reason=_("只有填报人可以删除这条实绩。"))
    if achievement.verification_status == VerificationStatus.VERIFIED:
        raise RecordLocked(reason=_("已核实的实绩不能删除；如有错误请联系考核办。"))
    files = [a.file for a in achievement.attachments.all()]
    achievement.delete()
    # Remove the files only once the rows are gone for good.
    transaction.on_commit(lambda: [f.delete(save=False) for f in files])


@transaction.atomic
def achievement_verify(
    *, achievement: Achievement, status: str, note: str, actor: User, now: datetime | None = None
) -> Achievement:
    """Org staff record 已核实 / 存疑 / 待核实 with a note (required when in doubt)."""
    if status not in VerificationStatus.values:
        raise RecordLocked(reason=_("核实状态无效。"), field="verification_status")
    note = note.strip()
    if status == VerificationStatus.DOUBTFUL and not note:
        raise RecordLocked(reason=_("标记为存疑时请写明核实意见。"), field="verification_note")
    achievement = (
        Achievement.objects.select_for_update(of=("self",)).select_related("created_by__user").get(pk=achievement.pk)
    )
    if access.involved_in(actor, achievement):
        raise RecordLocked(reason=_("这条实绩由您本人填报或参与，不能由您核实，请由考核办其他同志核实。"))
    achievement.verification_status = status
    achievement.verification_note = note
    achievement.verified_by = actor if status != VerificationStatus.PENDING else None
    achievement.verified_at = (now or timezone.now()) if status != VerificationStatus.PENDING else None
    achievement.save()
    author_user = achievement.created_by.user
    if author_user is not None and status != VerificationStatus.PENDING:
        label = VerificationStatus(status).label
        notify(
            recipients=[author_user],
            title=_("实绩「%(title)s」核实结果：%(status)s") % {"title": achievement.title[:60], "status": label},
            body=note,
            url=f"/achievements/records/{achievement.pk}/",
            kind=NotificationKind.ACHIEVEMENT_VERIFIED,
        )
    return achievement


# --- Evidence --------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(
    *, achievement: Achievement, upload: UploadedFile, author: Cadre, actor: User
) -> AchievementAttachment:
    """Store one evidence file privately under MEDIA_ROOT after checking its size and real type."""
    achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
    if achievement.created_by_id != author.pk:
        raise RecordLocked(reason=_("只有填报人可以上传佐证材料。"))
    if achievement.attachments.count() >= rules.attachment_max_count():
        raise AttachmentRefused(
            reason=_("每条实绩最多上传 %(count)s 个佐证材料。") % {"count": rules.attachment_max_count()}
        )
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "file"
    size = upload.size or 0
    if size > rules.attachment_max_bytes():
        raise AttachmentRefused(
            reason=_("文件「%(name)s」超过 %(limit)s，请压缩后再上传。")
            % {"name": name, "limit": filesizeformat(rules.attachment_max_bytes())}
        )
    if size == 0:
        raise AttachmentRefused(reason=_("文件「%(name)s」是空文件。") % {"name": name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = rules.attachment_content_type(name, head)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if content_type is None and extension in rules.ATTACHMENT_TYPES:
        # The name is fine, the bytes are not: saying "pdf is allowed" to someone who sent a .pdf helps nobody.
        raise AttachmentRefused(
            reason=_(
                "文件「%(name)s」的内容不是 %(type)s 文件，与扩展名不符（可能是改了扩展名或文件已损坏）。"
                "请上传原始文件。"
            )
            % {"name": name, "type": extension.upper()}
        )
    if content_type is None:
        raise AttachmentRefused(
            reason=_("文件「%(name)s」的类型不允许上传。允许的类型：%(types)s。")
            % {"name": name, "types": "、".join(sorted(rules.ATTACHMENT_TYPES))}
        )
    # The stored name is random: nothing the uploader typed reaches the file system.
    stored = ContentFile(upload.read(), name=f"{secrets.token_hex(16)}.{extension}")
    attachment = AchievementAttachment.objects.create(
        achievement=achievement,
        file=stored,
        original_name=name,
        size=size,
        content_type=content_type,
        uploaded_by=actor,
    )
    _back_to_pending(achievement)
    achievement.save()
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: AchievementAttachment, author: Cadre) -> None:
    achievement = Achievement.objects.select_for_update().get(pk=attachment.achievement_id)
    if achievement.created_by_id != author.pk:
        raise RecordLocked(reason=_("只有填报人可以删除佐证材料。"))
    file = attachment.file
    attachment.delete()
    _back_to_pending(achievement)
    achievement.save()
    transaction.on_commit(lambda: file.delete(save=False))
