"""The record a notice is drafted from, frozen as JSON, and the text of each notice section.

`build_source` reads the cadre's record once (a fixed number of queries, however long the record)
and keeps only what a public notice may show: birth year and month — never the day — and no ID
number, phone or address. `render_sections` turns that frozen record into the editable text of
the notice, so a later change to the record never silently changes a notice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from achievements.models import Summary, SummaryKind
from achievements.selectors import verified_achievements
from cadres.models import Cadre
from evaluations.models import AnnualResult

from .models import Notice, PublicitySettings

SOURCE_VERSION = 1
# A notice shows an excerpt of each annual summary; the full text stays in the archive.
SUMMARY_EXCERPT_CHARS = 600
SECTIONS = ("basic_info", "resume", "study_credits", "achievements", "evaluation_results")


def record_years(today: date, years: int) -> list[int]:
    """The last `years` complete years before `today`, oldest first."""
    return list(range(today.year - years, today.year))


def _year_month(value: date | None) -> str | None:
    return f"{value.year:04d}-{value.month:02d}" if value else None


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def build_source(cadre: Cadre, *, today: date, years: int | None = None) -> dict[str, Any]:
    """The cadre's record for a notice, JSON-safe, without private data, in the notice's language."""
    # A notice is an official document in Chinese, whatever language the staff member browses in.
    with translation.override(settings.LANGUAGE_CODE):
        return _build_source(cadre, today=today, years=years)


def _build_source(cadre: Cadre, *, today: date, years: int | None) -> dict[str, Any]:
    years = years or PublicitySettings.load().record_years
    year_list = record_years(today, years)
    first = date(year_list[0], 1, 1)
    cadre = Cadre.objects.select_related("unit", "rank").get(pk=cadre.pk)
    resume = cadre.resume_entries.order_by("start_date", "pk")
    credits = cadre.study_credits.filter(year__in=year_list).order_by("year")
    summaries = {
        s.year: s.text
        for s in Summary.objects.filter(author=cadre, kind=SummaryKind.ANNUAL, year__in=year_list).only("year", "text")
    }
    achievements = verified_achievements(cadre=cadre, start=first, end=today)
    results = {
        r.year: r
        for r in AnnualResult.objects.published().filter(cadre=cadre, year__in=year_list).select_related("unit", "rank")
    }
    # The year under way counts too: what was verified so far this year (as the seed's notices do).
    by_year: dict[int, list[dict[str, Any]]] = {y: [] for y in [*year_list, today.year]}
    for item in achievements:
        by_year[item.date.year].append(
            {
                "title": item.title,
                "date": _year_month(item.date),
                "category": item.category.name,
                "description": item.description,
                "figures": [{"label": f.label, "value": _number(f.value), "unit": f.unit} for f in item.figures.all()],
                "role": item.my_role,
                "share": _number(item.my_share),
                "participant_count": len(item.participants.all()),
            }
        )
    basic = {
        "name": cadre.name,
        "gender": str(cadre.get_gender_display()),
        "birth": _year_month(cadre.birth_date),
        "ethnicity": cadre.ethnicity,
        "native_place": cadre.native_place,
        "education": cadre.education,
        "party_join": _year_month(cadre.party_join_date),
        "work_start": _year_month(cadre.work_start_date),
        "unit": cadre.unit.name,
        "post_title": cadre.post_title,
        "rank": cadre.rank.name,
    }
    year_rows = [
        {
            "year": year,
            "annual_summary": summaries.get(year),
            "achievements": by_year[year],
            "result": _result(results.get(year)),
        }
        for year in year_list
    ]
    return {
        "version": SOURCE_VERSION,
        "as_of": today.isoformat(),
        "years": year_list,
        "basic": basic,
        "resume": [
            {"start": _year_month(e.start_date), "end": _year_month(e.end_date), "description": e.description}
            for e in resume
        ],
        "study_credits": [{"year": c.year, "credits": _number(c.credits), "note": c.note} for c in credits],
        "by_year": year_rows,
        "current_year": {"year": today.year, "to": today.isoformat(), "achievements": by_year[today.year]},
    }


def _result(result: AnnualResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "annual_score": _number(result.annual_score),
        "rank_in_unit": result.rank_in_unit,
        "unit_size": result.unit_size,
        "rank_in_rank_level": result.rank_in_rank_level,
        "rank_level_size": result.rank_level_size,
        "rank_level": result.rank.name,
        "grade": str(result.get_grade_display()) if result.grade else "",
    }


# --- Text of the sections ---------------------------------------------------------------------------


def _ym(value: str | None) -> str:
    """ "2008-07" → "2008年7月"."""
    if not value:
        return ""
    year, month = value.split("-")
    return _("%(year)s年%(month)s月") % {"year": year, "month": int(month)}


def _dotted(value: str | None) -> str:
    """ "2008-07" → "2008.07", as resumes in notices are written."""
    return value.replace("-", ".") if value else ""


def _fit(text: str, limit: int) -> str:
    """Keep a generated section within its field's length; staff can edit it afterwards."""
    marker = _("……（以下略）")
    return text if len(text) <= limit else text[: limit - len(marker)] + marker


