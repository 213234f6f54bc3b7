"""The numbers the cadres app runs on: non-leadership age thresholds (改非)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from .models import (
    LEADERSHIP_ROLES,
    Cadre,
    Gender,
    LeadershipTier,
    OrgSettings,
    UnitRole,
)


def leadership_tier(cadre: Cadre) -> str | None:
    """正职 / 副职 for a cadre in a leadership post, None for everyone else.

    The rank level says the tier where it is set (a 班子成员 may hold a 正科级 post);
    otherwise the 主要领导 is 正职 and a 班子成员 副职.
    """
    if cadre.role not in LEADERSHIP_ROLES:
        return None
    if cadre.rank.leadership_tier:
        return cadre.rank.leadership_tier
    return LeadershipTier.PRINCIPAL if cadre.role == UnitRole.MAIN_LEADER else LeadershipTier.DEPUTY


def reach_date(birth_date: date, age: int) -> date:
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:  # born on 29 February
        return date(birth_date.year + age, 3, 1)


@dataclass(frozen=True)
class AgeAlert:
    cadre: Cadre
    tier: str
    threshold: int
    reaches_on: date

    @property
    def tier_label(self) -> str:
        return LeadershipTier(self.tier).label


def age_alert_candidates(*, year: int, settings: OrgSettings) -> QuerySet[Cadre]:
    """Leaders whose threshold birthday falls on or before the end of `year` + 1.

    A coarse SQL filter on the loosest threshold per gender; `age_alerts` decides exactly.
    """
    loosest = {
        Gender.MALE: min(settings.principal_male_age, settings.deputy_male_age),
        Gender.FEMALE: min(settings.principal_female_age, settings.deputy_female_age),
    }
    born_before = Q()
    for gender, age in loosest.items():
        born_before |= Q(gender=gender, birth_date__lt=date(year + 2 - age, 1, 1))
    return (
        Cadre.objects.filter(is_active=True, role__in=LEADERSHIP_ROLES)
        .filter(born_before)
        .select_related("unit", "rank")
    )


def age_alerts(*, year: int, settings: OrgSettings | None = None) -> list[AgeAlert]:
    """Leaders who reach (or are past) their 改非 age by the end of next year, soonest first."""
    settings = settings or OrgSettings.load()
    horizon = date(year + 1, 12, 31)
    alerts = []
    for cadre in age_alert_candidates(year=year, settings=settings):
        tier = leadership_tier(cadre)
        threshold = settings.threshold_age(tier=tier, gender=cadre.gender)
        reaches_on = reach_date(cadre.birth_date, threshold)
        if reaches_on <= horizon:
            alerts.append(AgeAlert(cadre, tier, threshold, reaches_on))
    alerts.sort(key=lambda a: (a.reaches_on, a.cadre.code))
    return alerts
