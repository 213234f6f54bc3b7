"""Sealing ballots: AES-256-GCM under the ballot keys (settings.BALLOT_KEYS), never SECRET_KEY.

A sealed value is `version ‖ key id ‖ nonce ‖ ciphertext+tag`. The nonce is random, so the same
sheet sealed twice gives two unrelated tokens, and nothing in a token is a time (Fernet tokens
carry their creation time in clear, which is why they are not used here). The plaintext is padded
to a whole number of blocks so a token's length does not tell how many ratees a sheet has.

Keys rotate by putting a new key first: new sheets are sealed with it, and older tokens still open
with the key whose id they carry, until every box sealed under it has been opened.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

VERSION = b"\x01"
KEY_ID_BYTES = 4
NONCE_BYTES = 12
PAD_TO = 512


class SealError(Exception):
    """A token that no configured key opens, or that was altered or moved to another context."""


def parse_key(text: str) -> bytes:
    """A ballot key as written in the environment: 32 bytes, URL-safe base64 (padding optional)."""
    raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    if len(raw) != 32:
        raise ValueError("a ballot key is 32 bytes in URL-safe base64 (43 characters)")
    return raw


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def _key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"ballot-key-id" + key).digest()[:KEY_ID_BYTES]


@lru_cache(maxsize=4)
def _keys(configured: tuple[str, ...]) -> tuple[tuple[bytes, AESGCM], dict[bytes, AESGCM]]:
    if not configured:
        raise SealError("no ballot key is configured (BALLOT_KEYS)")
    parsed = [parse_key(text) for text in configured]
    by_id = {_key_id(key): AESGCM(key) for key in parsed}
    return (_key_id(parsed[0]), by_id[_key_id(parsed[0])]), by_id


def _nonce() -> bytes:
    return secrets.token_bytes(NONCE_BYTES)


def _current() -> tuple[tuple[bytes, AESGCM], dict[bytes, AESGCM]]:
    return _keys(tuple(settings.BALLOT_KEYS))


def seal(payload: dict, *, context: str) -> bytes:
    """Encrypt a JSON-able payload, bound to `context` (e.g. the period and unit it belongs to)."""
    return seal_bytes(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode(), context=context)


def unseal(token: bytes, *, context: str) -> dict:
    return json.loads(unseal_bytes(token, context=context))  # JSON ignores the padding (spaces)


def seal_bytes(plaintext: bytes, *, context: str, pad: bytes = b" ") -> bytes:
    """Encrypt bytes, padded with `pad` to a whole number of blocks: the reader must know where its
    content ends (JSON ignores trailing spaces; the ballot sheet format counts its fields)."""
    plaintext += pad * (-len(plaintext) % PAD_TO)
    (key_id, aead), _all = _current()
    nonce = _nonce()
    return VERSION + key_id + nonce + aead.encrypt(nonce, plaintext, context.encode())


def unseal_bytes(token: bytes, *, context: str) -> bytes:
    """The padded plaintext of a token sealed under one of the configured keys for `context`."""
    token = bytes(token)
    if token[:1] != VERSION:
        raise SealError("unknown token version")
    key_id = token[1 : 1 + KEY_ID_BYTES]
    nonce = token[1 + KEY_ID_BYTES : 1 + KEY_ID_BYTES + NONCE_BYTES]
    aead = _current()[1].get(key_id)
    if aead is None:
        raise SealError("the key this was sealed with is no longer configured (BALLOT_KEYS)")
    try:
        return aead.decrypt(nonce, token[1 + KEY_ID_BYTES + NONCE_BYTES :], context.encode())
    except Exception as error:  # cryptography raises InvalidTag
        raise SealError("the sealed value was altered or belongs elsewhere") from error


def receipt_code(token: bytes) -> str:
    """What a rater keeps to check that their sheet was counted: 48 bits of the token's SHA-256."""
    digest = hashlib.sha256(token).digest()[:6].hex().upper()
    return f"{digest[:4]}-{digest[4:8]}-{digest[8:]}"


def normalize_receipt(text: str) -> str:
    """Accept a code typed in lower case, without dashes or with spaces."""
    digits = "".join(ch for ch in text.upper() if ch in "0123456789ABCDEF")
    if len(digits) != 12:
        return ""
    return "-".join(digits[i : i + 4] for i in range(0, 12, 4))
