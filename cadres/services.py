"""Writes of the cadres app: cadre and unit records, roster import, accounts, deactivation,
membership snapshots."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Field
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.results import Result

from core.errors import DomainError
from core.jobs import Progress, job_run
from core.spreadsheets import cell_text

from . import roster, validators
from .background import queue_after_commit
from .models import (
    Cadre,
    MembershipSnapshot,
    RankLevel,
    RosterImport,
    SnapshotMember,
    Unit,
    UnitCategory,
    User,
    normalize_cadre_code,
)
from .roster import COL_CATEGORY, COL_CODE, COL_PARENT, COL_UNIT, RosterFileError, RosterIssue

logger = logging.getLogger(__name__)


# --- Cadre and unit records -----------------------------------------------------------------


class RecordInputError(DomainError):
    """Input a cadre or unit record refuses: each bad field with its sentences (`field` and
    `message` are the first)."""

    def __init__(self, errors: Mapping[str, list[str]]):
        self.errors = {field: [str(m) for m in messages] for field, messages in errors.items()}
        field, messages = next(iter(self.errors.items()))
        super().__init__(messages[0], field=None if field == "__all__" else field)

    def field_errors(self) -> dict[str | None, list[str]]:
        return {None if field == "__all__" else field: messages for field, messages in self.errors.items()}


def _assign(record: Cadre | Unit, values: Mapping[str, Any]) -> None:
    """Set the fields as a form would (a file field takes an upload, False to clear, None to keep),
    then check the whole record (field validators, unique fields and constraints, `clean`)."""
    for name, value in values.items():
        model_field = type(record)._meta.get_field(name)
        if not isinstance(model_field, Field):  # a reverse relation: nothing a form could set
            raise TypeError(f"{name} is not a field a record write can set")
        model_field.save_form_data(record, value)
    try:
        record.full_clean()
    except ValidationError as error:
        raise RecordInputError(error.message_dict) from None


def _cadre_write(cadre: Cadre, values: Mapping[str, Any]) -> Cadre:
    try:
        cleaned = validators.clean_cadre_values(values, cadre=cadre)
    except ValidationError as error:
        raise RecordInputError(error.message_dict) from None
    _assign(cadre, cleaned)
    cadre.save()
    return cadre


@transaction.atomic
def cadre_create(*, actor: User | None, values: Mapping[str, Any]) -> Cadre:
    """A new cadre record from field values (cadres.validators decide what is refused)."""
    return _cadre_write(Cadre(), values)


@transaction.atomic
def cadre_update(*, cadre: Cadre, actor: User | None, values: Mapping[str, Any]) -> Cadre:
    """Change the given fields of a cadre record; the others keep their values."""
    return _cadre_write(cadre, values)


@transaction.atomic
def unit_create(*, actor: User | None, values: Mapping[str, Any]) -> Unit:
    unit = Unit()
    _assign(unit, values)
    unit.save()
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, actor: User | None, values: Mapping[str, Any]) -> Unit:
    """Change the given fields of a unit; a parent that would make a cycle is refused."""
    _assign(unit, values)
    unit.save()
    return unit


# --- Roster import --------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterImportSummary:
    total_rows: int
    created: int
    updated: int
    unchanged: int
    units_created: int
    title_lines: list[int] = field(default_factory=list)  # rows above the header that were skipped


@dataclass
class _UnitPlan:
    name: str
    category: str
    parent: str
    lines: list[int]


def _plan_units(records: list[tuple[int, dict[str, Any]]]) -> tuple[dict[str, _UnitPlan], list[RosterIssue]]:
    """The units the file describes, checked for consistency within the file and the tree."""
    categories = {str(c.label): c.value for c in UnitCategory}
    plans: dict[str, _UnitPlan] = {}
    issues: list[RosterIssue] = []
    for line, row in records:
        name = cell_text(row.get(COL_UNIT))
        if not name:
            continue  # reported by the row check
        label = cell_text(row.get(COL_CATEGORY))
        parent = cell_text(row.get(COL_PARENT))
        if label not in categories:
            issues.append(
                RosterIssue(
                    line,
                    COL_CATEGORY,
                    _("单位类别「%(value)s」无法识别，应为：%(allowed)s。")
                    % {"value": label, "allowed": "、".join(categories)},
                )
            )
            continue
        if parent == name:
            issues.append(RosterIssue(line, COL_PARENT, _("上级单位不能是单位本身。")))
            continue
        plan = plans.get(name)
        if plan is None:
            plans[name] = _UnitPlan(name, categories[label], parent, [line])
        elif (plan.category, plan.parent) != (categories[label], parent):
            issues.append(
                RosterIssue(
                    line,
                    COL_UNIT,
                    _("单位「%(unit)s」的类别或上级单位与第 %(first)s 行不一致。")
                    % {"unit": name, "first": plan.lines[0]},
                )
            )
        else:
            plan.lines.append(line)

    existing = {u.name: u for u in Unit.objects.select_related("parent")}
    parent_of = {name: (u.parent.name if u.parent else "") for name, u in existing.items()}
    parent_of.update({name: plan.parent for name, plan in plans.items()})
    broken = set()
    for plan in plans.values():
        if plan.parent and plan.parent not in parent_of:
            broken.add(plan.name)
            issues.extend(
                RosterIssue(
                    line,
                    COL_PARENT,
                    _("上级单位「%(parent)s」不存在，请先建立该单位或在花名册中列出。") % {"parent": plan.parent},
                )
                for line in plan.lines
            )
            continue
        seen, current = {plan.name}, plan.parent
        while current:
            if current in seen:
                broken.add(plan.name)
                issues.extend(RosterIssue(line, COL_PARENT, _("上级单位关系形成了循环。")) for line in plan.lines)
                break
            seen.add(current)
            current = parent_of.get(current, "")
    return {name: plan for name, plan in plans.items() if name not in broken}, issues


def _apply_unit_plans(plans: dict[str, _UnitPlan]) -> tuple[dict[str, Unit], int]:
    units = {u.name: u for u in Unit.objects.all()}
    created = 0
    for plan in plans.values():
        if plan.name not in units:
            units[plan.name] = Unit.objects.create(name=plan.name, category=plan.category)
            created += 1
    for plan in plans.values():
        unit = units[plan.name]
        parent = units[plan.parent] if plan.parent else None
        if unit.category != plan.category or unit.parent_id != (parent.pk if parent else None):
            unit.category, unit.parent = plan.category, parent
            unit.save(update_fields=["category", "parent"])
    return units, created


def _duplicate_code_issues(records: list[tuple[int, dict[str, Any]]]) -> list[RosterIssue]:
    first_line: dict[str, int] = {}
    issues = []
    for line, row in records:
        code = normalize_cadre_code(cell_text(row.get(COL_CODE)))
        if not code:
            continue
        if code in first_line:
            issues.append(
                RosterIssue(
                    line,
                    COL_CODE,
                    _("编号「%(code)s」与第 %(first)s 行重复。") % {"code": code, "first": first_line[code]},
                )
            )
        else:
            first_line[code] = line
    return issues


def _row_issues(result: Result, lines: list[int], resource: roster.RosterResource) -> list[RosterIssue]:
    columns = {f.attribute: f.column_name for f in resource.fields.values()}
    issues = []
    for invalid in result.invalid_rows:
        line = lines[invalid.number - 1]
        for attribute, messages in invalid.error_dict.items():
            for message in messages:
                issues.append(RosterIssue(line, columns.get(attribute, attribute), str(message)))
    for error_row in result.error_rows:
        for error in error_row.errors:
            logger.error("roster row %s failed: %s", error_row.number, error.error)
            issues.append(
                RosterIssue(lines[error_row.number - 1], "", _("本行无法导入：%(error)s") % {"error": error.error})
            )
    for error in result.base_errors:
        logger.error("roster import failed: %s", error.error)
        issues.append(RosterIssue(None, "", _("导入时发生错误，未写入任何数据。")))
    return issues


def _audit_roster_rows(saved: list[tuple[Cadre, dict[str, Any] | None]], actor: User | None, source: str) -> None:
    """Bulk writes bypass auditlog's signals, so the import writes its own entries."""
    content_type = ContentType.objects.get_for_model(Cadre)
    entries = []
    for cadre, before in saved:
        after = roster._field_values(cadre)
        changed = {
            name: [None if before is None else str(before[name]), str(value)]
            for name, value in after.items()
            if before is None or before[name] != value
        }
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(cadre.pk),
                object_id=cadre.pk,
                object_repr=str(cadre),
                action=LogEntry.Action.CREATE if before is None else LogEntry.Action.UPDATE,
                changes=changed,
                actor=actor,
                additional_data={"source": source},
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=1000)


