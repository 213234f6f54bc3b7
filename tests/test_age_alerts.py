"""改非 age alerts: leaders reaching 53/50 (正职) or 52/49 (副职) this year or next."""

from datetime import date

import pytest
from django.urls import reverse

from cadres.models import Gender, OrgSettings, UnitRole
from cadres.rules import age_alerts, reach_date

from .factories import CadreFactory, rank

pytestmark = pytest.mark.django_db


def leader(name, gender, born, role=UnitRole.MAIN_LEADER, rank_name="正科级"):
    return CadreFactory(name=name, gender=gender, birth_date=born, role=role, rank=rank(rank_name))


def test_thresholds_by_tier_and_gender_this_year_and_next():
    leader("正职男今年", Gender.MALE, date(1973, 5, 1))  # 53 in 2026
    leader("正职女明年", Gender.FEMALE, date(1977, 2, 1))  # 50 in 2027
    leader("副职男今年", Gender.MALE, date(1974, 12, 31), UnitRole.TEAM_MEMBER, "副科级")  # 52 in 2026
    leader("副职女后年", Gender.FEMALE, date(1979, 1, 1), UnitRole.TEAM_MEMBER, "副科级")  # 49 in 2028
    leader("正职男后年", Gender.MALE, date(1975, 1, 1))  # 53 in 2028
    leader("班子成员正科级", Gender.MALE, date(1974, 6, 1), UnitRole.TEAM_MEMBER, "正科级")  # 正职: 53 in 2027
    CadreFactory(name="一般干部不提醒", gender=Gender.MALE, birth_date=date(1960, 1, 1))
    alerts = age_alerts(year=2026)
    assert [(a.cadre.name, a.threshold, a.reaches_on) for a in alerts] == [
        ("正职男今年", 53, date(2026, 5, 1)),
        ("副职男今年", 52, date(2026, 12, 31)),
        ("正职女明年", 50, date(2027, 2, 1)),
        ("班子成员正科级", 53, date(2027, 6, 1)),
    ]


def test_thresholds_come_from_settings():
    leader("正职男", Gender.MALE, date(1971, 5, 1))  # 53 in 2024: already past the default
    assert [a.reaches_on for a in age_alerts(year=2026)] == [date(2024, 5, 1)]
    settings = OrgSettings.load()
    settings.principal_male_age = 58
    settings.save()
    assert age_alerts(year=2026) == []
    assert [a.reaches_on for a in age_alerts(year=2028)] == [date(2029, 5, 1)]


def test_leap_day_birthdays_reach_on_first_of_march():
    assert reach_date(date(1972, 2, 29), 53) == date(2025, 3, 1)


def test_alerts_page_lists_and_settings_page_edits(client, personas):
    leader("马书记", Gender.MALE, date(1973, 8, 8))
    client.force_login(personas.org_staff.user)
    text = client.get(reverse("cadres:age_alerts"), {"year": 2026}).content.decode()
    assert "马书记" in text and "2026-08-08" in text
    bad = client.post(
        reverse("cadres:org_settings"),
        {"principal_male_age": 99, "principal_female_age": 50, "deputy_male_age": 52, "deputy_female_age": 49},
    )
    assert "年龄界限应在 40 到 65 岁之间" in bad.content.decode()
    assert OrgSettings.load().principal_male_age == 53
    client.post(
        reverse("cadres:org_settings"),
        {"principal_male_age": 55, "principal_female_age": 50, "deputy_male_age": 52, "deputy_female_age": 49},
    )
    assert OrgSettings.load().principal_male_age == 55
    assert "马书记" not in client.get(reverse("cadres:age_alerts"), {"year": 2026}).content.decode()
