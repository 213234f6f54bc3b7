"""The ballot box (rules.md §4, SECURITY.md): sheets wait sealed until the period closes, then are
opened in one batch and stored so that nothing ties a score to a sheet, or a sheet to a rater.

Sealing. A submitted sheet is packed (sheet_format.py: ratee ids, rater groups and scores as
arrays) and encrypted under the ballot key (sealing.py) into a SealedSheet row
of its unit. Each time, the unit's sealed rows are taken out and written back with fresh random
keys in a fresh random order (the operating system's CSPRNG), so neither a row's key, nor its place in the
table or a dump, nor its transaction id tells which submission it was: all of a unit's rows carry
the id of the latest transaction. The rater is given the receipt of the token (a hash of it).

Opening, when the period is computed (inside the computation's transaction):
1. every sealed sheet is decrypted and checked against its period and unit (packed sheets, and
   JSON ones sealed before the packed format);
2. the quarterly scores are pooled per ratee and rater group into one RateeScores row holding
   the sorted list of that group's scores: no sheet key, no order, the same rows whichever rater
   gave which score. Annual 德能勤绩廉 rows and 反测评 ticks are written without any sheet key in
   random order (grouped by ratee). Each quarterly sheet leaves one SheetQuality row (random id,
   unit, mean, distance from the consensus of the others, flags: no ratees, no count), in random
   order;
3. the sealed rows are deleted; the period's submission and paper records are written again in
   random order (with their audit entries, by day only), so after the close no table keeps the
   order in which sheets arrived;
4. the sorted receipts are kept for raters to check.
Step 2 runs on batches of units, over flat numpy arrays of every score in the batch (one sort,
sums per pool, sheet and group); quotients stay exact (_sheet_quality).
After the commit the tables that held sealed or ordered rows are rewritten (PostgreSQL VACUUM
FULL) so the deleted rows do not linger in the files; SQLite zeroes deleted rows (secure_delete).
"""

from __future__ import annotations

import gc
import itertools
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import groupby
from math import lcm
from operator import itemgetter
from time import perf_counter
from typing import Any
from uuid import UUID

import numpy as np
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from cadres.models import Cadre, Unit

from .. import rules
from ..models import (
    DIMENSIONS,
    BoxOpening,
    DemocraticScore,
    EvaluationSettings,
    PaperSheet,
    Period,
    ProblemTick,
    RateeScores,
    SealedSheet,
    SheetAssignment,
    SheetDraft,
    SheetQuality,
    SheetSubmission,
    UnitGroupSpread,
    UnitSheetTally,
    half_up,
)
from ..sealing import receipt_code, seal
from ..sheet_format import PackedSheet, SheetPayload, decode_packed, seal_sheet, unseal_bytes

logger = logging.getLogger(__name__)

# Tables that held sealed sheets, drafts or rows in submission order: rewritten after an opening.
SWEPT = (SealedSheet, SheetDraft, SheetSubmission, PaperSheet)
STILL_DEAD = re.compile(r"(\d+) dead row versions cannot be removed yet")
# And, after an upgrade from the storage before the box, the opened ballots themselves.
OPENED = (RateeScores, DemocraticScore, ProblemTick, SheetQuality)


# A unit's figures per rater group (UnitGroupSpread), as the opening writes them.
SPREAD_COLUMNS = ["unit_id", "rater_group", "sheets", "scores", "total", "squares", "low", "high"]


class Shuffle:
    """Random permutations from the operating system's CSPRNG, the source of secrets.SystemRandom.

    SystemRandom.shuffle asks the kernel for randomness once per element (1.7 million times when
    a city's box opens); sorting on one 64-bit random key per element, drawn in a single call,
    gives the same uniformly random order (two equal keys among n rows: about n²/2⁶⁵).
    """

    def shuffle(self, rows: list[Any]) -> None:
        if len(rows) < 2:
            return
        keys = memoryview(os.urandom(8 * len(rows))).cast("Q").tolist()
        order = sorted(range(len(rows)), key=keys.__getitem__)
        rows[:] = [rows[i] for i in order]


def _shuffler() -> Shuffle:
    return Shuffle()


def _new_ids(count: int) -> list[str]:
    """Random 128-bit keys as hex, made in one go (a computation writes millions), in ascending
    order: rows are given them in the (already random) order they are written, so the index
    fills page by page instead of at random places, and the keys say no more than that order."""
    raw = np.frombuffer(os.urandom(16 * count), dtype=">u8").reshape(count, 2)
    # By their first 64 bits (a tie, about n²/2⁶⁵, only leaves two keys unsorted).
    text = raw[np.argsort(raw[:, 0])].tobytes().hex()
    return [text[i : i + 32] for i in range(0, 32 * count, 32)]


def sheet_payload(
    *,
    source: str,
    groups: Mapping[int, str],
    scores: Mapping[int, int] | None = None,
    dimensions: Mapping[int, Mapping[str, int]] | None = None,
    problems: Mapping[int, Sequence[str]] | None = None,
    team_problems: Sequence[str] = (),
) -> SheetPayload:
    """A validated sheet as it is sealed: ratee ids, their rater group, the values."""
    return {
        "source": source,
        "scores": [[ratee, groups[ratee], value] for ratee, value in sorted((scores or {}).items())],
        "dimensions": [
            [ratee, groups[ratee], *(values[d] for d in DIMENSIONS)]
            for ratee, values in sorted((dimensions or {}).items())
        ],
        "problems": [[ratee, item] for ratee, items in sorted((problems or {}).items()) for item in items],
        "team_problems": list(team_problems),
    }


