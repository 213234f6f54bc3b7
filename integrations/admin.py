"""Read-only views for the system admin; accounts and tokens are managed on 系统 › 系统对接, where a
new token is shown once. The admin can revoke tokens in bulk."""

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin

from . import services
from .models import ApiToken, Deletion, ServiceAccount, TokenUse


class ReadOnly(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(ServiceAccount)
class ServiceAccountAdmin(ReadOnly):
    list_display = ["name", "description", "is_active", "created_by", "created_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnly):
    list_display = ["token_key", "service_account", "name", "scopes", "created", "expiry", "revoked_at", "last_used_at"]
    list_filter = ["service_account", ("revoked_at", admin.EmptyFieldListFilter)]
    # The digest is not a field here (it is only the row's key in links: a hash, not the token).
    fields = [
        "token_key",
        "service_account",
        "name",
        "scopes",
        "created",
        "created_by",
        "expiry",
        "revoked_at",
        "revoked_by",
        "last_used_at",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request: Any, queryset: Any) -> None:
        for token in queryset:
            services.token_revoke(token=token, actor=request.user)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return obj is None and request.user.is_superuser  # the changelist's revoke action only


@admin.register(TokenUse)
class TokenUseAdmin(ReadOnly):
    list_display = ["at", "service_account", "token", "method", "path", "ip_address", "outcome", "status"]
    list_filter = ["service_account", "outcome"]
    date_hierarchy = "at"


@admin.register(Deletion)
class DeletionAdmin(ReadOnly):
    list_display = ["deleted_at", "kind", "key"]
    list_filter = ["kind"]
