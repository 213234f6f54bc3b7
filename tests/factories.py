"""factory_boy factories for test data."""

from datetime import date

import factory
from django.contrib.auth.hashers import make_password

from cadres.models import Cadre, Gender, RankLevel, Unit, UnitCategory, UnitRole, User

PASSWORD = "Test-pass-2026"
_PASSWORD_HASH = make_password(PASSWORD, hasher="md5")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = _PASSWORD_HASH


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    category = UnitCategory.DISTRICT_DEPARTMENT


# The first migration creates these; transactional tests flush them, so tests recreate them.
DEFAULT_RANKS = [("正科级", 10, "principal"), ("副科级", 20, "deputy"), ("一般干部", 30, "")]


def ensure_default_ranks() -> None:
    for name, order, tier in DEFAULT_RANKS:
        RankLevel.objects.get_or_create(name=name, defaults={"sort_order": order, "leadership_tier": tier})


def rank(name: str = "一般干部") -> RankLevel:
    ensure_default_ranks()
    return RankLevel.objects.get(name=name)


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试干部{n}")
    gender = Gender.MALE
    birth_date = date(1985, 6, 15)
    rank = factory.LazyFunction(rank)
    post_title = "科员"
    role = UnitRole.STAFF
    unit = factory.SubFactory(UnitFactory)

    class Params:
        with_account = factory.Trait(user=factory.SubFactory(UserFactory, username=factory.SelfAttribute("..code")))
