"""Service accounts, scoped API tokens (django-rest-knox), the audit of every use, and the HR export.

Tokens are issued through the org staff's page and used over HTTP exactly as the HR system sends
them (Authorization: Bearer …); the export is read page by page through its cursor links.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cadres.models import Cadre, ResumeEntry
from evaluations.models import AnnualResult, Grade
from integrations import services
from integrations.models import ApiToken, Deletion, ServiceAccount, TokenUse, TokenUseOutcome
from integrations.tasks import purge_token_uses
from supervision.models import RecordKind
from supervision.services import records as supervision_records

from .factories import CadreFactory, close_and_compute
from .test_annual import year_2025  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "cadre", "leader", "superior_leader", "stranger", "discipline", "org_staff", "admin")


def issue_through_the_page(client, staff, *, scopes, days=30, account_name="人事信息系统"):
    """Org staff create the account and issue a token on the page; returns (account, token text)."""
    client.force_login(staff)
    account = ServiceAccount.objects.filter(name=account_name).first()
    if account is None:
        response = client.post(reverse("integrations:accounts"), {"name": account_name, "description": "每日同步"})
        assert response.status_code == 302
        account = ServiceAccount.objects.get(name=account_name)
    page = client.post(
        reverse("integrations:account", args=[account.pk]), {"name": "增量同步", "scopes": scopes, "days": days}
    )
    assert page.status_code == 200
    token = re.search(r'<code class="fs-6 text-break" id="token">(cp_[0-9a-f]+)</code>', page.content.decode())
    assert token, page.content.decode()[-2000:]
    client.logout()
    return account, token.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "REMOTE_ADDR": "10.8.0.7"}


def read_all(client, url: str, token: str, **params) -> list[dict]:
    """Follow the cursor's next links to the end."""
    rows: list[dict] = []
    response = client.get(url, params, **bearer(token))
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        if not body["next"]:
            return rows
        response = client.get(body["next"], **bearer(token))


def test_a_token_is_shown_once_and_only_its_digest_is_stored(client, personas):
    account, token = issue_through_the_page(client, personas.org_staff.user, scopes=["cadres:read"])
    stored = ApiToken.objects.get(service_account=account)
    assert stored.scopes == ["cadres:read"] and stored.token_key == token[:15]
    assert stored.digest != token and len(stored.digest) == 128
    assert timedelta(days=29) < stored.expiry - timezone.now() <= timedelta(days=30)
    # The token appears nowhere in the database, and not on the account's page afterwards.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM integrations_apitoken")
        assert token not in repr(cursor.fetchall())
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("integrations:account", args=[account.pk])).content.decode()
    assert token[:15] in page and token not in page
    assert not account.user.has_usable_password()


def test_bad_token_form_input_is_refused_in_chinese_and_nothing_is_issued(client, personas):
    client.force_login(personas.org_staff.user)
    client.post(reverse("integrations:accounts"), {"name": "人事系统"})
    account = ServiceAccount.objects.get()
    url = reverse("integrations:account", args=[account.pk])
    text = client.post(url, {"name": "x", "scopes": ["admin:all"], "days": 30}).content.decode()
    assert "admin:all 不在可用的选项中" in text
    text = client.post(url, {"name": "x", "scopes": ["cadres:read"], "days": 999}).content.decode()
    assert "有效期最长 365 天" in text
    text = client.post(url, {"name": "<b>x</b>", "scopes": [], "days": 30}).content.decode()
    assert "请至少选择一项权限范围" in text and "<b>x</b>" not in text
    assert client.post(reverse("integrations:accounts"), {"name": "人事系统"}).status_code == 200
    assert ApiToken.objects.count() == 0 and ServiceAccount.objects.count() == 1


def test_the_scope_is_enforced_and_every_use_is_audited(client, personas):
    account, token = issue_through_the_page(client, personas.org_staff.user, scopes=["cadres:read"])

    assert client.get("/api/hr/cadres/", **bearer(token)).status_code == 200
    refused = client.get("/api/hr/annual-results/", **bearer(token))
    assert refused.status_code == 403 and "results:read" in refused.json()["detail"]
    assert client.get("/api/hr/rewards-sanctions/", **bearer(token)).status_code == 403

    uses = list(TokenUse.objects.order_by("pk"))
    assert [(u.path, u.status, u.outcome) for u in uses] == [
        ("/api/hr/cadres/", 200, TokenUseOutcome.ALLOWED),
        ("/api/hr/annual-results/", 403, TokenUseOutcome.ALLOWED),
        ("/api/hr/rewards-sanctions/", 403, TokenUseOutcome.ALLOWED),
    ]
    token_row = ApiToken.objects.get()
    assert all(u.token_id == token_row.pk and u.service_account_id == account.pk for u in uses)
    assert all(u.ip_address == "10.8.0.7" and u.method == "GET" for u in uses)
    assert token_row.last_used_at is not None
    # The account's page lists the uses.
    client.force_login(personas.org_staff.user)
    page = client.get(reverse("integrations:account", args=[account.pk])).content.decode()
    assert "/api/hr/annual-results/" in page and "10.8.0.7" in page and "保存 365 天" in page


