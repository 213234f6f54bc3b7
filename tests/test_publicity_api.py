"""The 任前公示 API: the same services as the pages, 400 with field errors, a warning-free schema."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from publicity import rules
from publicity.models import Notice, NoticeState

from .factories import FeedbackFactory, NoticeFactory, cadre_with_record, real_channel_settings

pytestmark = pytest.mark.django_db
BASE = "/api/publicity/notices/"


@pytest.fixture
def api(client, personas):
    client.force_login(personas.org_staff.user)

    def call(method, url, data=None):
        return getattr(client, method)(url, data or {}, content_type="application/json")

    return call


def test_full_life_of_a_notice_through_the_api(api, personas):
    real_channel_settings()
    cadre = cadre_with_record(unit=personas.unit)
    created = api("post", BASE, {"cadre": cadre.pk, "proposed_post": "柳溪镇党委书记"})
    assert created.status_code == 201
    body = created.json()
    assert body["state"] == "draft" and body["stage"] == "draft" and "1985年6月生" in body["basic_info"]
    url = f"{BASE}{body['id']}/"
    edited = api("patch", url, {"achievements": "经编辑的实绩"})
    assert edited.status_code == 200 and edited.json()["achievements"] == "经编辑的实绩"
    assert api("post", f"{url}submit/").json()["state"] == "gate"
    for kind in ("quota", "dossier", "personal_matters", "discipline"):
        response = api("post", f"{url}gate-check/", {"kind": kind, "result": "passed", "note": "通过"})
        assert response.status_code == 200
    checks = response.json()["gate_checks"]
    assert len(checks) == 4 and {c["checked_by"] for c in checks} == {personas.org_staff.user.username}
    start = rules.default_start(timezone.localdate())
    published = api("post", f"{url}publish/", {"start_date": start.isoformat()})
    assert published.status_code == 200
    assert published.json()["end_date"] == rules.publicity_period(start).end.isoformat()
    refused = api("post", f"{url}outcome/", {"outcome": "appointed", "reason": "无异议"})
    assert refused.status_code == 400 and "结束后才能记录任用结果" in refused.json()["non_field_errors"][0]


def test_bad_input_answers_400_with_field_errors_and_changes_nothing(api, personas):
    real_channel_settings()
    notice = NoticeFactory(cadre=personas.cadre, state=NoticeState.GATE)
    url = f"{BASE}{notice.pk}/"
    assert "proposed_post" in api("post", BASE, {"cadre": personas.cadre.pk}).json()
    assert "cadre" in api("post", BASE, {"cadre": 999999, "proposed_post": "x"}).json()
    response = api("post", f"{url}gate-check/", {"kind": "nonsense", "result": "passed", "note": ""})
    assert response.status_code == 400 and {"kind", "note"} <= set(response.json())
    response = api("post", f"{url}publish/", {"start_date": "not a date"})
    assert response.status_code == 400 and "start_date" in response.json()
    response = api("post", f"{url}publish/", {"start_date": rules.default_start(timezone.localdate()).isoformat()})
    assert response.status_code == 400 and "尚未把关" in response.json()["non_field_errors"][0]
    past = (timezone.localdate() - timedelta(days=2)).isoformat()
    for kind in ("quota", "dossier", "personal_matters", "discipline"):
        api("post", f"{url}gate-check/", {"kind": kind, "result": "passed", "note": "通过"})
    response = api("post", f"{url}publish/", {"start_date": past})
    assert response.status_code == 400 and "已经过去" in response.json()["start_date"][0]
    response = api("patch", url, {"title": "长" * 201})
    assert response.status_code == 400 and "title" in response.json()
    assert api("post", f"{url}send-back/", {"reason": ""}).status_code == 400
    notice.refresh_from_db()
    assert notice.state == NoticeState.GATE and notice.start_date is None and notice.title != "长" * 201


def test_edit_is_refused_once_published(api, personas):
    notice = NoticeFactory(cadre=personas.cadre, published=True)
    response = api("patch", f"{BASE}{notice.pk}/", {"basic_info": "改"})
    assert response.status_code == 400 and "不能修改" in response.json()["non_field_errors"][0]
    assert Notice.objects.get(pk=notice.pk).basic_info != "改"


def test_outcome_after_the_period_and_list_filter(api, personas):
    ended = NoticeFactory(cadre=personas.cadre, ended=True)
    FeedbackFactory(notice=ended)
    NoticeFactory(cadre=personas.colleague)
    response = api("post", f"{BASE}{ended.pk}/outcome/", {"outcome": "not_appointed", "reason": "反映问题属实"})
    assert response.status_code == 200 and response.json()["state"] == "decided"
    listed = api("get", f"{BASE}?state=decided").json()["results"]
    assert [n["id"] for n in listed] == [ended.pk]


def test_schema_is_generated_without_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    schema = (tmp_path / "schema.yml").read_text()
    assert "/api/publicity/notices/{id}/gate-check/" in schema and "GateCheckKindEnum" in schema
