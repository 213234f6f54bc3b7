"""The 干部调整情况通报 of a meeting: every adjustment the meetings of one kind on one day decided
(name, unit, from → to, 任/免, probation, notice), as a printable page and a PDF (text read back with
pdftotext), for org staff only."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres.models import LeadershipTier, UnitRole
from selection.models import ApprovedPost
from selection.services import decision as decision_services
from selection.services import probation as probation_services

from .factories import to_inspection
from .support import pdf_text

pytestmark = pytest.mark.django_db


def _decide(personas, *, prefix, post=None, leader_first=False):
    staff = personas.org_staff.user
    selection, (a, b) = to_inspection(personas, prefix=prefix, post=post)
    if leader_first:
        a.cadre.role = UnitRole.TEAM_MEMBER
        a.cadre.post_title = "党委委员"
        a.cadre.save()
    meeting = decision_services.meeting_record(
        selection=selection,
        kind="standing",
        held_on=timezone.localdate(),
        members_total=11,
        present=10,
        attendees="区委常委",
        votes={a.pk: (8, 1, 1), b.pk: (2, 7, 1)},
        actor=staff,
    )
    return decision_services.decide(selection=selection, meeting=meeting, actor=staff)


def _two_adjustments(personas):
    plain = _decide(personas, prefix="I")
    post = ApprovedPost.objects.create(
        unit=personas.unit, title="副主任<b>粗体</b>", tier=LeadershipTier.DEPUTY, count=2
    )
    moved = _decide(personas, prefix="J", post=post, leader_first=True)
    return plain, moved


def test_briefing_lists_each_adjustment_of_the_sitting(client, personas):
    plain, moved = _two_adjustments(personas)
    probation_services.probation_extend(
        probation=plain.probation,
        new_end=plain.probation.end_date.replace(year=plain.probation.end_date.year + 1),
        reason="延长观察",
        actor=personas.org_staff.user,
    )
    day = timezone.localdate().isoformat()
    client.force_login(personas.org_staff.user)
    listing = client.get(reverse("selection:briefing_list")).content.decode()
    url = reverse("selection:briefing", args=["standing", day])
    assert url in listing and "2 人次" in listing
    html = client.get(url).content.decode()
    assert f"干部调整情况通报（{day} 常委会）" in html and "研究决定干部调整 2 人次" in html
    rows = html.split('id="briefing-table"')[1]
    assert plain.chosen.cadre.name in rows and moved.chosen.cadre.name in rows
    # from → to; 免 only for a former leadership post; the probation and the notice's state.
    assert f"{plain.previous_post or '—'} → {plain.selection.post}" in rows
    assert "党委委员 →" in rows and f"{moved.previous_unit}党委委员" in rows
    assert "已延长" in rows and "不实行试用期" in rows and "草稿" in rows
    # User text is escaped.
    assert "<b>粗体</b>" not in html and "&lt;b&gt;粗体&lt;/b&gt;" in html
    assert "data-print" in html and reverse("selection:briefing_pdf", args=["standing", day]) in html


def test_briefing_pdf_reads_back(client, personas, tmp_path):
    plain, moved = _two_adjustments(personas)
    day = timezone.localdate().isoformat()
    client.force_login(personas.org_staff.user)
    response = client.get(reverse("selection:briefing_pdf", args=["standing", day]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "干部调整情况通报" in text and plain.chosen.cadre.name in text and moved.chosen.cadre.name in text
    assert "试用期至" in text and "不实行试用期" in text and "<b>粗体</b>" in text  # literal text, not markup
    (tmp_path / "briefing.pdf").write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "briefing.pdf"), str(tmp_path / "b")],
        check=True,
    )
    assert list(tmp_path.glob("b*.png"))


def test_briefing_of_an_unknown_sitting_is_404(client, personas):
    _decide(personas, prefix="I")
    client.force_login(personas.org_staff.user)
    day = timezone.localdate().isoformat()
    for args in (("ministry", day), ("standing", "2020-01-01"), ("bogus", day), ("standing", "not-a-day")):
        assert client.get(reverse("selection:briefing", args=args)).status_code == 404, args


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("cadre", 404),
        ("leader", 404),
        ("team_member", 404),
        ("superior_leader", 404),
        ("stranger", 404),
        ("discipline", 404),
        ("org_staff", 200),
        ("admin", 200),
    ],
)
def test_briefing_is_for_org_staff(client, personas, who, expected):
    decision = _decide(personas, prefix="I")
    day = timezone.localdate().isoformat()
    user = personas.user(who)
    if user is not None:
        client.force_login(user)
    for url in (
        reverse("selection:briefing_list"),
        reverse("selection:briefing", args=["standing", day]),
        reverse("selection:briefing_pdf", args=["standing", day]),
    ):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected != 200:
            assert decision.chosen.cadre.name not in response.content.decode(errors="ignore")