def _excerpt(text: str, limit: int = SUMMARY_EXCERPT_CHARS) -> str:
    text = " ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return text if len(text) <= limit else text[:limit] + "……"


def _basic_info(basic: dict[str, Any]) -> str:
    parts = [basic["name"], basic["gender"]]
    if basic.get("ethnicity"):
        parts.append(basic["ethnicity"])
    parts.append(_("%(birth)s生") % {"birth": _ym(basic["birth"])})
    if basic.get("native_place"):
        parts.append(_("%(place)s人") % {"place": basic["native_place"]})
    if basic.get("education"):
        parts.append(_("%(education)s学历") % {"education": basic["education"]})
    if basic.get("party_join"):
        parts.append(_("%(date)s加入中国共产党") % {"date": _ym(basic["party_join"])})
    if basic.get("work_start"):
        parts.append(_("%(date)s参加工作") % {"date": _ym(basic["work_start"])})
    text = "，".join(parts) + "。"
    post = f"{basic['unit']}{basic.get('post_title') or ''}"
    return text + _("现任%(post)s（%(rank)s）。") % {"post": post, "rank": basic["rank"]}


def _resume(entries: list[dict[str, Any]]) -> str:
    if not entries:
        return _("无简历记录。")
    lines = []
    for entry in entries:
        span = f"{_dotted(entry['start'])}—{_dotted(entry['end']) or _('至今')}"
        lines.append(f"{span}  {entry['description']}")
    return "\n".join(lines)


def _study_credits(source: dict[str, Any]) -> str:
    credits = {c["year"]: c for c in source["study_credits"]}
    lines = []
    for year in source["years"]:
        row = credits.get(year)
        if row is None:
            lines.append(_("%(year)s年：无学习教育积分记录。") % {"year": year})
        else:
            line = _("%(year)s年：%(credits)s 分") % {"year": year, "credits": row["credits"]}
            lines.append(line + (f"（{row['note']}）" if row.get("note") else ""))
    return "\n".join(lines)


def _achievement_line(number: int, item: dict[str, Any]) -> str:
    facts = [_ym(item["date"]), item["category"]]
    if item["role"]:
        facts.append(_("本人角色：%(role)s") % {"role": item["role"]})
    if item["participant_count"] > 1 and item["share"]:
        facts.append(
            _("共 %(count)s 人参与，本人贡献占比 %(share)s%%")
            % {"count": item["participant_count"], "share": item["share"]}
        )
    lines = [f"{number}. {item['title']}（{'；'.join(facts)}）", f"   {_excerpt(item['description'])}"]
    if item["figures"]:
        figures = "；".join(f"{f['label']} {f['value']}{f['unit']}" for f in item["figures"])
        lines.append("   " + _("量化指标：%(figures)s") % {"figures": figures})
    return "\n".join(lines)