# --- Sealing ------------------------------------------------------------------------------------


def box_seal(*, period: Period, unit: Unit, payload: SheetPayload) -> str:
    """Put a sheet in the box and return its receipt. Must run inside the submitting transaction."""
    token = seal_sheet(payload, context=SealedSheet.context(period.pk, unit.pk))
    sealed_rows_reseal(model=SealedSheet, where={"period_id": period.pk, "unit_id": unit.pk}, token=token)
    return receipt_code(token)


# --- Any box of sealed rows (also selection's anonymous votes) ---------------------------------


def sealed_rows_reseal(*, model: type[Model], where: Mapping[str, int], token: bytes) -> None:
    """Add `token` to the box of `model` rows matching `where` (column → id): under a lock on that
    box, one submission at a time so a reshuffle never misses or doubles a row, every row of the
    box is taken out (DELETE … RETURNING) and written back under fresh random keys in a fresh
    random order. `model` has a random UUID key, the `where` columns and a binary `sealed`."""
    assert connection.in_atomic_block, "sealing is part of the submitting transaction"
    columns = sorted(where)
    box = ":".join([model._meta.db_table, *(str(where[c]) for c in columns)])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"box:{box}"])
    table = connection.ops.quote_name(model._meta.db_table)
    condition = " AND ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE {condition} RETURNING sealed",  # noqa: S608
            [where[c] for c in columns],
        )
        tokens = [bytes(row[0]) for row in cursor.fetchall()]
    tokens.append(token)
    _shuffler().shuffle(tokens)
    model._default_manager.bulk_create(model(**where, sealed=t) for t in tokens)


def draft_seal(*, assignment_id: int, data: dict[str, object]) -> bytes:
    return seal(data, context=SheetDraft.context(assignment_id))


# --- Opening ------------------------------------------------------------------------------------


class _Clock:
    """Seconds spent in each phase of an opening, when a benchmark asks for them."""

    def __init__(self, timings: dict[str, float] | None):
        self.timings = timings
        self.last = perf_counter()

    def __call__(self, phase: str) -> None:
        if self.timings is not None:
            now = perf_counter()
            self.timings[phase] = self.timings.get(phase, 0.0) + now - self.last
            self.last = now


def box_open(*, period: Period, now: datetime | None = None, timings: dict[str, float] | None = None) -> BoxOpening:
    """Open the period's box (idempotent: a period's box opens once). Call with the period locked.

    `timings`, if given, receives the seconds spent in each phase (bench_box_opening)."""
    assert connection.in_atomic_block, "the box opens inside the computation's transaction"
    existing = BoxOpening.objects.filter(period=period).first()
    if existing is not None:
        return existing
    clock = _Clock(timings)
    now = now or timezone.now()
    rng = _shuffler()
    table = rules.settings_table(period.year)
    categories = dict(Unit.objects.values_list("pk", "category"))
    receipts: list[str] = []
    rows = _RowBuffer(period.pk, clock)
    counting = _Counting(rows, rng)
    # One pass over the box in unit order (one query, streamed): units are opened and buffered
    # until they hold enough scores to be counted together (numpy), so memory holds a bounded
    # batch of sheets and of rows.
    clock("start")
    with _without_cycle_collector():
        for unit_id, tokens in _sealed_by_unit(period):
            clock("read_sealed")
            receipts += [receipt_code(t) for t in tokens]
            context = SealedSheet.context(period.pk, unit_id)
            sheets = [decode_packed(unseal_bytes(t, context=context)) for t in tokens]
            clock("unseal")
            counting.add(unit_id, table[categories[unit_id]], sheets)
        counting.flush()
        rows.flush()
    tallies, spreads = counting.tallies, counting.spreads
    insert_rows(UnitSheetTally, ["period_id", "unit_id", "sheets"], tallies, random_ids=False, constant=(period.pk,))
    insert_rows(UnitGroupSpread, ["period_id", *SPREAD_COLUMNS], spreads, random_ids=False, constant=(period.pk,))
    clock("tallies")
    SealedSheet.objects.filter(period=period).delete()
    SheetDraft.objects.filter(assignment__period=period).delete()
    clock("delete_sealed")
    _rewrite_submissions(period, rng)
    clock("rewrite_submissions")
    opening = BoxOpening.objects.create(
        period=period, opened_at=now, sheet_count=len(receipts), receipts=sorted(receipts)
    )
    clock("receipts")
    transaction.on_commit(box_sweep)
    return opening


@contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """Opening a city's box decodes millions of small lists (one per score) and keeps a buffer of
    rows alive; none of them form reference cycles, but each time the cyclic garbage collector
    runs it walks every live object: a third of the opening's Python time before it was paused
    here (reference counting still frees everything as usual)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Counting:
    """Opened units waiting to be counted together: their scores pooled per ratee and rater group,
    each quarterly sheet's quality, each unit's figures per rater group (numpy, over flat arrays
    of every score of the batch; the exact quotients per sheet in Python)."""

    LIMIT = 200_000  # scores per batch

    def __init__(self, rows: _RowBuffer, rng: Shuffle):
        self.rows = rows
        self.rng = rng
        self.units: list[tuple[int, EvaluationSettings, list[PackedSheet]]] = []
        self.size = 0
        self.tallies: list[tuple[int, int]] = []
        self.spreads: list[tuple[object, ...]] = []

    def add(self, unit_id: int, settings: EvaluationSettings, sheets: list[PackedSheet]) -> None:
        self.units.append((unit_id, settings, sheets))
        # Scores, and the other rows (annual sheets have none of the former).
        self.size += sum(sheet.count + len(sheet.dimensions) + len(sheet.problems) + 1 for sheet in sheets)
        if self.size >= self.LIMIT:
            self.flush()

    def flush(self) -> None:
        self.rows.clock("unseal")
        units, self.units, self.size = self.units, [], 0
        democratic: list[list[int | str]] = []
        ticks: list[tuple[object, ...]] = []
        for unit_id, _settings, sheets in units:
            self.tallies.append((unit_id, len(sheets)))
            unit_democratic: list[list[int | str]] = []
            unit_ticks: list[Sequence[object]] = []
            for sheet in sheets:
                unit_democratic += sheet.dimensions
                unit_ticks += sheet.problems
                unit_ticks += [(None, item) for item in sheet.team_problems]
            self.rng.shuffle(unit_democratic)
            self.rng.shuffle(unit_ticks)
            # Then grouped by ratee and rater group, keeping the random order inside each group (a
            # stable sort): the index on (period, ratee, group) fills in order.
            unit_democratic.sort(key=_by_ratee)
            democratic += unit_democratic
            ticks += [(unit_id, *row) for row in unit_ticks]
        scored = _count_scores(units, self.rng, self.rows.brackets)
        self.spreads += scored.spreads
        self.rows.extend(scores=scored.scores, democratic=democratic, ticks=ticks, quality=scored.quality)
        self.rows.clock("open_unit")


@dataclass
class _Scored:
    scores: list[tuple[int, str, str]]  # (ratee, group, its scores sorted, as the database reads them)
    quality: list[tuple[object, ...]]  # (unit, mean, deviation, flat, outlier), in random order within each unit
    spreads: list[tuple[object, ...]]  # SPREAD_COLUMNS
    count: int


_by_ratee = itemgetter(0, 1)  # a row's ratee and rater group
# Sheet quality in exact 64-bit integers while its fractions' terms stay below this (_sheet_quality).
EXACT_BOUND = 2.0**47


def _count_scores(
    units: Sequence[tuple[int, EvaluationSettings, Sequence[PackedSheet]]], rng: Shuffle, brackets: str
) -> _Scored:
    """Pool the quarterly scores of a batch of units per (unit, ratee, rater group) into one sorted
    list (no sheet key, no order: the same whoever gave which score), compute each sheet's quality
    and each unit's figures per rater group. `brackets` writes a list ("{}": PostgreSQL's array
    literal; "[]": JSON).

    Quality: the mean, and the mean distance of a sheet's scores from the leave-one-out consensus
    of groups with 3 raters or more. A score's distance from the others' mean is
    |score − (total − score)/(count − 1)|, that is |score·count − total| / (count − 1): integer
    numerators summed per sheet and denominator (numpy, exact in 64 bits), then one exact quotient
    per sheet (Decimal of the exact fraction, as rules.md §4 defines it)."""
    scored = [(u, sheet) for u, (_id, _settings, sheets) in enumerate(units) for sheet in sheets if sheet.count]
    if not scored:
        return _Scored([], [], [], 0)
    packed = [sheet for _u, sheet in scored]
    # Each sheet's rater groups (its own list of names) as one global code per name, numbered in
    # the order of the names so that rows sort as before.
    tables = {sheet.groups: 0 for sheet in packed}
    names = sorted({name for table in tables for name in table})
    code = {name: i for i, name in enumerate(names)}
    width = max(map(len, tables))
    table_codes = np.zeros((len(tables), width), dtype=np.int64)
    for t, table in enumerate(tables):
        tables[table] = t
        table_codes[t, : len(table)] = [code[name] for name in table]
    n = np.array([sheet.count for sheet in packed], dtype=np.int64)
    sheet_count, total_count = len(packed), int(n.sum())
    starts = np.zeros(sheet_count, dtype=np.int64)
    np.cumsum(n[:-1], out=starts[1:])
    sheet = np.repeat(np.arange(sheet_count, dtype=np.int64), n)
    unit_of_sheet = np.array([u for u, _sheet in scored], dtype=np.int64)
    ratee = np.frombuffer(b"".join([sheet.ratees for sheet in packed]), dtype="<u4").astype(np.int64)
    local = np.frombuffer(b"".join([sheet.group_indexes for sheet in packed]), dtype=np.uint8)
    score = np.frombuffer(b"".join([sheet.scores for sheet in packed]), dtype="<i2").astype(np.int64)
    table_of_sheet = np.array([tables[sheet.groups] for sheet in packed], dtype=np.int64)
    group = table_codes[table_of_sheet[sheet], local]
    unit = unit_of_sheet[sheet]

    # Pools: one per (unit, ratee, group), its scores sorted: one sort on a single 64-bit key of
    # (unit, ratee's rank in the batch, group, score).
    ratee_ids, ratee_rank = np.unique(ratee, return_inverse=True)
    low = int(score.min())
    bits = [int(x).bit_length() for x in (len(units), ratee_ids.size, len(names), int(score.max()) - low)]
    if sum(bits) <= 62:
        _unit_bits, ratee_bits, group_bits, score_bits = bits
        key = (((unit << ratee_bits | ratee_rank) << group_bits | group) << score_bits) | (score - low)
        combined = np.sort(key)
        sorted_keys, sorted_scores = combined >> score_bits, (combined & ((1 << score_bits) - 1)) + low
        order = None
    else:  # a batch too varied for one key
        ratee_bits, group_bits = ratee_ids.size.bit_length(), len(names).bit_length()
        key = (unit << ratee_bits | ratee_rank) << group_bits | group
        order = np.lexsort((score, key))
        sorted_keys, sorted_scores = key[order], score[order]
    pool_starts = _group_starts(sorted_keys)
    pool_count = np.diff(np.append(pool_starts, total_count))
    pool_total = np.add.reduceat(sorted_scores, pool_starts)
    # Each score's pool: the pools are numbered in key order.
    pool_keys = sorted_keys[pool_starts]
    pool = np.searchsorted(pool_keys, (unit << ratee_bits | ratee_rank) << group_bits | group)
    pools = _Pools(
        unit=pool_keys >> (ratee_bits + group_bits),
        ratee=ratee_ids[(pool_keys >> group_bits) & ((1 << ratee_bits) - 1)],
        group=pool_keys & ((1 << group_bits) - 1),
        scores=sorted_scores,
        starts=pool_starts,
        count=pool_count,
        total=pool_total,
    )

    quality = _sheet_quality(units, sheet, starts, n, unit_of_sheet, score, pool_count[pool], pool_total[pool], rng)
    spreads = _spreads(units, names, sheet, unit_of_sheet, group, pools)

    texts = _score_lists(sorted_scores, pool_starts, brackets)
    scores = list(zip(pools.ratee.tolist(), map(names.__getitem__, pools.group.tolist()), texts, strict=True))
    return _Scored(scores, quality, spreads, total_count)


def _score_lists(scores: np.ndarray, starts: np.ndarray, brackets: str) -> list[str]:
    """Each pool's sorted scores as a list literal ("{70,81}" or "[70,81]"), written as one byte
    buffer: digits and separators put in place by numpy, then one slice per pool."""
    count = scores.size
    ends = np.append(starts[1:], count) - 1  # each pool's last score
    if scores.min() < 0 or scores.max() > 999:
        bounds = np.append(starts, count).tolist()
        texts = list(map(str, scores.tolist()))
        return [f"{brackets[0]}{','.join(texts[a:b])}{brackets[1]}" for a, b in itertools.pairwise(bounds)]
    digits = 1 + (scores >= 10) + (scores >= 100)
    opening = np.zeros(count, dtype=np.int64)
    opening[starts] = 1  # a bracket before each pool's first score
    width = digits + 1  # the digits and a comma (or the closing bracket)
    at = np.cumsum(width + opening) - width  # where each score's digits begin
    text = np.empty(int(at[-1] + width[-1]), dtype=np.uint8)
    text[at[starts] - 1] = ord(brackets[0])
    hundreds = digits == 3
    text[at[hundreds]] = 48 + scores[hundreds] // 100
    tens = digits >= 2
    text[(at + digits - 2)[tens]] = 48 + (scores[tens] // 10) % 10
    text[at + digits - 1] = 48 + scores % 10
    text[at + digits] = ord(",")
    text[at[ends] + digits[ends]] = ord(brackets[1])
    decoded = text.tobytes().decode("ascii")
    return [
        decoded[a:b] for a, b in zip((at[starts] - 1).tolist(), (at[ends] + digits[ends] + 1).tolist(), strict=True)
    ]


def _sheet_quality(
    units: Sequence[tuple[int, EvaluationSettings, Sequence[PackedSheet]]],
    sheet: np.ndarray,
    starts: np.ndarray,
    n: np.ndarray,
    unit_of_sheet: np.ndarray,
    score: np.ndarray,
    count: np.ndarray,
    total: np.ndarray,
    rng: Shuffle,
) -> list[tuple[object, ...]]:
    """Each scored sheet's quality row (see _count_scores), shuffled within its unit.

    A sheet's mean is sum/n and its deviation the fraction p/q = Σ_d n_d/d ÷ terms, as exact
    integers. Their cents, half up, are ⌊(200p + q) / 2q⌋: the same as Decimal's quotient rounded
    half up (Decimal rounds to 28 digits first, which cannot cross a half cent when q < 2⁴⁷: a
    fraction p/q that is not on the half cent is at least 1/200q away from it). The outlier flag
    compares p/q with the threshold a/10ᵏ as p·10ᵏ ≥ a·q. A sheet whose figures do not fit these
    bounds (none in practice) is computed with Decimal instead."""
    sheet_count = starts.size
    sums = np.add.reduceat(score, starts)
    flat = np.minimum.reduceat(score, starts) == np.maximum.reduceat(score, starts)
    eligible = count >= 3
    terms = np.add.reduceat(eligible.astype(np.int64), starts)
    exact = (sums >= 0) & (n < 2**16) & (sums < EXACT_BOUND)
    p = np.zeros(sheet_count, dtype=np.int64)
    q = np.ones(sheet_count, dtype=np.int64)
    # Σ |score·count − total| per sheet and denominator d = count − 1, as (sheet, d, n_d) pairs.
    at = np.flatnonzero(eligible)
    pair_sheet = pair_denominator = pair_numerator = np.zeros(0, dtype=np.int64)
    pair_starts = np.zeros(0, dtype=np.int64)
    if at.size:
        width = int(count.max())
        pair = sheet[at] * width + (count[at] - 1)
        numerator = np.abs(score[at] * count[at] - total[at])
        order = np.argsort(pair, kind="stable")
        sorted_pairs = pair[order]
        keys_at = _group_starts(sorted_pairs)
        keys = sorted_pairs[keys_at]
        pair_sheet, pair_denominator = keys // width, keys % width
        pair_numerator = np.add.reduceat(numerator[order], keys_at)
        pair_starts = _group_starts(pair_sheet)  # one run of pairs per sheet with terms
        with_terms = pair_sheet[pair_starts]
        runs = np.diff(np.append(pair_starts, pair_sheet.size))
        # lcm ≤ the product of the denominators: below 2⁴⁰, nothing below overflows 64 bits.
        fits = np.multiply.reduceat(pair_denominator.astype(np.float64), pair_starts) < 2.0**40
        common = np.where(fits, np.lcm.reduceat(np.where(np.repeat(fits, runs), pair_denominator, 1), pair_starts), 1)
        scaled = pair_numerator * (np.repeat(common, runs) // pair_denominator)
        estimate = np.add.reduceat(pair_numerator * (np.repeat(common, runs) / pair_denominator), pair_starts)
        p_terms = np.add.reduceat(np.where(np.repeat(fits, runs), scaled, 0), pair_starts)
        q_terms = common * terms[with_terms]
        fits &= (estimate < EXACT_BOUND) & (common.astype(np.float64) * terms[with_terms] < EXACT_BOUND)
        p[with_terms], q[with_terms] = p_terms, q_terms
        exact[with_terms] &= fits
    has_deviation = terms > 0
    mean_cents = (200 * sums + n) // (2 * n)
    deviation_cents = (200 * p + q) // (2 * q)
    # The thresholds of each sheet's unit: minimum scores for "flat", points for "outlier" as a/10ᵏ.
    flat_min = np.array([settings.quality_flat_min_scores for _u, settings, _s in units], dtype=np.int64)
    thresholds = [Decimal(str(settings.quality_outlier_points)) for _u, settings, _s in units]
    fraction = [_decimal_fraction(t) for t in thresholds]
    a = np.array([f[0] for f in fraction], dtype=np.int64)[unit_of_sheet]
    scale = np.array([f[1] for f in fraction], dtype=np.int64)[unit_of_sheet]
    outlier = has_deviation & (p * scale >= a * q)
    exact &= np.array([f[2] for f in fraction], dtype=bool)[unit_of_sheet]
    unit_ids = [unit_id for unit_id, _settings, _sheets in units]
    rows = list(
        zip(
            [unit_ids[u] for u in unit_of_sheet.tolist()],
            _cents(mean_cents.tolist()),
            [
                d if has else None
                for d, has in zip(_cents(deviation_cents.tolist()), has_deviation.tolist(), strict=True)
            ],
            ((n >= flat_min[unit_of_sheet]) & flat).tolist(),
            outlier.tolist(),
            strict=True,
        )
    )
    for s in np.flatnonzero(~exact).tolist():  # out of the exact integers' bounds: Decimal
        deviation = None
        if has_deviation[s]:
            run = int(np.searchsorted(pair_sheet[pair_starts], s))
            begin = int(pair_starts[run])
            end = int(pair_starts[run + 1]) if run + 1 < pair_starts.size else int(pair_sheet.size)
            numerators = dict(
                zip(pair_denominator[begin:end].tolist(), pair_numerator[begin:end].tolist(), strict=True)
            )
            shared = lcm(*numerators)
            deviation = Decimal(sum(v * (shared // d) for d, v in numerators.items())) / Decimal(shared * int(terms[s]))
        u = int(unit_of_sheet[s])
        rows[s] = (
            unit_ids[u],
            half_up(Decimal(int(sums[s])) / int(n[s])),
            half_up(deviation) if deviation is not None else None,
            bool(n[s] >= flat_min[u] and flat[s]),
            deviation is not None and deviation >= thresholds[u],
        )
    # In random order within each unit (the sheets of a unit are consecutive).
    shuffled: list[tuple[object, ...]] = []
    for _u, group in groupby(rows, key=itemgetter(0)):
        unit_rows = list(group)
        rng.shuffle(unit_rows)
        shuffled += unit_rows
    return shuffled


def _group_starts(values: np.ndarray) -> np.ndarray:
    """Where each run of equal values begins, in a sorted array."""
    first = np.empty(values.size, dtype=bool)
    first[:1] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return np.flatnonzero(first)


def _decimal_fraction(value: Decimal) -> tuple[int, int, bool]:
    """A threshold as a/10ᵏ (a, 10ᵏ), and whether the exact integer comparison holds it."""
    sign, digits, exponent = value.as_tuple()
    a = int("".join(map(str, digits)) or "0")
    if not isinstance(exponent, int) or sign or exponent < -2 or a >= 2**14:
        return 0, 1, False
    if exponent > 0:
        a *= 10**exponent
        exponent = 0
    return (a, 10**-exponent, a < 2**14)


_CENT_VALUES: dict[int, Decimal] = {}


def _cents(values: list[int]) -> list[Decimal]:
    """Cents as Decimals with two places (what half_up gives), each value made once."""
    table = _CENT_VALUES
    if len(table) > 100_000:
        table.clear()
    for value in set(values) - table.keys():
        table[value] = Decimal(value).scaleb(-2)
    return list(map(table.__getitem__, values))


@dataclass
class _Pools:
    """The batch's pools (unit, ratee, group), in that order, and their scores sorted."""

    unit: np.ndarray  # per pool: the unit's place in the batch
    ratee: np.ndarray  # per pool: the ratee's id
    group: np.ndarray  # per pool: the group's code (its place in the sorted names)
    scores: np.ndarray  # every score, pool after pool, each pool's sorted
    starts: np.ndarray  # per pool: where its scores begin
    count: np.ndarray
    total: np.ndarray


