"""Anonymity (rules.md §4): nothing in the product links a rater to a score.

Three checks (the database itself is attacked in test_ballot_box_dba.py):

1. The data model: anonymous rows (sealed sheets, opened scores, democratic scores, problem
   ticks, quality rows) have random keys, no time, no rater and no path to one, and opened rows
   have no sheet key at all; rater-side rows hold no scores; drafts are sealed and gone once a
   sheet is submitted; neither side is in the admin, and the audit trail has submissions by day.

2. The walk: the same organization is built twice. The two external raters E1 and E2 rate the
   same people; in world A the first to submit gives S1 71 and S2 83 and the second the reverse,
   and the first is E1; in world B the first is E2. Only *who* gave which score differs. With the
   box's randomness made repeatable, every model's rows, every page (staff, cadre, admin), every
   API endpoint in the schema, every export and the export command must come out identical —
   anything that differed would be telling which rater gave which score.

3. The database: the same two worlds with real randomness leave the same multiset of rows in
   every table after the close, random keys and receipts aside.
"""

from __future__ import annotations

import datetime
import io
import re
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from cadres.models import Cadre, Unit, UnitCategory, UnitRole, User
from evaluations import models as evaluation_models
from evaluations import sealing
from evaluations.inputs import SheetInput
from evaluations.lines import sheet_lines
from evaluations.models import (
    AnnualResult,
    DemocraticScore,
    FollowUp,
    Period,
    PeriodKind,
    ProblemItem,
    ProblemTick,
    RateeScores,
    SealedSheet,
    SheetAssignment,
    SheetDraft,
    SheetQuality,
    SheetSubmission,
)
from evaluations.models import base as evaluation_model_base
from evaluations.services import annual, ballots, box, configuration, paper, periods, scoring

from .factories import PASSWORD, ensure_default_ranks, rank

ANONYMOUS = (SealedSheet, RateeScores, DemocraticScore, ProblemTick, SheetQuality)
OPENED = (RateeScores, DemocraticScore, ProblemTick, SheetQuality)
RATER_SIDE = (SheetAssignment, SheetDraft, SheetSubmission)
DIMS = ("virtue", "ability", "diligence", "performance", "integrity")


# --- 1. The data model ------------------------------------------------------------------------


def test_anonymous_rows_have_random_keys_no_time_and_no_rater():
    for model in ANONYMOUS:
        pk = model._meta.pk
        assert isinstance(pk, models.UUIDField) and pk.default is evaluation_models.new_id, model
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateField | models.DateTimeField | models.TimeField), (model, field)
            assert not isinstance(field, models.AutoField | models.BigAutoField), (model, field)
            if field.is_relation and field.concrete:
                target = field.related_model
                assert target not in (User, *RATER_SIDE), (model, field)
                if target is Cadre:
                    assert field.name == "ratee", (model, field)
    # Forward from a sealed sheet or a quality row only to its period and unit.
    for model in (SealedSheet, SheetQuality):
        assert {f.related_model for f in model._meta.concrete_fields if f.is_relation} == {Period, Unit}
    # Opened rows keep no sheet key: nothing groups the scores of one sheet.
    for model in OPENED:
        assert not {f.related_model for f in model._meta.concrete_fields if f.is_relation} & set(ANONYMOUS), model
    # No count of a sheet's scores and no ratee list on a quality row.
    assert {f.name for f in SheetQuality._meta.concrete_fields} == {
        "id", "period", "unit", "mean_score", "deviation", "is_flat", "is_outlier"
    }  # fmt: skip


def test_nothing_on_the_rater_side_points_at_anonymous_rows_or_holds_scores():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in ANONYMOUS:
                raise AssertionError((model, field))  # nothing refers to an anonymous row
    for model in (SheetAssignment, SheetSubmission):
        names = {f.name for f in model._meta.concrete_fields}
        assert not names & {"score", "scores", "sheet", "data", "virtue"}, model
    # The submission record keeps a random key and a day, no time: "rater X submitted for unit U on day D".
    assert [f.name for f in SheetSubmission._meta.concrete_fields] == ["id", "assignment", "submitted_on"]
    assert isinstance(SheetSubmission._meta.pk, models.UUIDField)
    assert isinstance(SheetSubmission._meta.get_field("submitted_on"), models.DateField)
    assert not isinstance(SheetSubmission._meta.get_field("submitted_on"), models.DateTimeField)
    # A draft is sealed: no readable scores in its row.
    assert {f.name for f in SheetDraft._meta.concrete_fields} == {"id", "assignment", "sealed", "saved_at"}


