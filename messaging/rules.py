"""The numbers and defaults of outside delivery (documented in docs/rules.md §10)."""

from __future__ import annotations

from django.conf import settings

from core.models import NotificationKind

from .models import Channel

# Until org staff save the channel defaults, a kind goes by these channels (besides the in-app list,
# which always carries every notice). SMS costs money and interrupts: only for what has a deadline.
INITIAL_DEFAULTS: dict[str, frozenset[str]] = {
    NotificationKind.LOG_REMINDER: frozenset({Channel.WECOM}),
    NotificationKind.ACHIEVEMENT_VERIFIED: frozenset({Channel.EMAIL, Channel.WECOM}),
    NotificationKind.ASSESSMENT_REVIEW: frozenset({Channel.EMAIL, Channel.WECOM}),
    NotificationKind.ASSESSMENT_RESULT: frozenset({Channel.EMAIL, Channel.WECOM}),
    NotificationKind.ASSESSMENT_POSTING: frozenset({Channel.WECOM}),
    NotificationKind.EVALUATION_SHEETS: frozenset({Channel.EMAIL, Channel.SMS, Channel.WECOM}),
    NotificationKind.EVALUATION_RESULTS: frozenset({Channel.EMAIL, Channel.WECOM}),
    NotificationKind.SELECTION_VOTE: frozenset({Channel.EMAIL, Channel.SMS, Channel.WECOM}),
    NotificationKind.RESERVE_REVIEW: frozenset({Channel.EMAIL}),
    NotificationKind.PROBATION_END: frozenset({Channel.EMAIL}),
    NotificationKind.REPORT_OVERDUE: frozenset({Channel.EMAIL, Channel.SMS, Channel.WECOM}),
    NotificationKind.GENERAL: frozenset({Channel.EMAIL}),
}

# A queued or retrying delivery whose task has not run this long after it was due is queued again
# (the broker lost it: Redis restarted without persistence, or the retry could not be published).
STALLED_AFTER_SECONDS = 600


def max_attempts() -> int:
    return max(1, int(settings.NOTIFY_MAX_ATTEMPTS))


def retry_delay(attempts: int) -> float:
    """Exponential backoff after the n-th failed attempt: base, 2×base, 4×base … capped."""
    base = float(settings.NOTIFY_RETRY_BASE_SECONDS)
    return min(base * 2 ** max(0, attempts - 1), float(settings.NOTIFY_RETRY_MAX_SECONDS))
