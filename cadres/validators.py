"""Django's password validators with the product's voice: the help texts address the user as 您.

Django's own Chinese catalogue says 你; these subclasses only reword the texts a user reads.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


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