def test_neither_admin_nor_audit_trail_knows_the_anonymous_side():
    from auditlog.registry import auditlog

    for model in (*ANONYMOUS, SheetDraft):
        assert model not in admin.site._registry, model
        assert not auditlog.contains(model), model
    assert auditlog.contains(SheetSubmission)


# --- 2. The walk -------------------------------------------------------------------------------

FIRST_SCORES = {"S1": 71, "S2": 83}
SECOND_SCORES = {"S1": 83, "S2": 71}


def level(code: str) -> int:
    return {"M1": 86, "T1": 84, "S1": 80, "S2": 78, "S3": 75, "VM": 82, "E1": 80, "E2": 79}.get(code, 80)


class SortingShuffle:
    """The box's shuffles made repeatable for the walk: rows in the order of their content."""

    def shuffle(self, rows: list) -> None:
        rows.sort(key=repr)


def repeatable_box(monkeypatch) -> None:
    """Random keys from a counter, nonces from a counter, shuffles by content: two runs of the
    same story write the same bytes, so any difference in the walk comes from who gave what."""
    counter = iter(range(1, 10**9))
    monkeypatch.setattr(evaluation_model_base, "uuid4", lambda: uuid.UUID(int=next(counter)))
    monkeypatch.setattr(box, "_new_ids", lambda n: [uuid.UUID(int=next(counter)).hex for _ in range(n)])
    monkeypatch.setattr(box, "_shuffler", SortingShuffle)
    monkeypatch.setattr(sealing, "_nonce", lambda: next(counter).to_bytes(sealing.NONCE_BYTES, "big"))


def build_world(first: str, second: str, monkeypatch=None) -> dict:
    """One organization, one quarter and one year, the two externals submitting in the given order."""
    call_command("flush", interactive=False, verbosity=0)
    if monkeypatch is not None:
        repeatable_box(monkeypatch)
    ensure_default_ranks()
    town = Unit.objects.create(name="匿名镇", category=UnitCategory.TOWNSHIP)
    # E1 and E2 each sit alone in a unit, so the only sheet either has is the town's: the same ratees.
    bureau = Unit.objects.create(name="上级局", category=UnitCategory.DISTRICT_DEPARTMENT)
    first_unit = Unit.objects.create(name="外单位甲", category=UnitCategory.DISTRICT_DEPARTMENT)
    second_unit = Unit.objects.create(name="外单位乙", category=UnitCategory.DISTRICT_DEPARTMENT)
    org = Unit.objects.create(name="组织部", category=UnitCategory.DISTRICT_DEPARTMENT)
    people = {}
    plan = [
        ("M1", town, UnitRole.MAIN_LEADER, "正科级"),
        ("T1", town, UnitRole.TEAM_MEMBER, "副科级"),
        ("S1", town, UnitRole.STAFF, "一般干部"),
        ("S2", town, UnitRole.STAFF, "一般干部"),
        ("S3", town, UnitRole.STAFF, "一般干部"),
        ("VM", bureau, UnitRole.MAIN_LEADER, "正科级"),
        ("E1", first_unit, UnitRole.STAFF, "一般干部"),
        ("E2", second_unit, UnitRole.STAFF, "一般干部"),
        ("ZZ", org, UnitRole.STAFF, "一般干部"),
    ]
    for code, unit, role, rank_name in plan:
        user = User.objects.create_user(username=code, password=PASSWORD)
        people[code] = Cadre.objects.create(
            code=code, name=f"姓名{code}", gender="M", birth_date=date(1980, 1, 1), rank=rank(rank_name),
            role=role, unit=unit, user=user, records_from=date(2026, 1, 1),
        )  # fmt: skip
    staff = people["ZZ"].user
    staff.is_org_staff = True
    staff.save()
    User.objects.create_superuser(username="root", password=PASSWORD)
    configuration.evaluator_scope_save(
        unit=town, superiors=[people["VM"]], externals=[people["E1"], people["E2"]], actor=staff
    )
    code_of = {c.pk: code for code, c in people.items()}

    quarter = periods.period_create(kind=PeriodKind.QUARTERLY, year=2026, quarter=1, actor=staff)
    periods.period_open(period=quarter, actor=staff, as_of=date(2026, 3, 28))
    _submit_quarter(quarter, people, code_of, first, second)
    paper.paper_sheets_import(
        period=quarter,
        rows=[paper.PaperRow(2, "P1", "其他", "S1", 77), paper.PaperRow(3, "P1", "其他", "S3", 79)],
        actor=staff,
    )
    _run(periods.period_close(period=quarter, actor=staff))
    periods.period_publish(period=quarter, actor=staff)

    year = periods.period_create(kind=PeriodKind.ANNUAL, year=2026, quarter=None, actor=staff)
    periods.period_open(period=year, actor=staff, as_of=date(2026, 12, 20))
    _submit_year(year, people, code_of, first, second)
    annual.unit_annual_score_save(unit=town, year=2026, score=Decimal("92.5"), actor=staff)
    _run(periods.period_close(period=year, actor=staff))
    annual.grades_confirm(period=year, actor=staff)
    periods.period_publish(period=year, actor=staff)
    return people


