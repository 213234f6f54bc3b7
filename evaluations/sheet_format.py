"""What a sealed ballot sheet holds, as bytes (inside the AES-GCM envelope of sealing.py).

Format 2, written since the box opening was made fast (issue 9, item 9): packed arrays that the
opening reads without parsing text, a whole box at a time (services/box.py). Little-endian:

    B  format (2)            B  names length l        H  scores n
    H  dimension rows m      I  tail length t
    l bytes of names: the source, then the sheet's rater groups, UTF-8, each ended by a zero byte
    n × u32 ratee ids, n × u8 group (index into the names), n × i16 score
    m × u32 ratee ids, m × u8 group, m × 5 × i16 (德, 能, 勤, 绩, 廉)
    t bytes of JSON: {"problems": [[ratee, item]…], "team_problems": [item…]}, or nothing

then zero bytes up to the sealing's padding. Format 1 is the JSON object itself (it starts with
"{"): sheets sealed before format 2 existed still open, so a period sealed before an upgrade
opens after it.
"""

from __future__ import annotations

import json
import struct
import sys
from array import array
from collections.abc import Sequence
from typing import NamedTuple, TypedDict

# unseal_bytes is re-exported: the opening (services/box.py) reads the tokens through this module.
from .sealing import seal_bytes
from .sealing import unseal_bytes as unseal_bytes

FORMAT = 2
HEADER = struct.Struct("<BBHHI")
DIMENSION_COUNT = 5  # models.DIMENSIONS: 德, 能, 勤, 绩, 廉


class SheetFormatError(ValueError):
    """A plaintext that is neither format 1 (JSON) nor format 2."""


class SheetPayload(TypedDict):
    """A validated sheet as it is sealed (services/box.py sheet_payload)."""

    source: str
    scores: list[list[int | str]]  # [ratee, group, score]
    dimensions: list[list[int | str]]  # [ratee, group, 德, 能, 勤, 绩, 廉]
    problems: list[list[int | str]]  # [ratee, item]
    team_problems: list[str]


class PackedSheet(NamedTuple):
    """A sheet as the opening reads it: the score columns still packed (little-endian bytes)."""

    source: str
    groups: tuple[str, ...]  # the names that `group_indexes` point into
    count: int  # number of scores
    ratees: bytes  # count × u32
    group_indexes: bytes  # count × u8
    scores: bytes  # count × i16
    dimensions: list[list]  # [ratee, group, 德, 能, 勤, 绩, 廉]
    problems: list[list]  # [ratee, item]
    team_problems: list[str]


