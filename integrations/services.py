"""Writes of the integrations app: service accounts, tokens, the audit of their use, deletions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cadres.models import User
from core.errors import DomainError

from . import rules
from .models import ApiToken, ServiceAccount, TokenUse, TokenUseOutcome


class IntegrationError(DomainError):
    pass


@dataclass(frozen=True)
class IssuedToken:
    """A new token: `token` is the only copy of the secret and is shown once."""

    api_token: ApiToken
    token: str


@transaction.atomic
def service_account_create(*, name: str, description: str, actor: User) -> ServiceAccount:
    name = name.strip()
    if not name:
        raise IntegrationError(_("请填写对接账号名称。"), field="name")
    if ServiceAccount.objects.filter(name=name).exists():
        raise IntegrationError(_("已有同名的对接账号。"), field="name")
    base = f"svc-{slugify(name) or 'account'}"[:140]
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    user = User(username=username, is_active=True)
    user.set_unusable_password()  # an API client, never a person at the login page
    user.save()
    return ServiceAccount.objects.create(name=name, description=description.strip(), user=user, created_by=actor)


@transaction.atomic
def service_account_set_active(*, account: ServiceAccount, active: bool) -> ServiceAccount:
    """A stopped account's tokens are refused at once (and work again if it is started again)."""
    account.is_active = active
    account.save(update_fields=["is_active"])
    account.user.is_active = active
    account.user.save(update_fields=["is_active"])
    return account


@transaction.atomic
def token_issue(*, account: ServiceAccount, name: str, scopes: list[str], days: int, actor: User) -> IssuedToken:
    name = name.strip()
    if not name:
        raise IntegrationError(_("请填写令牌说明。"), field="name")
    unknown = [scope for scope in scopes if scope not in rules.SCOPES]
    if unknown or not scopes:
        raise IntegrationError(_("请至少选择一项有效的权限范围。"), field="scopes")
    if not 1 <= days <= rules.TOKEN_MAX_DAYS:
        raise IntegrationError(_("有效期须在 1 至 %(max)s 天之间。") % {"max": rules.TOKEN_MAX_DAYS}, field="days")
    if not account.is_active:
        raise IntegrationError(_("对接账号已停用，不能签发令牌。"))
    api_token, token = ApiToken.objects.create(
        user=account.user,
        expiry=timedelta(days=days),
        service_account=account,
        name=name,
        scopes=sorted(set(scopes)),
        created_by=actor,
    )
    return IssuedToken(api_token=api_token, token=token)


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Refused from the next request on; the row stays for the audit of its uses."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def token_use_record(*, token: ApiToken, method: str, path: str, ip_address: str | None, outcome: str) -> TokenUse:
    """The audit row of one request made with `token` (allowed or refused); see finish below."""
    now = timezone.now()
    if outcome == TokenUseOutcome.ALLOWED:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return TokenUse.objects.create(
        token=token,
        service_account_id=token.service_account_id,
        at=now,
        method=method[:10],
        path=path[:500],
        ip_address=ip_address or None,
        outcome=outcome,
    )


def token_use_finish(*, use_id: int, status: int) -> None:
    TokenUse.objects.filter(pk=use_id).update(status=status)


def token_uses_purge(*, now: datetime | None = None) -> int:
    """Delete audit rows older than API_TOKEN_USE_KEEP_DAYS (the nightly task)."""
    cutoff = (now or timezone.now()) - timedelta(days=rules.token_use_keep_days())
    old: QuerySet[TokenUse] = TokenUse.objects.filter(at__lt=cutoff)
    deleted, _counts = old.delete()
    return deleted
