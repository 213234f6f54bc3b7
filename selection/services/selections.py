"""Writes of a selection's life: plan → nomination → (publicity) → (公推) → 民主推荐 → 考察对象.

Each step runs in one transaction with the selection row locked, so a double submit sees the state
the first one left. Who did it goes into the audit trail (`set_actor`).
"""

from __future__ import annotations

from datetime import date, datetime

from auditlog.context import set_actor
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre, RankLevel, Unit, User
from publicity import rules as publicity_rules

from .. import quota, rules
from ..errors import SelectionError
from ..models import (
    Application,
    ApprovedPost,
    Candidate,
    CandidateSource,
    Method,
    Nomination,
    ReserveEntry,
    RoundFeedback,
    Selection,
    State,
    UnitRecommendation,
    VoteEvent,
    VoteKind,
)
from . import notices


def _locked(selection: Selection) -> Selection:
    return (
        Selection.objects.select_for_update(of=("self",)).select_related("post__unit", "min_rank").get(pk=selection.pk)
    )


def _require_state(selection: Selection, *states: str, action: str) -> None:
    if selection.state not in states:
        raise SelectionError(
            _("这项选拔任用工作当前处于“%(state)s”，不能%(action)s。")
            % {"state": State(selection.state).label, "action": action}
        )


def _text(value: str | None, *, field: str, label: str, limit: int, required: bool = True) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise SelectionError(_("请填写%(label)s。") % {"label": label}, field=field)
    if len(text) > limit:
        raise SelectionError(
            _("%(label)s最多 %(limit)s 个字，现在有 %(actual)s 个字。")
            % {"label": label, "limit": limit, "actual": len(text)},
            field=field,
        )
    return text


def quota_refusal(post: ApprovedPost, *, exclude_selection: int | None = None) -> str | None:
    """The refusal naming the quota when the post has no free vacancy, else None."""
    status = quota.status_of(post, exclude_selection=exclude_selection)
    if status.free > 0:
        return None
    return _(
        "%(post)s核定职数 %(approved)s 名，现有 %(held)s 名，正在选拔 %(pending)s 名，没有空缺；"
        "超职数选拔须记录批准文号。"
    ) % {"post": str(post), "approved": status.approved, "held": status.held, "pending": status.in_selection}


def selection_open(
    *,
    post: ApprovedPost,
    title: str,
    method: str,
    rounds: int,
    plan: str,
    qualification_date: date,
    actor: User,
    min_rank: RankLevel | None = None,
    min_years_in_rank: int = 0,
    min_education: int | None = None,
    max_age: int | None = None,
    quota_exception_document: str = "",
    quota_exception_reason: str = "",
    now: datetime | None = None,
) -> Selection:
    """Open a selection for a vacancy of `post`; beyond the quota only with an approved exception."""
    now = now or timezone.now()
    title = _text(title, field="title", label=_("名称"), limit=200)
    plan = _text(plan, field="plan", label=_("工作方案"), limit=5000)
    document = _text(
        quota_exception_document, field="quota_exception_document", label=_("超职数批准文号"), limit=100, required=False
    )
    reason = _text(
        quota_exception_reason, field="quota_exception_reason", label=_("超职数理由"), limit=500, required=False
    )
    with transaction.atomic(), set_actor(actor):
        ApprovedPost.objects.select_for_update().get(pk=post.pk)
        refusal = quota_refusal(post)
        if refusal and not document:
            raise SelectionError(refusal, field="quota_exception_document")
        if refusal and not reason:
            raise SelectionError(_("超职数选拔须写明理由。"), field="quota_exception_reason")
        if not refusal:
            document = reason = ""
        return Selection.objects.create(
            post=post,
            title=title,
            method=Method(method),
            rounds=int(rounds),
            plan=plan,
            qualification_date=qualification_date,
            min_rank=min_rank,
            min_years_in_rank=min_years_in_rank or 0,
            min_education=min_education or None,
            max_age=max_age or None,
            quota_exception_document=document,
            quota_exception_reason=reason,
            quota_exception_by=actor if document else None,
            quota_exception_at=now if document else None,
            created_by=actor,
        )


def selection_start_nomination(*, selection: Selection, voter_ids: list[int], actor: User) -> Selection:
    """Plan → nomination: the named list of round-1 voters is fixed."""
    with transaction.atomic(), set_actor(actor):
        locked = _locked(selection)
        _require_state(locked, State.PLAN, action=_("开始推荐提名"))
        voters = list(Cadre.objects.filter(pk__in=voter_ids, is_active=True))
        if not voters:
            raise SelectionError(_("请至少选择一名海推参加人员。"), field="voters")
        locked.round1_voters.set(voters)
        locked.state = State.NOMINATION
        locked.save()
        notices.notify_round1_voters(locked)
    return locked


def selection_cancel(*, selection: Selection, reason: str, actor: User) -> Selection:
    reason = _text(reason, field="reason", label=_("终止原因"), limit=500)
    with transaction.atomic(), set_actor(actor):
        locked = _locked(selection)
        if not locked.is_open:
            _require_state(locked, State.PLAN, action=_("终止"))
        locked.state = State.CANCELLED
        locked._audit_reason = reason
        locked.save()
    return locked