def _spreads(
    units: Sequence[tuple[int, EvaluationSettings, Sequence[PackedSheet]]],
    names: list[str],
    sheet: np.ndarray,
    unit_of_sheet: np.ndarray,
    group: np.ndarray,
    pools: _Pools,
) -> list[tuple[object, ...]]:
    """Each unit's figures per rater group (SPREAD_COLUMNS): sheets with the group, scores, their
    total and sum of squares, lowest and highest (from the pools: one row per ratee and group)."""
    width = len(names)
    unit_group = pools.unit * width + pools.group
    order = np.argsort(unit_group, kind="stable")
    starts = _group_starts(unit_group[order])
    ends = np.append(pools.starts[1:], pools.scores.size)
    squares = np.add.reduceat(pools.scores * pools.scores, pools.starts)
    # Sheets holding each group, per unit (a unit's sheets are consecutive).
    present = np.zeros(unit_of_sheet.size * width, dtype=np.int64)
    present[sheet * width + group] = 1
    unit_starts = _group_starts(unit_of_sheet)
    per_unit = np.add.reduceat(present.reshape(-1, width), unit_starts, axis=0)
    sheets_of = {
        (u, g): int(per_unit[i, g]) for i, u in enumerate(unit_of_sheet[unit_starts].tolist()) for g in range(width)
    }
    return [
        (units[k // width][0], names[k % width], sheets_of[k // width, k % width], *figures)
        for k, *figures in zip(
            unit_group[order][starts].tolist(),
            np.add.reduceat(pools.count[order], starts).tolist(),
            np.add.reduceat(pools.total[order], starts).tolist(),
            np.add.reduceat(squares[order], starts).tolist(),
            np.minimum.reduceat(pools.scores[pools.starts][order], starts).tolist(),
            np.maximum.reduceat(pools.scores[ends - 1][order], starts).tolist(),
            strict=True,
        )
    ]


def _sealed_by_unit(period: Period) -> Iterable[tuple[int, list[bytes]]]:
    """The period's sealed tokens, unit by unit, streamed. On PostgreSQL through a server-side
    cursor in binary format: tokens arrive as bytes instead of hex text (half the volume, and no
    encoding on the server nor decoding here)."""
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        table = connection.ops.quote_name(SealedSheet._meta.db_table)
        with connection.connection.cursor(name="ballot_box_opening", binary=True) as cursor:
            cursor.itersize = 2000
            cursor.execute(f"SELECT unit_id, sealed FROM {table} WHERE period_id = %s ORDER BY unit_id", [period.pk])  # noqa: S608
            yield from _by_unit(cursor)
        return
    sealed = SealedSheet.objects.filter(period=period).order_by("unit_id").values_list("unit_id", "sealed")
    yield from _by_unit(sealed.iterator(chunk_size=2000))


def _by_unit(rows: Iterable[tuple[int, bytes | memoryview]]) -> Iterator[tuple[int, list[bytes]]]:
    current = 0  # any start: a unit is only yielded once it holds tokens
    tokens: list[bytes] = []
    for unit_id, token in rows:
        if unit_id != current and tokens:
            yield current, tokens
            tokens = []
        current = unit_id
        tokens.append(bytes(token))
    if tokens:
        yield current, tokens


class _RowBuffer:
    """Opened rows waiting to be written: a few big COPYs instead of four statements per unit."""

    LIMIT = 100_000  # rows
    TABLES = (
        (RateeScores, ["ratee_id", "rater_group", "scores"], "scores"),
        (DemocraticScore, ["ratee_id", "rater_group", *(d.value for d in DIMENSIONS)], "democratic"),
        (ProblemTick, ["unit_id", "ratee_id", "item"], "ticks"),
        (SheetQuality, ["unit_id", "mean_score", "deviation", "is_flat", "is_outlier"], "quality"),
    )

    def __init__(self, period_id: int, clock: _Clock | None = None):
        self.period_id = period_id
        self.clock = clock or _Clock(None)
        self.rows: dict[str, list[Sequence[object]]] = {attr: [] for _m, _c, attr in self.TABLES}
        self.size = 0
        # A score list as the database reads it: an array literal (COPY text) or JSON (SQLite).
        self.brackets = "{}" if connection.vendor == "postgresql" else "[]"

    def extend(self, **rows: Sequence[Sequence[object]]) -> None:
        """Rows for the tables, by name (scores, democratic, ticks, quality)."""
        for attr, new in rows.items():
            self.rows[attr] += new
            self.size += len(new)
        if self.size >= self.LIMIT:
            self.flush()

    def flush(self) -> None:
        self.clock("open_unit")
        for model, columns, attr in self.TABLES:
            insert_rows(model, ["period_id", *columns], self.rows[attr], constant=(self.period_id,))
            self.rows[attr] = []
        self.size = 0
        self.clock("insert_rows")


def insert_rows(
    model: type[Model],
    columns: list[str],
    rows: Iterable[Sequence[object]],
    *,
    random_ids: bool = True,
    constant: tuple[object, ...] = (),
) -> list[str]:
    """Insert rows in the order given (COPY on PostgreSQL), each under a fresh random id unless the
    table numbers its own rows; `constant` values lead every row. Values go in as the database
    takes them: ids as hex, JSON as text, times as aware datetimes. Returns the ids."""
    rows = list(rows)
    if not rows:
        return []
    ids = _new_ids(len(rows)) if random_ids else []
    names = ", ".join(connection.ops.quote_name(c) for c in (["id"] if ids else []) + columns)
    table = connection.ops.quote_name(model._meta.db_table)
    head = [ids] if ids else []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            text = _copy_text(ids, constant, rows)
            if text is not None:
                copy.write(text)
            else:
                for i, row in enumerate(rows):
                    copy.write_row((*(ids[i : i + 1]), *constant, *row))
        return ids
    marks = ", ".join(["%s"] * (len(columns) + len(head)))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
            [[_for_sqlite(v) for v in (*(ids[i : i + 1]), *constant, *row)] for i, row in enumerate(rows)],
        )
    return ids


# Values whose COPY text this module writes itself (anything else goes through psycopg's writer).
_COPY_TYPES = (type(None), bool, int, Decimal, str, date, datetime, UUID)
_COPY_KINDS = frozenset(_COPY_TYPES)  # exact types: a subclass (an enum member, say) goes to psycopg
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: object) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, date):  # datetimes too: ISO 8601, with the offset when aware
        return value.isoformat()
    return str(value)


