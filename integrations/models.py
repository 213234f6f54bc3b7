"""Service accounts, their API tokens (stored as SHA-512 digests by django-rest-knox), the audit of
every token use, and the deletions the HR export reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class ServiceAccount(models.Model):
    """Another system (e.g. the HR system) that reads the product through the API, never a person.

    Its login (`user`) has no usable password and can never sign in to the pages."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    description = models.CharField(_("用途"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="service_account"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("对接账号")
        verbose_name_plural = _("对接账号")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiToken(AbstractAuthToken):
    """A scoped, expiring, revocable token (KNOX_TOKEN_MODEL). The token itself is shown once;
    only its digest and its first characters (`token_key`, to tell tokens apart) are stored."""

    service_account = models.ForeignKey(
        ServiceAccount, verbose_name=_("对接账号"), on_delete=models.PROTECT, related_name="tokens"
    )
    name = models.CharField(_("说明"), max_length=100)
    scopes = models.JSONField(_("权限范围"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("吊销人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.service_account} · {self.name} ({self.token_key}…)"

    @property
    def is_expired(self) -> bool:
        return self.expiry is not None and self.expiry <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired and self.service_account.is_active


class TokenUseOutcome(models.TextChoices):
    ALLOWED = "allowed", _("已放行")
    EXPIRED = "expired", _("令牌已过期")
    REVOKED = "revoked", _("令牌已吊销")
    INACTIVE = "inactive", _("对接账号已停用")


class TokenUse(models.Model):
    """One request made with a token: who, what, when, from where, and the answer's status.

    Kept API_TOKEN_USE_KEEP_DAYS days (default 365), then deleted by the nightly purge."""

    token = models.ForeignKey(ApiToken, verbose_name=_("令牌"), on_delete=models.PROTECT, related_name="uses")
    service_account = models.ForeignKey(
        ServiceAccount, verbose_name=_("对接账号"), on_delete=models.PROTECT, related_name="token_uses"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    method = models.CharField(_("方法"), max_length=10)
    path = models.CharField(_("路径"), max_length=500)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=TokenUseOutcome.choices)
    status = models.PositiveSmallIntegerField(_("HTTP 状态"), null=True, blank=True)

    class Meta:
        verbose_name = _("令牌使用记录")
        verbose_name_plural = _("令牌使用记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["token", "at"], name="token_use_token_at")]

    def __str__(self) -> str:
        return f"{self.token_id[:8]} {self.method} {self.path}"


class DeletionKind(models.TextChoices):
    CADRE = "cadre", _("干部")
    UNIT = "unit", _("单位")
    ANNUAL_RESULT = "annual_result", _("年度结果")
    REWARD_SANCTION = "reward_sanction", _("奖惩记录")


class Deletion(models.Model):
    """A record deleted from the database, so the HR system's incremental sync can delete it too.

    Written for every ORM deletion of the exported models (signals.py); its key is the one the export
    uses for that kind (docs/hr-export.md)."""

    kind = models.CharField(_("类别"), max_length=20, choices=DeletionKind.choices)
    key = models.JSONField(_("标识"))
    deleted_at = models.DateTimeField(_("删除时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("删除记录")
        verbose_name_plural = _("删除记录")
        ordering = ["deleted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
