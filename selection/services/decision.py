"""The decision (研究决定): meetings with their attendance and, at the 常委会, the 差额票决; the chosen
candidate flows into a pre-appointment notice draft filled from the record, the others are archived.

Validity: more than `quorum_percent` of the members present; elected: the most votes for, and more
than `pass_percent` of the members (both from InspectionSettings, exact comparison, no rounding).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from auditlog.context import set_actor
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import User
from publicity.services import notices as notice_services

from ..errors import SelectionError
from ..inspection_models import (
    ArchivedCandidate,
    Decision,
    DecisionMeeting,
    InspectionSettings,
    MeetingKind,
    MeetingVote,
)
from ..models import Candidate, Selection, State
from . import probation, record
from .selections import _locked, _require_state, _text


def quorum_met(present: int, total: int, percent: Decimal) -> bool:
    """More than `percent` of the members present (exactly the share is not more)."""
    return total > 0 and Decimal(present) * 100 > Decimal(percent) * total


def elected(votes_for: int, total: int, percent: Decimal) -> bool:
    return total > 0 and Decimal(votes_for) * 100 > Decimal(percent) * total


@dataclass
class VoteOutcome:
    valid: bool
    chosen: Candidate | None
    reason: str


def outcome_of(meeting: DecisionMeeting) -> VoteOutcome:
    settings = InspectionSettings.load()
    if not quorum_met(meeting.present, meeting.members_total, settings.quorum_percent):
        return VoteOutcome(
            False,
            None,
            _("到会 %(p)s 人，未超过应到会 %(t)s 人的 %(q)s%%，票决无效。")
            % {"p": meeting.present, "t": meeting.members_total, "q": settings.quorum_percent},
        )
    votes = sorted(meeting.votes.select_related("candidate__cadre"), key=lambda v: -v.votes_for)
    if not votes:
        return VoteOutcome(False, None, _("没有票决结果。"))
    top = votes[0]
    if len(votes) > 1 and votes[1].votes_for == top.votes_for:
        return VoteOutcome(True, None, _("得票最多的人选赞成票相同，须重新票决。"))
    if not elected(top.votes_for, meeting.members_total, settings.pass_percent):
        return VoteOutcome(
            True,
            None,
            _("得票最多的%(name)s赞成 %(n)s 票，未超过应到会成员的 %(q)s%%，没有人当选。")
            % {"name": top.candidate.cadre.name, "n": top.votes_for, "q": settings.pass_percent},
        )
    return VoteOutcome(
        True,
        top.candidate,
        _("%(name)s赞成 %(n)s 票，超过应到会成员 %(t)s 人的 %(q)s%%，当选。")
        % {
            "name": top.candidate.cadre.name,
            "n": top.votes_for,
            "t": meeting.members_total,
            "q": settings.pass_percent,
        },
    )


def meeting_record(
    *,
    selection: Selection,
    kind: str,
    held_on: date,
    members_total: int,
    present: int,
    attendees: str,
    actor: User,
    note: str = "",
    speech: UploadedFile | None = None,
    votes: Mapping[int, tuple[int, int, int]] | None = None,
) -> DecisionMeeting:
    kind = MeetingKind(kind)
    attendees = _text(attendees, field="attendees", label=_("出席人员"), limit=2000)
    note = _text(note, field="note", label=_("会议情况"), limit=3000, required=False)
    if members_total < 1:
        raise SelectionError(_("应到会成员至少 1 人。"), field="members_total")
    if present < 0 or present > members_total:
        raise SelectionError(_("实到会成员须在 0 到应到会成员 %(n)s 之间。") % {"n": members_total}, field="present")
    if held_on > timezone.localdate():
        raise SelectionError(_("会议日期不能晚于今天。"), field="held_on")
    with transaction.atomic(), set_actor(actor):
        locked = _locked(selection)
        _require_state(locked, State.CANDIDATES, action=_("记录研究决定会议"))
        if Decision.objects.filter(selection=locked).exists():
            raise SelectionError(_("这项选拔任用工作已经作出决定。"))
        candidates = {
            c.pk: c
            for c in Candidate.objects.filter(selection=locked, is_inspection_candidate=True).select_related("cadre")
        }
        votes = dict(votes or {})
        if votes:
            if set(votes) - set(candidates):
                raise SelectionError(_("所填人员不是考察对象。"))
            if len(votes) < 2:
                raise SelectionError(_("差额票决须有两名以上人选。"), field="votes")
            for cid, (yes, no, abstain) in votes.items():
                if min(yes, no, abstain) < 0 or yes + no + abstain > present:
                    raise SelectionError(
                        _("%(name)s的赞成、反对、弃权票合计须在 0 到实到会成员 %(n)s 之间。")
                        % {"name": candidates[cid].cadre.name, "n": present},
                        field=f"votes_{cid}",
                    )
        meeting = DecisionMeeting.objects.create(
            selection=locked,
            kind=kind,
            held_on=held_on,
            members_total=members_total,
            present=present,
            attendees=attendees,
            note=note,
            has_vote=bool(votes),
            recorded_by=actor,
            **({"speech": speech} if speech else {}),
        )
        MeetingVote.objects.bulk_create(
            MeetingVote(meeting=meeting, candidate_id=cid, votes_for=y, votes_against=n, votes_abstain=a)
            for cid, (y, n, a) in votes.items()
        )
        text = _("%(day)s，应到 %(t)s 人，实到 %(p)s 人。") % {
            "day": held_on.isoformat(),
            "t": members_total,
            "p": present,
        }
        if votes:
            text += "；".join(
                _("%(name)s 赞成 %(y)s、反对 %(n)s、弃权 %(a)s")
                % {"name": candidates[cid].cadre.name, "y": y, "n": n, "a": a}
                for cid, (y, n, a) in votes.items()
            )
            text += "。" + outcome_of(meeting).reason
        record.append(
            selection=locked,
            step=kind.label,
            text=text,
            actor=actor,
            documents=meeting.speech.name if meeting.speech else "",
        )
    return meeting


def decide(*, selection: Selection, meeting: DecisionMeeting, actor: User, now: datetime | None = None) -> Decision:
    """The 常委会's vote decides: the chosen candidate's notice draft is made, the others archived."""
    now = now or timezone.now()
    with transaction.atomic(), set_actor(actor):
        locked = _locked(selection)
        _require_state(locked, State.CANDIDATES, action=_("作出任用决定"))
        if Decision.objects.filter(selection=locked).exists():
            raise SelectionError(_("这项选拔任用工作已经作出决定。"))
        if meeting.selection_id != locked.pk or meeting.kind != MeetingKind.STANDING or not meeting.has_vote:
            raise SelectionError(_("任用决定须依据常委会的差额票决。"))
        outcome = outcome_of(meeting)
        if outcome.chosen is None:
            raise SelectionError(outcome.reason)
        chosen = outcome.chosen
        cadre = chosen.cadre
        notice = notice_services.notice_create(cadre=cadre, proposed_post=str(locked.post), actor=actor, now=now)
        decision = Decision.objects.create(
            selection=locked,
            meeting=meeting,
            chosen=chosen,
            notice=notice,
            decided_by=actor,
            decided_at=now,
            previous_unit=cadre.unit.name[:100],
            previous_post=(cadre.post_title or "")[:200],
            previous_is_leadership=cadre.is_leader,
        )
        votes = {v.candidate_id: v for v in meeting.votes.all()}
        others = Candidate.objects.filter(selection=locked, is_inspection_candidate=True).exclude(pk=chosen.pk)
        for other in others.select_related("cadre"):
            v = votes.get(other.pk)
            reason = _("常委会差额票决未当选（赞成 %(n)s 票）。") % {"n": v.votes_for} if v else _("未提交常委会票决。")
            ArchivedCandidate.objects.create(candidate=other, reason=reason, archived_at=now)
            record.append(
                selection=locked, step=_("人选归档"), text=f"{other.cadre.name}：{reason}", actor=actor, now=now
            )
        record.append(
            selection=locked,
            step=_("任用决定"),
            text=_("%(reason)s 已生成任前公示草稿：%(title)s。") % {"reason": outcome.reason, "title": notice.title},
            actor=actor,
            now=now,
        )
        probation.start_for_decision(decision=decision, actor=actor, now=now)
    return decision