def roster_import(*, content: bytes, filename: str, actor: User | None) -> RosterImportSummary:
    """Import a roster file all-or-nothing; raise RosterFileError listing every bad row."""
    table = roster.read_roster_table(content, filename)
    records = table.records()
    issues = _duplicate_code_issues(records)
    plans, unit_issues = _plan_units(records)
    issues += unit_issues
    bad_lines = {i.line for i in issues}
    with transaction.atomic():
        units, units_created = _apply_unit_plans(plans)
        dataset, lines = table.dataset(keep_lines=set(table.lines) - bad_lines)
        resource = roster.RosterResource(units=units)
        result = resource.import_data(dataset, dry_run=False, raise_errors=False)
        issues += _row_issues(result, lines, resource)
        if issues:
            raise RosterFileError(issues)  # leaving the block rolls back the units too
        _audit_roster_rows(resource.saved, actor, source=f"roster:{filename}")
    totals = result.totals
    return RosterImportSummary(
        total_rows=len(table.rows),
        created=totals["new"],
        updated=totals["update"],
        unchanged=totals["skip"],
        units_created=units_created,
        title_lines=table.title_lines,
    )


def roster_import_start(*, upload: UploadedFile, actor: User) -> RosterImport:
    from .tasks import run_roster_import

    job = RosterImport.objects.create(original_name=(upload.name or "")[:255], requested_by=actor, file=upload)
    queue_after_commit(run_roster_import, job.pk)
    return job


