"""The archive page, the PDF dossier (fonts, cover, page numbers, escaping, no fetching) and the
public page that verifies an exported file."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from achievements.models import (
    Achievement,
    AchievementParticipant,
    DailyLog,
    ExportedDocument,
    SelfAssessment,
    Summary,
    SummaryKind,
)
from evaluations.models import AnnualResult, Grade

from .factories import CHINESE_LOG, category
from .support import beacon_server, pdf_fonts, pdf_text, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(personas):
    cadre = personas.cadre
    year = today().year
    DailyLog.objects.create(author=cadre, unit=cadre.unit, day=date(year, 1, 5), text=CHINESE_LOG)
    Summary.objects.create(
        author=cadre,
        unit=cadre.unit,
        kind=SummaryKind.QUARTERLY,
        year=year,
        quarter=1,
        text="第一季度小结：" + "完成教研任务。" * 20,
    )
    achievement = Achievement.objects.create(
        title="组织全区新任教师培训",
        date=date(year, 3, 1),
        category=category(),
        description="设计课程十二门。",
        created_by=personas.leader,
        unit=personas.unit,
    )
    AchievementParticipant.objects.create(achievement=achievement, cadre=cadre, role="executor", share=40)
    SelfAssessment.objects.create(
        author=cadre, unit=cadre.unit, year=year, performance="自评表正文：" * 30, state="filed"
    )
    AnnualResult.objects.create(
        cadre=cadre,
        year=year - 1,
        unit=cadre.unit,
        unit_category=cadre.unit.category,
        role=cadre.role,
        rank=cadre.rank,
        annual_score="93.50",
        rank_in_unit=1,
        unit_size=5,
        grade=Grade.EXCELLENT,
        is_published=True,
    )
    return cadre


def test_archive_page_shows_a_leader_the_records_of_the_year_but_not_the_results(client, personas, record):
    client.force_login(personas.leader.user)
    page = client.get(reverse("achievements:cadre_archive", args=[record.pk, today().year])).content.decode()
    for text in (CHINESE_LOG, "第一季度小结", "组织全区新任教师培训", "具体承办", "40%", "实绩自评表"):
        assert text in page
    last_year = client.get(reverse("achievements:cadre_archive", args=[record.pk, today().year - 1])).content.decode()
    assert "缺记与扣分" in last_year
    for text in ("考核结果（已公布）", "93.50", "优秀", "1 / 5"):
        assert text not in last_year, text


RESULT_TEXTS = ("考核结果（已公布）", "93.50", "优秀")


@pytest.mark.parametrize(
    ("persona", "status", "sees_results"),
    [
        ("cadre", 200, True),
        ("colleague", 404, False),
        ("stranger", 404, False),
        ("leader", 200, False),
        ("team_member", 200, False),
        ("superior_leader", 200, False),
        ("org_staff", 200, True),
        ("admin", 200, True),
    ],
)
def test_archive_page_shows_results_only_to_the_cadre_and_org_staff(
    client, personas, record, persona, status, sees_results
):
    client.force_login(personas.user(persona))
    response = client.get(reverse("achievements:cadre_archive", args=[record.pk, today().year - 1]))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "缺记与扣分" in page
        for text in ("考核结果（已公布）", "93.50", "优秀", "1 / 5"):
            assert (text in page) is sees_results, text


def download(client, cadre, year_from, year_to):
    return client.get(
        reverse("achievements:dossier_pdf", args=[cadre.pk]), {"year_from": year_from, "year_to": year_to}
    )


@pytest.mark.parametrize(
    ("persona", "status", "sees_results"),
    [
        ("cadre", 200, True),
        ("colleague", 404, False),
        ("leader", 200, False),
        ("team_member", 200, False),
        ("org_staff", 200, True),
        ("admin", 200, True),
    ],
)
def test_dossier_pdf_carries_results_only_for_the_cadre_and_org_staff(
    client, personas, record, tmp_path, persona, status, sees_results
):
    client.force_login(personas.user(persona))
    response = download(client, record, today().year - 1, today().year)
    assert response.status_code == status
    if status == 200:
        text = pdf_text(response.content, tmp_path)
        for expected in (CHINESE_LOG, "第一季度小结", "组织全区新任教师培训", "缺记与扣分"):
            assert expected in text, expected
        for result in RESULT_TEXTS:
            assert (result in text) is sees_results, result


def test_dossier_pdf_has_cover_sections_page_numbers_and_embedded_cjk_font(client, personas, record, tmp_path):
    client.force_login(personas.cadre.user)
    response = download(client, record, today().year - 1, today().year)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    code = response["X-Verification-Code"]
    text = pdf_text(response.content, tmp_path)
    for expected in (
        "干部实绩档案",
        "张干部",
        "区教师发展中心",
        code,
        "基本情况",
        f"{today().year} 年度",
        "缺记与扣分",
        CHINESE_LOG,
    ):
        assert expected in text, expected
    assert "第一季度小结" in text and "组织全区新任教师培训" in text and "93.50" in text
    pages = int(re.findall(r"页码 1 / (\d+)", text)[0])
    assert pages >= 3 and f"页码 {pages} / {pages}" in text
    fonts = pdf_fonts(response.content, tmp_path)
    assert ("CJK" in fonts or "WenQuanYi" in fonts) and all(" yes " in line for line in fonts.splitlines()[2:])
    document = ExportedDocument.objects.get(code=code)
    assert document.created_by == personas.cadre.user and document.kind == "dossier"


def test_user_text_is_escaped_and_nothing_outside_static_files_is_fetched(client, personas, record, tmp_path):
    client.force_login(personas.cadre.user)
    with beacon_server() as (port, hits):
        hostile = (
            f'<img src="http://127.0.0.1:{port}/beacon.png"><img src="file:///etc/passwd">'
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css"><b>加粗</b>'
        )
        DailyLog.objects.create(
            author=record, unit=record.unit, day=date(today().year, 1, 6), text=hostile + CHINESE_LOG
        )
        response = download(client, record, today().year, today().year)
    assert hits == []
    text = pdf_text(response.content, tmp_path)
    assert "root:" not in text
    assert "<b>加粗</b>" in text and f"http://127.0.0.1:{port}/beacon.png" in text  # shown as text, not markup


def test_dossier_carries_only_approved_self_assessments(client, personas, record, tmp_path):
    """A form the main leader returned (or has not approved yet) is not the cadre's record: the
    dossier names its state but not its text; once approved and posted or filed, the text is in."""
    form = SelfAssessment.objects.get(author=record)
    client.force_login(personas.cadre.user)
    for state, shown in (("returned", False), ("submitted", False), ("posted", True), ("filed", True)):
        form.state = state
        form.save()
        text = pdf_text(download(client, record, today().year, today().year).content, tmp_path)
        assert ("自评表正文" in text) is shown, state
        assert form.get_state_display() in text, state


def test_dossier_access_and_year_range_checks(client, personas, record):
    for persona, status in (
        ("leader", 200),
        ("superior_leader", 200),
        ("org_staff", 200),
        ("colleague", 404),
        ("stranger", 404),
    ):
        client.force_login(personas.user(persona))
        assert download(client, record, today().year, today().year).status_code == status, persona
    client.force_login(personas.cadre.user)
    backwards = download(client, record, today().year, today().year - 1)
    assert backwards.status_code == 302
    assert "起始年度不能晚于截止年度" in client.get(backwards["Location"]).content.decode()
    future = download(client, record, today().year, today().year + 1)
    assert "截止年度不能晚于今年" in client.get(future["Location"]).content.decode()


def verify(client, code, content, name="档案.pdf"):
    return client.post(reverse("achievements:verify"), {"code": code, "file": SimpleUploadedFile(name, content)})


def test_public_page_tells_an_unaltered_export_from_an_altered_one(client, personas, record):
    client.force_login(personas.cadre.user)
    response = download(client, record, today().year, today().year)
    code, content = response["X-Verification-Code"], response.content
    client.logout()
    page = client.get(reverse("achievements:verify"), {"code": code}).content.decode()
    assert f'value="{code}"' in page
    valid = verify(client, code.lower(), content).content.decode()
    assert 'data-result="valid"' in valid and "张干部" in valid and response["X-Content-SHA256"] in valid
    altered = verify(client, code, content.replace(b"%%EOF", b"%%EOF\n% edited")).content.decode()
    assert 'data-result="altered"' in altered and "张干部" not in altered
    unknown = verify(client, "AAAAA-BBBBB", content).content.decode()
    assert 'data-result="unknown"' in unknown


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code.lower(),
        lambda code: code.replace("-", ""),
        lambda code: code.lower().replace("-", ""),
        lambda code: f"  {code[:5]} {code[6:]} ",
        lambda code: code.replace("-", "－"),  # a full-width dash from a Chinese input method
        lambda code: code.replace("-", "—"),
    ],
    ids=["lowercase", "no-dash", "lowercase-no-dash", "spaces", "full-width-dash", "em-dash"],
)
def test_public_page_accepts_the_code_however_it_is_typed(client, personas, record, typed):
    client.force_login(personas.cadre.user)
    response = download(client, record, today().year, today().year)
    code, content = response["X-Verification-Code"], response.content
    client.logout()
    page = verify(client, typed(code), content).content.decode()
    assert 'data-result="valid"' in page and "张干部" in page


def test_public_page_explains_a_code_of_the_wrong_shape(client):
    page = verify(client, "ABC-12", b"%PDF-1.4").content.decode()
    assert "验证码是 10 位字母和数字" in page and 'value="ABC-12"' in page and "data-result" not in page


def test_public_verification_is_rate_limited(client):
    # 20 checks a minute per address. The limiter counts in fixed windows, so a window may turn
    # over during the loop: then the refusal comes later, but never before the 21st check.
    statuses = []
    while 429 not in statuses and len(statuses) < 45:
        response = verify(client, "AAAAA-BBBBB", b"%PDF-1.4")
        statuses.append(response.status_code)
    assert statuses[-1] == 429 and "核验次数过多" in response.content.decode()
    assert 21 <= len(statuses) <= 41 and set(statuses[:-1]) == {200}


def test_archive_lists_the_years_with_records(client, personas, record):
    DailyLog.objects.create(author=record, unit=record.unit, day=date(today().year - 2, 6, 1), text=CHINESE_LOG)
    client.force_login(personas.cadre.user)
    response = client.get(reverse("achievements:my_archive"), follow=True)
    page = response.content.decode()
    assert f">{today().year - 2}<" in page and f">{today().year}<" in page
    old = today() - timedelta(days=400)
    assert client.get(reverse("achievements:cadre_archive", args=[record.pk, old.year + 10])).status_code == 302
