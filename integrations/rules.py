"""The numbers and names integrations run on (docs/rules.md §9)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# What a token may read. A token carries one or more; each HR export endpoint needs one.
SCOPES = {
    "cadres:read": _("干部名册：干部、单位、职务、简历"),
    "results:read": _("年度考核结果（已公布的）"),
    "supervision:read": _("奖惩记录"),
}
# Longest life of a token, in days; a token never lives for ever.
TOKEN_MAX_DAYS = 365
TOKEN_DEFAULT_DAYS = 90
# The HR export's page size (cursor pagination) and its ceiling.
EXPORT_PAGE_SIZE = 100
EXPORT_MAX_PAGE_SIZE = 500


def token_use_keep_days() -> int:
    """Days a token-use audit row is kept before the nightly purge (API_TOKEN_USE_KEEP_DAYS)."""
    return int(settings.API_TOKEN_USE_KEEP_DAYS)