def roster_import_run(*, import_id: int) -> RosterImport:
    """The background half of an upload (core.jobs): import, record the outcome, delete the file."""

    def work(job: RosterImport, progress: Progress) -> str:
        progress(0, 1, _("导入花名册"))
        try:
            with job.file.open("rb") as handle:
                content = handle.read()
            summary = roster_import(content=content, filename=job.original_name, actor=job.requested_by)
        except RosterFileError as error:
            RosterImport.objects.filter(pk=job.pk).update(errors=[issue.as_dict() for issue in error.issues])
            count = len(error.issues)
            raise DomainError(
                ngettext(
                    "发现 %(n)s 处错误。没有写入任何数据，请改正后重新上传整个文件。",
                    "发现 %(n)s 处错误。没有写入任何数据，请改正后重新上传整个文件。",
                    count,
                )
                % {"n": count}
            ) from error
        finally:
            # The file holds personal data; what matters of it is now in the database.
            job.file.delete(save=False)
            RosterImport.objects.filter(pk=job.pk).update(file="")
        RosterImport.objects.filter(pk=job.pk).update(
            total_rows=summary.total_rows,
            created_count=summary.created,
            updated_count=summary.updated,
            unchanged_count=summary.unchanged,
            units_created=summary.units_created,
            title_lines=summary.title_lines,
        )
        return _("导入成功")

    return job_run(RosterImport, import_id, work)


def roster_export(*, cadres: Iterable[Cadre], file_format: str, template: bool = False) -> bytes:
    """The roster as a file; `template` adds the example row the blank template carries."""
    dataset = roster.RosterResource(units={}).export(queryset=cadres)
    if file_format == "csv":
        text: str = dataset.export("csv")  # tablib is untyped
        return ("\ufeff" + text).encode("utf-8")  # BOM so Excel reads UTF-8
    ranks = list(RankLevel.objects.order_by("sort_order", "name").values_list("name", flat=True))
    return roster.roster_workbook(dataset, ranks=ranks, example=template)


# --- Accounts -----------------------------------------------------------------------------

# No 0/O, 1/l/I: initial passwords are read off paper.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105


def initial_password(length: int = 10) -> str:
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


@dataclass(frozen=True)
class InitialCredential:
    code: str
    name: str
    unit: str
    password: str


def _hash_initial(password: str) -> str:
    return make_password(password, hasher="pbkdf2_sha256_initial")


