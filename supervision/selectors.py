"""Reads of supervision: records in force, what refuses a promotion, what a profile or gate shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cadres.models import Cadre, ResumeEntry
from publicity.models import FeedbackState, Notice

from . import rules
from .models import Channel, InfoStatus, Report, RewardSanction, SupervisionInfo, SupervisionSettings


def impact_reason(record: RewardSanction) -> str:
    return _("受到%(kind)s（%(doc)s，%(date)s），影响期至 %(end)s，期间不得提拔（%(basis)s）") % {
        "kind": record.kind_label,
        "doc": record.document_no,
        "date": record.date.isoformat(),
        "end": record.impact_end.isoformat() if record.impact_end else "",
        "basis": rules.IMPACT_BASIS.get(record.accountability_form or record.kind, ""),
    }


def in_impact(cadre_ids: list[int], day: date) -> QuerySet[RewardSanction]:
    """Sanctions whose 影响期 covers `day` (decided on or before it)."""
    return (
        RewardSanction.objects.filter(cadre_id__in=cadre_ids, impact_end__gte=day, date__lte=day)
        .select_related("cadre")
        .order_by("impact_end")
    )


def impact_failures(cadre_ids: list[int], day: date) -> dict[int, list[str]]:
    """The selection qualification hook: each cadre's sanctions in force on `day`, with reasons."""
    found: dict[int, list[str]] = {}
    for record in in_impact(cadre_ids, day):
        found.setdefault(record.cadre_id, []).append(impact_reason(record))
    return found


def notice_blockers(notice: Notice, day: date) -> list[str]:
    """The notice gate hook: a notice is not published during a sanction's 影响期."""
    return [impact_reason(r) for r in in_impact([notice.cadre_id], day)]


def cadre_records(cadre_id: int) -> list[RewardSanction]:
    return list(
        RewardSanction.objects.filter(cadre_id=cadre_id).prefetch_related("rectify_entries").order_by("-date", "-pk")
    )


def appointment_form_lines(cadre_id: int) -> list[str]:
    """奖惩情况 on the appointment form: every reward and sanction, oldest first, one line each."""
    return [
        _("%(date)s %(body)s给予%(kind)s（%(doc)s）：%(reason)s")
        % {
            "date": f"{record.date.year}.{record.date.month:02d}",
            "body": record.issuing_body,
            "kind": record.kind_label,
            "doc": record.document_no,
            "reason": record.reason,
        }
        for record in RewardSanction.objects.filter(cadre_id=cadre_id).order_by("date", "pk")
    ]


def open_rectifications() -> QuerySet[RewardSanction]:
    return (
        RewardSanction.objects.filter(rectify_status="open").select_related("cadre__unit").order_by("rectify_deadline")
    )


def open_reports(
    *, cadre_id: int | None = None, selection_id: int | None = None, notice_id: int | None = None
) -> QuerySet[Report]:
    qs = Report.objects.exclude(state=FeedbackState.CLOSED)
    if cadre_id is not None:
        qs = qs.filter(cadre_id=cadre_id)
    if selection_id is not None:
        qs = qs.filter(selection_id=selection_id)
    if notice_id is not None:
        qs = qs.filter(notice_id=notice_id)
    return qs.order_by("received_on", "pk")


def cadre_info(cadre_id: int) -> QuerySet[SupervisionInfo]:
    return SupervisionInfo.objects.filter(cadre_id=cadre_id).order_by("-date", "-pk")


@dataclass
class CadreSupervision:
    """What org and discipline staff see about one cadre before a promotion."""

    cadre: Cadre
    impacts: list[str] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    info: list[SupervisionInfo] = field(default_factory=list)
    tenure: str = ""

    @property
    def empty(self) -> bool:
        return not (self.impacts or self.reports or self.info or self.tenure)