def _ensure_candidate(selection: Selection, cadre: Cadre, source: str) -> Candidate:
    candidate, _created = Candidate.objects.get_or_create(selection=selection, cadre=cadre, defaults={"source": source})
    return candidate


def application_file(*, selection: Selection, cadre: Cadre, statement: str) -> Application:
    """报名 for a 公推公选: the qualification check runs on the record and is kept with the application."""
    statement = _text(statement, field="statement", label=_("报名理由"), limit=2000)
    with transaction.atomic():
        locked = _locked(selection)
        if locked.method != Method.OPEN_SELECTION:
            raise SelectionError(_("这项选拔任用工作不是公推公选，不接受个人报名。"))
        _require_state(locked, State.PLAN, State.NOMINATION, action=_("报名"))
        failures = rules.qualification_failures(cadre, locked)
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    selection=locked, cadre=cadre, statement=statement, qualified=not failures, failures=failures
                )
        except IntegrityError:
            raise SelectionError(_("您已经报过名了。")) from None
        if not failures:
            _ensure_candidate(locked, cadre, CandidateSource.APPLICATION)
    return application


def unit_recommendation_record(
    *, selection: Selection, unit: Unit, cadre: Cadre, reason: str, document_number: str, actor: User
) -> UnitRecommendation:
    """A unit party organization's written recommendation; the person must meet the qualifications."""
    reason = _text(reason, field="reason", label=_("推荐理由"), limit=2000)
    document_number = _text(document_number, field="document_number", label=_("推荐文件文号"), limit=100)
    with transaction.atomic(), set_actor(actor):
        locked = _locked(selection)
        _require_state(locked, State.PLAN, State.NOMINATION, action=_("登记单位推荐"))
        failures = rules.qualification_failures(cadre, locked)
        if failures:
            raise SelectionError(
                _("%(name)s不符合任职资格条件：%(reasons)s。") % {"name": cadre.name, "reasons": "；".join(failures)},
                field="cadre",
            )
        recommendation = UnitRecommendation.objects.create(
            selection=locked, unit=unit, cadre=cadre, reason=reason, document_number=document_number, recorded_by=actor
        )
        _ensure_candidate(locked, cadre, CandidateSource.UNIT)
    return recommendation


def nomination_sign(*, selection: Selection, nominator: Cadre, nominee: Cadre, reason: str = "") -> Nomination:
    """Round 1 (海推): a voter on the named list nominates one person and signs for it."""
    reason = _text(reason, field="reason", label=_("推荐理由"), limit=500, required=False)
    with transaction.atomic():
        locked = _locked(selection)
        _require_state(locked, State.NOMINATION, action=_("推荐"))
        if not locked.round1_voters.filter(pk=nominator.pk).exists():
            raise SelectionError(_("您不在这次海推的参加人员名单中。"))
        if nominee.pk == nominator.pk:
            raise SelectionError(_("不能推荐自己。"), field="nominee")
        if rules.qualification_failures(nominee, locked):
            # The nominee's record stays private: the voter learns only that the person is not eligible.
            raise SelectionError(
                _("%(name)s不符合本职位的任职资格条件，请推荐其他人。") % {"name": nominee.name}, field="nominee"
            )
        try:
            with transaction.atomic():
                return Nomination.objects.create(selection=locked, nominator=nominator, nominee=nominee, reason=reason)
        except IntegrityError:
            raise SelectionError(_("您已经在这次海推中签名推荐过了，推荐不能更改。")) from None


def round1_close(
    *, selection: Selection, actor: User, publicity_start: date | None = None, today: date | None = None
) -> Selection:
    """Count the signed nominations, keep the top K (ties at the line pass), and go on to the
    publicity step (when a start date is given), to 公推 (two rounds) or to 民主推荐."""
    today = today or timezone.localdate()
    settings = selection.settings
    with transaction.atomic(), set_actor(actor):
        locked = _locked(selection)
        _require_state(locked, State.NOMINATION, action=_("结束海推"))
        counts: dict[int, int] = {}
        for nominee_id in Nomination.objects.filter(selection=locked).values_list("nominee_id", flat=True):
            counts[nominee_id] = counts.get(nominee_id, 0) + 1
        for cadre in Cadre.objects.filter(pk__in=counts):
            _ensure_candidate(locked, cadre, CandidateSource.NOMINATION)
        candidates = list(Candidate.objects.filter(selection=locked))
        passed = rules.top_n([(c.pk, counts.get(c.cadre_id, 0)) for c in candidates], settings.round1_top_k)
        if not passed:
            raise SelectionError(_("还没有人得到推荐，不能结束海推。"))
        for c in candidates:
            c.round1_votes = counts.get(c.cadre_id, 0)
            c.round1_passed = c.pk in passed
        Candidate.objects.bulk_update(candidates, ["round1_votes", "round1_passed"])
        if publicity_start:
            if publicity_start < today:
                raise SelectionError(_("公示开始日期不能早于今天。"), field="publicity_start")
            period = publicity_rules.publicity_period(publicity_start, workdays=settings.round1_publicity_workdays)
            if not period.start_is_workday:
                raise SelectionError(_("公示期须从工作日开始。"), field="publicity_start")
            locked.publicity_start, locked.publicity_end = period.start, period.end
            locked.state = State.ROUND1_PUBLICITY
        else:
            locked.state = State.ROUND2 if locked.rounds == 2 else State.RECOMMENDATION
        locked.save()
    return locked


