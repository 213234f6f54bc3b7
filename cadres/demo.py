"""Demo district (青山区): units, about 80 cadres over every rank and role, and demo logins.

Deterministic and idempotent: running it again updates the same records by 编号 / unit name.

`seed_district` is the one entry point for the whole district (`seed_demo`, the tests): this part
first, then each installed app after cadres that has a `<app>/demo.py`, in INSTALLED_APPS order
(achievements, evaluations, publicity, selection, supervision, ...). Each of those seeds only its own
part and may use the parts before it; naming no app here keeps this floor from importing the ones above.
"""

from __future__ import annotations

import importlib
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.apps import apps as installed_apps
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction

from .models import (
    Cadre,
    EducationEntry,
    EducationKind,
    FamilyMember,
    Gender,
    OrgSettings,
    RankLevel,
    ResumeEntry,
    StudyCredit,
    Unit,
    UnitCategory,
    UnitRole,
    User,
)

DEMO_PASSWORD = "Demo@2026"  # noqa: S105  (published demo login, printed by seed_demo)

# name, category, parent, code prefix, [(post, role, rank)] for leaders, staff posts, staff count
T, D, S = UnitCategory.TOWNSHIP, UnitCategory.DISTRICT_DEPARTMENT, UnitCategory.SUBORDINATE
M, B, G = UnitRole.MAIN_LEADER, UnitRole.TEAM_MEMBER, UnitRole.STAFF
ZK, FK, YB = "正科级", "副科级", "一般干部"

UNITS = [
    (
        "中共青山区委组织部",
        D,
        None,
        "ZZB",
        [("部长", M, ZK), ("常务副部长", B, ZK), ("副部长", B, FK)],
        ["考核办主任", "干部科科长", "考核办科员", "组织科科员", "干部监督科科员"],
        6,
    ),
    (
        "青山区发展和改革局",
        D,
        None,
        "FGJ",
        [("局长", M, ZK), ("副局长", B, FK), ("党组成员、副局长", B, FK)],
        ["办公室主任", "规划科科长", "项目科科员", "价格科科员", "综合科科员"],
        7,
    ),
    (
        "青山区教育局",
        D,
        None,
        "JYJ",
        [("局长", M, ZK), ("副局长", B, FK), ("纪检组长", B, FK)],
        ["基础教育科科长", "人事科科员", "计财科科员", "办公室科员"],
        7,
    ),
    (
        "青山区财政局",
        D,
        None,
        "CZJ",
        [("局长", M, ZK), ("副局长", B, FK), ("副局长", B, FK)],
        ["预算科科长", "国库科科员", "综合科科员"],
        6,
    ),
    (
        "东湖街道",
        T,
        None,
        "DHJ",
        [("党工委书记", M, ZK), ("办事处主任", B, ZK), ("党工委副书记", B, FK), ("副主任", B, FK)],
        ["党政办公室干事", "社区治理办科员", "经济服务办科员", "城管办干事", "社会事务办科员"],
        8,
    ),
    (
        "青石镇",
        T,
        None,
        "QSZ",
        [("党委书记", M, ZK), ("镇长", B, ZK), ("党委副书记", B, FK), ("副镇长", B, FK), ("纪委书记", B, FK)],
        ["党政办公室干事", "农业服务中心干事", "经济发展办科员", "社会事务办科员", "综治中心科员"],
        7,
    ),
    (
        "柳溪镇",
        T,
        None,
        "LXZ",
        [("党委书记", M, ZK), ("镇长", B, ZK), ("副镇长", B, FK)],
        ["党政办公室干事", "农业服务中心干事", "村镇建设办科员", "社会事务办科员"],
        7,
    ),
    (
        "青山区教师发展中心",
        S,
        "青山区教育局",
        "JSZX",
        [("主任", M, FK), ("副主任", B, YB)],
        ["教研员", "培训部干事"],
        4,
    ),
    ("青山区价格认定中心", S, "青山区发展和改革局", "JGZX", [("主任", M, FK)], ["认定员"], 2),
    (
        "青山区财政投资评审中心",
        S,
        "青山区财政局",
        "PSZX",
        [("主任", M, FK), ("副主任", B, YB)],
        ["评审员", "综合干事"],
        3,
    ),
]

SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任"
    "沈姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔"
)
GIVEN_MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建文国志峰亮"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲燕红梅琳洁婷雪慧莉萍颖倩琴云蓉晶佳薇月欣悦瑶岚"
ETHNICITIES = ["汉族"] * 9 + ["土家族", "苗族", "回族"]
PLACES = ["湖南长沙", "湖南衡阳", "湖南湘潭", "湖北黄冈", "江西萍乡", "湖南株洲", "湖南邵阳", "湖南岳阳"]
EDUCATIONS = ["大学本科", "大学本科", "研究生", "大学本科", "大专"]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    name: str
    unit: str


def _name(rng: random.Random, gender: str, used: set[str]) -> str:
    given = GIVEN_MALE if gender == Gender.MALE else GIVEN_FEMALE
    while True:
        name = rng.choice(SURNAMES) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.7 else "")
        if name not in used:
            used.add(name)
            return name


def _birth(rng: random.Random, role: str, gender: str, today: date) -> date:
    # Leaders stay below the 改非 ages; `_seed_age_alert_examples` adds two who reach them.
    low, high = {M: (41, 49), B: (34, 47), G: (24, 52)}[role]
    if gender == Gender.FEMALE and role != G:
        high -= 3
    return date(today.year - rng.randint(low, high), rng.randint(1, 12), rng.randint(1, 28))


@transaction.atomic
def seed(today: date) -> list[DemoLogin]:
    ranks = {r.name: r for r in RankLevel.objects.all()}
    password_hash = make_password(DEMO_PASSWORD)
    units: dict[str, Unit] = {}
    used_names: set[str] = set()

    for order, (unit_name, category, parent, prefix, leaders, staff_posts, staff_count) in enumerate(UNITS):
        unit, _ = Unit.objects.update_or_create(
            name=unit_name,
            defaults={"category": category, "parent": units.get(parent), "sort_order": order * 10},
        )
        units[unit_name] = unit
        # Each post once, then more of the last (an ordinary post): an office has one 科长.
        people = list(leaders) + [
            (staff_posts[min(i, len(staff_posts) - 1)], G, FK if i == 0 and staff_count > 4 else YB)
            for i in range(staff_count)
        ]
        for seq, (post, role, rank) in enumerate(people, start=1):
            code = f"{prefix}{seq:03d}"
            rng = random.Random(code)  # per person, so a re-run gives everyone the same data
            gender = Gender.FEMALE if rng.random() < 0.38 else Gender.MALE
            name = _name(rng, gender, used_names)
            born = _birth(rng, role, gender, today)
            cadre, created = Cadre.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "gender": gender,
                    "birth_date": born,
                    "ethnicity": rng.choice(ETHNICITIES),
                    "native_place": rng.choice(PLACES),
                    "party_join_date": date(born.year + rng.randint(20, 26), rng.randint(1, 12), 1),
                    "education": rng.choice(EDUCATIONS),
                    "work_start_date": date(born.year + rng.randint(21, 24), 7, 1),
                    "rank": ranks[rank],
                    "post_title": post,
                    "role": role,
                    "unit": unit,
                    "records_from": date(today.year - 1, 1, 1),
                    "id_number": f"4304{born:%Y%m%d}{rng.randint(1000, 9999)}"[:18],
                    "phone": f"139{rng.randint(10000000, 99999999)}",
                    "address": f"青山区{rng.choice(['湘江路', '建设路', '人民路', '解放路'])}{rng.randint(1, 300)}号",
                },
            )
            if created:
                _seed_history(cadre, rng, today)
            if cadre.user_id is None:
                user, _ = User.objects.get_or_create(username=cadre.code, defaults={"password": password_hash})
                cadre.user = user
                cadre.save(update_fields=["user"])

    _seed_age_alert_examples(today)
    _seed_appointment_form_cells(today)
    return _demo_logins(password_hash)


def _seed_history(cadre: Cadre, rng: random.Random, today: date) -> None:
    start = cadre.work_start_date
    first_post = rng.choice(["乡镇党政办科员", "区直机关科员", "街道社区工作站干事", "乡镇农业服务中心干事"])
    ResumeEntry.objects.create(
        cadre=cadre, start_date=start, end_date=date(start.year + 5, 6, 30), description=first_post
    )
    if cadre.role != UnitRole.STAFF:
        ResumeEntry.objects.create(
            cadre=cadre,
            start_date=date(start.year + 5, 7, 1),
            end_date=date(today.year - 3, 12, 31),
            description=f"{cadre.unit.name}{rng.choice(['办公室主任', '科长', '副主任'])}",
        )
    ResumeEntry.objects.create(
        cadre=cadre, start_date=date(today.year - 2, 1, 1), description=f"{cadre.unit.name}{cadre.post_title}"
    )
    for year in (today.year - 2, today.year - 1, today.year):
        StudyCredit.objects.create(cadre=cadre, year=year, credits=Decimal(rng.randint(48, 98)))


