"""The rules of 考实绩 / 用实绩 as pure functions: bands, groups, scores, ranks, visibility, quotas."""

from decimal import Decimal

import pytest

from cadres.models import UnitRole
from evaluations import rules
from evaluations.models import EvaluationSettings, FollowUpKind, PeriodKind, RaterGroup

LEADER, PEER, OTHER = RaterGroup.LEADER, RaterGroup.PEER, RaterGroup.OTHER
DEFAULTS = EvaluationSettings(year=2026)


@pytest.mark.parametrize(
    ("ratees", "limit"), [(1, 1), (2, 1), (3, 1), (4, 1), (6, 1), (7, 2), (10, 3), (13, 3), (14, 4)]
)
def test_band_limit_is_thirty_percent_rounded_down_and_at_least_one(ratees, limit):
    assert rules.band_limit(ratees, DEFAULTS) == limit


def entries(*values):
    return [rules.Entry(i, f"人{i}", v) for i, v in enumerate(values, start=1)]


def test_sheet_within_the_rules_passes():
    scores, problems = rules.check_sheet(entries(95, 88, 70, 50, 100 - 11, 60, 91), DEFAULTS, complete=True)
    assert problems == []
    assert scores == {1: 95, 2: 88, 3: 70, 4: 50, 5: 89, 6: 60, 7: 91}


def test_too_many_high_scores_names_the_band_rule_with_the_numbers():
    _scores, problems = rules.check_sheet(entries(95, 92, 90, 70, 70, 70, 70), DEFAULTS, complete=True)
    assert [p.rule for p in problems] == ["band"]
    message = problems[0].message
    assert "强制分档" in message and "共 7 人" in message and "最多 2 人" in message and "现有 3 人" in message


def test_out_of_range_and_non_integers_name_the_person_and_the_rule():
    _scores, problems = rules.check_sheet(entries(101, 49, "85.5", "优秀", 80), DEFAULTS, complete=True)
    by_ratee = {p.ratee_id: p for p in problems}
    assert by_ratee[1].rule == by_ratee[2].rule == "range" and "50–100" in by_ratee[1].message
    assert "人1" in by_ratee[1].message and "101" in by_ratee[1].message
    assert by_ratee[3].rule == by_ratee[4].rule == "integer" and "85.5" in by_ratee[3].message


def test_blank_scores_block_a_submission_but_not_a_draft():
    _scores, problems = rules.check_sheet(entries(80, None, ""), DEFAULTS, complete=True)
    assert [p.rule for p in problems] == ["missing"] and "人2、人3" in problems[0].message
    assert rules.check_sheet(entries(80, None, ""), DEFAULTS, complete=False)[1] == []


def test_whole_numbers_typed_as_text_or_float_are_accepted():
    assert rules.parse_score("85") == 85 and rules.parse_score(" 90 ") == 90 and rules.parse_score(85.0) == 85
    assert rules.parse_score("85.0") == 85 and rules.parse_score("") is None and rules.parse_score("8 5") == "8 5"


def test_period_codes():
    assert rules.parse_period_code("2026Q1") == (PeriodKind.QUARTERLY, 2026, 1)
    assert rules.parse_period_code("2025y") == (PeriodKind.ANNUAL, 2025, None)
    with pytest.raises(rules.BadPeriodCode, match="2026Q1"):
        rules.parse_period_code("2026Q5")


# --- Rater groups ------------------------------------------------------------------------------


