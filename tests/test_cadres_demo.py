"""The demo district of the cadres app: rules.md §2 data a reviewer would believe."""

from collections import Counter
from datetime import date

import pytest

from cadres import demo
from cadres.models import Cadre, Unit, UnitCategory, UnitRole

pytestmark = pytest.mark.django_db

HEAD_POSTS = ("主任", "科长", "局长", "部长", "书记", "组长")


def test_demo_district_has_every_category_a_small_unit_and_no_two_heads_of_one_office():
    demo.seed(date(2026, 12, 4))

    assert set(Unit.objects.values_list("category", flat=True)) == set(UnitCategory.values)
    assert Unit.objects.count() >= 6
    sizes = Counter(Cadre.objects.values_list("unit__name", flat=True))
    assert min(sizes.values()) < 8 and 70 <= sum(sizes.values()) <= 100
    assert set(Cadre.objects.values_list("role", flat=True)) == set(UnitRole.values)
    # One 考核办主任 or 规划科科长 per unit (deputies may be several): a second head is a second office.
    heads = Counter(
        (unit, post)
        for unit, post in Cadre.objects.values_list("unit__name", "post_title")
        if post.endswith(HEAD_POSTS) and "副" not in post
    )
    assert [key for key, count in heads.items() if count > 1] == []
