"""The ballot box (rules.md §4, SECURITY.md): sheets wait sealed until the period closes, then are
opened in one batch and stored so that nothing ties a score to a sheet, or a sheet to a rater.

Sealing. A submitted sheet is encrypted under the ballot key (sealing.py) into a SealedSheet row
of its unit. Each time, the unit's sealed rows are taken out and written back with fresh random
keys in a fresh random order (the operating system's CSPRNG), so neither a row's key, nor its place in the
table or a dump, nor its transaction id tells which submission it was: all of a unit's rows carry
the id of the latest transaction. The rater is given the receipt of the token (a hash of it).

Opening, when the period is computed (inside the computation's transaction):
1. every sealed sheet is decrypted and checked against its period and unit;
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
After the commit the tables that held sealed or ordered rows are rewritten (PostgreSQL VACUUM
FULL) so the deleted rows do not linger in the files; SQLite zeroes deleted rows (secure_delete).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from math import lcm
from operator import itemgetter, mul
from time import perf_counter
from typing import Any
from uuid import UUID

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cadres.models import Cadre, Unit

from .. import rules
from ..models import (
    DIMENSIONS,
    BoxOpening,
    DemocraticScore,
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
from ..sealing import receipt_code, seal, unseal

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

    def shuffle(self, rows: list) -> None:
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
    ids = os.urandom(16 * count).hex()
    return sorted(ids[32 * i : 32 * i + 32] for i in range(count))


def sheet_payload(
    *,
    source: str,
    groups: Mapping[int, str],
    scores: Mapping[int, int] | None = None,
    dimensions: Mapping[int, Mapping[str, int]] | None = None,
    problems: Mapping[int, Sequence[str]] | None = None,
    team_problems: Sequence[str] = (),
) -> dict:
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


def box_seal(*, period: Period, unit: Unit, payload: dict) -> str:
    """Put a sheet in the box and return its receipt. Must run inside the submitting transaction."""
    token = seal(payload, context=SealedSheet.context(period.pk, unit.pk))
    sealed_rows_reseal(model=SealedSheet, where={"period_id": period.pk, "unit_id": unit.pk}, token=token)
    return receipt_code(token)


# --- Any box of sealed rows (also selection's anonymous votes) ---------------------------------


def sealed_rows_reseal(*, model: type, where: Mapping[str, int], token: bytes) -> None:
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
    model.objects.bulk_create(model(**where, sealed=t) for t in tokens)


def draft_seal(*, assignment_id: int, data: dict) -> bytes:
    return seal(data, context=SheetDraft.context(assignment_id))


# --- Opening ------------------------------------------------------------------------------------


@dataclass
class _UnitBox:
    """One unit's opened sheets, ready to be written."""

    scores: list[tuple[int, str, list[int]]]  # (ratee, group, its scores sorted), by ratee and group
    democratic: list[list]  # [ratee, group, 德, 能, 勤, 绩, 廉]
    ticks: list[Sequence]  # [ratee or None for the team, item]
    quality: list[tuple[Decimal, Decimal | None, bool, bool]]
    sheets: int
    spreads: dict[str, dict[str, int]]


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
    tallies: list[tuple] = []
    spreads: list[tuple] = []
    rows = _RowBuffer(period.pk, clock)
    # One pass over the box in unit order (one query, streamed): each unit is opened, shuffled and
    # buffered by itself, so memory holds one unit's sheets and a bounded buffer of rows.
    clock("start")
    with _without_cycle_collector():
        for unit_id, tokens in _sealed_by_unit(period):
            clock("read_sealed")
            receipts += [receipt_code(t) for t in tokens]
            context = SealedSheet.context(period.pk, unit_id)
            sheets = [unseal(t, context=context) for t in tokens]
            clock("unseal")
            opened = _open_unit(sheets, table[categories[unit_id]], rng)
            clock("open_unit")
            rows.add(unit_id, opened)
            tallies.append((unit_id, opened.sheets))
            spreads += [
                (unit_id, group, *(figures[c] for c in SPREAD_COLUMNS[2:])) for group, figures in opened.spreads.items()
            ]
            clock("open_unit")
        rows.flush()
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