def encode(payload: SheetPayload) -> bytes:
    """Format 2 bytes of a sheet payload (services/box.py sheet_payload)."""
    names: dict[str, int] = {}
    rows = payload.get("scores", [])
    dimensions = payload.get("dimensions", [])
    for _ratee, group, *_values in (*rows, *dimensions):
        names.setdefault(group, len(names))
    if len(rows) > 0xFFFF or len(dimensions) > 0xFFFF or len(names) > 0xFF:
        raise SheetFormatError("a sheet too large for format 2")
    tail = b""
    if payload.get("problems") or payload.get("team_problems"):
        tail = json.dumps(
            {"problems": payload.get("problems", []), "team_problems": payload.get("team_problems", [])},
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
    text = "".join(f"{name}\0" for name in (payload.get("source", ""), *names)).encode()
    if len(text) > 0xFF or text.count(0) != 1 + len(names):
        raise SheetFormatError("names too long for format 2, or holding a zero byte")
    parts = [HEADER.pack(FORMAT, len(text), len(rows), len(dimensions), len(tail)), text]
    parts += _columns(rows, names, 1)
    parts += _columns(dimensions, names, DIMENSION_COUNT)
    parts.append(tail)
    return b"".join(parts)


def _columns(rows: Sequence[Sequence], names: dict[str, int], width: int) -> list[bytes]:
    ratees = array("I", [row[0] for row in rows])  # OverflowError beyond 32 bits
    groups = bytes(names[row[1]] for row in rows)
    values = array("h", [value for row in rows for value in row[2 : 2 + width]])
    if len(values) != width * len(rows):
        raise SheetFormatError("a row without all its values")
    if array("I").itemsize != 4 or array("h").itemsize != 2:  # pragma: no cover - every CPython platform
        raise SheetFormatError("unexpected C type sizes")
    if sys.byteorder != "little":  # pragma: no cover - x86 and ARM servers are little-endian
        ratees.byteswap()
        values.byteswap()
    return [ratees.tobytes(), groups, values.tobytes()]


_NAMES: dict[bytes, tuple[str, tuple[str, ...]]] = {}  # the few distinct name lists, decoded once


def decode_packed(plaintext: bytes) -> PackedSheet:
    """A sheet's plaintext (format 2, or format 1's JSON) as the opening reads it."""
    if plaintext[:1] == b"{":
        return _packed_from_payload(json.loads(plaintext))
    if plaintext[:1] != bytes([FORMAT]):
        raise SheetFormatError("unknown ballot sheet format")
    _format, names_length, count, dimension_count, tail_length = HEADER.unpack_from(plaintext)
    at = HEADER.size + names_length
    names = plaintext[HEADER.size : at]
    source_and_groups = _NAMES.get(names)
    if source_and_groups is None:
        if len(_NAMES) > 1000:
            _NAMES.clear()
        source, *group_names = names.decode().split("\0")[:-1]
        source_and_groups = _NAMES[names] = (source, tuple(group_names))
    source, groups = source_and_groups
    ratees = plaintext[at : at + 4 * count]
    indexes = plaintext[at + 4 * count : at + 5 * count]
    scores = plaintext[at + 5 * count : at + 7 * count]
    at += 7 * count
    dimensions: list[list] = []
    if dimension_count:
        m = dimension_count
        dimension_ratees = _unpack("I", plaintext[at : at + 4 * m])
        dimension_groups = plaintext[at + 4 * m : at + 5 * m]
        values = _unpack("h", plaintext[at + 5 * m : at + (5 + 2 * DIMENSION_COUNT) * m])
        dimensions = [
            [ratee, groups[dimension_groups[i]], *values[DIMENSION_COUNT * i : DIMENSION_COUNT * (i + 1)]]
            for i, ratee in enumerate(dimension_ratees)
        ]
        at += (5 + 2 * DIMENSION_COUNT) * m
    problems: list[list] = []
    team_problems: list[str] = []
    if tail_length:
        tail = json.loads(plaintext[at : at + tail_length])
        problems, team_problems = tail["problems"], tail["team_problems"]
        at += tail_length
    if len(ratees) != 4 * count or plaintext.count(0, at) != len(plaintext) - at:
        raise SheetFormatError("a truncated or overlong ballot sheet")
    return PackedSheet(source, groups, count, ratees, indexes, scores, dimensions, problems, team_problems)


def _unpack(code: str, data: bytes) -> list[int]:
    values = array(code)
    values.frombytes(data)
    if sys.byteorder != "little":  # pragma: no cover
        values.byteswap()
    return values.tolist()


def _packed_from_payload(payload: dict) -> PackedSheet:
    names: dict[str, int] = {}
    rows = payload.get("scores", [])
    for _ratee, group, _score in rows:
        names.setdefault(group, len(names))
    ratees, indexes, scores = _columns(rows, names, 1)
    return PackedSheet(
        payload.get("source", ""),
        tuple(names),
        len(rows),
        ratees,
        indexes,
        scores,
        [list(row) for row in payload.get("dimensions", [])],
        [list(row) for row in payload.get("problems", [])],
        list(payload.get("team_problems", [])),
    )


def decode(plaintext: bytes) -> dict:
    """A sheet's plaintext as the payload it was sealed from (either format)."""
    sheet = decode_packed(plaintext)
    ratees, groups, scores = _unpack("I", sheet.ratees), sheet.group_indexes, _unpack("h", sheet.scores)
    return {
        "source": sheet.source,
        "scores": [[ratee, sheet.groups[groups[i]], scores[i]] for i, ratee in enumerate(ratees)],
        "dimensions": sheet.dimensions,
        "problems": sheet.problems,
        "team_problems": sheet.team_problems,
    }


def seal_sheet(payload: SheetPayload, *, context: str) -> bytes:
    """Seal a sheet payload in format 2 (zero padding: the format counts its own fields)."""
    return seal_bytes(encode(payload), context=context, pad=b"\0")


def unseal_sheet(token: bytes, *, context: str) -> dict:
    """The payload of a sealed sheet, whichever format it was sealed in."""
    return decode(unseal_bytes(token, context=context))
