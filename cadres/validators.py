"""Input rules of cadre and unit records, and Django's password validators in the product's voice.

The record rules are written once here. The page forms and the API serializers call them field by
field, so a bad field is named together with any other; the services (cadres.services) apply all
of them again before they write, whoever calls them.

The password validators' help texts address the user as 您: Django's own Chinese catalogue says
你; the subclasses only reword the texts a user reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Cadre, normalize_cadre_code, normalize_cadre_name, validate_cadre_name

# --- Cadre and unit records ---------------------------------------------------------------------


def clean_cadre_code(value: str, *, cadre: Cadre | None) -> str:
    """编号 without case and surrounding spaces, used by no other cadre."""
    code = normalize_cadre_code(value)
    taken = Cadre.objects.filter(code__iexact=code)
    if cadre is not None and cadre.pk is not None:
        taken = taken.exclude(pk=cadre.pk)
    if taken.exists():
        raise ValidationError(_("编号「%(code)s」已被使用（编号不区分大小写）。") % {"code": code}, code="taken")
    return code


def clean_cadre_name(value: str, *, cadre: Cadre | None = None) -> str:
    name = normalize_cadre_name(value)
    validate_cadre_name(name)
    return name


def clean_cadre_birth_date(value: date | None, *, cadre: Cadre | None = None) -> date | None:
    if value and value > timezone.localdate():
        raise ValidationError(_("出生日期不能晚于今天。"), code="future")
    return value


CADRE_RULES: dict[str, Callable[..., Any]] = {
    "code": clean_cadre_code,
    "name": clean_cadre_name,
    "birth_date": clean_cadre_birth_date,
}


def clean_cadre_field(name: str, value: Any, *, cadre: Cadre | None) -> Any:
    """One field of a cadre record through its rule (a field without one passes as it is)."""
    rule = CADRE_RULES.get(name)
    return value if rule is None else rule(value, cadre=cadre)


def clean_cadre_values(values: Mapping[str, Any], *, cadre: Cadre | None) -> dict[str, Any]:
    """Every field of a cadre record through its rule; a ValidationError names each bad field."""
    cleaned, errors = {}, {}
    for name, value in values.items():
        try:
            cleaned[name] = clean_cadre_field(name, value, cadre=cadre)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Passwords -----------------------------------------------------------------------------------


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_help_text(self) -> str:
        return _("您的密码不能与您的其他个人信息太相似。")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_help_text(self) -> str:
        return ngettext(
            "您的密码必须包含至少 %(min_length)d 个字符。",
            "您的密码必须包含至少 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_help_text(self) -> str:
        return _("您的密码不能是常见密码。")


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_help_text(self) -> str:
        return _("您的密码不能全是数字。")