def publicity_end(*, selection: Selection, actor: User, today: date | None = None) -> Selection:
    """Publicity → 公推 (or 民主推荐 for one round), once the period is over."""
    today = today or timezone.localdate()
    with transaction.atomic(), set_actor(actor):
        locked = _locked(selection)
        _require_state(locked, State.ROUND1_PUBLICITY, action=_("结束公示"))
        if locked.publicity_end and locked.publicity_end >= today:
            raise SelectionError(
                _("公示期至 %(end)s 结束，结束后才能进入下一步。") % {"end": locked.publicity_end.isoformat()}
            )
        locked.state = State.ROUND2 if locked.rounds == 2 else State.RECOMMENDATION
        locked.save()
    return locked


def round1_feedback_submit(*, selection: Selection, name: str, contact: str, text: str, today: date) -> RoundFeedback:
    """A message from the public about round-1 results in publicity (name and contact optional)."""
    start, end = selection.publicity_start, selection.publicity_end
    if not (start and end and start <= today <= end):
        raise SelectionError(_("公示期已结束或尚未开始，不再接受网上反映。"))
    text = _text(text, field="text", label=_("反映内容"), limit=2000)
    return RoundFeedback.objects.create(
        selection=selection, name=(name or "").strip()[:50], contact=(contact or "").strip()[:100], text=text
    )


def finalists(selection: Selection) -> list[Candidate]:
    """Who goes into 民主推荐: those who passed the last nomination round."""
    qs = Candidate.objects.filter(selection=selection).select_related("cadre__unit", "cadre__rank")
    return list(qs.filter(round2_passed=True) if selection.rounds == 2 else qs.filter(round1_passed=True))


def round2_close(*, selection: Selection, actor: User) -> Selection:
    """公推 → 民主推荐: the top M of the closed 公推 vote pass (ties at the line pass)."""
    settings = selection.settings
    with transaction.atomic(), set_actor(actor):
        locked = _locked(selection)
        _require_state(locked, State.ROUND2, action=_("结束公推"))
        event = VoteEvent.objects.filter(selection=locked, kind=VoteKind.ROUND2, is_closed=True).first()
        if event is None:
            raise SelectionError(_("公推投票结束后才能确定入围人选。"))
        votes = list(event.counts.values_list("candidate_id", "votes"))
        passed = rules.top_n(votes, settings.round2_top_m)
        if not passed:
            raise SelectionError(_("公推中没有人得票，不能确定入围人选。"))
        Candidate.objects.filter(selection=locked).update(round2_passed=False)
        Candidate.objects.filter(pk__in=passed).update(round2_passed=True)
        locked.state = State.RECOMMENDATION
        locked.save()
    return locked


def reserve_exception_record(
    *, candidate: Candidate, reason: str, actor: User, now: datetime | None = None
) -> Candidate:
    reason = _text(reason, field="reason", label=_("非后备干部提名理由"), limit=500)
    with transaction.atomic(), set_actor(actor):
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        locked.reserve_exception_reason = reason
        locked.reserve_exception_by = actor
        locked.reserve_exception_at = now or timezone.now()
        locked.save()
    return locked


def candidates_finalize(*, selection: Selection, actor: User) -> Selection:
    """民主推荐 → 考察对象: both votes valid, more than the share in both; reserve rule enforced."""
    from .. import selectors  # the outcome is computed once, for the page and here

    settings = selection.settings
    with transaction.atomic(), set_actor(actor):
        locked = _locked(selection)
        _require_state(locked, State.RECOMMENDATION, action=_("确定考察对象"))
        outcome = selectors.recommendation_outcome(locked)
        if not outcome.complete:
            raise SelectionError(_("会议推荐和谈话推荐都结束后才能确定考察对象。"))
        chosen = [row for row in outcome.rows if row.passes]
        if settings.reserve_required:
            in_pool = set(
                ReserveEntry.objects.filter(
                    is_active=True, cadre__in=[r.candidate.cadre_id for r in chosen]
                ).values_list("cadre_id", flat=True)
            )
            outside = [
                r.candidate.cadre.name
                for r in chosen
                if r.candidate.cadre_id not in in_pool and not r.candidate.reserve_exception_reason
            ]
            if outside:
                raise SelectionError(
                    _("%(names)s 未列入后备干部库；按“没有列入后备干部的一般不予提拔”的设置，须先记录例外理由。")
                    % {"names": "、".join(outside)}
                )
        Candidate.objects.filter(selection=locked).update(is_inspection_candidate=False)
        Candidate.objects.filter(pk__in=[r.candidate.pk for r in chosen]).update(is_inspection_candidate=True)
        locked.state = State.CANDIDATES
        locked.save()
    return locked
