"""Counting the opened box (services/box.py, numpy) and the packed sheet format (sheet_format.py).

The counting must give exactly what the per-sheet Python code gave before it (kept below as the
reference): the same score lists, the same quality rows to the last digit, the same figures per
unit and rater group, on random boxes. And a box sealed before the packed format existed (JSON
sheets) must still open, alone or mixed with packed sheets, to the same results.
"""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal
from math import lcm
from operator import mul
from types import SimpleNamespace

import pytest

from evaluations import sealing, sheet_format
from evaluations.models import RateeScores, SealedSheet, SheetQuality, UnitGroupSpread, half_up
from evaluations.services import box

from .factories import close_and_compute, make_team, open_period, submit_all
from .support import box_sheets

GROUPS = ("leader", "peer", "other")


# --- The reference: the opening's per-sheet Python code before numpy ------------------------------


def reference_unit(sheets: list[dict], settings) -> tuple[list, list, dict]:
    pooled: defaultdict[tuple[int, str], list[int]] = defaultdict(list)
    groups_on_sheets: dict[str, int] = defaultdict(int)
    scored = []
    for sheet in sheets:
        rows = sheet["scores"]
        if rows:
            scored.append(rows)
            for ratee, group, score in rows:
                pooled[ratee, group].append(score)
            for group in {row[1] for row in rows}:
                groups_on_sheets[group] += 1
    totals = {key: (sum(values), len(values)) for key, values in pooled.items()}
    quality = [reference_quality(rows, totals, settings) for rows in scored]
    spreads: dict[str, dict[str, int]] = {}
    scores = []
    for (ratee, group), values in sorted(pooled.items()):
        values.sort()
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
    return scores, quality, spreads