def _run(run) -> None:
    scoring.computation_execute(run_id=run.pk)


def _submit_quarter(period, people, code_of, first, second) -> None:
    order = [code for code in people if code not in ("E1", "E2", "T1")] + [first, second]
    for code in order:
        for sheet in SheetAssignment.objects.filter(period=period, rater=people[code]).order_by("unit_id"):
            scores = {}
            for line in sheet_lines(sheet):
                ratee = code_of[line.ratee_id]
                if code in (first, second) and ratee in FIRST_SCORES:
                    scores[line.ratee_id] = (FIRST_SCORES if code == first else SECOND_SCORES)[ratee]
                elif code == "S3":
                    scores[line.ratee_id] = 80  # one flat sheet, so the quality page has a flag to show
                else:
                    scores[line.ratee_id] = level(ratee)
            ballots.sheet_submit(assignment_id=sheet.pk, rater=people[code], data=SheetInput(scores=scores))
    # T1 only saves a draft: drafts belong to their rater until they are submitted or the period closes.
    sheet = SheetAssignment.objects.get(period=period, rater=people["T1"])
    first_line = sheet_lines(sheet)[0]
    ballots.sheet_save_draft(
        assignment_id=sheet.pk, rater=people["T1"], data=SheetInput(scores={first_line.ratee_id: 66})
    )


def _submit_year(period, people, code_of, first, second) -> None:
    order = [code for code in people if code not in ("E1", "E2")] + [first, second]
    for code in order:
        for sheet in SheetAssignment.objects.filter(period=period, rater=people[code]).order_by("unit_id"):
            data = SheetInput()
            for line in sheet_lines(sheet):
                ratee = code_of[line.ratee_id]
                value = level(ratee)
                if code in (first, second) and ratee in FIRST_SCORES:
                    value = (FIRST_SCORES if code == first else SECOND_SCORES)[ratee]
                    # The first submitter ticks a problem for S1, the second for S2.
                    tick = "S1" if code == first else "S2"
                    data.problems[line.ratee_id] = [ProblemItem.ABILITY] if ratee == tick else []
                data.dimensions[line.ratee_id] = dict.fromkeys(DIMS, value)
            ballots.sheet_submit(assignment_id=sheet.pk, rater=people[code], data=data)


# What differs between two runs for reasons that have nothing to do with raters and scores.
VOLATILE = [
    (re.compile(r"csrfmiddlewaretoken\" value=\"[^\"]+\""), 'csrfmiddlewaretoken" value="T"'),
    (re.compile(r'"X-CSRFToken": "[^"]+"'), '"X-CSRFToken": "T"'),
    (re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2}"), "DATETIME"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?"), "DATETIME"),
    (re.compile(r"用时 [\d.]+ 秒"), "DURATION"),
    (re.compile(r"\d{1,2}:\d{2}(:\d{2})?"), "TIME"),
    (re.compile(r"(hour|minute|second|小时|分钟|秒)"), "UNIT"),
    # The admin shows a part of each password's random salt and hash.
    (re.compile(r"<bdi>[^<]*</bdi>"), "<bdi>HASH</bdi>"),
]


def normalize(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def content_of(response) -> object:
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        sheet = load_workbook(io.BytesIO(response.content)).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    return normalize(response.content.decode("utf-8-sig"))


def table_dump() -> dict:
    """Every row of every model but the anonymous ones and the audit trail, without timestamps."""
    from auditlog.models import LogEntry

    dump = {}
    for model in apps.get_models():
        if model in ANONYMOUS or model is LogEntry or model._meta.app_label in ("sessions", "admin", "axes"):
            continue
        if model is evaluation_models.BoxOpening:
            continue  # its receipts are hashes of the sealed sheets; compared in the database test
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if not isinstance(f, models.DateTimeField) and f.name not in ("password", "last_login", "session_key")
        ]
        rows = list(model.objects.order_by("pk").values_list(*fields))
        if model is SheetSubmission:
            rows = sorted(rows_[1:] for rows_ in rows)  # which sheets were submitted, not in what order
        dump[model._meta.label] = rows
    return dump