def _copy_column(values: list[Any]) -> list[str]:
    """One column of values in COPY's text format, the common kinds of column in one go each."""
    kinds = set(map(type, values))
    if kinds <= {int, Decimal}:
        return list(map(str, values))
    if kinds == {str} and not _COPY_SPECIAL.search("".join(values)):
        return list(values)
    if kinds <= {type(None), bool, date, datetime}:  # few distinct values: each written once
        text = {value: _copy_value(value) for value in set(values)}
        return list(map(text.__getitem__, values))
    return list(map(_copy_value, values))


def _copy_text(ids: list[str], constant: tuple[object, ...], rows: list[Sequence[object]]) -> str | None:
    """COPY's text format written directly, column by column: a million rows in a second
    instead of ten through psycopg's row writer. None when a value is of a kind it does not write."""
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        raise ValueError("rows of different lengths")
    # Column by column (zip(*rows) takes one argument per row: slow for a million rows).
    values = [list(map(itemgetter(i), rows)) for i in range(width)]
    if not all(isinstance(v, _COPY_TYPES) for v in constant) or not all(
        kind in _COPY_KINDS for column in values for kind in set(map(type, column))
    ):
        return None
    columns = [[_copy_value(v)] * len(rows) for v in constant]
    columns += [_copy_column(column) for column in values]
    if ids:
        columns.insert(0, ids)
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


