"""Builders for supervision tests: a sanction recorded through the service, an annual grade."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from evaluations.models import AnnualResult, Grade
from supervision.services import records


def today() -> date:
    return timezone.localdate()


def sanction(cadre, by, *, kind="admonition", on: date | None = None, **extra):
    return records.record_create(
        cadre=cadre,
        kind=kind,
        document_no=extra.pop("document_no", "区纪委〔2026〕7号"),
        issuing_body=extra.pop("issuing_body", "中共青山区纪委"),
        date=on or today() - timedelta(days=30),
        reason=extra.pop("reason", "违规发放津贴补贴"),
        actor=by,
        **extra,
    )


def annual_grade(cadre, year: int, grade=Grade.EXCELLENT, *, published=True) -> AnnualResult:
    return AnnualResult.objects.create(
        cadre=cadre,
        year=year,
        unit=cadre.unit,
        unit_category=cadre.unit.category,
        role=cadre.role,
        rank=cadre.rank,
        grade=grade,
        is_published=published,
    )
