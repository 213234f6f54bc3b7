"""The signed-in user of a request with their cadre, unit and rank: one SQL statement built once per
process, the rows made into model instances as the ORM's select_related would make them.

Every signed-in request loads its user (django.contrib.auth's AuthenticationMiddleware, through
cadres.signon.LocalBackend.get_user). Building that four-table join with the ORM cost more CPU than
the rest of a cached page; the statement never changes, so it is built here once from the models'
own fields (a new field is in it without a change here) and only executed per request. Values go
through the same converters the ORM applies, and the related objects are cached on the instances
exactly as `User.objects.select_related("cadre__unit", "cadre__rank")` caches them: `user.cadre`
(None for an account without a cadre), `cadre.user`, `cadre.unit` and `cadre.rank` ask nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model

from core.prepared import planned_once_cursor

from .models import Cadre, User

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Part:
    model: type[Model]
    attnames: list[str]
    start: int
    converters: list[tuple[int, list[Converter]]]  # (index within the part, converters)

    def build(self, db: str, row: tuple[Any, ...], connection: Any) -> Model | None:
        values = list(row[self.start : self.start + len(self.attnames)])
        if values[0] is None:  # the primary key comes first: no row joined
            return None
        for index, functions in self.converters:
            field = self.model._meta.concrete_fields[index]
            for function in functions:
                values[index] = function(values[index], field.get_col(self.model._meta.db_table), connection)
        return self.model.from_db(db, self.attnames, values)


_PLANS: dict[str, tuple[str, list[_Part]]] = {}


def _plan(db: str) -> tuple[str, list[_Part]]:
    plan = _PLANS.get(db)
    if plan is not None:
        return plan
    connection = connections[db]
    quote = connection.ops.quote_name
    unit_field = Cadre._meta.get_field("unit")
    rank_field = Cadre._meta.get_field("rank")
    tables = [(User, "u"), (Cadre, "c"), (unit_field.related_model, "n"), (rank_field.related_model, "r")]
    columns: list[str] = []
    parts: list[_Part] = []
    for model, alias in tables:
        fields = model._meta.concrete_fields
        # The primary key first (Django's own models list it first; from_db needs the fields in order).
        assert fields[0].primary_key, model
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            functions = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if functions:
                converters.append((index, functions))
        parts.append(_Part(model, [f.attname for f in fields], len(columns), converters))
        columns.extend(f"{alias}.{quote(f.column)}" for f in fields)
    user_column = quote(Cadre._meta.get_field("user").column)
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(User._meta.db_table)} u"  # noqa: S608  # model names only
        f" LEFT OUTER JOIN {quote(Cadre._meta.db_table)} c ON c.{user_column} = u.{quote(User._meta.pk.column)}"
        f" LEFT OUTER JOIN {quote(tables[2][0]._meta.db_table)} n"
        f" ON n.{quote(tables[2][0]._meta.pk.column)} = c.{quote(unit_field.column)}"
        f" LEFT OUTER JOIN {quote(tables[3][0]._meta.db_table)} r"
        f" ON r.{quote(tables[3][0]._meta.pk.column)} = c.{quote(rank_field.column)}"
        f" WHERE u.{quote(User._meta.pk.column)} = %s"
    )
    plan = (sql, parts)
    _PLANS[db] = plan
    return plan


def user_with_cadre(user_id: Any) -> User | None:
    """The user `user_id` with their cadre, its unit and its rank cached on it; None if no such user."""
    db = User._default_manager.db
    sql, parts = _plan(db)
    connection = connections[db]
    with planned_once_cursor(db) as cursor:
        cursor.execute(sql, [User._meta.pk.get_db_prep_value(User._meta.pk.to_python(user_id), connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    user, cadre, unit, rank = (part.build(db, row, connection) for part in parts)
    assert isinstance(user, User)
    reverse = Cadre._meta.get_field("user")
    reverse.remote_field.set_cached_value(user, cadre)  # user.cadre (None: no cadre)
    if cadre is not None:
        reverse.set_cached_value(cadre, user)  # cadre.user
        Cadre._meta.get_field("unit").set_cached_value(cadre, unit)
        Cadre._meta.get_field("rank").set_cached_value(cadre, rank)
    return user