def test_rater_groups_follow_the_roles_in_the_unit():
    m, t1, t2, s1, s2 = (
        rules.Member(1, UnitRole.MAIN_LEADER),
        rules.Member(2, UnitRole.TEAM_MEMBER),
        rules.Member(3, UnitRole.TEAM_MEMBER),
        rules.Member(4, UnitRole.STAFF),
        rules.Member(5, UnitRole.STAFF),
    )
    sheets = rules.unit_sheets([m, t1, t2, s1, s2], superiors=[90], externals=[91, 92])
    group = {(rater, ratee): g for rater, lines in sheets.items() for ratee, g in lines}
    # A 一般干部 is rated by the main leader and the team members (LEADER), other staff (PEER), externals (OTHER).
    assert [group[(r, 4)] for r in (1, 2, 3, 5, 91)] == [LEADER, LEADER, LEADER, PEER, OTHER]
    # A 班子成员 by the main leader (LEADER), other team members (PEER), staff and externals (OTHER).
    assert [group[(r, 2)] for r in (1, 3, 4, 91)] == [LEADER, PEER, OTHER, OTHER]
    # The 主要领导 by the named superior evaluators (LEADER), everyone else in scope (OTHER).
    assert [group[(r, 1)] for r in (90, 2, 4, 92)] == [LEADER, OTHER, OTHER, OTHER]
    # Nobody rates themself; a superior evaluator's sheet lists only the main leader.
    assert all(rater != ratee for rater, ratee in group)
    assert sheets[90] == [(1, LEADER)]
    assert [ratee for ratee, _g in sheets[91]] == [1, 2, 3, 4, 5]


def test_a_unit_without_superiors_or_externals_has_empty_groups():
    sheets = rules.unit_sheets([rules.Member(1, UnitRole.MAIN_LEADER), rules.Member(2, UnitRole.STAFF)])
    assert sheets == {1: [(2, LEADER)], 2: [(1, OTHER)]}


# --- Scores ------------------------------------------------------------------------------------

WEIGHTS = {LEADER: Decimal(4), PEER: Decimal(3), OTHER: Decimal(3)}


def test_weighted_score_with_every_group():
    # (4×85 + 3×80 + 3×90) / 10 = 85.00
    assert rules.weighted_score({LEADER: (2, 170), PEER: (3, 240), OTHER: (4, 360)}, WEIGHTS) == Decimal("85.00")


def test_an_empty_group_shares_its_weight_instead_of_counting_zero():
    # (4×85 + 3×72.5) / 7 = 79.642857… → 79.64; counting the empty group as 0 would give 55.75.
    score = rules.weighted_score({LEADER: (2, 170), PEER: (2, 145), OTHER: (0, 0)}, WEIGHTS)
    assert score == Decimal("79.64")


def test_rounding_is_half_up_not_half_even():
    # (85.25 + 80) / 2 = 82.625 exactly: half-up gives 82.63 (round() would give 82.62).
    weights = {LEADER: Decimal(1), PEER: Decimal(1), OTHER: Decimal(1)}
    assert rules.weighted_score({LEADER: (4, 341), PEER: (1, 80)}, weights) == Decimal("82.63")


def test_drop_extremes_only_from_the_minimum_group_size():
    settings = EvaluationSettings(year=2026, drop_extremes=True, drop_extremes_min_raters=7)
    scores = [60, 80, 81, 82, 83, 84, 100]
    assert rules.used_scores(7, sum(scores), 60, 100, settings) == (5, 410)  # avg 82.00 instead of 81.43
    assert rules.used_scores(6, 470, 60, 100, settings) == (6, 470)
    assert rules.used_scores(7, sum(scores), 60, 100, DEFAULTS) == (7, 570)


def test_competition_ranking_shares_ranks_and_skips():
    assert rules.competition_ranks([90, 85, 85, 80]) == [1, 2, 2, 4]
    assert rules.competition_ranks([70, 90, 90, 90]) == [4, 1, 1, 1]


def test_top_share():
    assert rules.in_top_share(2, 5, 50) and not rules.in_top_share(3, 5, 50) and rules.in_top_share(3, 6, 50)
    assert not rules.in_top_share(None, 5, 50)


# --- What may be shown ---------------------------------------------------------------------------


def views(stats):
    return {v.group: v for v in rules.group_views(stats, DEFAULTS)}