def walk(people: dict) -> dict:
    outputs: dict = {"tables": table_dump()}
    staff = Client()
    staff.force_login(people["ZZ"].user)
    root = Client()
    root.force_login(User.objects.get(username="root"))

    def get(client, url, key=None):
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        outputs[key or url] = content_of(response)

    periods_ = list(Period.objects.order_by("pk"))
    for period in periods_:
        for name in (
            "period_detail",
            "period_progress",
            "completion",
            "paper_entry",
            "results",
            "quality",
            "annual_results",
            "receipts",
        ):
            get(staff, reverse(f"evaluations:{name}", args=[period.pk]))
        get(staff, reverse("evaluations:completion", args=[period.pk]) + "?status=done")
        if not period.is_annual:
            for file_format in ("xlsx", "csv"):
                get(staff, reverse("evaluations:results_export", args=[period.pk]) + f"?format={file_format}")
            for cadre in people.values():
                url = reverse("evaluations:result_detail", args=[period.pk, cadre.pk])
                if staff.get(url).status_code == 200:
                    get(staff, url)
            for unit in Unit.objects.all():
                get(staff, reverse("evaluations:paper_entry", args=[period.pk]) + f"?unit={unit.pk}")
    for result in AnnualResult.objects.order_by("pk"):
        get(staff, reverse("evaluations:annual_detail", args=[result.pk]))
    for follow_up in FollowUp.objects.order_by("pk"):
        get(staff, reverse("evaluations:follow_up_detail", args=[follow_up.pk]))
    for name in ("period_list", "scope_list", "settings", "unit_scores", "use_of_results", "follow_up_list", "rules"):
        get(staff, reverse(f"evaluations:{name}"))
    get(staff, reverse("evaluations:use_of_results") + "?year=2026")
    for unit in Unit.objects.all():
        get(staff, reverse("evaluations:scope_edit", args=[unit.pk]))
    get(staff, reverse("home"))

    # Each rater and cadre, their own pages (E1 and E2 included: they must look the same).
    for code, cadre in people.items():
        client = Client()
        client.force_login(cadre.user)
        for name in ("my_sheets", "my_results"):
            get(client, reverse(f"evaluations:{name}"), key=f"{code}:{name}")
        for sheet in SheetAssignment.objects.filter(rater=cadre).order_by("pk"):
            get(client, reverse("evaluations:sheet_fill", args=[sheet.pk]), key=f"{code}:sheet:{sheet.pk}")
            receipts = reverse("evaluations:receipts", args=[sheet.period_id])
            get(client, receipts, key=f"{code}:{receipts}")
        for period in periods_:
            url = reverse("evaluations:my_result_detail", args=[period.pk])
            if client.get(url).status_code == 200:
                get(client, url, key=f"{code}:{url}")
        get(client, reverse("home"), key=f"{code}:home")
        get(client, "/api/evaluations/my-sheets/", key=f"{code}:api:sheets")
        get(client, "/api/evaluations/my-results/", key=f"{code}:api:results")
        get(client, "/api/evaluations/annual-results/", key=f"{code}:api:annual")

    # Every GET endpoint of the API schema, with every id it can take.
    schema = staff.get("/api/schema/?format=json").json()
    ids = {
        "periods": [p.pk for p in periods_],
        "my-sheets": [s.pk for s in SheetAssignment.objects.all()],
        "annual-results": [r.pk for r in AnnualResult.objects.all()],
        "cadres": [c.pk for c in Cadre.objects.all()],
        "units": [u.pk for u in Unit.objects.all()],
    }
    for path, operations in schema["paths"].items():
        if "get" not in operations or not path.startswith("/api/"):
            continue
        if "{id}" not in path:
            get(staff, path, key=f"api:{path}")
            continue
        resource = path.split("/")[-3] if path.endswith("/{id}/") else path.split("/")[-4]
        for object_id in ids.get(resource, []):
            url = path.replace("{id}", str(object_id))
            for who, client in (("staff", staff), ("root", root)):
                response = client.get(url)
                outputs[f"api:{who}:{url}"] = (response.status_code, content_of(response))

    # The admin: every registered model's list, every object's change and history page.
    from auditlog.models import LogEntry

    for model in list(admin.site._registry):
        if model is LogEntry:
            continue  # timestamps in submission order; checked below
        info = (model._meta.app_label, model._meta.model_name)
        get(root, reverse("admin:{}_{}_changelist".format(*info)), key=f"admin:{model._meta.label}")
        for obj in model.objects.order_by("pk")[:50]:
            get(
                root,
                reverse("admin:{}_{}_change".format(*info), args=[obj.pk]),
                key=f"admin:{model._meta.label}:{obj.pk}",
            )
            get(
                root,
                reverse("admin:{}_{}_history".format(*info), args=[obj.pk]),
                key=f"admin:{model._meta.label}:{obj.pk}:h",
            )

    out = io.StringIO()
    call_command("export_results", "2026Q1", "--format", "csv", stdout=out)
    outputs["command:export_results"] = out.getvalue()
    return outputs