def _achievements(source: dict[str, Any]) -> str:
    blocks = []
    current = source.get("current_year")
    if current and current["achievements"]:
        to = date.fromisoformat(current["to"])
        lines = [_("【%(year)s年（截至%(month)s月%(day)s日）】") % {"year": to.year, "month": to.month, "day": to.day}]
        lines.append(_("经核实的主要实绩："))
        lines.extend(_achievement_line(n, item) for n, item in enumerate(current["achievements"], start=1))
        blocks.append("\n".join(lines))
    for row in reversed(source["by_year"]):
        lines = [_("【%(year)s年】") % {"year": row["year"]}]
        if row["annual_summary"]:
            lines.append(_("年度总结：%(text)s") % {"text": _excerpt(row["annual_summary"])})
        else:
            lines.append(_("年度总结：无记录。"))
        if row["achievements"]:
            lines.append(_("经核实的主要实绩："))
            lines.extend(_achievement_line(n, item) for n, item in enumerate(row["achievements"], start=1))
        else:
            lines.append(_("经核实的主要实绩：无记录。"))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _evaluation_results(source: dict[str, Any]) -> str:
    lines = []
    for row in reversed(source["by_year"]):
        result = row["result"]
        if result is None:
            lines.append(_("%(year)s年度：无年度考核结果记录。") % {"year": row["year"]})
            continue
        facts = []
        if result["annual_score"] is not None:
            facts.append(_("年度得分 %(score)s") % {"score": result["annual_score"]})
        if result["rank_in_unit"]:
            facts.append(
                _("单位内排名 %(rank)s/%(size)s") % {"rank": result["rank_in_unit"], "size": result["unit_size"]}
            )
        if result["rank_in_rank_level"]:
            facts.append(
                _("%(level)s中排名 %(rank)s/%(size)s")
                % {
                    "level": result["rank_level"],
                    "rank": result["rank_in_rank_level"],
                    "size": result["rank_level_size"],
                }
            )
        if result["grade"]:
            facts.append(_("考核等次：%(grade)s") % {"grade": result["grade"]})
        lines.append(_("%(year)s年度：") % {"year": row["year"]} + ("，".join(facts) or _("无记录")) + "。")
    return "\n".join(lines)


def render_sections(source: dict[str, Any]) -> dict[str, str]:
    """The text of each notice section, in the site's language, each within its field's length."""
    with translation.override(settings.LANGUAGE_CODE):
        texts = {
            "basic_info": _basic_info(source["basic"]),
            "resume": _resume(source["resume"]),
            "study_credits": _study_credits(source),
            "achievements": _achievements(source),
            "evaluation_results": _evaluation_results(source),
        }
    return {name: _fit(text, Notice._meta.get_field(name).max_length) for name, text in texts.items()}


def notice_title(name: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("关于%(name)s同志任前公示") % {"name": name}


# --- Section headings ---------------------------------------------------------------------------

_NUMERALS = "一两三四五六七八九十"  # 近两年, as Chinese writes it


def _recent(n: int) -> str:
    """近三年 in Chinese, "the last 3 years" in English."""
    if (translation.get_language() or "zh").startswith("zh") and 1 <= n <= len(_NUMERALS):
        return _("近%(n)s年") % {"n": _NUMERALS[n - 1]}
    return _("近%(n)s年") % {"n": n}


def section_labels(notice: Notice, settings: PublicitySettings | None = None) -> dict[str, str]:
    """Headings that say what the generated sections list: the notice's N complete years (a setting),
    and "及今年以来" when the year under way has achievements listed as well."""
    source = notice.source or {}
    years = len(source.get("years") or []) or (settings or PublicitySettings.load()).record_years
    with_current = bool((source.get("current_year") or {}).get("achievements"))
    recent = _recent(years)
    achievements = (_("%(recent)s及今年以来主要工作实绩") if with_current else _("%(recent)s主要工作实绩")) % {
        "recent": recent
    }
    return {
        "basic_info": str(_("基本情况")),
        "resume": str(_("简历")),
        "study_credits": str(_("%(recent)s学习教育积分") % {"recent": recent}),
        "achievements": achievements,
        "evaluation_results": str(_("%(recent)s年度考核结果") % {"recent": recent}),
    }
