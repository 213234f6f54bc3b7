"""The selection API end to end: the same services and permissions as the pages."""

from __future__ import annotations

import pytest

from cadres.models import LeadershipTier
from selection.models import Candidate, ReserveEntry, Selection, State

from .factories import DAY, nominees, post_with_vacancy, voters

pytestmark = pytest.mark.django_db


def test_api_journey_from_vacancy_to_inspection_candidates(client, personas):
    post = post_with_vacancy(personas.unit, count=1)
    vs = voters(personas.unit, 3)
    people = nominees(personas.other_unit, 2)
    for p in people:
        ReserveEntry.objects.create(
            cadre=p, tier=LeadershipTier.DEPUTY, source="staff", reason="x", entered_on=DAY, review_on=DAY
        )
    client.force_login(personas.org_staff.user)
    body = {
        "post": post.pk,
        "title": "副主任选拔",
        "method": "recommendation",
        "rounds": 1,
        "plan": "方案",
        "qualification_date": "2026-06-01",
    }
    created = client.post("/api/selection/selections/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    refused = client.post("/api/selection/selections/", body, content_type="application/json")
    assert refused.status_code == 400
    assert "核定职数 1 名" in refused.json()["quota_exception_document"][0]
    sid = created.json()["id"]
    base = f"/api/selection/selections/{sid}"
    assert (
        client.post(
            f"{base}/start-nomination/", {"voters": [v.pk for v in vs]}, content_type="application/json"
        ).status_code
        == 200
    )

    for voter, nominee in zip(vs, [people[0], people[0], people[1]], strict=True):
        client.force_login(voter.user)
        assert client.get("/api/selection/my-ballots/").json()[0]["kind"] == "nomination"
        response = client.post(
            f"/api/selection/my-ballots/{sid}/nominate/", {"nominee": nominee.pk}, content_type="application/json"
        )
        assert response.status_code == 204
    again = client.post(
        f"/api/selection/my-ballots/{sid}/nominate/", {"nominee": people[0].pk}, content_type="application/json"
    )
    assert again.status_code == 400 and "不能更改" in again.json()["non_field_errors"][0]
    client.force_login(personas.stranger.user)
    assert (
        client.post(
            f"/api/selection/my-ballots/{sid}/nominate/", {"nominee": people[0].pk}, content_type="application/json"
        ).status_code
        == 404
    )

    client.force_login(personas.org_staff.user)
    assert (
        client.post(f"{base}/round1-close/", {}, content_type="application/json").json()["state"]
        == State.RECOMMENDATION
    )
    first, second = (Candidate.objects.get(selection_id=sid, cadre=p).pk for p in people)
    for kind, actual, a, b in (("meeting", 8, 5, 3), ("talk", 10, 7, 3)):
        setup = {"kind": kind, "mode": "paper", "expected": 10}
        assert client.post(f"{base}/votes/", setup, content_type="application/json").status_code == 200
        bad = client.post(f"{base}/votes/{kind}/paper/", {"actual": 11, "counts": {}}, content_type="application/json")
        assert bad.status_code == 400 and "实参加人数须在 0 到应参加人数 10 之间" in bad.json()["actual"][0]
        counts = {"actual": actual, "counts": {str(first): a, str(second): b}}
        assert client.post(f"{base}/votes/{kind}/paper/", counts, content_type="application/json").status_code == 200
    outcome = client.get(f"{base}/outcome/").json()
    assert [(r["name"], r["passes"]) for r in outcome] == [(people[0].name, True), (people[1].name, False)]
    assert client.post(f"{base}/finalize/", content_type="application/json").json()["state"] == State.CANDIDATES
    assert Selection.objects.get().candidates.get(is_inspection_candidate=True).cadre == people[0]
    # Other personas: 404 on every staff action.
    for who in ("cadre", "leader", "superior_leader", "stranger"):
        client.force_login(personas.user(who))
        assert client.post(f"{base}/finalize/").status_code == 404
        assert client.get(f"{base}/outcome/").status_code == 404
