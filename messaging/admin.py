from django.contrib import admin

from .models import ChannelDefault, ChannelPreference, Contact, Delivery


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    """Where 企业微信 accounts are entered (the person enters email and mobile themselves)."""

    list_display = ["user", "mobile", "wecom_userid", "updated_at"]
    search_fields = ["user__username", "user__cadre__name", "mobile", "wecom_userid"]
    autocomplete_fields = ["user"]


@admin.register(ChannelDefault)
class ChannelDefaultAdmin(admin.ModelAdmin):
    list_display = ["kind", "email", "sms", "wecom", "updated_at"]
    list_editable = ["email", "sms", "wecom"]


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email", "sms", "wecom"]
    list_filter = ["kind"]
    search_fields = ["user__username"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Read-only: the delivery log (also at 系统 › 通知发送记录)."""

    list_display = ["created_at", "channel", "user", "address", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["channel", "status"]
    search_fields = ["user__username", "address", "notification__title"]
    readonly_fields = [field.name for field in Delivery._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