SCHOOLS = [
    ("湖南师范大学", "汉语言文学专业", "文学学士"),
    ("湘潭大学", "法学专业", "法学学士"),
    ("中南大学", "土木工程专业", "工学学士"),
    ("湖南农业大学", "农学专业", "农学学士"),
    ("长沙理工大学", "会计学专业", "管理学学士"),
]
EXPERTISE_AREAS = ["基层党建", "乡村振兴", "财务管理", "城乡规划", "教育管理", "法律事务", "信访维稳"]
RELATIVES = ["区人民医院医生", "区实验小学教师", "湘江街道社区工作者", "个体经营", "退休", "务农"]


def _seed_appointment_form_cells(today: date) -> None:
    """The cells of the appointment form (干部任免审批表) the roster does not carry: 出生地, 健康状况,
    专长, education and the family, for every cadre without them; the demo cadre QSZ008 also gets a
    photo, so its form is full. Idempotent: a cadre with family members is left as it is."""
    for cadre in Cadre.objects.filter(family_members__isnull=True).order_by("code"):
        rng = random.Random(f"form-{cadre.code}")
        school, major, degree = rng.choice(SCHOOLS)
        Cadre.objects.filter(pk=cadre.pk).update(
            birthplace=cadre.native_place,
            health="健康",
            specialty=rng.choice(EXPERTISE_AREAS),
            professional_title=rng.choice(["", "", "经济师", "助理经济师", "中学一级教师"]),
        )
        EducationEntry.objects.create(
            cadre=cadre,
            kind=EducationKind.FULL_TIME,
            level="大学",
            degree=degree,
            school=f"{school}{major}",
            graduated_on=date(cadre.birth_date.year + 22, 6, 30),
        )
        if cadre.education == "研究生" or rng.random() < 0.3:
            EducationEntry.objects.create(
                cadre=cadre,
                kind=EducationKind.IN_SERVICE,
                level="研究生",
                degree=rng.choice(["", "公共管理硕士"]),
                school=rng.choice(["中共湖南省委党校经济管理专业", "湘潭大学公共管理专业"]),
                graduated_on=date(min(today.year - 1, cadre.birth_date.year + 32), 6, 30),
            )
        spouse_born = date(cadre.birth_date.year + rng.randint(-3, 3), rng.randint(1, 12), 1)
        parent_born = date(cadre.birth_date.year - rng.randint(24, 30), rng.randint(1, 12), 1)
        FamilyMember.objects.bulk_create(
            [
                FamilyMember(
                    cadre=cadre,
                    relation="妻子" if cadre.gender == Gender.MALE else "丈夫",
                    name=_relative_name(rng, cadre.name, spouse=True),
                    birth_date=spouse_born,
                    political_status=rng.choice(["中共党员", "群众"]),
                    employer_post=rng.choice(RELATIVES[:4]),
                    sort_order=1,
                ),
                FamilyMember(
                    cadre=cadre,
                    relation="父亲",
                    name=_relative_name(rng, cadre.name),
                    birth_date=parent_born,
                    political_status=rng.choice(["中共党员", "群众"]),
                    employer_post=rng.choice(RELATIVES[4:]),
                    sort_order=2,
                ),
                FamilyMember(
                    cadre=cadre,
                    relation="母亲",
                    name=_relative_name(rng, cadre.name, spouse=True),
                    birth_date=date(parent_born.year + rng.randint(0, 3), rng.randint(1, 12), 1),
                    political_status="群众",
                    employer_post=rng.choice(RELATIVES[4:]),
                    sort_order=3,
                ),
            ]
        )
    demo = Cadre.objects.filter(code="QSZ008").first()
    if demo is not None and not demo.photo:
        demo.photo.save("demo-QSZ008.png", ContentFile(_portrait()), save=True)