def test_a_token_never_opens_the_session_api(client, personas):
    _account, token = issue_through_the_page(client, personas.org_staff.user, scopes=["cadres:read", "results:read"])
    assert client.get("/api/cadres/", **bearer(token)).status_code == 403
    assert client.get("/api/evaluations/annual-results/", **bearer(token)).status_code == 403
    assert client.get(reverse("cadres:cadre_list"), **bearer(token)).status_code == 302  # to the login page


def test_revoked_expired_and_stopped_tokens_get_401_and_are_audited(client, personas):
    staff = personas.org_staff.user
    account, token = issue_through_the_page(client, staff, scopes=["cadres:read"])
    _same, other = issue_through_the_page(client, staff, scopes=["cadres:read"])
    assert client.get("/api/hr/cadres/", **bearer(token)).status_code == 200

    # Revoked on the page: refused from the next request on.
    client.force_login(staff)
    row = ApiToken.objects.get(token_key=token[:15])
    client.post(reverse("integrations:token_revoke", args=[account.pk]), {"digest": row.digest})
    client.logout()
    revoked = client.get("/api/hr/cadres/", **bearer(token))
    assert revoked.status_code == 401 and revoked.json()["detail"] == "令牌已吊销。"
    assert revoked["WWW-Authenticate"] == "Bearer"

    # Expired: refused, and kept (knox would delete it).
    ApiToken.objects.filter(token_key=other[:15]).update(expiry=timezone.now() - timedelta(seconds=1))
    expired = client.get("/api/hr/cadres/", **bearer(other))
    assert expired.status_code == 401 and expired.json()["detail"] == "令牌已过期。"
    assert ApiToken.objects.filter(token_key=other[:15]).exists()

    # A stopped account's tokens stop; a wrong token is refused without an audit row of its own.
    _third_account, third = issue_through_the_page(client, staff, scopes=["cadres:read"], account_name="档案系统")
    third_account = ServiceAccount.objects.get(name="档案系统")
    client.force_login(staff)
    client.post(reverse("integrations:account_active", args=[third_account.pk]), {"active": "0"})
    client.logout()
    assert client.get("/api/hr/cadres/", **bearer(third)).json()["detail"] == "对接账号已停用。"
    before = TokenUse.objects.count()
    assert client.get("/api/hr/cadres/", **bearer(token[:-4] + "abcd")).status_code == 401
    assert client.get("/api/hr/cadres/", **bearer("not-a-token")).status_code == 401
    assert TokenUse.objects.count() == before

    outcomes = list(TokenUse.objects.order_by("pk").values_list("outcome", "status"))
    assert outcomes == [
        (TokenUseOutcome.ALLOWED, 200),
        (TokenUseOutcome.REVOKED, 401),
        (TokenUseOutcome.EXPIRED, 401),
        (TokenUseOutcome.INACTIVE, 401),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_and_export_per_role(client, personas, persona):
    account = services.service_account_create(name="人事系统", description="", actor=personas.org_staff.user)
    user = personas.user(persona)
    if user is not None:
        client.force_login(user)
    staff = persona in ("org_staff", "admin")
    for url in (
        reverse("integrations:accounts"),
        reverse("integrations:account", args=[account.pk]),
    ):
        response = client.get(url)
        expected = 302 if persona == "anonymous" else (200 if staff else 403)
        assert response.status_code == expected, (persona, url)
    for url in (
        reverse("integrations:token_revoke", args=[account.pk]),
        reverse("integrations:account_active", args=[account.pk]),
    ):
        response = client.post(url, {"active": "0"})
        expected = 302 if persona == "anonymous" else (404 if staff and "revoke" in url else (302 if staff else 403))
        assert response.status_code == expected, (persona, url)
    # The export, signed in: org staff only (to check what is sent); no token: 401.
    for url in ("/api/hr/cadres/", "/api/hr/annual-results/", "/api/hr/rewards-sanctions/", "/api/hr/deletions/"):
        response = client.get(url)
        assert response.status_code == (401 if persona == "anonymous" else (200 if staff else 403)), (persona, url)
    assert ServiceAccount.objects.get().is_active is not staff


def test_the_cadre_feed_pages_through_everything_and_syncs_incrementally(client, personas):
    _account, token = issue_through_the_page(client, personas.org_staff.user, scopes=["cadres:read"])
    cadre = personas.cadre
    ResumeEntry.objects.create(
        cadre=cadre, start_date=date(2008, 7, 1), end_date=date(2015, 6, 30), description="青石镇 科员"
    )
    ResumeEntry.objects.create(cadre=cadre, start_date=date(2015, 7, 1), description="区教师发展中心 科员")
    everyone = set(Cadre.objects.values_list("code", flat=True))

    rows = read_all(client, "/api/hr/cadres/", token, page_size=3)

    assert sorted(r["code"] for r in rows) == sorted(everyone) and len(rows) == len(everyone)
    mine = next(r for r in rows if r["code"] == cadre.code)
    assert mine["unit"] == {
        "name": "区教师发展中心",
        "category": "subordinate",
        "parent": "区教育局",
        "is_active": True,
    }
    assert mine["post"]["title"] == cadre.post_title and mine["post"]["rank"] == cadre.rank.name
    assert [e["description"] for e in mine["resume"]] == ["青石镇 科员", "区教师发展中心 科员"]
    assert "id_number" not in mine and "phone" not in mine
    changed = [r["changed_at"] for r in rows]
    assert changed == sorted(changed)

    # Incremental: nothing changed since the last record seen ...
    mark = timezone.now()
    assert read_all(client, "/api/hr/cadres/", token, changed_since=mark.isoformat()) == []
    # ... then a resume entry is edited, another cadre's unit renamed, a third cadre leaves.
    entry = cadre.resume_entries.first()
    entry.description = "青石镇 副镇长"
    entry.save()
    stranger_unit = personas.stranger.unit
    stranger_unit.name = "青石街道"
    stranger_unit.save()
    leaver = personas.colleague
    from cadres import services as cadre_services

    cadre_services.cadre_deactivate(cadre=leaver)
    rows = read_all(client, "/api/hr/cadres/", token, changed_since=mark.isoformat())
    by_code = {r["code"]: r for r in rows}
    assert set(by_code) == {cadre.code, personas.stranger.code, leaver.code}
    assert by_code[cadre.code]["resume"][0]["description"] == "青石镇 副镇长"
    assert by_code[personas.stranger.code]["unit"]["name"] == "青石街道"
    assert by_code[leaver.code]["is_active"] is False

    # A deleted resume entry changes its cadre's record too.
    mark = timezone.now()
    entry.delete()
    rows = read_all(client, "/api/hr/cadres/", token, changed_since=mark.isoformat())
    assert [r["code"] for r in rows] == [cadre.code] and len(rows[0]["resume"]) == 1


def test_bad_export_parameters_answer_400_or_404(client, personas):
    _account, token = issue_through_the_page(client, personas.org_staff.user, scopes=["cadres:read"])
    bad = client.get("/api/hr/cadres/", {"changed_since": "yesterday"}, **bearer(token))
    assert bad.status_code == 400 and "changed_since" in bad.json()
    assert client.get("/api/hr/cadres/", {"cursor": "garbage"}, **bearer(token)).status_code == 404


def test_results_are_exported_once_published_and_withdrawals_show_as_keys(client, personas):
    _account, token = issue_through_the_page(client, personas.org_staff.user, scopes=["results:read"])
    cadre = personas.cadre

    def result(year, published):
        return AnnualResult.objects.create(
            cadre=cadre,
            year=year,
            unit=cadre.unit,
            unit_category=cadre.unit.category,
            role=cadre.role,
            rank=cadre.rank,
            annual_score="91.25",
            rank_in_unit=1,
            unit_size=5,
            grade=Grade.EXCELLENT,
            is_published=published,
        )

    result(2024, True)
    result(2025, False)
    rows = read_all(client, "/api/hr/annual-results/", token)
    by_year = {r["year"]: r for r in rows}
    assert by_year[2024]["published"] is True and by_year[2024]["annual_score"] == "91.25"
    assert by_year[2024]["grade"] == "excellent" and by_year[2024]["cadre_code"] == cadre.code
    assert by_year[2025] == {
        **dict.fromkeys(by_year[2025], None),
        "cadre_code": cadre.code,
        "year": 2025,
        "published": False,
        "changed_at": by_year[2025]["changed_at"],
    }
    # Withdrawn from publication (as period_unpublish does): the next sync sees only its key.
    mark = timezone.now()
    from django.db.models.functions import Now

    AnnualResult.objects.filter(year=2024).update(is_published=False, updated_at=Now())
    rows = read_all(client, "/api/hr/annual-results/", token, changed_since=mark.isoformat())
    assert [(r["year"], r["published"], r["grade"]) for r in rows] == [(2024, False, None)]


def test_rewards_sanctions_and_deletions_by_scope(client, personas):
    staff = personas.org_staff.user
    _account, token = issue_through_the_page(client, staff, scopes=["supervision:read"])
    _same, cadres_only = issue_through_the_page(client, staff, scopes=["cadres:read"])
    record = supervision_records.record_create(
        cadre=personas.cadre,
        kind=RecordKind.CRITICISM,
        document_no="区纪发〔2026〕3号",
        issuing_body="区纪委",
        date=date(2026, 3, 1),
        reason="<script>x</script>",
        actor=staff,
        today=date(2026, 12, 1),
    )
    rows = read_all(client, "/api/hr/rewards-sanctions/", token)
    assert [(r["id"], r["cadre_code"], r["kind"], r["reason"]) for r in rows] == [
        (record.pk, personas.cadre.code, "criticism", "<script>x</script>")
    ]
    assert client.get("/api/hr/rewards-sanctions/", **bearer(cadres_only)).status_code == 403

    mark = timezone.now()
    record_id = record.pk
    record.delete()
    gone = CadreFactory(code="GONE01", unit=personas.unit)
    gone.delete()
    deletions = read_all(client, "/api/hr/deletions/", token, changed_since=mark.isoformat())
    assert [(d["kind"], d["key"]) for d in deletions] == [("reward_sanction", {"id": record_id})]
    deletions = read_all(client, "/api/hr/deletions/", cadres_only, changed_since=mark.isoformat())
    assert [(d["kind"], d["key"]) for d in deletions] == [("cadre", {"code": "GONE01"})]
    assert Deletion.objects.count() == 2


def test_old_audit_rows_are_purged_by_the_nightly_task(client, personas, settings):
    settings.API_TOKEN_USE_KEEP_DAYS = 30
    _account, token = issue_through_the_page(client, personas.org_staff.user, scopes=["cadres:read"])
    client.get("/api/hr/cadres/", **bearer(token))
    client.get("/api/hr/cadres/", **bearer(token))
    old = TokenUse.objects.order_by("pk").first()
    TokenUse.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31))
    assert purge_token_uses.delay().get() == 1
    assert TokenUse.objects.count() == 1


