"""The reserve pool (filters and record), the 年轻/女/党外 structure against targets, the settings page,
and the public round-1 publicity page with its feedback."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres.models import Gender, LeadershipTier, PoliticalStatus, UnitRole
from evaluations.models import AnnualResult, Grade
from selection.models import ReserveEntry, RoundFeedback, Selection, SelectionSettings
from selection.services import reserves
from selection.services import selections as services

from .factories import DAY, CadreFactory, nominees, open_selection, post_with_vacancy, rank, voters

pytestmark = pytest.mark.django_db


def _reserve(personas, cadre):
    return reserves.reserve_add(
        cadre=cadre, tier=LeadershipTier.DEPUTY, reason="优秀", entered_on=DAY, actor=personas.org_staff.user
    )


def test_pool_filters_and_shows_the_record(client, personas):
    woman = CadreFactory(
        unit=personas.unit,
        name="陈女士",
        gender=Gender.FEMALE,
        political_status=PoliticalStatus.DEMOCRATIC_PARTY,
        education="研究生",
        birth_date=date(1992, 1, 1),
    )
    man = CadreFactory(unit=personas.other_unit, name="周先生", education="大专", birth_date=date(1975, 1, 1))
    _reserve(personas, woman)
    _reserve(personas, man)
    AnnualResult.objects.create(
        cadre=woman,
        year=2025,
        unit=personas.unit,
        unit_category=personas.unit.category,
        role=UnitRole.STAFF,
        rank=rank(),
        annual_score=Decimal("92"),
        rank_in_rank_level=1,
        rank_level_size=10,
        grade=Grade.EXCELLENT,
    )
    client.force_login(personas.org_staff.user)
    url = reverse("selection:pool")
    page = client.get(url).content.decode()
    assert "陈女士" in page and "周先生" in page
    assert "同职级第 1/10 名" in page and "优秀：2025" in page
    assert "可列为提拔人选" in page  # the evaluations flag
    for query, shown, hidden in [
        ({"gender": "F"}, "陈女士", "周先生"),
        ({"party": "no"}, "陈女士", "周先生"),
        ({"party": "yes"}, "周先生", "陈女士"),
        ({"education": "3"}, "陈女士", "周先生"),
        ({"unit": personas.other_unit.pk}, "周先生", "陈女士"),
        ({"max_age": "40"}, "陈女士", "周先生"),
        ({"min_age": "45"}, "周先生", "陈女士"),
    ]:
        page = client.get(url, query).content.decode()
        table = page[page.index('id="pool-table"') : page.index("</table>")]
        assert shown in table and hidden not in table, query


def test_pool_entry_by_staff_keeps_input_on_refusal(client, personas):
    client.force_login(personas.org_staff.user)
    data = {
        "cadre": personas.cadre.pk,
        "tier": "deputy",
        "reason": "群众公认",
        "entered_on": "2026-06-01",
        "review_on": "2026-05-01",
    }
    response = client.post(reverse("selection:pool"), data)
    assert response.status_code == 400
    assert "复核日期不能早于列入日期" in response.content.decode() and "群众公认" in response.content.decode()
    assert not ReserveEntry.objects.exists()
    data["review_on"] = ""
    assert client.post(reverse("selection:pool"), data).status_code == 302
    assert ReserveEntry.objects.get().review_on == date(2027, 6, 1)


def test_structure_counts_and_shares_against_targets(client, personas):
    today = timezone.localdate()
    unit = personas.other_unit
    CadreFactory(
        unit=unit, role=UnitRole.MAIN_LEADER, gender=Gender.FEMALE, birth_date=today.replace(year=today.year - 30)
    )
    CadreFactory(unit=unit, role=UnitRole.TEAM_MEMBER, political_status=PoliticalStatus.NON_PARTISAN)
    CadreFactory(unit=unit, role=UnitRole.TEAM_MEMBER)
    CadreFactory(unit=unit, role=UnitRole.TEAM_MEMBER)
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("selection:structure")).content.decode()
    assert "1（25.0%）" in page  # one young, one woman, one outside the party, of four
    SelectionSettings.objects.create(year=today.year, young_age_max=29, target_female_percent=Decimal("40"))
    from selection import selectors

    rows, _total, _settings = selectors.structure(today=today)
    row = next(r for r in rows if r.unit == unit)
    assert (row.total, row.young, row.female, row.non_party) == (4, 0, 1, 1)
    # Targets are the picked year's: next year has no row and reads the defaults.
    assert "年目标占比：年轻干部 20.00%，女干部 40.00%" in client.get(reverse("selection:structure")).content.decode()
    other = client.get(reverse("selection:structure"), {"year": today.year + 1}).content.decode()
    assert f"{today.year + 1} 年目标占比" in other and "女干部 20%" in other and "女干部 40" not in other


def test_settings_page_saves_and_refuses_bad_values(client, personas):
    client.force_login(personas.org_staff.user)
    url = reverse("selection:settings")
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "id"}
    data.update(round1_top_k=4, min_attendance_percent="120")
    data["reserve_required"] = "on"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "75.5" not in response.content.decode() and 'value="4"' in response.content.decode()  # input kept
    assert not SelectionSettings.objects.exists()
    data["min_attendance_percent"] = "75.5"
    year = timezone.localdate().year
    assert client.post(url, data).status_code == 302
    saved = SelectionSettings.objects.get()
    assert (saved.year, saved.round1_top_k, saved.min_attendance_percent) == (year, 4, Decimal("75.50"))
    # Another year: the page shows the defaults (not this year's numbers) until saved for that year.
    page = client.get(url, {"year": year + 1})
    assert page.context["form"].initial["round1_top_k"] == 5 and "尚无单独设置" in page.content.decode()
    data.update(round1_top_k=3)
    assert client.post(f"{url}?year={year + 1}", data).status_code == 302
    assert dict(SelectionSettings.objects.values_list("year", "round1_top_k")) == {year: 4, year + 1: 3}
    assert client.get(url, {"year": "1900"}).context["year"] == year  # an impossible year: this year


def _in_publicity(personas):
    staff = personas.org_staff.user
    selection = open_selection(post_with_vacancy(personas.unit), staff)
    vs = voters(personas.unit, 2)
    people = nominees(personas.other_unit, 2)
    services.selection_start_nomination(selection=selection, voter_ids=[v.pk for v in vs], actor=staff)
    for v, p in zip(vs, people, strict=True):
        services.nomination_sign(selection=selection, nominator=v, nominee=p)
    today = timezone.localdate()
    selection = services.round1_close(selection=selection, actor=staff)
    Selection.objects.filter(pk=selection.pk).update(
        state="round1_publicity", publicity_start=today, publicity_end=today + timedelta(days=6)
    )
    return Selection.objects.get(), people, vs


def test_public_round1_page_names_without_private_data_and_takes_feedback(client, personas):
    selection, people, vs = _in_publicity(personas)
    people[0].id_number = "430102199001011234"
    people[0].phone = "13900001111"
    people[0].save()
    url = reverse("selection:public_round1", args=[selection.public_id])
    page = client.get(url).content.decode()
    assert people[0].name in page and people[1].name in page
    assert "430102199001011234" not in page and "13900001111" not in page
    assert vs[0].name not in page  # nominators never appear
    assert "纪检监察机关监督" in page
    response = client.post(url, {"text": "   "})
    assert response.status_code == 400 and "请填写反映内容" in response.content.decode()
    assert client.post(url, {"text": "反映问题", "name": "李某"}).status_code == 200
    assert RoundFeedback.objects.get().text == "反映问题"
    client.force_login(personas.org_staff.user)
    assert "反映问题" in client.get(reverse("selection:selection_detail", args=[selection.pk])).content.decode()


def test_public_round1_feedback_closed_after_the_period_and_404_without_publicity(client, personas):
    selection, _people, _vs = _in_publicity(personas)
    today = timezone.localdate()
    Selection.objects.filter(pk=selection.pk).update(
        publicity_start=today - timedelta(days=10), publicity_end=today - timedelta(days=1)
    )
    url = reverse("selection:public_round1", args=[selection.public_id])
    assert "公示期已结束" in client.get(url).content.decode()
    response = client.post(url, {"text": "迟到的反映"})
    assert response.status_code == 400 and not RoundFeedback.objects.exists()
    Selection.objects.filter(pk=selection.pk).update(
        publicity_start=today + timedelta(days=1), publicity_end=today + timedelta(days=7)
    )
    assert client.get(url).status_code == 404  # not public before its first day
    Selection.objects.filter(pk=selection.pk).update(publicity_start=None, publicity_end=None)
    assert client.get(url).status_code == 404


def test_public_round1_feedback_is_rate_limited(client, personas):
    from publicity.models import PublicitySettings

    PublicitySettings.objects.update_or_create(pk=1, defaults={"feedback_rate_limit": "2/h"})
    selection, _people, _vs = _in_publicity(personas)
    url = reverse("selection:public_round1", args=[selection.public_id])
    assert client.post(url, {"text": "一"}).status_code == 200
    assert client.post(url, {"text": "二"}).status_code == 200
    response = client.post(url, {"text": "三"})
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
    assert RoundFeedback.objects.count() == 2


def test_staff_take_a_reserve_out_of_the_pool_with_a_reason(client, personas):
    entry = _reserve(personas, personas.cadre)
    url = reverse("selection:pool_remove", args=[entry.pk])
    client.force_login(personas.leader.user)
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(personas.org_staff.user)
    page = client.post(url, {"reason": " "}, follow=True).content.decode()
    assert "请填写调整出库理由" in page
    assert ReserveEntry.objects.get().is_active
    client.post(url, {"reason": "已提拔任用"})
    assert not ReserveEntry.objects.get().is_active
    assert client.post(url, {"reason": "again"}).status_code == 404


def test_the_reason_for_leaving_the_pool_is_in_the_audit_trail(personas):
    from auditlog.models import LogEntry

    entry = _reserve(personas, personas.cadre)
    reserves.reserve_remove(entry=entry, reason="已提拔任用", actor=personas.org_staff.user)
    last = LogEntry.objects.get_for_object(entry).order_by("-pk").first()
    assert last.additional_data == {"reason": "已提拔任用"} and last.actor == personas.org_staff.user
