from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import mobile_validator


class ContactForm(forms.Form):
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("请填写有效的电子邮箱，例如 zhangsan@qingshan.gov.cn。")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    mobile = forms.CharField(
        label=_("手机号码"),
        required=False,
        max_length=11,
        validators=[mobile_validator],
        error_messages={"max_length": _("请填写 11 位手机号码，例如 13800138000。")},
        help_text=_("留空时使用干部档案中的联系电话（须为手机号码）。"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
    )

    def clean_mobile(self) -> str:
        return str(self.cleaned_data["mobile"]).strip()