def test_the_schema_documents_the_token_and_the_export(client, personas):
    client.force_login(personas.org_staff.user)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert schema["components"]["securitySchemes"]["serviceToken"]["scheme"] == "bearer"
    operation = schema["paths"]["/api/hr/cadres/"]["get"]
    assert {"serviceToken": []} in operation["security"]
    assert {"401", "403", "404", "400"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} >= {"changed_since", "cursor", "page_size"}
    cadre = schema["components"]["schemas"]["ExportCadre"]["properties"]
    assert {"code", "unit", "post", "resume", "changed_at"} <= set(cadre)


def test_the_system_admin_sees_tokens_and_can_revoke_them(client, personas):
    _account, token = issue_through_the_page(client, personas.org_staff.user, scopes=["cadres:read"])
    row = ApiToken.objects.get()
    client.force_login(personas.admin)
    changelist = client.get("/admin/integrations/apitoken/")
    assert changelist.status_code == 200 and row.token_key in changelist.content.decode()
    response = client.post(
        "/admin/integrations/apitoken/", {"action": "revoke", "_selected_action": [row.pk]}, follow=True
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.revoked_at is not None and row.revoked_by == personas.admin
    assert client.get("/api/hr/cadres/", **bearer(token)).status_code == 401


def test_computed_published_withdrawn_and_republished_results_reach_the_feed(client, personas, year_2025):  # noqa: F811
    """The real path: the year computed by SQL, grades confirmed, published, withdrawn, published again."""
    from evaluations.services import annual, periods

    _account, token = issue_through_the_page(client, personas.org_staff.user, scopes=["results:read"])
    team, period = year_2025
    close_and_compute(period)
    codes = set(AnnualResult.objects.filter(year=2025).values_list("cadre__code", flat=True))
    scored = {cadre.code for cadre in team.people.values()}
    assert scored <= codes

    def feed(since=None):
        params = {"changed_since": since.isoformat()} if since else {}
        rows = [r for r in read_all(client, "/api/hr/annual-results/", token, **params) if r["year"] == 2025]
        return {r["cadre_code"]: r for r in rows}

    computed = feed()
    assert set(computed) == codes and not any(r["published"] or r["annual_score"] for r in computed.values())

    annual.grades_confirm(period=period, actor=personas.org_staff.user)
    mark = timezone.now()
    periods.period_publish(period=period)
    published = feed(mark)
    assert set(published) == codes and all(r["published"] for r in published.values())
    assert all(published[code]["grade"] and published[code]["annual_score"] for code in scored)

    mark = timezone.now()
    periods.period_unpublish(period=period)
    withdrawn = feed(mark)
    assert set(withdrawn) == codes and not any(r["published"] or r["grade"] for r in withdrawn.values())

    mark = timezone.now()
    periods.period_publish(period=period)
    assert all(r["published"] for r in feed(mark).values()) and set(feed(mark)) == codes