def supervision_rows(cadres: list[Cadre], day: date) -> list[CadreSupervision]:
    """Sanctions in force, open reports and open supervision information of each cadre (three queries)."""
    ids = [c.pk for c in cadres]
    rows = {c.pk: CadreSupervision(cadre=c) for c in cadres}
    for record in in_impact(ids, day):
        rows[record.cadre_id].impacts.append(impact_reason(record))
    for report in Report.objects.filter(cadre_id__in=ids).exclude(state=FeedbackState.CLOSED).order_by("received_on"):
        if report.cadre_id is not None:  # always: the query asks for these cadres
            rows[report.cadre_id].reports.append(report)
    for info in SupervisionInfo.objects.filter(cadre_id__in=ids, status=InfoStatus.OPEN).order_by("-date"):
        rows[info.cadre_id].info.append(info)
    for cadre_id, text in tenure_alerts(cadres, day).items():
        rows[cadre_id].tenure = text
    return list(rows.values())


def post_start(cadre_ids: list[int]) -> dict[int, date]:
    """When each cadre took up the current post: the start of the open entry of the resume."""
    starts: dict[int, date] = {}
    for cadre_id, start in (
        ResumeEntry.objects.filter(cadre_id__in=cadre_ids, end_date__isnull=True)
        .order_by("cadre_id", "start_date")
        .values_list("cadre_id", "start_date")
    ):
        starts[cadre_id] = start  # the latest open entry wins
    return starts


def tenure_alerts(cadres: list[Cadre], day: date) -> dict[int, str]:
    """An alert for each cadre a move on `day` would take out of the post before the minimum tenure."""
    settings = SupervisionSettings.load()
    bound = {c.pk: rules.min_tenure_years(c, settings) for c in cadres}
    starts = post_start([pk for pk, years in bound.items() if years])
    alerts: dict[int, str] = {}
    for cadre in cadres:
        minimum = bound[cadre.pk]
        if not minimum:
            continue
        start = starts.get(cadre.pk)
        if start is None:
            alerts[cadre.pk] = _("任期提醒：简历中没有现任职务的起始时间，无法核对是否任满 %(min)s 年") % {
                "min": minimum
            }
            continue
        years = rules.full_years(start, day)
        if years < minimum:
            alerts[cadre.pk] = _(
                "任期提醒：现任职务自 %(start)s 起任职 %(years)s 年，未满 %(min)s 年（%(post)s），%(until)s 后方满"
            ) % {
                "start": start.isoformat(),
                "years": years,
                "min": minimum,
                "post": cadre.unit.get_category_display() + str(_("主要领导")),
                "until": rules.add_months(start, minimum * 12).isoformat(),
            }
    return alerts


@dataclass
class YearStatistics:
    year: int
    total: int
    by_channel: list[tuple[str, int]]
    by_outcome: list[tuple[str, int]]
    by_unit: list[tuple[str, int]]


def report_statistics(year: int) -> YearStatistics:
    """Reports received in `year`, counted by channel, outcome (finding, or still open) and unit."""
    from django.db.models import Count

    reports = Report.objects.filter(received_on__year=year)
    channels = dict(reports.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    outcomes: dict[str, int] = {}
    for state, finding, n in (
        reports.values_list("state", "finding").annotate(n=Count("pk")).values_list("state", "finding", "n")
    ):
        if finding:
            label = str(dict(Report._meta.get_field("finding").flatchoices)[finding])
        elif state == FeedbackState.CLOSED:
            label = _("已办结（未作结论）")
        else:
            label = _("办理中")
        outcomes[label] = outcomes.get(label, 0) + n
    units = reports.values_list("unit__name").annotate(n=Count("pk")).order_by("-n", "unit__name")
    return YearStatistics(
        year=year,
        total=reports.count(),
        by_channel=[(str(Channel(c).label), channels.get(c, 0)) for c in Channel.values],
        by_outcome=sorted(outcomes.items(), key=lambda item: -item[1]),
        by_unit=[(name or _("未关联单位"), n) for name, n in units],
    )