def _open_unit(sheets: list[dict], settings: Any, rng: Shuffle) -> _UnitBox:
    """Pool a unit's scores per ratee and rater group, compute each quarterly sheet's quality, and
    shuffle the rows that are still one per sheet or per tick."""
    pooled: defaultdict[tuple[int, str], list[int]] = defaultdict(list)
    groups_on_sheets: dict[str, int] = defaultdict(int)
    scored: list[list] = []
    democratic: list[list] = []
    ticks: list[Sequence] = []
    for sheet in sheets:
        rows = sheet["scores"]  # [ratee, group, score] lists
        if rows:
            scored.append(rows)
            for ratee, group, score in rows:
                pooled[ratee, group].append(score)
            for group in {row[1] for row in rows}:
                groups_on_sheets[group] += 1
        democratic += sheet["dimensions"]
        ticks += sheet["problems"]
        ticks += [(None, item) for item in sheet["team_problems"]]
    totals = {key: (sum(values), len(values)) for key, values in pooled.items()}
    quality = [_quality(rows, totals, settings) for rows in scored]
    spreads: dict[str, dict[str, int]] = {}
    scores: list[tuple[int, str, list[int]]] = []
    for (ratee, group), values in sorted(pooled.items()):
        values.sort()  # the list keeps no order of sheets: the same whoever gave which score
        scores.append((ratee, group, values))
        figures = spreads.get(group)
        if figures is None:
            figures = spreads[group] = {
                "sheets": groups_on_sheets[group], "scores": 0, "total": 0, "squares": 0,
                "low": values[0], "high": values[-1],
            }  # fmt: skip
        figures["scores"] += len(values)
        figures["total"] += totals[(ratee, group)][0]
        figures["squares"] += sum(map(mul, values, values))
        figures["low"] = min(figures["low"], values[0])
        figures["high"] = max(figures["high"], values[-1])
    for rows in (democratic, ticks, quality):
        rng.shuffle(rows)
    # Then grouped by ratee and rater group, keeping the random order inside each group (a stable
    # sort): the index on (period, ratee, group) fills in order.
    democratic.sort(key=_by_ratee)
    return _UnitBox(scores, democratic, ticks, quality, len(sheets), spreads)


_by_ratee = itemgetter(0, 1)  # a row's ratee and rater group
_score = itemgetter(2)