def audit_trail_without_scores() -> None:
    """The audit trail has who submitted which unit's sheet, on which day; no score, no time, no address."""
    from auditlog.models import LogEntry
    from django.utils import timezone

    labels = set(LogEntry.objects.values_list("content_type__model", flat=True))
    assert "sheetsubmission" in labels
    assert not labels & {
        "sealedsheet", "score", "democraticscore", "problemtick", "sheetquality", "sheetdraft", "sheetline"
    }  # fmt: skip
    entries = LogEntry.objects.filter(content_type__model="sheetsubmission")
    assert entries.count() == SheetSubmission.objects.count()
    for entry in entries:
        assert set(entry.changes) <= {"submitted_on"}, entry.changes
        assert timezone.localtime(entry.timestamp).time() == datetime.time.min  # the day only
        assert entry.remote_addr is None and entry.additional_data == {"date_only": True}


@pytest.mark.django_db(transaction=True)
def test_no_page_api_export_admin_or_table_tells_which_rater_gave_which_score(monkeypatch):
    people = build_world(first="E1", second="E2", monkeypatch=monkeypatch)
    # Sanity: the anonymous side holds exactly the scores the story says, and drafts of submitted sheets are gone.
    assert RateeScores.objects.get(ratee=people["S1"], rater_group="other").scores == [71, 77, 83]
    submitted = SheetSubmission.objects.values("assignment")
    assert not SheetDraft.objects.filter(assignment__in=submitted).exists()
    assert not SheetDraft.objects.exists()  # T1's draft was deleted when the period closed
    audit_trail_without_scores()
    assert SheetQuality.objects.filter(is_flat=True).exists()
    world_a = walk(people)
    sheets_a = sorted(RateeScores.objects.values_list("pk", "ratee__code", "rater_group", "scores"))

    people = build_world(first="E2", second="E1", monkeypatch=monkeypatch)
    sheets_b = sorted(RateeScores.objects.values_list("pk", "ratee__code", "rater_group", "scores"))
    assert sheets_a == sheets_b  # the anonymous side is identical: only who gave what differs
    world_b = walk(people)
    audit_trail_without_scores()

    assert world_a.keys() == world_b.keys()
    differences = [key for key in world_a if world_a[key] != world_b[key]]
    assert differences == [], differences[:5]
    assert len(world_a) > 150  # the walk really went everywhere


def database_rows() -> dict:
    """Every evaluation table and the submissions' audit entries as multisets: keys (random, or
    numbered in the order a query met the randomly placed scores), receipts (hashes of randomly
    sealed sheets) and the times the test ran aside."""
    from auditlog.models import LogEntry

    dump = {}
    for model in apps.get_app_config("evaluations").get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if not f.primary_key and not isinstance(f, models.DateTimeField) and f.name != "receipts"
        ]
        dump[model._meta.label] = sorted(model.objects.values_list(*fields), key=repr)
    entries = LogEntry.objects.filter(content_type__model="sheetsubmission")
    dump["audit"] = sorted(entries.values_list("actor_id", "object_repr", "changes", "timestamp"), key=repr)
    return dump


@pytest.mark.django_db(transaction=True)
def test_the_two_worlds_leave_the_same_rows_in_every_table():
    """With the box's real randomness: after the close, no table tells the worlds apart."""
    build_world(first="E1", second="E2")
    world_a = database_rows()
    build_world(first="E2", second="E1")
    world_b = database_rows()
    assert world_a.keys() == world_b.keys()
    differences = [key for key in world_a if world_a[key] != world_b[key]]
    assert differences == [], differences
    assert world_a["evaluations.RateeScores"] and world_a["evaluations.SheetQuality"] and world_a["audit"]
    assert not world_a["evaluations.SealedSheet"] and not world_a["evaluations.SheetDraft"]


