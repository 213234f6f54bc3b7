"""Writes of the inspection (考察): the team, the anonymous 测, talks, visits, documents checked,
the analysis, and the discipline body's 党风廉政意见.

The 测 reuses the evaluation's ballot sealing: a sheet is sealed under the ballot key
(`evaluations.sealing.seal`, bound to the poll), and the poll's sealed rows are taken out and written
back in a fresh random order (`evaluations.services.box.Shuffle`) with fresh random keys at each
submission. The participant's row only turns "has voted". The box opens when the poll closes:
counts per candidate, item and level are written, the sealed rows deleted, the receipts kept sorted.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import date, datetime

from auditlog.context import set_actor
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.access import is_discipline_staff, is_org_staff
from cadres.models import Cadre, User
from evaluations.sealing import receipt_code, seal, unseal
from evaluations.services.box import Shuffle
from publicity.models import GateCheck, GateCheckKind, GateCheckResult, Notice, NoticeState

from .. import analysis
from ..errors import SelectionError
from ..inspection_models import (
    Analysis,
    Decision,
    DisciplineOpinion,
    DocumentCheck,
    InspectionMember,
    InspectionPoll,
    Level,
    OpinionResult,
    PollSealedSheet,
    PollTally,
    PollVoter,
    Talk,
    TeamRole,
    Visit,
    VisitKind,
)
from ..models import Candidate, Selection, State
from . import record
from .selections import _locked, _require_state, _text

MAX_ITEMS = 10


def inspection_candidates(selection: Selection) -> list[Candidate]:
    return list(
        Candidate.objects.filter(selection=selection, is_inspection_candidate=True)
        .select_related("cadre__unit", "cadre__rank")
        .order_by("cadre__code")
    )


def _require_inspection(selection: Selection, action: str) -> Selection:
    locked = _locked(selection)
    _require_state(locked, State.CANDIDATES, action=action)
    if Decision.objects.filter(selection=locked).exists():
        raise SelectionError(_("这项选拔任用工作已经作出决定，考察材料不能再修改。"))
    return locked


# --- Team -------------------------------------------------------------------------------------


def team_set(
    *, selection: Selection, leader: User, staff: list[User], discipline: list[User], actor: User
) -> Selection:
    """Name the 考察组: a leader and members from org staff, at least one from the discipline body."""
    if not is_org_staff(leader):
        raise SelectionError(_("考察组组长须为组织部门工作人员。"), field="leader")
    if any(not is_org_staff(u) for u in staff):
        raise SelectionError(_("组织部门成员须为组织部门工作人员。"), field="staff")
    if not discipline:
        raise SelectionError(_("考察组须有一名纪检监察机关成员。"), field="discipline")
    if any(not is_discipline_staff(u) for u in discipline):
        raise SelectionError(_("纪检监察成员须为纪检监察账号。"), field="discipline")
    with transaction.atomic(), set_actor(actor):
        locked = _require_inspection(selection, _("组建考察组"))
        InspectionMember.objects.filter(selection=locked).delete()
        rows = [(leader, TeamRole.LEADER)]
        rows += [(u, TeamRole.STAFF) for u in staff if u.pk != leader.pk]
        rows += [(u, TeamRole.DISCIPLINE) for u in discipline]
        seen: set[int] = set()
        for user, role in rows:
            if user.pk in seen:
                continue
            seen.add(user.pk)
            InspectionMember.objects.create(selection=locked, user=user, role=role, added_by=actor)
        names = "、".join(f"{u.get_full_name() or u.username}（{role.label}）" for u, role in rows)
        record.append(selection=locked, step=_("组建考察组"), text=names, actor=actor)
    return locked


# --- 测 -----------------------------------------------------------------------------------------


def poll_setup(*, selection: Selection, items: list[str], voter_ids: list[int], actor: User) -> InspectionPoll:
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise SelectionError(_("请至少填写一个测评项目。"), field="items")
    if len(items) > MAX_ITEMS or len(set(items)) != len(items) or any(len(i) > 50 for i in items):
        raise SelectionError(_("测评项目最多 %(n)s 个，不能重复，每个最多 50 个字。") % {"n": MAX_ITEMS}, field="items")
    with transaction.atomic(), set_actor(actor):
        locked = _require_inspection(selection, _("安排民主测评"))
        if InspectionPoll.objects.filter(selection=locked).exists():
            raise SelectionError(_("考察民主测评已经安排过了。"))
        if not inspection_candidates(locked):
            raise SelectionError(_("没有考察对象。"))
        voters = list(Cadre.objects.filter(pk__in=voter_ids, is_active=True, user__isnull=False).order_by("code"))
        if not voters:
            raise SelectionError(_("请至少选择一名有登录账号的参加人员。"), field="voters")
        poll = InspectionPoll.objects.create(selection=locked, items=items, expected=len(voters))
        PollVoter.objects.bulk_create(PollVoter(poll=poll, cadre=v) for v in voters)
        record.append(
            selection=locked,
            step=_("考察民主测评开始"),
            text=_("测评项目：%(items)s；应参加 %(n)s 人。") % {"items": "、".join(items), "n": len(voters)},
            actor=actor,
        )
    return poll


def _new_ids(count: int) -> list[str]:
    ids = os.urandom(16 * count).hex()
    return sorted(ids[32 * i : 32 * i + 32] for i in range(count))


def poll_submit(*, poll_id: int, voter: Cadre, ratings: dict[int, dict[str, int]]) -> str:
    """One participant's sheet: a level for every candidate and item. Returns the receipt code."""
    with transaction.atomic():
        poll = InspectionPoll.objects.select_for_update().get(pk=poll_id)
        row = PollVoter.objects.select_for_update().filter(poll=poll, cadre=voter).first()
        if row is None:
            raise SelectionError(_("您不在这次测评的参加人员名单中。"))
        if not poll.is_open or poll.is_closed:
            raise SelectionError(_("这次测评没有在进行中。"))
        if row.has_voted:
            raise SelectionError(_("您已经提交过测评表，不能更改。"))
        candidates = {c.pk: c for c in inspection_candidates(poll.selection)}
        sheet = []
        for candidate_id, candidate in candidates.items():
            given = ratings.get(candidate_id, {})
            for item in poll.items:
                level = given.get(item)
                if level not in Level.values:
                    raise SelectionError(
                        _("请为%(name)s的“%(item)s”选择等次。") % {"name": candidate.cadre.name, "item": item},
                        field=f"r_{candidate_id}_{poll.items.index(item)}",
                    )
                sheet.append([candidate_id, item, level])
        token = seal({"ratings": sheet}, context=InspectionPoll.context(poll.pk))
        tokens = [bytes(t) for t in PollSealedSheet.objects.filter(poll=poll).values_list("sealed", flat=True)]
        PollSealedSheet.objects.filter(poll=poll).delete()
        tokens.append(token)
        Shuffle().shuffle(tokens)
        PollSealedSheet.objects.bulk_create(
            PollSealedSheet(id=i, poll=poll, sealed=t) for i, t in zip(_new_ids(len(tokens)), tokens, strict=True)
        )
        PollVoter.objects.filter(pk=row.pk).update(has_voted=True)
    return receipt_code(token)


