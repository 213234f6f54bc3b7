"""The demo of 任前公示: a notice in publicity with feedback, one decided, one at the gate; idempotent."""

from datetime import date

import pytest

from achievements import demo as achievements_demo
from cadres import demo as cadres_demo
from evaluations import demo as evaluations_demo
from publicity import demo
from publicity.models import Feedback, FeedbackEvent, GateCheck, Notice, NoticeState

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in (Notice, GateCheck, Feedback, FeedbackEvent)}


def seed_all() -> None:
    cadres_demo.seed(TODAY)
    achievements_demo.seed(TODAY)
    evaluations_demo.seed(TODAY)
    demo.seed(TODAY)


def test_demo_shows_each_stage_and_is_idempotent():
    seed_all()
    first = counts()
    seed_all()
    assert counts() == first == {"Notice": 3, "GateCheck": 10, "Feedback": 3, "FeedbackEvent": 7}

    live = Notice.objects.in_publicity(TODAY).get()
    assert live.cadre.code == demo.IN_PUBLICITY[0] and live.gate_checks.count() == 4
    assert set(live.feedback.values_list("state", flat=True)) == {"received", "verifying", "closed"}
    assert live.feedback.get(state="closed").finding == "unsubstantiated"
    assert "无年度考核结果记录" not in live.evaluation_results  # the evaluations demo has results

    decided = Notice.objects.get(state=NoticeState.DECIDED)
    assert decided.has_ended(TODAY) and decided.outcome == "appointed" and decided.outcome_reason

    waiting = Notice.objects.get(state=NoticeState.GATE)
    assert waiting.gate_checks.filter(result="passed").count() == 2
