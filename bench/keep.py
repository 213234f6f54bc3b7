"""Benchmark group: the two figures issue 16 asks to keep, each against its bare floor side by side
in every round (run inside Django: `python -m bench.keep RUNS`; prints one JSON object).

- Dossier export against WeasyPrint alone on the same HTML: a synthetic cadre with three years of
  records (`manage.py benchmark_dossier`'s), exported by `dossier_render` (queries, template,
  registration, WeasyPrint), then the HTML it rendered given to `core.pdf.render_pdf` alone.
- `roster_import` of a 10,000-row CSV against a bare `bulk_create` of the same units and cadres.

Everything is written inside transactions that are rolled back: the database is left as it was.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import time
from datetime import date
from typing import Any

ROSTER_ROWS = 10_000
ROSTER_UNITS = 100


def roster_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["编号", "姓名", "性别", "出生日期", "单位", "单位类别", "上级单位", "职级", "职务", "角色"])
    for i in range(ROSTER_ROWS):
        unit = i % ROSTER_UNITS
        role = "主要领导" if i < ROSTER_UNITS else "一般干部"
        writer.writerow(
            [
                f"KEEP{i:06d}",
                f"导入干部{i}",
                "女" if i % 3 else "男",
                f"{1965 + i % 30}-0{1 + i % 9}-1{i % 9}",
                f"导入测试单位{unit:03d}",
                "区直单位",
                "",
                "正科级" if role == "主要领导" else "一般干部",
                "局长" if role == "主要领导" else "科员",
                role,
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def bare_bulk_create() -> None:
    from cadres.models import Cadre, Gender, RankLevel, Unit, UnitCategory, UnitRole

    ranks = {r.name: r for r in RankLevel.objects.all()}
    units = Unit.objects.bulk_create(
        [Unit(name=f"导入测试单位{u:03d}", category=UnitCategory.DISTRICT_DEPARTMENT) for u in range(ROSTER_UNITS)]
    )
    Cadre.objects.bulk_create(
        [
            Cadre(
                code=f"KEEP{i:06d}",
                name=f"导入干部{i}",
                gender=Gender.FEMALE if i % 3 else Gender.MALE,
                birth_date=date(1965 + i % 30, 1 + i % 9, 10 + i % 9),
                unit=units[i % ROSTER_UNITS],
                rank=ranks["正科级" if i < ROSTER_UNITS else "一般干部"],
                post_title="局长" if i < ROSTER_UNITS else "科员",
                role=UnitRole.MAIN_LEADER if i < ROSTER_UNITS else UnitRole.STAFF,
            )
            for i in range(ROSTER_ROWS)
        ]
    )


def rolled_back(work: Any) -> float:
    from django.db import transaction

    with transaction.atomic():
        started = time.perf_counter()
        work()
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import transaction

    import achievements.pdf
    from achievements import rules
    from achievements.management.commands.benchmark_dossier import Command as DossierData
    from achievements.services.dossiers import dossier_render
    from cadres.services import roster_import

    runs = int(sys.argv[1])
    content = roster_csv()
    today = rules.today_in_shanghai()
    first = today.year - 2
    rendered: list[tuple[str, dict[str, Any]]] = []
    product_render_pdf = achievements.pdf.render_pdf

    def keeping_html(html: str, **kwargs: Any) -> bytes:
        rendered.append((html, kwargs))
        return product_render_pdf(html, **kwargs)

    # The export's own call to WeasyPrint (core.pdf.render_pdf), recorded on the way through.
    achievements.pdf.render_pdf = keeping_html

    def importing() -> None:
        roster_import(content=content, filename="roster.csv", actor=None)

    out: dict[str, Any] = {"rounds": []}
    with transaction.atomic():
        cadre = DossierData()._build(first, today)
        # Warm-up, not timed: fonts, templates and the import's code loaded once, as in a worker.
        rolled_back(lambda: dossier_render(cadre=cadre, year_from=first, year_to=today.year, actor=None))
        rolled_back(importing)
        for number in range(runs):
            figures: dict[str, float] = {}
            order = ["dossier", "weasyprint", "import", "bulk_create"]
            for name in order if number % 2 == 0 else order[::-1]:
                started = time.perf_counter()
                if name == "dossier":
                    rendered.clear()
                    rolled_back(lambda: dossier_render(cadre=cadre, year_from=first, year_to=today.year, actor=None))
                    figures[name] = time.perf_counter() - started
                elif name == "weasyprint":  # the HTML of the latest export (the warm-up's at first)
                    html, kwargs = rendered[-1]
                    product_render_pdf(html, **kwargs)
                    figures[name] = time.perf_counter() - started
                elif name == "import":
                    figures[name] = rolled_back(importing)
                else:
                    figures[name] = rolled_back(bare_bulk_create)
            out["rounds"].append(figures)
            print(json.dumps({"round": number + 1, **figures}), file=sys.stderr, flush=True)
        out["html_bytes"] = len(rendered[-1][0].encode()) if rendered else 0
        transaction.set_rollback(True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