def _quality(rows: list, totals: Mapping[tuple[int, str], tuple[int, int]], settings: Any) -> tuple:
    """Mean, and mean distance from the leave-one-out consensus of groups with 3 raters or more.

    A score's distance from the others' mean is |score − (total − score)/(count − 1)|, that is
    |score·count − total| / (count − 1): integer numerators summed per denominator, then one exact
    quotient per sheet."""
    values = list(map(_score, rows))
    numerators: dict[int, int] = defaultdict(int)
    terms = 0
    for (total, count), score in zip(map(totals.__getitem__, map(_by_ratee, rows)), values, strict=True):
        if count >= 3:
            numerators[count - 1] += abs(score * count - total)
            terms += 1
    deviation = None
    if terms:
        # Σ n_d / d over one common denominator: the same exact value as a sum of fractions
        # (and so the same correctly rounded quotient), without a Fraction per term.
        common = lcm(*numerators)
        deviation = Decimal(sum(n * (common // d) for d, n in numerators.items())) / Decimal(common * terms)
    return (
        half_up(Decimal(sum(values)) / len(values)),
        half_up(deviation) if deviation is not None else None,
        len(values) >= settings.quality_flat_min_scores and min(values) == max(values),
        deviation is not None and deviation >= Decimal(str(settings.quality_outlier_points)),
    )


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


def _by_unit(rows: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, list[bytes]]]:
    current, tokens = None, []
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

    LIMIT = 200_000
    TABLES = (
        (RateeScores, ["ratee_id", "rater_group", "scores"], "scores"),
        (DemocraticScore, ["ratee_id", "rater_group", *(d.value for d in DIMENSIONS)], "democratic"),
        (ProblemTick, ["unit_id", "ratee_id", "item"], "ticks"),
        (SheetQuality, ["unit_id", "mean_score", "deviation", "is_flat", "is_outlier"], "quality"),
    )

    def __init__(self, period_id: int, clock: _Clock | None = None):
        self.period_id = period_id
        self.clock = clock or _Clock(None)
        self.rows: dict[str, list[tuple]] = {attr: [] for _m, _c, attr in self.TABLES}
        self.size = 0
        # A score list as the database reads it: an array literal (COPY text) or JSON (SQLite).
        self.score_list = _array_literal if connection.vendor == "postgresql" else _json_list

    def add(self, unit_id: int, opened: _UnitBox) -> None:
        self.rows["scores"] += [(ratee, group, self.score_list(values)) for ratee, group, values in opened.scores]
        self.rows["democratic"] += opened.democratic
        self.rows["ticks"] += [(unit_id, *row) for row in opened.ticks]
        self.rows["quality"] += [(unit_id, *row) for row in opened.quality]
        self.size += sum(len(values) for _r, _g, values in opened.scores)
        self.size += len(opened.democratic) + len(opened.ticks) + len(opened.quality)
        if self.size >= self.LIMIT:
            self.flush()

    def flush(self) -> None:
        self.clock("open_unit")
        for model, columns, attr in self.TABLES:
            insert_rows(model, ["period_id", *columns], self.rows[attr], constant=(self.period_id,))
            self.rows[attr] = []
        self.size = 0
        self.clock("insert_rows")


def _array_literal(values: list[int]) -> str:
    return "{" + str(values)[1:-1].replace(" ", "") + "}"


def _json_list(values: list[int]) -> str:
    return str(values).replace(" ", "")


def insert_rows(
    model: type,
    columns: list[str],
    rows: Iterable[tuple],
    *,
    random_ids: bool = True,
    constant: tuple = (),
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


def _copy_value(value: Any) -> str:
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


def _copy_column(values: tuple) -> list[str]:
    """One column of values in COPY's text format, the common kinds of column in one go each."""
    kinds = set(map(type, values))
    if kinds <= {int, Decimal}:
        return list(map(str, values))
    if kinds == {str} and not _COPY_SPECIAL.search("".join(values)):
        return list(values)
    return list(map(_copy_value, values))


def _copy_text(ids: list[str], constant: tuple, rows: list[tuple]) -> str | None:
    """COPY's text format written directly, column by column: a million rows in a second
    instead of ten through psycopg's row writer. None when a value is of a kind it does not write."""
    values = list(zip(*rows, strict=True))
    if not all(isinstance(v, _COPY_TYPES) for v in constant) or not all(
        kind in _COPY_KINDS for column in values for kind in set(map(type, column))
    ):
        return None
    columns = [[_copy_value(v)] * len(rows) for v in constant]
    columns += [_copy_column(column) for column in values]
    if ids:
        columns.insert(0, ids)
    return "".join(f"{line}\n" for line in map("\t".join, zip(*columns, strict=True)))


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
    submissions = _take_submissions(period)
    papers = list(PaperSheet.objects.filter(period=period).values_list("unit_id", "number"))
    rng.shuffle(submissions)
    rng.shuffle(papers)
    PaperSheet.objects.filter(period=period)._raw_delete(connection.alias)
    ids = insert_rows(SheetSubmission, ["assignment_id", "submitted_on"], ((a, d) for a, d, *_r in submissions))
    insert_rows(PaperSheet, ["period_id", "unit_id", "number"], ((period.pk, u, n) for u, n in papers))
    content_type = ContentType.objects.get_for_model(SheetSubmission)
    today = timezone.localdate()
    title = period.title
    date_only = json.dumps({"date_only": True})
    by_day: dict[date | None, tuple[str, datetime]] = {}
    for day in {s[1] for s in submissions}:
        by_day[day] = (
            json.dumps({"submitted_on": ["None", day.isoformat() if day else "—"]}),
            # The day of the submission, never its time: the trail must not order submissions.
            timezone.make_aware(datetime.combine(day or today, time.min)),
        )
    insert_rows(
        LogEntry,
        AUDIT_COLUMNS,
        (
            (
                content_type.pk,
                str(UUID(hex=object_id)),
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


def _take_submissions(period: Period) -> list[tuple]:
    """Delete the period's submission records and return them with what their audit entries say:
    (assignment, day, the rater's user, the rater's name, the unit's name)."""
    fields = ("assignment_id", "submitted_on", "assignment__rater__user_id", "assignment__rater__name")
    records = SheetSubmission.objects.filter(assignment__period=period)
    if connection.vendor != "postgresql":
        submissions = list(records.values_list(*fields, "assignment__unit__name"))
        records._raw_delete(connection.alias)
        return submissions
    # One statement on PostgreSQL: the rows come back from the DELETE itself.
    submission, assignment = SheetSubmission._meta.db_table, SheetAssignment._meta.db_table
    cadre, unit = Cadre._meta.db_table, Unit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""DELETE FROM {submission} s USING {assignment} a, {cadre} c, {unit} u
                WHERE s.assignment_id = a.id AND a.period_id = %s AND c.id = a.rater_id AND u.id = a.unit_id
                RETURNING s.assignment_id, s.submitted_on, c.user_id, c.name, u.name""",  # noqa: S608
            [period.pk],
        )
        return cursor.fetchall()


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


def vacuum_tables(models: Sequence[type]) -> bool:
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
