"""Accounts for the web load benchmark, on a copy of a scale template (never on a template itself).

    DATABASE_URL=… python -m bench.web_personas PASSWORD > personas.json

The scale data has cadres but no accounts. This gives the real people of the generated data an
account with PASSWORD (hashed as any account's) and prints who they are, for bench/web.py to sign
them in through the login page and for bench/locustfile.py to use:

- org staff: the first cadre of the first unit, marked 组织部 staff (the results page);
- a unit leader: the main leader of the unit whose head count is nearest 62 (the unit feed);
- raters: up to 50 raters whose open sheet has the line count nearest 99 (the ballot sheet);
- authors: 50 active cadres of different units, none of them the above (daily logs).

It also publishes 12 任前公示 notices (8 in their publicity days, 4 ended) for the public index,
which the scale data does not have.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db.models import Count, F, Func, Value
    from django.utils import timezone

    from cadres.models import Cadre, Unit, UnitRole, User
    from evaluations.models import Period, PeriodState, SheetAssignment
    from publicity.models import Notice, NoticeState, PublicitySettings

    password = sys.argv[1]
    computed = Period.objects.filter(state=PeriodState.COMPUTED).order_by("-year", "-quarter").first()
    opened = Period.objects.filter(state=PeriodState.OPEN).order_by("-year", "-quarter").first()
    if computed is None or opened is None:
        raise SystemExit("needs a computed period (results) and an open one (ballot sheets)")

    def account(cadre: Cadre, **flags: bool) -> str:
        user = User(username=cadre.code, must_change_password=False, **flags)
        user.set_password(password)
        user.save()
        Cadre.objects.filter(pk=cadre.pk).update(user=user)
        return user.username

    def nearest(queryset, field: str, target: int):
        return (
            queryset.annotate(distance=Func(F(field) - Value(target), function="ABS"))
            .order_by("distance", "pk")
            .first()
        )

    units = Unit.objects.annotate(head_count=Count("cadres")).filter(head_count__gt=0)
    feed_unit = nearest(units, "head_count", 62)
    leader = Cadre.objects.filter(unit=feed_unit, role=UnitRole.MAIN_LEADER).order_by("pk").first() or (
        Cadre.objects.filter(unit=feed_unit).order_by("pk").first()
    )
    staff = Cadre.objects.order_by("unit_id", "pk").exclude(pk=leader.pk).first()

    # A sheet's lines are derived from the snapshot; the sheet keeps how many ratees it has.
    line_counts = SheetAssignment.objects.filter(period=opened).values_list("ratee_count", flat=True).distinct()
    counts = sorted(set(line_counts))
    sheet_lines = min(counts, key=lambda n: (abs(n - 99), n))
    sheets = []
    taken = {leader.pk, staff.pk}
    for sheet in (
        SheetAssignment.objects.filter(period=opened, ratee_count=sheet_lines).select_related("rater").order_by("pk")
    ):
        if sheet.rater_id not in taken and not hasattr(sheet, "submission"):
            taken.add(sheet.rater_id)
            sheets.append(sheet)
        if len(sheets) == 50:
            break

    authors = []
    seen_units: set[int] = set()
    for cadre in Cadre.objects.filter(is_active=True).exclude(pk__in=taken).order_by("-pk")[:5000]:
        if cadre.unit_id not in seen_units:
            seen_units.add(cadre.unit_id)
            authors.append(cadre)
        if len(authors) == 50:
            break

    PublicitySettings.load()
    today, now = timezone.localdate(), timezone.now()
    for i, cadre in enumerate(Cadre.objects.filter(is_active=True).exclude(pk__in=taken).order_by("pk")[:12]):
        start = today - timedelta(days=1 if i < 8 else 14)
        Notice.objects.create(
            cadre=cadre,
            title=f"关于{cadre.name}同志的任前公示",
            current_post=cadre.post_title,
            proposed_post="拟任区发展和改革局副局长",
            basic_info=f"{cadre.name}，{cadre.birth_date:%Y年%m月}生，{cadre.education}。",
            resume="2008.07—2015.03 青山镇党政办科员\n2015.03— 青山镇经济发展办主任",
            achievements="牵头完成青山镇产业园区招商引资，新签约项目 6 个。",
            feedback_channels="举报电话：0472-12380",
            state=NoticeState.PUBLISHED,
            start_date=start,
            end_date=start + timedelta(days=8 if i < 8 else 10),
            published_at=now - (today - start),
        )

    out = {
        "results_period": computed.pk,
        "open_period": opened.pk,
        "org_staff": account(staff, is_org_staff=True),
        "feed_unit": feed_unit.pk,
        "feed_unit_cadres": feed_unit.head_count,
        "feed_unit_name": feed_unit.name,
        "leader": account(leader),
        "sheet_lines": sheet_lines,
        "raters": [{"username": account(s.rater), "sheet": s.pk} for s in sheets],
        "authors": [account(c) for c in authors],
        "cadres": Cadre.objects.count(),
        "units": Unit.objects.count(),
        "today": today.isoformat(),
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
