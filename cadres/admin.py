from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    Cadre,
    EducationEntry,
    FamilyMember,
    MembershipSnapshot,
    OrgSettings,
    RankLevel,
    ResumeEntry,
    RosterImport,
    StudyCredit,
    Unit,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "__str__",
        "is_org_staff",
        "is_discipline_staff",
        "is_superuser",
        "is_active",
        "must_change_password",
    ]
    list_filter = ["is_org_staff", "is_discipline_staff", "is_superuser", "is_active", "must_change_password"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("本系统角色"), {"fields": ("is_org_staff", "is_discipline_staff", "must_change_password")}),
    )


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "parent", "is_active", "sort_order"]
    list_filter = ["category", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


@admin.register(RankLevel)
class RankLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "leadership_tier", "sort_order"]


class ResumeInline(admin.TabularInline):
    model = ResumeEntry
    extra = 0


class EducationInline(admin.TabularInline):
    model = EducationEntry
    extra = 0


class FamilyInline(admin.TabularInline):
    model = FamilyMember
    extra = 0


class StudyCreditInline(admin.TabularInline):
    model = StudyCredit
    extra = 0


@admin.register(Cadre)
class CadreAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "rank", "role", "post_title", "is_active"]
    list_filter = ["unit__category", "rank", "role", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["unit", "user"]
    list_select_related = ["unit", "rank"]
    inlines = [ResumeInline, EducationInline, FamilyInline, StudyCreditInline]


@admin.register(MembershipSnapshot)
class MembershipSnapshotAdmin(admin.ModelAdmin):
    list_display = ["label", "as_of", "created_at"]
    readonly_fields = ["label", "as_of", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(OrgSettings)
class OrgSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "principal_male_age", "principal_female_age", "deputy_male_age", "deputy_female_age"]


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "status", "requested_by", "requested_at", "created_count", "updated_count"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in RosterImport._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(FamilyMember)
class FamilyMemberAdmin(admin.ModelAdmin):
    list_display = ["cadre", "relation", "name", "birth_date", "political_status", "employer_post"]
    search_fields = ["cadre__name", "cadre__code", "name"]
    autocomplete_fields = ["cadre"]
    list_select_related = ["cadre"]


@admin.register(EducationEntry)
class EducationEntryAdmin(admin.ModelAdmin):
    list_display = ["cadre", "kind", "level", "degree", "school", "graduated_on"]
    list_filter = ["kind"]
    search_fields = ["cadre__name", "cadre__code", "school"]
    autocomplete_fields = ["cadre"]
    list_select_related = ["cadre"]
