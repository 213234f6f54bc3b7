"""A database administrator's attack on the ballot box, runnable on PostgreSQL and on SQLite.

The story: one unit of 39 cadres, everyone rates everyone else, each sheet submitted in its own
transaction in a random order, one rater saving a draft first. Scores are chosen so the test knows
the truth an attacker is after: rater i gives ratee j the score 50 + (i + j) mod 39, so a score row
(ratee, score) names its rater, and each sheet's mean is different, so a quality row names its
rater too. The attacker has everything a DBA has: every table with its system columns (PostgreSQL
ctid and xmin, SQLite rowid), a pg_dump, and the database files on disk. He tries to pair what
the box left (scores, quality rows) with who submitted (submission records, the audit trail) by
physical order, by transaction id, by composition and by time.

Statistics (each must look like chance):
- matches: pairing the i-th quality row with the i-th submission record, in storage order, gives
  how many right pairs; for a random order that is Poisson(1): P(≥ 7) ≈ 8·10⁻⁵.
- tau: Kendall's tau between the storage order of a table's rows and the true submission order of
  their raters; for n = 39 its standard deviation is 0.11, so |tau| ≥ 0.5 has p ≈ 10⁻⁵.
- adjacent: of the scores next to each other in storage (row by row, each row's list in its
  stored order), how many come from the same sheet; about 37 of 1,481 if scores were stored one
  per row in random order, about 1,440 if they were stored sheet by sheet. A row holds one
  ratee's scores from one rater group, and a sheet gives each ratee one score, so neighbours from
  one sheet can only meet across two rows: a handful at most.
- rho: Spearman's correlation between a score's storage position and its sheet's submission
  index; chance gives |rho| ≈ 0.03.
Run as a script (`python -m tests.ballot_box_attack`) it builds the story in the database that
DATABASE_URL names, after migrating it, and prints the statistics as JSON.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

RATERS = 39
BASE = 50


def score(rater: int, ratee: int) -> int:
    return BASE + (rater + ratee) % RATERS


def sheet_mean(rater: int) -> Decimal:
    values = [score(rater, j) for j in range(RATERS) if j != rater]
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Scenario:
    period_id: int
    index_of: dict[int, int]  # cadre id → i (the score formula's index)
    order: list[int]  # cadre ids in submission order
    tokens: list[bytes] = field(default_factory=list)  # the sealed sheets just before the close
    draft_tokens: list[bytes] = field(default_factory=list)
    pre_close_dump: str = ""
    control_tau: float = 0.0
    control_files: int = 0


def build(*, seed: int = 7, dump_before_close: bool = False) -> Scenario:
    from cadres.models import Cadre, RankLevel, Unit, UnitCategory, UnitRole
    from evaluations.inputs import SheetInput
    from evaluations.lines import sheet_lines
    from evaluations.models import PeriodKind, SealedSheet, SheetAssignment, SheetDraft
    from evaluations.services import ballots, periods

    staff_rank, _created = RankLevel.objects.get_or_create(name="一般干部", defaults={"sort_order": 30})
    unit = Unit.objects.create(name="攻击测试局", category=UnitCategory.DISTRICT_DEPARTMENT)
    cadres = [
        Cadre.objects.create(
            code=f"A{i:03d}",
            name=f"评价人{i}",
            gender="M",
            birth_date=date(1980, 1, 1),
            rank=staff_rank,
            unit=unit,
            role=UnitRole.MAIN_LEADER if i == 0 else UnitRole.STAFF,
            records_from=date(2026, 1, 1),
        )
        for i in range(RATERS)
    ]
    index_of = {c.pk: i for i, c in enumerate(cadres)}
    period = periods.period_create(kind=PeriodKind.QUARTERLY, year=2026, quarter=1)
    periods.period_open(period=period, as_of=date(2026, 3, 28))
    order = [c.pk for c in cadres]
    random.Random(seed).shuffle(order)
    scenario = Scenario(period.pk, index_of, order)
    drafted = False
    for cadre_id in order:
        sheet = SheetAssignment.objects.get(period=period, rater_id=cadre_id)
        i = index_of[cadre_id]
        scores = {line.ratee_id: score(i, index_of[line.ratee_id]) for line in sheet_lines(sheet)}
        if not drafted:  # one rater saves a draft first, with what they later submit
            ballots.sheet_save_draft(assignment_id=sheet.pk, rater=sheet.rater, data=SheetInput(scores=scores))
            scenario.draft_tokens.append(bytes(SheetDraft.objects.get(assignment=sheet).sealed))
            drafted = True
        ballots.sheet_submit(assignment_id=sheet.pk, rater=sheet.rater, data=SheetInput(scores=scores))
    scenario.tokens = [bytes(t) for t in SealedSheet.objects.filter(period=period).values_list("sealed", flat=True)]
    # The control: before the close, submission records do sit in submission order, and the
    # statistic sees it. After the box opens, nothing may.
    rank_of = {cadre_id: k for k, cadre_id in enumerate(order)}
    rater_of = dict(SheetAssignment.objects.filter(period=period).values_list("pk", "rater_id"))
    stored = storage_rows(evaluations_model("SheetSubmission"), ["assignment_id"])
    scenario.control_tau = kendall_tau([rank_of[rater_of[a]] for _p, _x, a in stored])
    scenario.control_files = tokens_in_files(scenario.tokens)
    if dump_before_close:
        scenario.pre_close_dump = pg_dump([SealedSheet])
    return scenario


def close_and_open(scenario: Scenario) -> None:
    from evaluations.models import Period
    from evaluations.services import periods, scoring
    from evaluations.services.box import box_sweep

    run = periods.period_close(period=Period.objects.get(pk=scenario.period_id))
    scoring.computation_execute(run_id=run.pk)  # opens the box; the sweep runs after the commit
    # A transaction anywhere on the server that is older than the deletions keeps the dead rows
    # (VACUUM FULL says so and the opening stays unswept); the hourly job tries again, as here.
    deadline = time.monotonic() + 120
    while not box_sweep() and time.monotonic() < deadline:
        time.sleep(1)


def evaluations_model(name: str):
    from django.apps import apps

    return apps.get_model("evaluations", name)


# --- What the DBA reads ------------------------------------------------------------------------


def storage_rows(model, columns: list[str]) -> list[tuple]:
    """(storage position, transaction id or None, *columns) in the order the rows sit on disk."""
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT ctid::text, xmin::text::bigint, {names} FROM {table}")  # noqa: S608
            rows = cursor.fetchall()
            return sorted(rows, key=lambda r: tuple(int(x) for x in r[0].strip("()").split(",")))
        cursor.execute(f"SELECT rowid, NULL, {names} FROM {table} ORDER BY rowid")  # noqa: S608
        return cursor.fetchall()


def pg_dump(models_: list) -> str:
    from django.db import connection

    settings = connection.settings_dict
    command = ["pg_dump", "--data-only", "-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432)]
    command += ["-U", settings["USER"] or "postgres"]
    for model in models_:
        command += ["-t", model._meta.db_table]
    command.append(settings["NAME"])
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=120).stdout


def dump_rows(dump: str, model) -> list[dict[str, str]]:
    """The rows of one table's COPY block, in the order pg_dump wrote them."""
    table = model._meta.db_table
    rows, columns = [], None
    for line in dump.splitlines():
        if line.startswith(f"COPY public.{table} "):
            columns = [c.strip().strip('"') for c in line.split("(", 1)[1].split(")", 1)[0].split(",")]
        elif columns is not None and line == "\\.":
            break
        elif columns is not None:
            rows.append(dict(zip(columns, line.split("\t"), strict=True)))
    return rows


