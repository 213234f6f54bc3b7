"""The ballot box, step 2 of 4: existing ballots move to the new storage.

- Sheets of open periods are sealed into the box (one unit at a time, in random order).
- Sheets of closed periods count as opened: their scores get the period, lose the sheet (step 4)
  and are written again in random order; each period gets its tallies, spreads, quality rows
  and an opening record (without receipts: those sheets were submitted before receipts existed).
- Drafts are sealed. Submissions wait in a stash, with the day the audit trail recorded for each,
  and the audit entries with their exact times are removed (step 3 writes them again by day).

Rows deleted here stay in PostgreSQL's files until `manage.py sweep_ballot_box` rewrites the tables.
"""

import secrets
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import migrations
from django.db.models import Count
from django.utils import timezone

from evaluations.sealing import seal

DIMS = ("virtue", "ability", "diligence", "performance", "integrity")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def forward(apps, schema_editor):
    rng = secrets.SystemRandom()
    m = {name: apps.get_model("evaluations", name) for name in (
        "Period", "Sheet", "Score", "DemocraticScore", "ProblemTick", "SheetFlag", "SheetDraft", "SheetSubmission",
        "SealedSheet", "PaperSheet", "BoxOpening", "UnitSheetTally", "UnitGroupSpread", "SheetQuality",
        "SubmissionStash",
    )}
    for period in m["Period"].objects.exclude(state="draft"):
        if period.state == "open":
            _seal(m, period, rng)
        else:
            _open(m, period, rng)
    for draft in m["SheetDraft"].objects.all():
        draft.sealed = seal(draft.data or {}, context=f"draft:{draft.assignment_id}")
        draft.save(update_fields=["sealed"])
    _stash_submissions(apps, m, rng)


def _payloads(m, sheets) -> dict:
    payload = {s.pk: {"source": s.source, "scores": [], "dimensions": [], "problems": [], "team_problems": []}
               for s in sheets}
    for sheet_id, ratee, group, score in m["Score"].objects.filter(sheet__in=sheets).values_list(
        "sheet_id", "ratee_id", "rater_group", "score"
    ):
        payload[sheet_id]["scores"].append([ratee, group, score])
    for row in m["DemocraticScore"].objects.filter(sheet__in=sheets).values_list("sheet_id", "ratee_id", "rater_group", *DIMS):
        payload[row[0]]["dimensions"].append(list(row[1:]))
    for sheet_id, ratee, item in m["ProblemTick"].objects.filter(sheet__in=sheets).values_list("sheet_id", "ratee_id", "item"):
        if ratee is None:
            payload[sheet_id]["team_problems"].append(item)
        else:
            payload[sheet_id]["problems"].append([ratee, item])
    return payload


def _seal(m, period, rng) -> None:
    by_unit = defaultdict(list)
    for sheet in m["Sheet"].objects.filter(period=period):
        by_unit[sheet.unit_id].append(sheet)
    for unit_id, sheets in by_unit.items():
        payloads = _payloads(m, sheets)
        tokens = [seal(payloads[s.pk], context=f"sheet:{period.pk}:{unit_id}") for s in sheets]
        rng.shuffle(tokens)
        m["SealedSheet"].objects.bulk_create(m["SealedSheet"](period=period, unit_id=unit_id, sealed=t) for t in tokens)
        m["PaperSheet"].objects.bulk_create(
            m["PaperSheet"](period=period, unit_id=unit_id, number=s.paper_number) for s in sheets if s.paper_number
        )
    for name in ("Score", "DemocraticScore", "ProblemTick"):
        m[name].objects.filter(sheet__period=period).delete()


def _open(m, period, rng) -> None:
    sheets = m["Sheet"].objects.filter(period=period)
    tallies = list(sheets.values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))
    m["UnitSheetTally"].objects.bulk_create(m["UnitSheetTally"](period=period, unit_id=u, sheets=n) for u, n in tallies)
    spreads = defaultdict(lambda: {"sheets": set(), "scores": 0, "total": 0, "squares": 0, "low": 999, "high": 0})
    scores = []
    for sheet_id, unit_id, ratee, group, score in m["Score"].objects.filter(sheet__period=period).values_list(
        "sheet_id", "sheet__unit_id", "ratee_id", "rater_group", "score"
    ):
        s = spreads[(unit_id, group)]
        s["sheets"].add(sheet_id)
        s["scores"] += 1
        s["total"] += score
        s["squares"] += score * score
        s["low"], s["high"] = min(s["low"], score), max(s["high"], score)
        scores.append(m["Score"](period=period, ratee_id=ratee, rater_group=group, score=score))
    m["UnitGroupSpread"].objects.bulk_create(
        m["UnitGroupSpread"](period=period, unit_id=u, rater_group=g, **{**s, "sheets": len(s["sheets"])})
        for (u, g), s in spreads.items()
    )
    democratic = [
        m["DemocraticScore"](period=period, ratee_id=row[0], rater_group=row[1], **dict(zip(DIMS, row[2:], strict=True)))
        for row in m["DemocraticScore"].objects.filter(sheet__period=period).values_list("ratee_id", "rater_group", *DIMS)
    ]
    ticks = [
        m["ProblemTick"](period=period, unit_id=unit_id, ratee_id=ratee, item=item)
        for unit_id, ratee, item in m["ProblemTick"].objects.filter(sheet__period=period).values_list(
            "sheet__unit_id", "ratee_id", "item"
        )
    ]
    quality = [
        m["SheetQuality"](period=period, unit_id=f.unit_id, mean_score=f.mean_score, deviation=f.deviation,
                          is_flat=f.is_flat, is_outlier=f.is_outlier)
        for f in m["SheetFlag"].objects.filter(period=period)
    ]
    papers = [m["PaperSheet"](period=period, unit_id=s.unit_id, number=s.paper_number) for s in sheets if s.paper_number]
    count = sheets.count()
    # Old rows sit in the order they were written, sheet by sheet: write them again, shuffled.
    for name in ("Score", "DemocraticScore", "ProblemTick"):
        m[name].objects.filter(sheet__period=period).delete()
    for name, rows in (("Score", scores), ("DemocraticScore", democratic), ("ProblemTick", ticks),
                       ("SheetQuality", quality), ("PaperSheet", papers)):
        rng.shuffle(rows)
        m[name].objects.bulk_create(rows, batch_size=5000)
    m["BoxOpening"].objects.create(period=period, opened_at=period.closed_at or timezone.now(), sheet_count=count)


def _stash_submissions(apps, m, rng) -> None:
    """Keep each submission's assignment and day; drop the audit entries that hold its exact time."""
    content_type = apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label="evaluations", model="sheetsubmission"
    ).first()
    log_entry = apps.get_model("auditlog", "LogEntry")
    days = {}
    if content_type is not None:
        entries = log_entry.objects.filter(content_type=content_type)
        days = {e.object_pk: timezone.localtime(e.timestamp, SHANGHAI).date() for e in entries}
        entries.delete()
    rows = [
        m["SubmissionStash"](assignment_id=s.assignment_id, submitted_on=days.get(str(s.pk)))
        for s in m["SheetSubmission"].objects.all()
    ]
    rng.shuffle(rows)
    m["SubmissionStash"].objects.bulk_create(rows, batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0005_ballot_box_tables"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
