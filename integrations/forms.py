from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules


class ServiceAccountForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, help_text=_("例如：人事信息系统"))
    description = forms.CharField(label=_("用途"), max_length=200, required=False)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("令牌说明"), max_length=100, help_text=_("例如：每日增量同步"))
    scopes = forms.MultipleChoiceField(
        label=_("权限范围"),
        choices=list(rules.SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一项权限范围。")},
    )
    days = forms.IntegerField(
        label=_("有效期（天）"),
        initial=rules.TOKEN_DEFAULT_DAYS,
        min_value=1,
        max_value=rules.TOKEN_MAX_DAYS,
        error_messages={
            "min_value": _("有效期至少 1 天。"),
            "max_value": _("有效期最长 %(limit_value)s 天。"),
            "invalid": _("请输入天数（整数）。"),
            "required": _("请填写有效期。"),
        },
    )