def test_groups_of_one_or_two_raters_show_no_average_anywhere(client, db):
    """A leader with one superior evaluator, two staff: every group is below the threshold."""
    ensure_default_ranks()
    unit = Unit.objects.create(name="三人镇", category=UnitCategory.TOWNSHIP)
    above = Unit.objects.create(name="上级局", category=UnitCategory.DISTRICT_DEPARTMENT)
    people = [
        Cadre.objects.create(
            code=f"X{i}",
            name=f"人{i}",
            gender="M",
            birth_date=date(1980, 1, 1),
            rank=rank(),
            unit=unit,
            role=UnitRole.STAFF if i else UnitRole.MAIN_LEADER,
        )
        for i in range(3)
    ]
    superior = Cadre.objects.create(
        code="Y0", name="上级", gender="M", birth_date=date(1980, 1, 1), rank=rank(), unit=above,
        role=UnitRole.MAIN_LEADER,
    )  # fmt: skip
    configuration.evaluator_scope_save(unit=unit, superiors=[superior], externals=[])
    values = {"Y0": 88, "X0": 61, "X1": 79, "X2": 67}  # each rater's score for everyone on their sheet
    period = periods.period_create(kind=PeriodKind.QUARTERLY, year=2026, quarter=1)
    periods.period_open(period=period, as_of=date(2026, 3, 28))
    for sheet in SheetAssignment.objects.filter(period=period):
        scores = dict.fromkeys([line.ratee_id for line in sheet_lines(sheet)], values[sheet.rater.code])
        ballots.sheet_submit(assignment_id=sheet.pk, rater=sheet.rater, data=SheetInput(scores=scores))
    _run(periods.period_close(period=period))
    from evaluations import selectors

    rows = selectors.result_rows(period, selectors.results_queryset(period))
    assert {row.result.cadre.code for row in rows if row.result.score is not None} == {p.code for p in people}
    assert all(group.average is None for row in rows for group in row.groups)
    staff = User.objects.create_user(username="staff-x", password=PASSWORD, is_org_staff=True)
    client.force_login(staff)
    page = client.get(reverse("evaluations:results", args=[period.pk])).content.decode()
    export = client.get(reverse("evaluations:results_export", args=[period.pk]), {"format": "csv"}).content.decode()
    for text in (page, export):
        # The leader's groups: 88 (one superior) and 73 (two staff); the staff's: 61 and 79 or 67.
        for hidden in ("88.00", "73.00", "61.00", "79.00", "67.00"):
            assert hidden not in text


def test_flagged_sheets_tell_neither_size_nor_ratees_nor_submission_order(client, db):
    """Everyone gives 80 throughout, so every sheet is flat. An insider's sheet lacks one ratee (themself)
    and an outsider's covers the whole unit; if the flag rows showed a sheet's size or its ratees, they
    would tell whose sheet it is. The rows may differ only in the random sheet id, in random-id order."""
    from evaluations import selectors

    from .evaluation_helpers import close_and_compute, make_team, open_period, submit_all

    town = make_team("质量镇", staff=3)
    outsider = make_team("外局", staff=0, team_members=0)["M1"]
    configuration.evaluator_scope_save(unit=town.unit, superiors=[], externals=[outsider])
    period = open_period()
    submit_all(period, lambda rater, ratee: 80)
    close_and_compute(period)
    staff = User.objects.create_user(username="staff-q", password=PASSWORD, is_org_staff=True)
    client.force_login(staff)
    page = client.get(reverse("evaluations:quality", args=[period.pk])).content.decode()
    table = page.split('id="flag-table"')[1].split("</table>")[0]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    town_rows = [row for row in rows if town.unit.name in row]
    assert len(town_rows) == len(town.people) + 1  # one flat sheet from each insider and the outsider
    ids = [re.search(r"<code>(\w+)</code>", row[0]).group(1) for row in town_rows]
    assert ids == sorted(ids)  # random ids in their own order, not the order sheets came in
    assert len({tuple(row[1:]) for row in town_rows}) == 1, town_rows
    for person in (*town.people.values(), outsider):
        assert person.name not in page
    flags, _spreads = selectors.quality(period)
    assert [flag.short_id for flag in flags if flag.unit_id == town.unit.pk] == ids