def database_files() -> list[Path]:
    """Every file of this database, after a checkpoint (PostgreSQL), or the SQLite file and journals."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
            cursor.execute("SHOW data_directory")
            data = Path(cursor.fetchone()[0])
            cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
            folder = data / "base" / str(cursor.fetchone()[0])
        return [p for p in folder.iterdir() if p.is_file()]
    name = Path(connection.settings_dict["NAME"])
    return [p for p in (name, Path(f"{name}-journal"), Path(f"{name}-wal")) if p.exists()]


# --- Statistics --------------------------------------------------------------------------------


def kendall_tau(values: list[float]) -> float:
    """Kendall's tau between the list's order and its values (no ties in our use)."""
    n = len(values)
    if n < 2:
        return 0.0
    concordant = sum(
        (1 if values[j] > values[i] else -1) for i in range(n) for j in range(i + 1, n) if values[i] != values[j]
    )
    return concordant / (n * (n - 1) / 2)


def spearman(values: list[float]) -> float:
    n = len(values)
    ranked = sorted(range(n), key=lambda k: values[k])
    rank = [0.0] * n
    for position, k in enumerate(ranked):
        rank[k] = position
    mean = (n - 1) / 2
    numerator = sum((i - mean) * (rank[i] - mean) for i in range(n))
    denominator = sum((i - mean) ** 2 for i in range(n))
    return numerator / denominator


def attack(scenario: Scenario) -> dict:
    from auditlog.models import LogEntry
    from django.db import connection
    from django.utils import timezone

    from evaluations.sealing import receipt_code

    score_model, quality_model = evaluations_model("RateeScores"), evaluations_model("SheetQuality")
    submission_model = evaluations_model("SheetSubmission")
    rank_of = {cadre_id: k for k, cadre_id in enumerate(scenario.order)}  # submission index
    cadre_of_index = {i: c for c, i in scenario.index_of.items()}
    rater_of_mean = {sheet_mean(i): cadre_of_index[i] for i in range(RATERS)}
    assert len(rater_of_mean) == RATERS  # every sheet's mean is its own: the truth is known

    # Each row holds a ratee's scores from one rater group as a list: read one score after the
    # other, rows in storage order and each list in its stored order.
    scores = [
        (position, xmin, ratee, value)
        for position, xmin, ratee, values in storage_rows(score_model, ["ratee_id", "scores"])
        for value in (json.loads(values) if isinstance(values, str) else values)
    ]
    score_raters = [cadre_of_index[(s - BASE - scenario.index_of[r]) % RATERS] for _p, _x, r, s in scores]
    quality = storage_rows(quality_model, ["mean_score"])
    quality_raters = [rater_of_mean[Decimal(str(m)).quantize(Decimal("0.01"))] for _p, _x, m in quality]
    submissions = storage_rows(submission_model, ["assignment_id"])
    assignment_rater = dict(
        evaluations_model("SheetAssignment").objects.filter(period_id=scenario.period_id).values_list("pk", "rater_id")
    )
    submission_raters = [assignment_rater[a] for _p, _x, a in submissions]
    entries = list(LogEntry.objects.filter(content_type__model="sheetsubmission").order_by("pk"))
    name_of = {f"评价人{i}": c for c, i in scenario.index_of.items()}
    audit_raters = [name_of[e.object_repr.split(" → ")[0]] for e in entries]

    adjacent = sum(1 for a, b in itertools.pairwise(score_raters) if a == b)
    result = {
        "control_tau_submissions_before_close": scenario.control_tau,
        "control_tokens_in_files_before_close": scenario.control_files,
        "sheets": len(quality),
        "scores": len(scores),
        "matches_by_storage_order": sum(1 for q, s in zip(quality_raters, submission_raters, strict=True) if q == s),
        "tau_quality_storage": kendall_tau([rank_of[c] for c in quality_raters]),
        "tau_submission_storage": kendall_tau([rank_of[c] for c in submission_raters]),
        "tau_audit_trail": kendall_tau([rank_of[c] for c in audit_raters]),
        "adjacent_same_sheet": adjacent,
        "adjacent_by_chance": RATERS - 2,  # (n − 1) pairs × (38 − 1) / (n − 1)
        "rho_scores_storage": spearman([rank_of[c] for c in score_raters]),
        "audit_entries": len(audit_raters),
        "audit_times": sorted({str(timezone.localtime(e.timestamp).time()) for e in entries}),
        "sealed_left": evaluations_model("SealedSheet").objects.filter(period_id=scenario.period_id).count(),
        "drafts_left": evaluations_model("SheetDraft").objects.count(),
    }
    result["swept"] = evaluations_model("BoxOpening").objects.get(period_id=scenario.period_id).swept_at is not None
    if connection.vendor == "postgresql":
        if not result["swept"]:  # who held the tables: other sessions and what they were doing
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid, state, backend_type, left(query, 120) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                result["other_sessions"] = cursor.fetchall()
        result["xmins"] = {
            "scores": len({x for _p, x, *_r in scores}),
            "quality": len({x for _p, x, *_r in quality}),
            "submissions": len({x for _p, x, *_r in submissions}),
        }
        dump = pg_dump([score_model, quality_model, submission_model, evaluations_model("SealedSheet")])
        dumped_means = [Decimal(row["mean_score"]) for row in dump_rows(dump, quality_model)]
        result["tau_quality_dump"] = kendall_tau([rank_of[rater_of_mean[m]] for m in dumped_means])
        result["sealed_in_dump"] = len(dump_rows(dump, evaluations_model("SealedSheet")))
        if scenario.pre_close_dump:
            receipts = {receipt_code(t): None for t in scenario.tokens}
            pre = dump_rows(scenario.pre_close_dump, evaluations_model("SealedSheet"))
            # Who submitted each sealed row, read with the key the test holds: its receipt.
            receipt_rater = _receipt_raters(scenario)
            tokens = [bytes.fromhex(row["sealed"].removeprefix("\\\\x")) for row in pre]
            assert {receipt_code(t) for t in tokens} == set(receipts)
            result["tau_sealed_dump_before_close"] = kendall_tau(
                [rank_of[receipt_rater[receipt_code(t)]] for t in tokens]
            )
            result["sealed_dumped_before_close"] = len(tokens)
    result["tokens_in_files"] = tokens_in_files(scenario.tokens + scenario.draft_tokens)
    if result["tokens_in_files"]:
        result["files_with_tokens"] = files_with(scenario.tokens + scenario.draft_tokens)
    return result


def files_with(tokens: list[bytes]) -> list[str]:
    """Which files hold a token, named by their relation where the database knows it."""
    from django.db import connection

    names = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT relfilenode::text, relname FROM pg_class")
            names = dict(cursor.fetchall())
    found = []
    for path in database_files():
        content = path.read_bytes()
        if any(t[-32:] in content for t in tokens):
            found.append(f"{path.name} ({names.get(path.name.split('.')[0].split('_')[0], '?')}, {len(content)} bytes)")
    return found


def tokens_in_files(tokens: list[bytes]) -> int:
    """How many of the tokens appear anywhere in the database's files (their last 32 bytes)."""
    contents = [f.read_bytes() for f in database_files()]
    return sum(1 for t in tokens if any(t[-32:] in content for content in contents))


def _receipt_raters(scenario: Scenario) -> dict[str, int]:
    """The test's own knowledge: which rater's sheet each sealed token is (by decrypting it)."""
    from evaluations.models import SealedSheet
    from evaluations.sealing import receipt_code, unseal

    period = scenario.period_id
    cadre_of_index = {i: c for c, i in scenario.index_of.items()}
    unit = evaluations_model("SheetAssignment").objects.filter(period_id=period).values_list("unit_id", flat=True)[0]
    owner = {}
    for token in scenario.tokens:
        sheet = unseal(token, context=SealedSheet.context(period, unit))
        ratee, _group, value = sheet["scores"][0]
        owner[receipt_code(token)] = cadre_of_index[(value - BASE - scenario.index_of[ratee]) % RATERS]
    return owner


def main() -> None:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    call_command("migrate", verbosity=0)
    scenario = build()
    close_and_open(scenario)
    print(json.dumps(attack(scenario), default=str))  # noqa: T201


if __name__ == "__main__":
    main()