def _for_sqlite(value: Any) -> Any:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


AUDIT_COLUMNS = [
    "content_type_id",
    "object_pk",
    "object_repr",
    "action",
    "changes_text",
    "changes",
    "actor_id",
    "timestamp",
    "additional_data",
]


def _rewrite_submissions(period: Period, rng: Shuffle) -> None:
    """Write the period's submission and paper records again, in random order, and audit the
    submissions by day: after the close nothing orders them."""
    papers = list(PaperSheet.objects.filter(period=period).values_list("unit_id", "number"))
    rng.shuffle(papers)
    PaperSheet.objects.filter(period=period)._raw_delete(connection.alias)
    insert_rows(PaperSheet, ["period_id", "unit_id", "number"], ((period.pk, u, n) for u, n in papers))
    if connection.vendor == "postgresql":
        _rewrite_submissions_in_database(period)
        return
    submissions = _take_submissions(period)
    rng.shuffle(submissions)
    ids = insert_rows(SheetSubmission, ["assignment_id", "submitted_on"], ((a, d) for a, d, *_r in submissions))
    content_type = ContentType.objects.get_for_model(SheetSubmission)
    title = period.title
    date_only = json.dumps({"date_only": True})
    by_day = _audit_days({s[1] for s in submissions})
    insert_rows(
        LogEntry,
        AUDIT_COLUMNS,
        (
            (
                content_type.pk,
                _uuid_text(object_id),
                f"{name} → {unit_name}（{title}）",
                int(LogEntry.Action.CREATE),
                "",
                by_day[day][0],
                user_id,
                by_day[day][1],
                date_only,
            )
            for object_id, (_a, day, user_id, name, unit_name) in zip(ids, submissions, strict=True)
        ),
        random_ids=False,
    )


