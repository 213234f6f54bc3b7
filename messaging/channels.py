"""The three outside channels: email (Django's SMTP backend), SMS (a pluggable HTTP gateway) and
企业微信/政务微信 (the app-message API, or a group robot's webhook). All are configured from the
environment (.env.example); a channel without configuration is off and never offered.

Each sender raises ChannelError with a short reason on any failure; the caller records it and retries.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

from .models import Channel

logger = logging.getLogger(__name__)


class ChannelError(Exception):
    """A channel refused or failed to take a message; the text goes into the delivery log."""


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str  # absolute: the person opens it from outside the app
    settings_url: str  # where the person changes what they receive


def is_configured(channel: str) -> bool:
    if channel == Channel.EMAIL:
        return bool(settings.EMAIL_HOST)
    if channel == Channel.SMS:
        return bool(settings.SMS_GATEWAY_URL) or settings.SMS_GATEWAY_CLASS != DEFAULT_SMS_GATEWAY
    if channel == Channel.WECOM:
        if settings.WECOM_MODE == "webhook":
            return bool(settings.WECOM_WEBHOOK_URL)
        if settings.WECOM_MODE == "app":
            return bool(settings.WECOM_CORP_ID and settings.WECOM_SECRET and settings.WECOM_AGENT_ID)
    return False


def configured_channels() -> list[str]:
    return [channel for channel in Channel.values if is_configured(channel)]


def send(channel: str, address: str, message: Message) -> None:
    if channel == Channel.EMAIL:
        send_email(address, message)
    elif channel == Channel.SMS:
        sms_gateway().send(mobile=address, text=sms_text(message))
    elif channel == Channel.WECOM:
        send_wecom(address, message)
    else:
        raise ChannelError(f"unknown channel {channel!r}")


def _short(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


# --- Email --------------------------------------------------------------------------------


def send_email(address: str, message: Message) -> None:
    text = "\n\n".join(
        part
        for part in (
            message.body,
            f"查看：{message.url}",
            f"此邮件由干部实绩考核评价系统自动发送，请勿回复。更改接收方式：{message.settings_url}",
        )
        if part
    )
    email = EmailMessage(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{message.title}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        connection=get_connection(timeout=settings.NOTIFY_HTTP_TIMEOUT),
    )
    try:
        email.send(fail_silently=False)
    except Exception as error:  # smtplib, socket and ssl errors
        raise ChannelError(_short(error)) from error


# --- SMS ------------------------------------------------------------------------------------

DEFAULT_SMS_GATEWAY = "messaging.channels.HttpSmsGateway"


class SmsGateway(Protocol):
    """A district's SMS provider. Set SMS_GATEWAY_CLASS to a class with this method to plug one in."""

    def send(self, *, mobile: str, text: str) -> None:
        """Deliver `text` to `mobile`, or raise ChannelError with the reason."""


def sms_gateway() -> SmsGateway:
    gateway: SmsGateway = import_string(settings.SMS_GATEWAY_CLASS)()
    return gateway


def sms_text(message: Message) -> str:
    return settings.SMS_TEXT_TEMPLATE.format(title=message.title, url=message.url)


def _fill(template: Any, values: dict[str, str]) -> Any:
    """Put the values into every string of a parsed JSON template (keys stay as they are)."""
    if isinstance(template, str):
        for key, value in values.items():
            template = template.replace("{" + key + "}", value)
        return template
    if isinstance(template, dict):
        return {key: _fill(item, values) for key, item in template.items()}
    if isinstance(template, list):
        return [_fill(item, values) for item in template]
    return template