def poll_close(*, poll: InspectionPoll, actor: User) -> InspectionPoll:
    """Open the box: counts per candidate, item and level; the sealed rows go."""
    with transaction.atomic(), set_actor(actor):
        locked = InspectionPoll.objects.select_for_update().get(pk=poll.pk)
        if locked.is_closed:
            raise SelectionError(_("这次测评已经结束。"))
        tokens = [bytes(t) for t in PollSealedSheet.objects.filter(poll=locked).values_list("sealed", flat=True)]
        counts: Counter[tuple[int, str, str]] = Counter()
        context = InspectionPoll.context(locked.pk)
        for token in tokens:
            for candidate_id, item, level in unseal(token, context=context)["ratings"]:
                counts[(candidate_id, item, level)] += 1
        PollTally.objects.bulk_create(
            PollTally(poll=locked, candidate_id=c, item=item, level=level, count=n)
            for (c, item, level), n in sorted(counts.items())
        )
        PollSealedSheet.objects.filter(poll=locked).delete()
        PollVoter.objects.filter(poll=locked).update(has_voted=F("has_voted"))
        locked.receipts = sorted(receipt_code(t) for t in tokens)
        locked.sheets = len(tokens)
        locked.is_open, locked.is_closed = False, True
        locked.save()
        record.append(
            selection=locked.selection,
            step=_("考察民主测评结束"),
            text=_("应参加 %(e)s 人，收回测评表 %(n)s 张。") % {"e": locked.expected, "n": len(tokens)},
            actor=actor,
        )
    return locked


