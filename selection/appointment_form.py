"""The official appointment form (干部任免审批表, rules.md §11), filled from the record.

The layout is the national form issued by the Organization Department of the CPC Central
Committee (中组部): one A4 page with the personal data, education, posts and the resume, and a
second page (附表) with 奖惩情况, 年度考核结果, 任免理由, the family and social relations and the
approval boxes. `build_form` gathers every cell as text; empty cells are empty strings, never None.

Rewards and sanctions live in supervision, a floor above selection, so selection never imports
it: supervision registers a provider here when it starts (`SupervisionConfig.ready`), in the way
publicity/gate_hints.py takes providers from the apps above it. Annual grades come from the
evaluations selector `published_annual_grades`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from cadres.models import Cadre, EducationEntry, EducationKind, FamilyMember
from evaluations.selectors import published_annual_grades
from publicity.models import PublicitySettings

from .inspection_models import Decision
from .models import Candidate

# The form's own instruction: 年度考核结果 lists the last three years' annual results.
ANNUAL_RESULT_YEARS = 3
# Rows of the family table printed even when fewer members are recorded (the form's blank grid).
FAMILY_ROWS_PRINTED = 7

# --- Registry: rewards and sanctions from the app that records them --------------------------------

RewardsProvider = Callable[[int], list[str]]
_rewards_providers: dict[str, RewardsProvider] = {}


def register_rewards(name: str, provider: RewardsProvider) -> None:
    """Register (or replace, on a reload) `provider(cadre_id) -> [line, ...]` for 奖惩情况."""
    _rewards_providers[name] = provider


def rewards_lines(cadre_id: int) -> list[str]:
    return [line for provider in _rewards_providers.values() for line in provider(cadre_id)]


# --- The form ---------------------------------------------------------------------------------------


def year_month(day: date | None) -> str:
    return f"{day.year}.{day.month:02d}" if day else ""


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class FamilyRow:
    relation: str
    name: str
    birth: str  # yyyy.mm, or ""
    age: str  # whole years at the form's age date, or ""
    political_status: str
    employer_post: str


@dataclass(frozen=True)
class EducationCell:
    """One row of 学历学位: the 学历 and the 学位 with the school of each (the 学位's school is left
    empty when the same entry gives both, as the editor does)."""

    level: str = ""
    level_school: str = ""
    degree: str = ""
    degree_school: str = ""


@dataclass
class AppointmentForm:
    name: str
    gender: str
    birth: str  # yyyy.mm
    age: str
    ethnicity: str
    native_place: str
    birthplace: str
    party_join: str
    work_start: str
    health: str
    professional_title: str
    specialty: str
    full_time: EducationCell
    in_service: EducationCell
    current_post: str
    proposed_post: str
    proposed_removal: str
    resume_lines: list[str]
    rewards: list[str]
    annual_results: str
    reason: str
    family: list[FamilyRow]
    reporting_unit: str
    filler: str
    age_date: date
    id_number: str = ""
    photo: bytes = b""
    photo_type: str = ""
    blank_family_rows: list[int] = field(default_factory=list)

    @property
    def family_rowspan(self) -> int:
        return len(self.family) + len(self.blank_family_rows) + 1

    @property
    def age_date_text(self) -> str:
        return f"{self.age_date.year}.{self.age_date.month:02d}.{self.age_date.day:02d}"


def resume_line(start: date, end: date | None, text: str) -> str:
    """One resume line as the editor writes it: `1998.09--2002.07  text`; an open end leaves
    seven spaces where the end date would be."""
    return f"{year_month(start)}--{year_month(end) if end else ' ' * 7}  {text}"


def education_cell(entries: list[EducationEntry]) -> EducationCell:
    with_level = [e for e in entries if e.level]
    with_degree = [e for e in entries if e.degree]
    level_entry = with_level[-1] if with_level else None
    degree_entry = with_degree[-1] if with_degree else None
    return EducationCell(
        level=level_entry.level if level_entry else "",
        level_school=level_entry.school if level_entry else "",
        degree=degree_entry.degree if degree_entry else "",
        degree_school=degree_entry.school if degree_entry and degree_entry is not level_entry else "",
    )


def annual_results_text(cadre_id: int) -> str:
    grades = published_annual_grades(cadre_id, years=ANNUAL_RESULT_YEARS)
    if not grades:
        return ""
    return "；".join(_("%(year)s年度考核%(grade)s") % {"year": year, "grade": grade} for year, grade in grades) + "。"


def current_post_of(cadre: Cadre) -> str:
    return f"{cadre.unit.name}{cadre.post_title}" if cadre.post_title else ""


def build_form(
    cadre: Cadre,
    *,
    as_of: date,
    filler: str = "",
    proposed_post: str = "",
    proposed_removal: str = "",
    reason: str = "",
) -> AppointmentForm:
    """Every cell of the form for `cadre`, ages counted on `as_of` (计算年龄时间)."""
    education = list(EducationEntry.objects.filter(cadre=cadre).order_by("graduated_on", "pk"))
    family = [
        FamilyRow(
            relation=member.relation,
            name=member.name,
            birth=year_month(member.birth_date),
            age=str(member.age_on(as_of)) if member.birth_date else "",
            political_status=member.political_status,
            employer_post=member.employer_post,
        )
        for member in FamilyMember.objects.filter(cadre=cadre)
    ]
    photo, photo_type = b"", ""
    if cadre.photo:
        try:
            with cadre.photo.open("rb") as handle:
                photo = handle.read()
        except OSError:
            photo = b""
        name = cadre.photo.name.lower()
        photo_type = "image/png" if name.endswith(".png") else "image/jpeg"
    return AppointmentForm(
        name=cadre.name,
        gender=cadre.get_gender_display(),
        birth=year_month(cadre.birth_date),
        age=str(age_on(cadre.birth_date, as_of)),
        ethnicity=cadre.ethnicity,
        native_place=cadre.native_place,
        birthplace=cadre.birthplace,
        party_join=year_month(cadre.party_join_date),
        work_start=year_month(cadre.work_start_date),
        health=cadre.health,
        professional_title=cadre.professional_title,
        specialty=cadre.specialty,
        full_time=education_cell([e for e in education if e.kind == EducationKind.FULL_TIME]),
        in_service=education_cell([e for e in education if e.kind == EducationKind.IN_SERVICE]),
        current_post=current_post_of(cadre),
        proposed_post=proposed_post,
        proposed_removal=proposed_removal,
        resume_lines=[resume_line(e.start_date, e.end_date, e.description) for e in cadre.resume_entries.all()],
        rewards=rewards_lines(cadre.pk),
        annual_results=annual_results_text(cadre.pk),
        reason=reason,
        family=family,
        reporting_unit=PublicitySettings.load().issuer_name,
        filler=filler,
        age_date=as_of,
        id_number=cadre.id_number,
        photo=photo,
        photo_type=photo_type,
        blank_family_rows=list(range(max(0, FAMILY_ROWS_PRINTED - len(family)))),
    )


def build_for_candidate(candidate: Candidate, *, as_of: date, filler: str = "") -> AppointmentForm:
    """The form of an inspection candidate: 拟任 is the selection's post; 拟免 the current post when
    it is another one; 任免理由 names the deciding meeting once the selection is decided."""
    cadre = candidate.cadre
    post = candidate.selection.post
    proposed = f"{post.unit.name}{post.title}"
    current = current_post_of(cadre)
    removal = current if current and current != proposed else ""
    reason = ""
    decision = (
        Decision.objects.filter(selection=candidate.selection, chosen=candidate).select_related("meeting").first()
    )
    if decision is not None:
        meeting = decision.meeting
        reason = _("工作需要。经%(date)s%(meeting)s研究，拟任%(post)s。") % {
            "date": f"{meeting.held_on.year}年{meeting.held_on.month}月{meeting.held_on.day}日",
            "meeting": meeting.get_kind_display(),
            "post": proposed,
        }
    return build_form(
        cadre, as_of=as_of, filler=filler, proposed_post=proposed, proposed_removal=removal, reason=reason
    )


def filler_name(user: Any) -> str:
    cadre = getattr(user, "cadre", None)
    if cadre is not None:
        return str(cadre.name)
    return str(user.get_full_name() or user.get_username()) if user is not None else ""