def reference_quality(rows, totals, settings) -> tuple:
    values = [row[2] for row in rows]
    numerators: dict[int, int] = defaultdict(int)
    terms = 0
    for (total, count), score in zip((totals[row[0], row[1]] for row in rows), values, strict=True):
        if count >= 3:
            numerators[count - 1] += abs(score * count - total)
            terms += 1
    deviation = None
    if terms:
        common = lcm(*numerators)
        deviation = Decimal(sum(n * (common // d) for d, n in numerators.items())) / Decimal(common * terms)
    return (
        half_up(Decimal(sum(values)) / len(values)),
        half_up(deviation) if deviation is not None else None,
        len(values) >= settings.quality_flat_min_scores and min(values) == max(values),
        deviation is not None and deviation >= Decimal(str(settings.quality_outlier_points)),
    )


# --- Random boxes ------------------------------------------------------------------------------------


def random_box(rng: random.Random) -> list[tuple[int, SimpleNamespace, list[dict]]]:
    units = []
    next_ratee = rng.choice([1, 2**31, 2**32 - 5000])  # ratee ids up to the format's 32 bits
    for unit_id in sorted(rng.sample(range(1, 10**6), rng.randint(1, 12))):
        ratees = list(range(next_ratee, next_ratee + rng.randint(1, 40)))
        next_ratee += len(ratees)
        group_of = {r: rng.choice(GROUPS) for r in ratees}
        settings = SimpleNamespace(
            quality_flat_min_scores=rng.randint(1, 6),
            quality_outlier_points=rng.choice([Decimal("0.5"), Decimal("5"), Decimal("8.0"), Decimal("12.5")]),
        )
        sheets = []
        for _s in range(rng.choice([1, 2, 3, 4, rng.randint(5, 60), rng.randint(100, 250)])):
            kind = rng.random()
            chosen = sorted(rng.sample(ratees, rng.randint(1, len(ratees))))
            if kind < 0.05:
                sheets.append(box.sheet_payload(source="online", groups=group_of))  # no scores
                continue
            if kind < 0.15:
                value = rng.randint(60, 100)
                scores = dict.fromkeys(chosen, value)  # a flat sheet
            elif unit_id % 7 == 0:  # outside any real range: the paths for negative and large values
                scores = {r: rng.choice([-3, -1, 0, 2, 999, 1000, 30000]) for r in chosen}
            else:
                scores = {r: rng.randint(55, 100) for r in chosen}
            # A rater's group may differ per ratee; some sheets mix all three.
            groups = {r: (group_of[r] if rng.random() < 0.8 else rng.choice(GROUPS)) for r in chosen}
            sheets.append(box.sheet_payload(source=rng.choice(["online", "paper"]), groups=groups, scores=scores))
        units.append((unit_id, settings, sheets))
    return units


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("bound", [box.EXACT_BOUND, 0.0])
def test_counting_gives_exactly_what_the_per_sheet_code_gave(seed, bound, monkeypatch):
    """With the exact integers where they fit (and Decimal where not), and with Decimal only."""
    monkeypatch.setattr(box, "EXACT_BOUND", bound)
    rng = random.Random(seed)
    units = random_box(rng)
    packed = [
        (unit_id, settings, [sheet_format.decode_packed(sheet_format.encode(s)) for s in sheets])
        for unit_id, settings, sheets in units
    ]
    for brackets in ("{}", "[]"):
        counted = box._count_scores(packed, box.Shuffle(), brackets)
        expected_scores, expected_quality, expected_spreads = [], [], []
        for unit_id, settings, sheets in units:
            scores, quality, spreads = reference_unit(sheets, settings)
            expected_scores += [
                (r, g, brackets[0] + ",".join(map(str, values)) + brackets[1]) for r, g, values in scores
            ]
            expected_quality += [(unit_id, *row) for row in quality]
            expected_spreads += [
                (unit_id, group, *(figures[c] for c in box.SPREAD_COLUMNS[2:])) for group, figures in spreads.items()
            ]
        assert counted.scores == expected_scores  # the same lists, in the same order
        assert sorted(counted.quality, key=repr) == sorted(expected_quality, key=repr)
        assert [row[0] for row in counted.quality] == [row[0] for row in expected_quality]  # unit by unit
        assert sorted(counted.spreads) == sorted(expected_spreads)
        assert counted.count == sum(len(s["scores"]) for _u, _s, sheets in units for s in sheets)


def test_quality_rows_are_shuffled_within_each_unit():
    rng = random.Random(7)
    sheets = [
        box.sheet_payload(
            source="online", groups=dict.fromkeys(range(1, 6), "peer"), scores=dict.fromkeys(range(1, 6), 60 + i)
        )
        for i in range(30)
    ]
    packed = [
        (
            1,
            SimpleNamespace(quality_flat_min_scores=3, quality_outlier_points=Decimal("8")),
            [sheet_format.decode_packed(sheet_format.encode(s)) for s in sheets],
        )
    ]
    orders = {tuple(row[1] for row in box._count_scores(packed, box.Shuffle(), "{}").quality) for _ in range(5)}
    assert len(orders) > 1 and rng  # a different order each time (30! orders)


# --- The sheet format ----------------------------------------------------------------------------


PAYLOADS = [
    box.sheet_payload(
        source="online", groups={5: "peer", 9: "leader", 2**32 - 1: "other"}, scores={5: 0, 9: 100, 2**32 - 1: 77}
    ),
    box.sheet_payload(
        source="paper",
        groups={3: "peer", 4: "other"},
        dimensions={
            3: {"virtue": 90, "ability": 88, "diligence": 87, "performance": 86, "integrity": 85},
            4: {"virtue": 70, "ability": 71, "diligence": 72, "performance": 73, "integrity": 74},
        },
        problems={3: ["作风漂浮", "担当不够"]},
        team_problems=["班子不团结"],
    ),
    box.sheet_payload(source="online", groups={}),
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_sheet_reads_back_as_it_was_sealed_in_either_format(payload, settings):
    settings.BALLOT_KEYS = [sealing.new_key()]
    assert sheet_format.decode(sheet_format.encode(payload)) == payload
    packed = sheet_format.seal_sheet(payload, context="sheet:1:2")
    legacy = sealing.seal(payload, context="sheet:1:2")  # format 1: JSON, as sealed before
    assert sheet_format.unseal_sheet(packed, context="sheet:1:2") == payload
    assert sheet_format.unseal_sheet(legacy, context="sheet:1:2") == payload
    with pytest.raises(sealing.SealError):
        sheet_format.unseal_sheet(packed, context="sheet:1:3")


def test_packed_sheets_are_padded_like_json_ones_and_reject_damage(settings):
    settings.BALLOT_KEYS = [sealing.new_key()]
    small = box.sheet_payload(source="online", groups={1: "peer"}, scores={1: 80})
    large = box.sheet_payload(
        source="online", groups=dict.fromkeys(range(60), "peer"), scores=dict.fromkeys(range(60), 80)
    )
    sizes = {len(sheet_format.seal_sheet(p, context="c")) for p in (small, large)}
    assert sizes == {len(sealing.seal({"n": 1}, context="c"))}  # one padded block: length tells nothing
    plain = sheet_format.encode(small)
    with pytest.raises(sheet_format.SheetFormatError):
        sheet_format.decode_packed(b"\x07" + plain[1:])  # an unknown format
    with pytest.raises(sheet_format.SheetFormatError):
        sheet_format.decode_packed(plain + b"\x01")  # bytes after the sheet that are not padding
    with pytest.raises(OverflowError):
        sheet_format.encode(box.sheet_payload(source="online", groups={2**32: "peer"}, scores={2**32: 80}))


# --- Through the real path --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_box_sealed_before_the_packed_format_opens_to_the_same_results():
    """Half of the units' sheets re-sealed as JSON (format 1), as a box sealed before the upgrade
    holds them: the opening counts them like the packed ones, to what the reference expects."""
    first, second = make_team("旧格镇", staff=5), make_team("新格镇", staff=4)
    period = open_period()
    submit_all(period, lambda rater, ratee: 70 + (ratee.pk * 7 + rater.pk * 3) % 19)
    for row in SealedSheet.objects.filter(period=period, unit=first.unit):
        context = SealedSheet.context(period.pk, row.unit_id)
        row.sealed = sealing.seal(sheet_format.unseal_sheet(bytes(row.sealed), context=context), context=context)
        row.save()
    assert {bytes(r.sealed)[:1] for r in SealedSheet.objects.filter(period=period)} == {sealing.VERSION}
    legacy = [
        sealing.unseal(bytes(r.sealed), context=SealedSheet.context(period.pk, r.unit_id))
        for r in SealedSheet.objects.filter(period=period, unit=first.unit)
    ]  # JSON: format 1 really is what the box holds for that unit
    sheets = box_sheets(period)
    assert len(legacy) == 7 and len(sheets) == 7 + 6
    settings_of = {team.unit.pk: team for team in (first, second)}
    close_and_compute(period)

    expected_scores, expected_quality, expected_spreads = set(), [], set()
    from evaluations import rules

    table = rules.settings_table(period.year)
    for unit_id in settings_of:
        unit_sheets = [s for s in sheets if s["scores"][0][0] in {p.pk for p in settings_of[unit_id].people.values()}]
        scores, quality, spreads = reference_unit(unit_sheets, table[settings_of[unit_id].unit.category])
        expected_scores |= {(r, g, tuple(v)) for r, g, v in scores}
        expected_quality += [(unit_id, *row) for row in quality]
        expected_spreads |= {(unit_id, g, *(f[c] for c in box.SPREAD_COLUMNS[2:])) for g, f in spreads.items()}
    rows = RateeScores.objects.filter(period=period).values_list("ratee_id", "rater_group", "scores")
    assert {(r, g, tuple(v)) for r, g, v in rows} == expected_scores
    quality = SheetQuality.objects.filter(period=period).values_list(
        "unit_id", "mean_score", "deviation", "is_flat", "is_outlier"
    )
    assert sorted(quality, key=repr) == sorted(expected_quality, key=repr)
    spreads = UnitGroupSpread.objects.filter(period=period).values_list("unit_id", *box.SPREAD_COLUMNS[1:])
    assert set(spreads) == expected_spreads