def _audit_days(days: Iterable[date | None]) -> dict[date | None, tuple[str, datetime]]:
    """What a submission's audit entry says for each day: its change, and its time (the day's
    midnight, never the time of the submission: the trail must not order submissions)."""
    today = timezone.localdate()
    return {
        day: (
            json.dumps({"submitted_on": ["None", day.isoformat() if day else "—"]}),
            timezone.make_aware(datetime.combine(day or today, time.min)),
        )
        for day in days
    }


def _rewrite_submissions_in_database(period: Period) -> None:
    """PostgreSQL: the period's submission records taken out and written back in random order,
    with their audit entries in that order, by one statement that never leaves the server.

    The order is that of fresh random ids (gen_random_uuid(): 122 bits from pg_strong_random, the
    server's cryptographic source), which become the records' keys; rows are written in ascending
    key order, as insert_rows writes them, and the audit entries (their ids numbered as they are
    written) follow the same order."""
    submission, assignment = SheetSubmission._meta.db_table, SheetAssignment._meta.db_table
    cadre, unit, audit = Cadre._meta.db_table, Unit._meta.db_table, LogEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT s.submitted_on FROM {submission} s JOIN {assignment} a ON a.id = s.assignment_id "  # noqa: S608
            "WHERE a.period_id = %s",
            [period.pk],
        )
        days = _audit_days(day for (day,) in cursor.fetchall())
        if not days:
            return
        # A day as text ("infinity" for a record without one), to join on.
        keys = [day.isoformat() if day else "infinity" for day in days]
        columns = ", ".join(connection.ops.quote_name(c) for c in AUDIT_COLUMNS)
        cursor.execute(
            f"""WITH taken AS (
                    DELETE FROM {submission} s USING {assignment} a
                    WHERE s.assignment_id = a.id AND a.period_id = %(period)s
                    RETURNING s.assignment_id, s.submitted_on, a.rater_id, a.unit_id
                ), written AS (
                    INSERT INTO {submission} (id, assignment_id, submitted_on)
                    SELECT gen_random_uuid() AS id, assignment_id, submitted_on FROM taken ORDER BY id
                    RETURNING id, assignment_id
                ), audited AS (
                    SELECT w.id, c.user_id, c.name AS rater, u.name AS unit, d.changes, d.stamp
                    FROM written w
                    JOIN taken t ON t.assignment_id = w.assignment_id
                    JOIN {cadre} c ON c.id = t.rater_id
                    JOIN {unit} u ON u.id = t.unit_id
                    JOIN unnest(%(days)s::date[], %(changes)s::jsonb[], %(stamps)s::timestamptz[])
                        AS d(day, changes, stamp) ON d.day = coalesce(t.submitted_on, 'infinity'::date)
                    ORDER BY w.id
                )
                INSERT INTO {audit} ({columns})
                SELECT %(content_type)s, a.id::text, a.rater || ' → ' || a.unit || %(title)s, %(action)s, '',
                       a.changes, a.user_id, a.stamp, %(date_only)s::jsonb
                FROM audited a ORDER BY a.id""",  # noqa: S608
            {
                "period": period.pk,
                "days": keys,
                "changes": [changes for changes, _stamp in days.values()],
                "stamps": [stamp for _changes, stamp in days.values()],
                "content_type": ContentType.objects.get_for_model(SheetSubmission).pk,
                "title": f"（{period.title}）",
                "action": int(LogEntry.Action.CREATE),
                "date_only": json.dumps({"date_only": True}),
            },
        )


