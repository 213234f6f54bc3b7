"""Sign-on from outside: the directory (LDAP/AD, django-auth-ldap) and the unified identity platform
(统一身份认证, OpenID Connect through mozilla-django-oidc). Both are off unless configured
(config/settings.py, README › Production › Sign-on).

Either way the person is matched to a cadre by 编号: the directory attribute or the OIDC claim named
in the settings holds it (by default the login name itself, or `preferred_username`). Someone with no
active cadre of that 编号 is refused, as is the system administrator, who keeps the local login. The
matched account is marked with its source and never has a usable local password again
(services.external_account_bind). Failed directory logins go through django-auth's failure signal,
so the login lockout (django-axes, cadres/lockout.py) counts them like local ones.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django_auth_ldap.backend import LDAPBackend
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import services
from .models import Cadre, SignOn, User, normalize_cadre_code
from .user_row import user_with_cadre


def cadre_for_code(value: Any) -> Cadre | None:
    """The active cadre whose 编号 is `value` (compared as 编号 are stored), else None."""
    code = normalize_cadre_code(str(value or ""))
    if not code:
        return None
    return Cadre.objects.filter(code__iexact=code, is_active=True).select_related("user").first()


def _bindable(cadre: Cadre | None) -> bool:
    """A cadre may sign on from outside unless their login is the system administrator's."""
    return cadre is not None and not (cadre.user is not None and cadre.user.is_superuser)


class LocalBackend(ModelBackend):
    """Local passwords. With directory or unified sign-on on, only for the system administrator
    (SIGNON_LOCAL_LOGIN=admin, the default then); everyone else signs on there."""

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return settings.SIGNON_LOCAL_LOGIN == "all" or bool(user.is_superuser)

    def get_user(self, user_id: Any) -> User | None:
        """The signed-in user of a request, with their cadre record (unit and rank) in the same
        query: every signed-in page needs it (roles, the menu, the name in the header), and
        cadres.access.cadre_of reads it from here instead of asking again."""
        user = user_with_cadre(user_id)  # select_related("cadre__unit", "cadre__rank"), built once
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None


class DirectoryBackend(LDAPBackend):  # type: ignore[misc]  # the library has no types
    """LDAP/AD login with the directory password, typed into the ordinary login form."""

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[User, bool]:
        attribute = settings.LDAP_CADRE_CODE_ATTRIBUTE
        value = ldap_user.attrs.get(attribute, [""])[0] if attribute else username
        cadre = cadre_for_code(value)
        if cadre is None or not _bindable(cadre):
            raise ldap_user.AuthenticationFailed(f"no active cadre with the code {value!r} may sign on")
        user = cadre.user or User(username=cadre.code)
        user.set_unusable_password()
        user.signon_cadre = cadre  # type: ignore[attr-defined]
        # Never "built": the account is saved by external_account_bind below, not by django-auth-ldap.
        return user, False

    def authenticate_ldap_user(self, ldap_user: Any, password: str) -> User | None:
        with transaction.atomic():
            user = super().authenticate_ldap_user(ldap_user, password)
            if user is None:
                return None
            return services.external_account_bind(cadre=user.signon_cadre, user=user, source=SignOn.DIRECTORY)


class UnifiedIdentityBackend(OIDCAuthenticationBackend):  # type: ignore[misc]  # no types
    """OpenID Connect: the platform's claim OIDC_CADRE_CLAIM carries the 编号."""

    def get_payload_data(self, token: Any, key: Any) -> dict[str, Any]:
        """The ID token's claims, refused unless the token was issued to this client (its `aud`)."""
        payload: dict[str, Any] = super().get_payload_data(token, key)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued to another client.")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        claims = {**payload, **(self.get_userinfo(access_token, id_token, payload) or {})}
        cadre = cadre_for_code(claims.get(settings.OIDC_CADRE_CLAIM))
        if cadre is None or not _bindable(cadre):
            return None
        with transaction.atomic():
            return services.external_account_bind(cadre=cadre, user=cadre.user, source=SignOn.UNIFIED)