class HttpSmsGateway:
    """The generic gateway: POST a JSON body built from SMS_GATEWAY_BODY to SMS_GATEWAY_URL, with
    `Authorization: Bearer SMS_GATEWAY_TOKEN`. Any 2xx answer is success, unless the answer is JSON
    and SMS_GATEWAY_OK_FIELD names a field whose value is not SMS_GATEWAY_OK_VALUE."""

    def send(self, *, mobile: str, text: str) -> None:
        try:
            template = json.loads(settings.SMS_GATEWAY_BODY)
        except ValueError as error:
            raise ChannelError(f"SMS_GATEWAY_BODY is not JSON: {error}") from error
        body = _fill(template, {"mobile": mobile, "text": text, "sign": settings.SMS_SIGN})
        headers = {"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"} if settings.SMS_GATEWAY_TOKEN else {}
        try:
            response = requests.post(
                settings.SMS_GATEWAY_URL, json=body, headers=headers, timeout=settings.NOTIFY_HTTP_TIMEOUT
            )
        except requests.RequestException as error:
            raise ChannelError(_short(error)) from error
        if not 200 <= response.status_code < 300:
            raise ChannelError(f"HTTP {response.status_code}: {response.text[:200]}")
        field = settings.SMS_GATEWAY_OK_FIELD
        if field:
            try:
                value = response.json().get(field)
            except (ValueError, AttributeError) as error:
                raise ChannelError(f"answer is not a JSON object: {response.text[:200]}") from error
            if str(value) != settings.SMS_GATEWAY_OK_VALUE:
                raise ChannelError(f"{field}={value}: {response.text[:200]}")


# --- 企业微信 / 政务微信 -----------------------------------------------------------------------

# errcodes of an access_token that is invalid or expired: fetch a new one and try once more.
TOKEN_ERRORS = {40001, 40014, 42001}
TOKEN_CACHE_KEY = "messaging:wecom:access-token"  # noqa: S105  (a cache key)


def _wecom_call(method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    url = settings.WECOM_BASE_URL.rstrip("/") + path
    try:
        response = requests.request(method, url, timeout=settings.NOTIFY_HTTP_TIMEOUT, **kwargs)
        response.raise_for_status()
        data: dict[str, Any] = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ChannelError(_short(error)) from error
    return data


def wecom_token(*, fresh: bool = False) -> str:
    """The app's access_token (gettoken), cached for its lifetime less five minutes."""
    token = None if fresh else cache.get(TOKEN_CACHE_KEY)
    if token:
        return str(token)
    data = _wecom_call(
        "GET", "/cgi-bin/gettoken", params={"corpid": settings.WECOM_CORP_ID, "corpsecret": settings.WECOM_SECRET}
    )
    if data.get("errcode", 0) != 0 or not data.get("access_token"):
        raise ChannelError(f"gettoken errcode {data.get('errcode')}: {data.get('errmsg', '')}"[:300])
    token = str(data["access_token"])
    cache.set(TOKEN_CACHE_KEY, token, max(60, int(data.get("expires_in", 7200)) - 300))
    return token


def send_wecom(address: str, message: Message) -> None:
    if settings.WECOM_MODE == "webhook":
        _send_wecom_robot(address, message)
        return
    payload = {
        "touser": address,
        "msgtype": "textcard",
        "agentid": int(settings.WECOM_AGENT_ID),
        "textcard": {
            "title": message.title[:128],
            "description": (message.body or message.title)[:512],
            "url": message.url,
            "btntxt": "查看",
        },
    }
    for fresh in (False, True):
        data = _wecom_call(
            "POST", "/cgi-bin/message/send", params={"access_token": wecom_token(fresh=fresh)}, json=payload
        )
        errcode = data.get("errcode", 0)
        if errcode in TOKEN_ERRORS and not fresh:
            continue
        if errcode != 0:
            raise ChannelError(f"message/send errcode {errcode}: {data.get('errmsg', '')}"[:300])
        if data.get("invaliduser"):
            raise ChannelError(f"invaliduser: {data['invaliduser']}"[:300])
        return


def _send_wecom_robot(address: str, message: Message) -> None:
    """A group robot posts into its group: the person is @-mentioned by mobile number when known."""
    text = f"{message.title}\n{message.url}"
    content: dict[str, Any] = {"content": text}
    if address.isdigit():
        content["mentioned_mobile_list"] = [address]
    try:
        response = requests.post(
            settings.WECOM_WEBHOOK_URL, json={"msgtype": "text", "text": content}, timeout=settings.NOTIFY_HTTP_TIMEOUT
        )
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ChannelError(_short(error)) from error
    if data.get("errcode", 0) != 0:
        raise ChannelError(f"webhook errcode {data.get('errcode')}: {data.get('errmsg', '')}"[:300])
