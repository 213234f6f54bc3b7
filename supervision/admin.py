"""The Django admin of supervision (system administrators). Records change through the pages, where
the rules run; here they are read. A reporter's name and contact are left out."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Report, RewardSanction, SupervisionInfo


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(RewardSanction)
class RewardSanctionAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "kind", "document_no", "date", "impact_end", "rectify_status"]
    list_filter = ["kind", "rectify_status"]
    search_fields = ["cadre__name", "cadre__code", "document_no"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["receipt_code", "channel", "received_on", "cadre", "state", "step_due"]
    list_filter = ["channel", "state"]
    exclude = ["reporter_name", "reporter_contact"]


@admin.register(SupervisionInfo)
class SupervisionInfoAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "source", "provided_by", "date", "status"]
    list_filter = ["source", "status"]
