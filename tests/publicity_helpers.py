"""Factories for the 任前公示 tests: notices in each state, gate checks and public feedback."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from publicity.models import (
    Feedback,
    GateCheck,
    GateCheckKind,
    GateCheckResult,
    Notice,
    NoticeState,
    PublicitySettings,
)

from .factories import CadreFactory, UserFactory


class NoticeFactory(factory.django.DjangoModelFactory):
    """A draft notice; use the traits for the later states."""

    class Meta:
        model = Notice

    cadre = factory.SubFactory(CadreFactory)
    title = factory.LazyAttribute(lambda o: f"关于{o.cadre.name}同志的任前公示")
    current_post = factory.LazyAttribute(lambda o: f"{o.cadre.unit.name}{o.cadre.post_title}")
    proposed_post = "拟任区发展和改革局副局长"
    basic_info = factory.LazyAttribute(lambda o: f"{o.cadre.name}，男，1985年6月生，大学学历。")
    resume = "2008.07—2015.03 青山镇党政办科员\n2015.03— 青山镇经济发展办主任"
    achievements = "牵头完成青山镇产业园区招商引资，新签约项目 6 个。"
    feedback_channels = "举报电话：0472-12380"

    class Params:
        published = factory.Trait(
            state=NoticeState.PUBLISHED,
            start_date=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1)),
            end_date=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7)),
            published_at=factory.LazyFunction(timezone.now),
        )
        ended = factory.Trait(
            state=NoticeState.PUBLISHED,
            start_date=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=14)),
            end_date=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=4)),
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=14)),
        )


def pass_gate(notice: Notice, *, actor=None, when=None) -> list[GateCheck]:
    """Record all four gate checks as passed (for tests that start after the gate)."""
    actor = actor or UserFactory(username="gatekeeper", is_org_staff=True)
    when = when or timezone.now()
    return [
        GateCheck.objects.update_or_create(
            notice=notice,
            kind=kind,
            defaults={
                "result": GateCheckResult.PASSED,
                "note": "经审核符合要求",
                "checked_by": actor,
                "checked_at": when,
            },
        )[0]
        for kind in GateCheckKind.values
    ]


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    notice = factory.SubFactory(NoticeFactory, published=True)
    text = "反映该同志在项目验收中存在把关不严的问题，请组织核实。"


def real_channel_settings() -> PublicitySettings:
    """The settings a district fills in before its first notice: issuing body and real channels."""
    settings = PublicitySettings.load()
    settings.issuer_name = "中共青山区委组织部"
    settings.feedback_channels = "中共青山区委组织部干部监督科\n举报电话：0472-12380"
    settings.save()
    return settings
