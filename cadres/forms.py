from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import validators
from .models import (
    Cadre,
    EducationEntry,
    FamilyMember,
    OrgSettings,
    PoliticalStatus,
    ResumeEntry,
    StudyCredit,
    Unit,
    User,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("编号或用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        "invalid_login": _("编号（用户名）或密码不正确。请注意密码区分大小写。"),
        "inactive": _("该账号已停用。"),
    }

    def clean_username(self) -> str:
        """编号 are stored in upper case; a login typed as ` qsz008 ` still finds QSZ008."""
        typed = self.cleaned_data["username"].strip()
        if User.objects.filter(username=typed).exists():
            return typed
        matches = list(User.objects.filter(username__iexact=typed).values_list("username", flat=True)[:2])
        return matches[0] if len(matches) == 1 else typed


class NewPasswordForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("您输入的原密码不正确，请重新输入。"),
    }


class CadreForm(forms.ModelForm):
    class Meta:
        model = Cadre
        fields = [
            "code",
            "name",
            "gender",
            "birth_date",
            "ethnicity",
            "native_place",
            "party_join_date",
            "political_status",
            "education",
            "work_start_date",
            "birthplace",
            "health",
            "professional_title",
            "specialty",
            "unit",
            "rank",
            "rank_since",
            "post_title",
            "role",
            "id_number",
            "phone",
            "address",
            "photo",
        ]
        widgets = {
            "birth_date": DATE_INPUT,
            "party_join_date": DATE_INPUT,
            "work_start_date": DATE_INPUT,
            "rank_since": DATE_INPUT,
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True)
        self.fields["photo"].help_text = _("JPG 或 PNG，不超过 2 MB。")
        # Forms and imports written before 政治面貌 existed leave it out: keep the current value.
        self.fields["political_status"].required = False

    def clean_political_status(self) -> str:
        value = self.cleaned_data.get("political_status")
        return value or self.instance.political_status or PoliticalStatus.CPC_MEMBER

    # The record rules (cadres.validators), field by field so that each bad field is named at once.
    def clean_code(self) -> str:
        return validators.clean_cadre_code(self.cleaned_data["code"], cadre=self.instance)

    def clean_name(self) -> str:
        return validators.clean_cadre_name(self.cleaned_data["name"])

    def clean_birth_date(self) -> Any:
        return validators.clean_cadre_birth_date(self.cleaned_data["birth_date"])

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "size") and photo.size > 2 * 1024 * 1024:
            raise ValidationError(_("照片不能超过 2 MB。"))
        if photo and hasattr(photo, "content_type") and photo.content_type not in ("image/jpeg", "image/png"):
            raise ValidationError(_("照片只能是 JPG 或 PNG 格式。"))
        return photo


ResumeFormSet = forms.inlineformset_factory(
    Cadre,
    ResumeEntry,
    fields=["start_date", "end_date", "description"],
    widgets={"start_date": DATE_INPUT, "end_date": DATE_INPUT},
    extra=1,
    can_delete=True,
)
EducationFormSet = forms.inlineformset_factory(
    Cadre,
    EducationEntry,
    fields=["kind", "level", "degree", "school", "graduated_on"],
    widgets={"graduated_on": DATE_INPUT},
    extra=1,
    can_delete=True,
)
FamilyFormSet = forms.inlineformset_factory(
    Cadre,
    FamilyMember,
    fields=["relation", "name", "birth_date", "political_status", "employer_post", "sort_order"],
    widgets={"birth_date": DATE_INPUT},
    extra=1,
    can_delete=True,
)
StudyCreditFormSet = forms.inlineformset_factory(
    Cadre, StudyCredit, fields=["year", "credits", "note"], extra=1, can_delete=True
)


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "category", "parent", "sort_order", "is_active"]


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("花名册文件"),
        help_text=_("Excel (.xlsx) 或 CSV (.csv)，第一行为表头。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("只支持 .xlsx 和 .csv 格式的花名册。"))
        if upload.size > settings.ROSTER_UPLOAD_MAX_BYTES:
            raise ValidationError(
                _("文件过大（上限 %(mb)s MB）。") % {"mb": settings.ROSTER_UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        if upload.size == 0:
            raise ValidationError(_("文件为空。"))
        return upload


class AccountsIssueForm(forms.Form):
    OUTPUT_SCREEN = "screen"
    OUTPUT_XLSX = "xlsx"

    unit = forms.ModelChoiceField(
        label=_("单位"),
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        empty_label=_("全部单位"),
    )
    output = forms.ChoiceField(
        label=_("初始密码"),
        choices=[(OUTPUT_SCREEN, _("在页面上显示")), (OUTPUT_XLSX, _("下载 Excel 文件"))],
        widget=forms.RadioSelect,
        initial=OUTPUT_SCREEN,
    )


class OrgSettingsForm(forms.ModelForm):
    class Meta:
        model = OrgSettings
        fields = ["principal_male_age", "principal_female_age", "deputy_male_age", "deputy_female_age"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in self.Meta.fields:
            value = data.get(name)
            if value is not None and not 40 <= value <= 65:
                self.add_error(name, _("年龄界限应在 40 到 65 岁之间。"))
        return data
