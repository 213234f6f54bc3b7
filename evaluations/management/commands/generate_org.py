"""A synthetic organization of a given size, for measuring the evaluation at scale.

Units in the three categories with realistic sizes (townships ~60 cadres, district departments
~25, subordinate units ~9), each with a principal leader, team members and staff; small units get
their parent unit's staff as external evaluators, every principal leader a superior evaluator.
"""

import random
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cadres.models import Cadre, Gender, RankLevel, Unit, UnitCategory, UnitRole

from ...models import EvaluatorScope

PREFIX = "规模"
SHAPES = [  # category, share of the cadres, typical unit size
    (UnitCategory.TOWNSHIP, 0.36, 60),
    (UnitCategory.DISTRICT_DEPARTMENT, 0.45, 25),
    (UnitCategory.SUBORDINATE, 0.19, 9),
]


class Command(BaseCommand):
    help = "生成 N 名干部的模拟组织（单位名 规模…，编号 G…），用于测量考核计算的性能。"

    def add_arguments(self, parser):
        parser.add_argument("--cadres", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=1)

    @transaction.atomic
    def handle(self, *args, **options):
        if Unit.objects.filter(name__startswith=PREFIX).exists():
            raise CommandError("规模测试单位已存在；请在新的数据库中运行。")
        rng = random.Random(options["seed"])
        ranks = {r.name: r for r in RankLevel.objects.all()}
        if not {"正科级", "副科级", "一般干部"} <= set(ranks):
            raise CommandError("缺少默认职级（正科级、副科级、一般干部）。")
        total = options["cadres"]
        org = Unit.objects.create(name=f"{PREFIX}区委", category=UnitCategory.DISTRICT_DEPARTMENT)
        cadres: list[Cadre] = []
        plans: list[tuple[Unit, Unit | None]] = []
        sequence = 0

        def person(unit: Unit, role: str, rank: str) -> Cadre:
            nonlocal sequence
            sequence += 1
            return Cadre(
                code=f"G{sequence:06d}",
                name=f"测试{sequence}",
                gender=Gender.MALE if rng.random() < 0.6 else Gender.FEMALE,
                birth_date=date(rng.randint(1966, 1998), rng.randint(1, 12), rng.randint(1, 28)),
                rank=ranks[rank],
                role=role,
                unit=unit,
                records_from=date(2000, 1, 1),
            )

        leaders = [person(org, UnitRole.MAIN_LEADER, "正科级"), person(org, UnitRole.TEAM_MEMBER, "正科级")]
        cadres += leaders
        departments: list[Unit] = []
        number = 0
        for category, share, size in SHAPES:
            budget = int(total * share)
            while budget > 0:
                number += 1
                n = max(3, min(budget, int(rng.gauss(size, size / 4))))
                budget -= n
                parent = rng.choice(departments) if category == UnitCategory.SUBORDINATE and departments else None
                unit = Unit.objects.create(name=f"{PREFIX}{number:04d}", category=category, parent=parent)
                if category == UnitCategory.DISTRICT_DEPARTMENT:
                    departments.append(unit)
                plans.append((unit, parent))
                team = max(1, min(5, n // 6))
                cadres.append(person(unit, UnitRole.MAIN_LEADER, "正科级" if n > 12 else "副科级"))
                cadres += [person(unit, UnitRole.TEAM_MEMBER, "副科级") for _ in range(team)]
                cadres += [person(unit, UnitRole.STAFF, "一般干部") for _ in range(n - team - 1)]
        Cadre.objects.bulk_create(cadres, batch_size=2000)

        by_unit: dict[int, list[Cadre]] = {}
        for cadre in Cadre.objects.filter(unit__name__startswith=PREFIX):
            by_unit.setdefault(cadre.unit_id, []).append(cadre)
        org_leaders = list(by_unit[org.pk])
        superiors = EvaluatorScope.superior_evaluators.through
        externals = EvaluatorScope.external_evaluators.through
        superior_rows, external_rows = [], []
        for unit, parent in plans:
            scope = EvaluatorScope.objects.create(unit=unit, note="规模测试")
            parent_people = by_unit.get(parent.pk, []) if parent else []
            heads = [c for c in parent_people if c.role == UnitRole.MAIN_LEADER] or org_leaders
            superior_rows += [superiors(evaluatorscope=scope, cadre=c) for c in heads]
            if len(by_unit[unit.pk]) < 8:
                pool = [c for c in parent_people if c.role == UnitRole.STAFF] or rng.sample(cadres[:200], 8)
                external_rows += [externals(evaluatorscope=scope, cadre=c) for c in pool[:10]]
        superiors.objects.bulk_create(superior_rows, batch_size=2000)
        externals.objects.bulk_create(external_rows, batch_size=2000)
        self.stdout.write(
            self.style.SUCCESS(f"已生成 {len(plans) + 1} 个单位、{len(cadres)} 名干部（编号 G…，单位名 {PREFIX}…）。")
        )
