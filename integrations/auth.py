"""API tokens on the HR export: authentication (django-rest-knox's digests), scopes, and the audit.

A request with `Authorization: Bearer <token>` is matched by the token's first characters and its
SHA-512 digest (knox), then refused if the token is revoked or expired or its account is stopped
(401), or if the endpoint's scope is not among the token's (403). Every request with a known token,
refused or not, leaves a TokenUse row; the answer's status is added when it leaves the view.
"""

from __future__ import annotations

import binascii
from hmac import compare_digest
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from cadres import access
from publicity.client_address import client_ip

from . import services
from .models import ApiToken, TokenUseOutcome

REFUSALS = {
    TokenUseOutcome.REVOKED: lambda: _("令牌已吊销。"),
    TokenUseOutcome.EXPIRED: lambda: _("令牌已过期。"),
    TokenUseOutcome.INACTIVE: lambda: _("对接账号已停用。"),
}


def _outcome(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return TokenUseOutcome.REVOKED
    if token.is_expired:
        return TokenUseOutcome.EXPIRED
    if not token.service_account.is_active or not token.user.is_active:
        return TokenUseOutcome.INACTIVE
    return TokenUseOutcome.ALLOWED


class ServiceTokenAuthentication(TokenAuthentication):
    """knox's token check, without its deletion of expired tokens (they stay for the audit)."""

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        self._request = request
        return super().authenticate(request)

    def authenticate_credentials(self, token: bytes) -> tuple[Any, ApiToken]:
        invalid = _("令牌无效。")
        try:
            text = token.decode("utf-8")
            digest = hash_token(text)
        except (UnicodeDecodeError, TypeError, ValueError, binascii.Error) as error:
            raise exceptions.AuthenticationFailed(invalid) from error
        candidates = ApiToken.objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH]).select_related(
            "service_account", "user"
        )
        for candidate in candidates:
            if not compare_digest(digest, candidate.digest):
                continue
            outcome = _outcome(candidate)
            request = self._request
            use = services.token_use_record(
                token=candidate,
                method=request.method,
                path=request.get_full_path(),
                ip_address=client_ip(request) or None,
                outcome=outcome,
            )
            request._request.token_use_id = use.pk
            if outcome != TokenUseOutcome.ALLOWED:
                raise exceptions.AuthenticationFailed(REFUSALS[outcome]())
            return candidate.user, candidate
        raise exceptions.AuthenticationFailed(invalid)


class TokenScopeOrOrgStaff(BasePermission):
    """A token needs the view's `required_scope`; a signed-in person must be org staff (考核办),
    who may read the same export in the browser to check it."""

    message = _("无权读取此数据。")

    def has_permission(self, request: Any, view: Any) -> bool:
        scope = view.required_scope  # None: any scope (the deletions feed filters by scope itself)
        if isinstance(request.auth, ApiToken):
            if scope is not None and scope not in request.auth.scopes:
                self.message = _("令牌没有 %(scope)s 权限。") % {"scope": scope}
                return False
            return True
        return bool(request.user and request.user.is_authenticated and access.is_org_staff(request.user))


def finish_token_use(request: Any, status: int) -> None:
    """Write the answer's status on the request's audit row, if it was made with a token."""
    use_id = getattr(getattr(request, "_request", request), "token_use_id", None)
    if use_id is not None:
        services.token_use_finish(use_id=use_id, status=status)


class ServiceTokenScheme(OpenApiAuthenticationExtension):
    """The schema's security scheme for the tokens (drf-spectacular)."""

    target_class = "integrations.auth.ServiceTokenAuthentication"
    name = "serviceToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "对接账号的 API 令牌：Authorization: Bearer <令牌>。令牌由考核办在“系统对接”页签发，只显示一次；"
                "有有效期，可吊销；每次使用都记入审计。权限范围：cadres:read、results:read、supervision:read。"
            ),
        }