# --- 谈 访 查 ----------------------------------------------------------------------------------


def _candidate_in_inspection(candidate: Candidate, action: str) -> Candidate:
    _require_inspection(candidate.selection, action)
    if not candidate.is_inspection_candidate:
        raise SelectionError(_("%(name)s不是考察对象。") % {"name": candidate.cadre.name})
    return candidate


def talk_record(
    *, candidate: Candidate, talker_name: str, talker_post: str, talked_on: date, summary: str, actor: User
) -> Talk:
    talker_name = _text(talker_name, field="talker_name", label=_("谈话对象"), limit=50)
    talker_post = _text(talker_post, field="talker_post", label=_("谈话对象职务"), limit=100, required=False)
    summary = _text(summary, field="summary", label=_("谈话要点"), limit=3000)
    if talked_on > timezone.localdate():
        raise SelectionError(_("谈话日期不能晚于今天。"), field="talked_on")
    with transaction.atomic(), set_actor(actor):
        _candidate_in_inspection(candidate, _("记录个别谈话"))
        talk = Talk.objects.create(
            candidate=candidate,
            talker_name=talker_name,
            talker_post=talker_post,
            talked_on=talked_on,
            summary=summary,
            recorded_by=actor,
        )
        # The full-process record keeps that a talk took place, never who was talked with.
        record.append(
            selection=candidate.selection,
            step=_("个别谈话"),
            text=_("考察对象：%(name)s；谈话日期：%(day)s。")
            % {"name": candidate.cadre.name, "day": talked_on.isoformat()},
            actor=actor,
        )
    return talk


def visit_record(*, candidate: Candidate, kind: str, place: str, visited_on: date, note: str, actor: User) -> Visit:
    kind = VisitKind(kind)
    place = _text(place, field="place", label=_("地点或对象"), limit=200)
    note = _text(note, field="note", label=_("情况"), limit=3000)
    if visited_on > timezone.localdate():
        raise SelectionError(_("日期不能晚于今天。"), field="visited_on")
    with transaction.atomic(), set_actor(actor):
        _candidate_in_inspection(candidate, _("记录走访"))
        visit = Visit.objects.create(
            candidate=candidate, kind=kind, place=place, visited_on=visited_on, note=note, recorded_by=actor
        )
        record.append(
            selection=candidate.selection,
            step=kind.label,
            text=_("考察对象：%(name)s；%(place)s，%(day)s。")
            % {"name": candidate.cadre.name, "place": place, "day": visited_on.isoformat()},
            actor=actor,
        )
    return visit


def document_record(
    *, candidate: Candidate, document: str, finding: str, checked_on: date, actor: User
) -> DocumentCheck:
    document = _text(document, field="document", label=_("查阅材料"), limit=200)
    finding = _text(finding, field="finding", label=_("查阅结果"), limit=2000)
    if checked_on > timezone.localdate():
        raise SelectionError(_("查阅日期不能晚于今天。"), field="checked_on")
    with transaction.atomic(), set_actor(actor):
        _candidate_in_inspection(candidate, _("记录查阅资料"))
        check = DocumentCheck.objects.create(
            candidate=candidate, document=document, finding=finding, checked_on=checked_on, recorded_by=actor
        )
        record.append(
            selection=candidate.selection,
            step=_("查阅资料"),
            text=_("考察对象：%(name)s；%(document)s。") % {"name": candidate.cadre.name, "document": document},
            actor=actor,
            documents=document,
        )
    return check