def _uuid_text(hex_id: str) -> str:
    """A UUID's canonical text from its 32 lower-case hex digits (what str(UUID(hex=…)) gives)."""
    return f"{hex_id[:8]}-{hex_id[8:12]}-{hex_id[12:16]}-{hex_id[16:20]}-{hex_id[20:]}"


def _take_submissions(period: Period) -> list[tuple[int, date | None, int | None, str, str]]:
    """Delete the period's submission records and return them with what their audit entries say:
    (assignment, day, the rater's user, the rater's name, the unit's name). Not PostgreSQL's way
    (_rewrite_submissions_in_database)."""
    fields = ("assignment_id", "submitted_on", "assignment__rater__user_id", "assignment__rater__name")
    records = SheetSubmission.objects.filter(assignment__period=period)
    submissions: list[tuple[int, date | None, int | None, str, str]] = list(
        records.values_list(*fields, "assignment__unit__name")
    )
    records._raw_delete(connection.alias)
    return submissions


def box_sweep(*, everything: bool = False) -> bool:
    """Rewrite the tables that held sealed sheets, drafts or ordered records, so deleted rows leave
    no trace in the database files, and mark the openings swept. Runs after an opening commits,
    and hourly while an opening is not swept.

    VACUUM FULL must keep a deleted row that an older transaction might still see (a long report,
    a pg_dump running): it says so, and then the opening stays unswept and is tried again.
    SQLite needs none of this: it zeroes deleted rows (secure_delete, config/settings.py)."""
    if not vacuum_tables(SWEPT + (OPENED if everything else ())):
        return False
    BoxOpening.objects.filter(swept_at__isnull=True).update(swept_at=timezone.now())
    return True


def vacuum_tables(models: Sequence[type[Model]]) -> bool:
    """VACUUM FULL the tables of `models` (PostgreSQL; nothing to do on SQLite). False when it could
    not run (inside a transaction, a lock) or when an older transaction keeps deleted rows."""
    if connection.vendor == "postgresql":
        if connection.in_atomic_block:
            return False
        kept: list[tuple[str, int]] = []
        notices: list[str] = []
        connection.ensure_connection()
        raw = connection.connection

        def handler(diagnostic: Any) -> None:
            notices.append(diagnostic.message_detail or "")

        raw.add_notice_handler(handler)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '60s'")
                try:
                    for model in models:
                        notices.clear()
                        cursor.execute(f"VACUUM (FULL, VERBOSE) {connection.ops.quote_name(model._meta.db_table)}")
                        kept += [(model._meta.db_table, n) for n in _still_dead(notices)]
                finally:
                    cursor.execute("SET lock_timeout = DEFAULT")
        except DatabaseError:
            logger.exception("ballot box: could not vacuum the sealed tables; it is tried again every hour")
            return False
        finally:
            raw.remove_notice_handler(handler)
        if kept:
            logger.warning("ballot box: deleted rows kept for older transactions, tried again every hour: %s", kept)
            return False
    return True


def _still_dead(notices: list[str]) -> list[int]:
    """VACUUM VERBOSE's "N dead row versions cannot be removed yet" counts, where N > 0."""
    counts = [int(m.group(1)) for text in notices for m in STILL_DEAD.finditer(text)]
    return [n for n in counts if n]