def _relative_name(rng: random.Random, cadre_name: str, *, spouse: bool = False) -> str:
    surname = rng.choice(SURNAMES) if spouse else cadre_name[0]
    return surname + "".join(rng.choice(GIVEN_MALE + GIVEN_FEMALE) for _ in range(rng.randint(1, 2)))


def _portrait() -> bytes:
    """A plain head-and-shoulders silhouette on the light-blue ground of an ID photo."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (260, 360), (120, 170, 220))
    draw = ImageDraw.Draw(image)
    draw.ellipse((80, 60, 180, 180), fill=(238, 214, 196))
    draw.rectangle((118, 170, 142, 215), fill=(238, 214, 196))
    draw.ellipse((25, 200, 235, 430), fill=(40, 45, 60))
    draw.polygon([(110, 205), (150, 205), (130, 260)], fill=(245, 245, 245))
    draw.ellipse((76, 50, 184, 115), fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _seed_age_alert_examples(today: date) -> None:
    """Two leaders who reach the 改非 age this year and next, so the alert page shows them."""
    from .rules import leadership_tier

    settings = OrgSettings.load()
    for code, year, month, day in (("FGJ002", today.year, 12, 20), ("QSZ002", today.year + 1, 3, 15)):
        cadre = Cadre.objects.select_related("rank").get(code=code)
        threshold = settings.threshold_age(tier=leadership_tier(cadre), gender=cadre.gender)
        Cadre.objects.filter(pk=cadre.pk).update(birth_date=date(year - threshold, month, day))


def _demo_logins(password_hash: str) -> list[DemoLogin]:
    User.objects.get_or_create(
        username="admin", defaults={"password": password_hash, "is_superuser": True, "is_staff": True}
    )
    staff = Cadre.objects.select_related("user").get(code="ZZB004")  # 考核办主任
    if not staff.user.is_org_staff:
        staff.user.is_org_staff = True
        staff.user.save(update_fields=["is_org_staff"])

    # 区纪委监委 is outside the evaluated district units: a login with the discipline grant only.
    User.objects.get_or_create(
        username="jiwei",
        defaults={
            "password": password_hash,
            "is_discipline_staff": True,
            "last_name": "区纪委监委",
            "first_name": "审查员",
        },
    )

    def login(role: str, code: str) -> DemoLogin:
        cadre = Cadre.objects.select_related("unit").get(code=code)
        return DemoLogin(role, code, cadre.name, cadre.unit.name)

    return [
        DemoLogin("系统管理员", "admin", "系统管理员", "—"),
        login("考核办", "ZZB004"),
        DemoLogin("纪检监察", "jiwei", "区纪委监委审查员", "青山区纪委监委"),
        login("单位领导（主要领导）", "QSZ001"),
        login("单位领导（班子成员）", "QSZ003"),
        login("上级单位领导（教育局局长）", "JYJ001"),
        login("干部", "QSZ008"),
        login("干部（小单位）", "JGZX002"),
    ]


# --- The whole district ---------------------------------------------------------------------------


def district_apps(*, after: str | None = None, through: str | None = None) -> list[str]:
    """The apps that seed a part of the district, in seeding order: cadres, then every installed app
    after it that has a `demo` module. `after` and `through` (app labels) cut a slice of that list:
    the tests seed the district a layer at a time."""
    names = [config.name for config in installed_apps.get_app_configs()]
    parts = [name for name in names[names.index("cadres") :] if name == "cadres" or _demo_module(name)]
    start = parts.index(after) + 1 if after else 0
    end = parts.index(through) + 1 if through else len(parts)
    return parts[start:end]


def _demo_module(app: str):
    try:
        return importlib.import_module(f"{app}.demo")
    except ModuleNotFoundError as error:
        if error.name != f"{app}.demo":
            raise
        return None


def seed_district(today: date, *, parts: Sequence[str] | None = None) -> list[DemoLogin]:
    """Seed the demo district as of `today`: each app of `parts` (default: all of district_apps(),
    which is what `seed_demo` does) in order. Idempotent. Returns the demo logins when cadres is one
    of the parts."""
    logins: list[DemoLogin] = []
    for app in district_apps() if parts is None else parts:
        if app == "cadres":
            logins = seed(today)
            continue
        module = _demo_module(app)
        if module is None:
            raise LookupError(f"{app} has no demo module")
        module.seed(today)
    return logins
