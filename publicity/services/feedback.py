"""Public feedback on a notice (群众反映): submission with its anti-bot checks, status lookup, staff triage.

Triage runs received → verifying → substantiated | unsubstantiated → closed. The finding
(substantiated or not) is kept on the item when it is closed, and every step is a FeedbackEvent.
`triage_step` is the path itself; supervision's reports (举报) walk it too.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import date, datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from cadres.models import User
from core.errors import DomainError

from ..errors import FeedbackClosed, FeedbackError, FeedbackSuspected, TransitionRefused
from ..models import Feedback, FeedbackEvent, FeedbackState, Notice, PublicitySettings, TriageItem

logger = logging.getLogger(__name__)

MIN_TEXT_CHARS = 10
# Receipt-code lookups per client: generous for a person, useless for guessing 32^12 codes.
LOOKUP_RATE = "30/h"
DEFAULT_RATE = "5/h"
# A form older than this is refused (and a fresh one issued): it keeps replayed tokens short-lived.
FORM_MAX_AGE_SECONDS = 6 * 60 * 60
_TOKEN_SALT = "publicity.feedback.form"  # noqa: S105  (a signing namespace, not a secret)
_RATE = re.compile(r"^\d+/\d*[smhd]$")

NEXT_STATES: dict[str, tuple[str, ...]] = {
    FeedbackState.RECEIVED: (FeedbackState.VERIFYING,),
    FeedbackState.VERIFYING: (FeedbackState.SUBSTANTIATED, FeedbackState.UNSUBSTANTIATED),
    FeedbackState.SUBSTANTIATED: (FeedbackState.CLOSED,),
    FeedbackState.UNSUBSTANTIATED: (FeedbackState.CLOSED,),
    FeedbackState.CLOSED: (),
}
FINDINGS = (FeedbackState.SUBSTANTIATED, FeedbackState.UNSUBSTANTIATED)


def feedback_rate(publicity_settings: PublicitySettings | None = None) -> str:
    """The configured submission rate (e.g. 5/h); a malformed value falls back to the default."""
    rate = (publicity_settings or PublicitySettings.load()).feedback_rate_limit.strip()
    if not _RATE.match(rate):
        logger.warning("PublicitySettings.feedback_rate_limit %r is not like 5/h; using %s", rate, DEFAULT_RATE)
        return DEFAULT_RATE
    return rate


def min_fill_seconds() -> int:
    """A person needs a few seconds to write ten characters; a script posting at once is refused."""
    return int(settings.PUBLICITY_FEEDBACK_MIN_SECONDS)


# --- The form token ---------------------------------------------------------------------------


def signed_form_token(*, scope: str, now: datetime) -> str:
    """A signed note of which form (`scope`) was served and when, checked on submission.

    Any public form of the product uses it (a notice's feedback, supervision's report form).
    """
    return signing.dumps({"n": scope, "t": int(now.timestamp())}, salt=_TOKEN_SALT, compress=True)


def signed_form_token_check(*, token: str, scope: str, now: datetime) -> None:
    """Refuse a missing, tampered, other form's, too fresh or too old token (FeedbackSuspected)."""
    try:
        data = signing.loads(token or "", salt=_TOKEN_SALT)
        issued = int(data["t"])
        for_scope = data["n"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise FeedbackSuspected(_("表单校验未通过，请刷新页面后重新提交（您填写的内容已保留）。")) from None
    if for_scope != scope:
        raise FeedbackSuspected(_("表单校验未通过，请刷新页面后重新提交（您填写的内容已保留）。"))
    age = now.timestamp() - issued
    if age < min_fill_seconds():
        raise FeedbackSuspected(_("提交过快，请确认内容后再次提交（您填写的内容已保留）。"))
    if age > FORM_MAX_AGE_SECONDS:
        raise FeedbackSuspected(_("页面打开时间过长，表单已过期，请再次提交（您填写的内容已保留）。"))


def form_token_issue(*, public_id: uuid.UUID, now: datetime) -> str:
    """The token of a notice's feedback form."""
    return signed_form_token(scope=str(public_id), now=now)


def form_token_check(*, token: str, notice: Notice, now: datetime) -> None:
    signed_form_token_check(token=token, scope=str(notice.public_id), now=now)


# --- Submission ---------------------------------------------------------------------------------


def check_open_for_feedback(*, notice: Notice, today: date) -> None:
    start, end = notice.start_date, notice.end_date
    if not notice.is_public or start is None or end is None or start > today:
        raise FeedbackClosed(_("该公示尚未开始，暂不受理反映。"))
    if end < today:
        raise FeedbackClosed(
            _("公示期已于 %(date)s 结束，网上反映通道已关闭。如有情况，请通过公示所列渠道反映。")
            % {"date": end.strftime("%Y-%m-%d")}
        )


def check_text(text: str, *, max_chars: int) -> str:
    text = (text or "").strip()
    if len(text) < MIN_TEXT_CHARS:
        raise FeedbackError(_("反映内容至少 %(min)s 个字，请写明具体事实。") % {"min": MIN_TEXT_CHARS}, field="text")
    if len(text) > max_chars:
        raise FeedbackError(
            _("反映内容最多 %(max)s 个字，当前 %(count)s 个字。") % {"max": max_chars, "count": len(text)},
            field="text",
        )
    return text


@transaction.atomic
def feedback_submit(*, notice: Notice, name: str, contact: str, text: str, today: date) -> Feedback:
    """Record a message from the public, while the notice is in its publicity period."""
    check_open_for_feedback(notice=notice, today=today)
    text = check_text(text, max_chars=PublicitySettings.load().feedback_max_chars)
    feedback = Feedback.objects.create(notice=notice, name=name.strip(), contact=contact.strip(), text=text)
    FeedbackEvent.objects.create(feedback=feedback, from_state="", to_state=FeedbackState.RECEIVED)
    return feedback


def normalize_receipt_code(code: str) -> str:
    compact = re.sub(r"[^0-9A-Za-z]", "", code or "").upper()
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def feedback_lookup(*, code: str) -> Feedback | None:
    """The item behind a receipt code, for the public status page (state and public reply only)."""
    normalized = normalize_receipt_code(code)
    if not normalized:
        return None
    return Feedback.objects.filter(receipt_code=normalized).only("state", "public_reply", "receipt_code").first()


# --- Triage ---------------------------------------------------------------------------------------


def about_self(feedback: Feedback, actor: User | None) -> bool:
    """Nobody triages feedback on a notice about themselves (conflict of interest)."""
    return actor is not None and feedback.notice.cadre.user_id is not None and feedback.notice.cadre.user_id == actor.pk


def allowed_next_states(state: str) -> tuple[str, ...]:
    return NEXT_STATES.get(state, ())


def triage_step(
    item: TriageItem,
    *,
    to_state: str,
    note: str,
    public_reply: str | None,
    refused: type[DomainError],
    wrong_step: str,
) -> tuple[str, str]:
    """One step along the triage path, the same for a notice's feedback and supervision's reports:
    check it (a finding needs a note saying what was verified) and set it on `item`, unsaved.

    `refused` is the caller's error class, `wrong_step` its sentence for a step the path does not
    allow (with %(from)s and %(to)s). Returns the state it left and the cleaned note, for the event.
    """
    if to_state not in allowed_next_states(item.state):
        raise refused(
            wrong_step
            % {
                "from": FeedbackState(item.state).label,
                "to": FeedbackState(to_state).label if to_state in FeedbackState.values else to_state,
            },
            field="to_state",
        )
    note = (note or "").strip()
    if len(note) > 2000:
        raise refused(_("办理意见最多 2000 个字。"), field="note")
    if to_state in FINDINGS and not note:
        raise refused(_("作出核查结论时须填写办理意见，说明核查了什么、依据是什么。"), field="note")
    public_reply = (public_reply or "").strip()
    if len(public_reply) > 1000:
        raise refused(_("答复最多 1000 个字。"), field="public_reply")
    previous = item.state
    item.state = to_state
    if to_state in FINDINGS:
        item.finding = to_state
    if public_reply:
        item.public_reply = public_reply
    return previous, note


@transaction.atomic
def feedback_transition(
    *, feedback: Feedback, to_state: str, note: str = "", public_reply: str | None = None, actor: User | None = None
) -> Feedback:
    """Move an item one step along the triage path (triage_step), recorded as a FeedbackEvent."""
    locked = Feedback.objects.select_for_update(of=("self",)).select_related("notice__cadre").get(pk=feedback.pk)
    if about_self(locked, actor):
        raise TransitionRefused(_("这条反映针对的是您本人的公示，您不能办理，请由其他工作人员办理。"))
    previous, note = triage_step(
        locked,
        to_state=to_state,
        note=note,
        public_reply=public_reply,
        refused=TransitionRefused,
        wrong_step=_("“%(from)s”的反映不能改为“%(to)s”。"),
    )
    locked.save()
    FeedbackEvent.objects.create(feedback=locked, from_state=previous, to_state=to_state, note=note, actor=actor)
    return locked