def test_groups_below_the_threshold_are_hidden_but_keep_their_share():
    shown = views(
        {LEADER: (3, 3, Decimal("85"), False), PEER: (2, 2, Decimal("80"), False), OTHER: (5, 5, Decimal("90"), False)}
    )
    assert shown[PEER].average is None and shown[PEER].visibility == rules.Visibility.BELOW_THRESHOLD
    assert shown[PEER].effective_share == Decimal("0.3")


def test_a_lone_hidden_group_takes_the_smallest_shown_group_with_it():
    # With Q and two shown averages anyone could solve for the hidden one: hide the smallest shown too.
    shown = views(
        {LEADER: (3, 3, Decimal("85"), False), PEER: (1, 1, Decimal("70"), False), OTHER: (9, 9, Decimal("90"), False)}
    )
    assert shown[PEER].visibility == rules.Visibility.BELOW_THRESHOLD
    assert shown[LEADER].visibility == rules.Visibility.COMPLEMENTARY and shown[LEADER].average is None
    assert shown[OTHER].average == Decimal("90")


def test_empty_groups_are_not_hidden_groups():
    shown = views({LEADER: (3, 3, Decimal("85"), False), PEER: (4, 4, Decimal("80"), False)})
    assert shown[OTHER].visibility == rules.Visibility.EMPTY and shown[OTHER].effective_share is None
    assert shown[LEADER].average == Decimal("85") and shown[PEER].average == Decimal("80")


# --- Annual --------------------------------------------------------------------------------------


def test_annual_weights_for_main_leaders_and_everyone_else():
    leader = rules.annual_weights(UnitRole.MAIN_LEADER, DEFAULTS)
    others = rules.annual_weights(UnitRole.TEAM_MEMBER, DEFAULTS)
    assert rules.annual_score(Decimal(90), Decimal(95), Decimal(85), leader) == Decimal("88.50")  # 9 + 28.5 + 51
    assert rules.annual_score(Decimal(90), Decimal(95), Decimal(85), others) == Decimal("87.50")  # 9 + 19 + 59.5
    # Without a unit score its weight is shared out: (10×90 + 70×85) / 80 = 85.625 → 85.63
    assert rules.annual_score(Decimal(90), None, Decimal(85), others) == Decimal("85.63")


@pytest.mark.parametrize(("size", "quota"), [(3, 0), (4, 0), (5, 1), (9, 1), (10, 2), (14, 2), (15, 3)])
def test_excellent_quota_is_twenty_percent_rounded_down_at_least_one_from_five(size, quota):
    assert rules.excellent_quota(size, DEFAULTS) == quota


def test_follow_up_for_consecutive_last_places():
    assert [rules.follow_up_kind(n) for n in (0, 1, 2, 3, 4)] == [
        None,
        FollowUpKind.REMINDER_TALK,
        FollowUpKind.ADMONITION_TALK,
        FollowUpKind.ORGANIZATIONAL,
        FollowUpKind.ORGANIZATIONAL,
    ]


@pytest.mark.django_db
def test_settings_refuse_inconsistent_numbers():
    from django.core.exceptions import ValidationError

    bad = EvaluationSettings(year=2026, score_min=60, score_max=50, others_quarterly_weight=Decimal(60))
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "score_max" in error.value.message_dict and "others_quarterly_weight" in error.value.message_dict
    assert "90%" in error.value.message_dict["others_quarterly_weight"][0]


def test_rules_page_links_the_rules_document_shipped_with_the_product(client, personas):
    from django.urls import reverse

    client.force_login(personas.cadre.user)
    page = client.get(reverse("evaluations:rules")).content.decode()
    assert f'href="{reverse("evaluations:rules_document")}"' in page
    document = client.get(reverse("evaluations:rules_document"))
    text = document.content.decode()
    assert document.status_code == 200
    assert "考核规则说明" in text and "补记期限（工作日）" in text and "4 : 3 : 3" in text
    client.logout()
    assert client.get(reverse("evaluations:rules_document")).status_code == 302