@transaction.atomic
def accounts_issue(*, cadres: Iterable[Cadre]) -> list[InitialCredential]:
    """Create a login (username = 编号) with a one-time password for each cadre without one."""
    credentials = []
    for cadre in cadres:
        if cadre.user_id or not cadre.is_active:
            continue
        password = initial_password()
        user = User.objects.filter(username=cadre.code, cadre__isnull=True).first() or User(username=cadre.code)
        user.password = _hash_initial(password)
        user.must_change_password = True
        user.is_active = True
        user.save()
        cadre.user = user
        cadre.save(update_fields=["user", "updated_at"])
        credentials.append(InitialCredential(cadre.code, cadre.name, cadre.unit.name, password))
    return credentials


@transaction.atomic
def account_reset_password(*, cadre: Cadre) -> InitialCredential:
    """A new one-time password for a cadre who forgot theirs (old sessions end)."""
    user = cadre.user
    if user is None:
        return accounts_issue(cadres=[cadre])[0]
    if user.sign_on:
        raise ExternalAccountError()
    password = initial_password()
    user.password = _hash_initial(password)
    user.must_change_password = True
    user.is_active = cadre.is_active
    user.save(update_fields=["password", "must_change_password", "is_active"])
    return InitialCredential(cadre.code, cadre.name, cadre.unit.name, password)


def password_changed(*, actor: User) -> None:
    """The actor has just changed their own password: the initial one no longer needs changing."""
    if actor.must_change_password:
        actor.must_change_password = False
        actor.save(update_fields=["must_change_password"])


@transaction.atomic
def cadre_deactivate(*, cadre: Cadre) -> None:
    """A cadre who leaves keeps their record; their login stops working at once."""
    cadre.is_active = False
    cadre.save(update_fields=["is_active", "updated_at"])
    user = cadre.user
    if user is not None:
        user.is_active = False
        # A new password hash invalidates every session of the user, not only new logins.
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])


@transaction.atomic
def cadre_reactivate(*, cadre: Cadre) -> InitialCredential | None:
    cadre.is_active = True
    cadre.save(update_fields=["is_active", "updated_at"])
    user = cadre.user
    if user is not None and user.sign_on:
        # A directory or unified-identity account signs on again there; it never gets a local password.
        user.is_active = True
        user.save(update_fields=["is_active"])
        return None
    if user is not None:
        return account_reset_password(cadre=cadre)
    return None


class ExternalAccountError(DomainError):
    def __init__(self) -> None:
        super().__init__(_("该账号经目录或统一身份认证登录，不设本地密码，请在原系统中找回密码。"))


@transaction.atomic
def external_account_bind(*, cadre: Cadre, user: User | None, source: str) -> User:
    """The account of a cadre who signed on through the directory or the unified identity platform.

    Matched by 编号: the cadre's existing login is taken over, or a login named after the 编号 is
    created. Either way it is marked with its source and has no usable local password from now on
    (the old one, if any, stops working), and it is never asked to change a password here.
    """
    if user is None:
        user = cadre.user or User(username=cadre.code)
    user.set_unusable_password()
    user.sign_on = source
    user.must_change_password = False
    user.is_active = True
    user.save()
    if cadre.user_id != user.pk:
        cadre.user = user
        cadre.save(update_fields=["user", "updated_at"])
    return user


# --- Membership snapshots --------------------------------------------------------------------


@transaction.atomic
def membership_snapshot_take(*, label: str, as_of: date) -> MembershipSnapshot:
    """Record unit, role and rank of every active cadre, for a period that opens on `as_of`."""
    snapshot = MembershipSnapshot.objects.create(label=label, as_of=as_of)
    # One INSERT … SELECT: a city's 50,000 members without a round trip through Python.
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {quote(SnapshotMember._meta.db_table)}
                    (snapshot_id, cadre_id, unit_id, unit_category, role, rank_id)
                SELECT %s, c.id, c.unit_id, u.category, c.role, c.rank_id
                FROM {quote(Cadre._meta.db_table)} c JOIN {quote(Unit._meta.db_table)} u ON u.id = c.unit_id
                WHERE c.is_active""",  # noqa: S608  (table names from model metadata)
            [snapshot.pk],
        )
        if connection.vendor == "postgresql":  # the opening joins these rows next
            cursor.execute(f"ANALYZE {quote(SnapshotMember._meta.db_table)}")
    return snapshot