# --- 析 -----------------------------------------------------------------------------------------


def analysis_draft(*, candidate: Candidate, actor: User, now: datetime | None = None) -> Analysis:
    """Draft (or redraft: the team's edits are replaced) the analysis from the record."""
    now = now or timezone.now()
    source = analysis.build(candidate, today=timezone.localdate(now))
    with transaction.atomic(), set_actor(actor):
        _candidate_in_inspection(candidate, _("生成实绩综合分析材料"))
        obj, _created = Analysis.objects.update_or_create(
            candidate=candidate,
            defaults={
                "source": source,
                "built_at": now,
                "text": analysis.draft_text(source),
                "edited_by": None,
                "edited_at": None,
            },
        )
        record.append(
            selection=candidate.selection,
            step=_("实绩综合分析材料"),
            text=_("按档案生成：%(name)s。") % {"name": candidate.cadre.name},
            actor=actor,
        )
    return obj


def analysis_edit(*, analysis_obj: Analysis, text: str, actor: User, now: datetime | None = None) -> Analysis:
    text = _text(text, field="text", label=_("综合分析"), limit=20000)
    with transaction.atomic(), set_actor(actor):
        _candidate_in_inspection(analysis_obj.candidate, _("修改实绩综合分析材料"))
        locked = Analysis.objects.select_for_update().get(pk=analysis_obj.pk)
        locked.text = text
        locked.edited_by = actor
        locked.edited_at = now or timezone.now()
        locked.save()
        record.append(
            selection=locked.candidate.selection,
            step=_("实绩综合分析材料"),
            text=_("考察组修改：%(name)s。") % {"name": locked.candidate.cadre.name},
            actor=actor,
        )
    return locked


# --- 党风廉政意见 (凡提必听) ------------------------------------------------------------------------


def opinion_give(
    *, candidate: Candidate, result: str, note: str, actor: User, now: datetime | None = None
) -> DisciplineOpinion:
    """The discipline body's own account gives (or revises) its opinion on a candidate."""
    if not is_discipline_staff(actor):
        raise SelectionError(_("党风廉政意见只能由纪检监察机关的账号回复。"))
    result = OpinionResult(result)
    note = _text(note, field="note", label=_("说明"), limit=2000)
    now = now or timezone.now()
    with transaction.atomic(), set_actor(actor):
        locked = _locked(candidate.selection)
        if locked.state == State.CANCELLED or not candidate.is_inspection_candidate:
            raise SelectionError(_("只能对正在考察的考察对象回复意见。"))
        if not InspectionMember.objects.filter(selection=locked, user_id=actor.pk).exists():
            raise SelectionError(_("只有这项选拔任用工作考察组的纪检监察成员可以回复党风廉政意见。"))
        opinion, _created = DisciplineOpinion.objects.update_or_create(
            candidate=candidate, defaults={"result": result, "note": note, "given_by": actor, "given_at": now}
        )
        _answer_gate(candidate, opinion)
        record.append(
            selection=locked,
            step=_("党风廉政意见"),
            text=_("%(name)s：%(result)s。") % {"name": candidate.cadre.name, "result": result.label},
            actor=actor,
        )
    return opinion


def _answer_gate(candidate: Candidate, opinion: DisciplineOpinion) -> None:
    """The opinion is the 凡提必听 check of the candidate's notices waiting at the gate."""
    result = GateCheckResult.PASSED if opinion.passed else GateCheckResult.FAILED
    for notice in Notice.objects.filter(cadre=candidate.cadre, state=NoticeState.GATE):
        GateCheck.objects.update_or_create(
            notice=notice,
            kind=GateCheckKind.DISCIPLINE,
            defaults={
                "result": result,
                "note": f"{opinion.get_result_display()}：{opinion.note}"[:500],
                "checked_by": opinion.given_by,
                "checked_at": opinion.given_at,
            },
        )
