"""The demo of supervision: a substantiated phone report and the 诫勉 that refuses a demo candidate's
promotion, an open report and an audit finding at the notice gate, a 黄牌警告 under rectification,
a 嘉奖 for an 优秀 year, a web report; idempotent."""

from datetime import date

import pytest

from achievements import demo as achievements_demo
from cadres import demo as cadres_demo
from evaluations import demo as evaluations_demo
from publicity import demo as publicity_demo
from selection import demo as selection_demo
from selection import rules as selection_rules
from selection.models import Selection
from supervision import demo
from supervision.models import Report, RewardSanction, SupervisionInfo, TeamGrade

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def seed_all() -> None:
    cadres_demo.seed(TODAY)
    achievements_demo.seed(TODAY)
    evaluations_demo.seed(TODAY)
    publicity_demo.seed(TODAY)
    selection_demo.seed(TODAY)
    demo.seed(TODAY)


def test_demo_has_each_piece_and_is_idempotent():
    seed_all()
    first = (Report.objects.count(), RewardSanction.objects.count(), SupervisionInfo.objects.count())
    demo.seed(TODAY)
    assert (Report.objects.count(), RewardSanction.objects.count(), SupervisionInfo.objects.count()) == first
    assert set(Report.objects.values_list("channel", flat=True)) == {"phone", "letter", "web"}
    assert set(RewardSanction.objects.values_list("kind", flat=True)) >= {"admonition", "yellow_card"}
    admonition = RewardSanction.objects.get(kind="admonition")
    phone = Report.objects.get(channel="phone")
    assert (phone.state, phone.finding, phone.cadre) == ("closed", "substantiated", admonition.cadre)
    selection = Selection.objects.get(post__unit__name="青石镇", post__title="副镇长")
    selection.qualification_date = TODAY
    failures = selection_rules.qualification_failures(admonition.cadre, selection)
    assert any(f"影响期至 {admonition.impact_end.isoformat()}" in f for f in failures)
    assert RewardSanction.objects.get(kind="yellow_card").rectify_status == "open"
    assert SupervisionInfo.objects.get().cadre.code == "DHJ003"
    assert TeamGrade.objects.filter(year=TODAY.year - 1).exists()
