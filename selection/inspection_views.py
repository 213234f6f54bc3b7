"""Pages of the inspection (考察) for org staff, the 测 sheet for a participant, the discipline
body's own page (党风廉政意见), and the full-process record (全程记实)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.access import cadre_of, discipline_staff_required, get_object_or_404_in
from core.errors import show_error

from . import access
from . import inspection_selectors as selectors
from .errors import SelectionError
from .inspection_forms import (
    AnalysisForm,
    CorrectionForm,
    DocumentForm,
    MeetingForm,
    OpinionForm,
    PollSetupForm,
    TalkForm,
    TeamForm,
    VisitForm,
)
from .models import Analysis, Candidate, Decision, InspectionPoll, Level, PollVoter, ProcessEntry, Selection, State
from .services import decision as decision_services
from .services import inspection as services
from .services import record as record_services


def _inspection_page(request: HttpRequest, selection: Selection, status: int = 200, **forms: object) -> HttpResponse:
    poll = InspectionPoll.objects.filter(selection=selection).first()
    context = {
        "selection": selection,
        "team": selectors.team(selection),
        "files": selectors.inspection_overview(selection),
        "poll": poll,
        "poll_voted": poll.voters.filter(has_voted=True).count() if poll else 0,
        "levels": Level.choices,
        "team_form": forms.get("team_form") or TeamForm(),
        "meetings": decision_selectors_meetings(selection),
        "decision": Decision.objects.filter(selection=selection)
        .select_related("chosen__cadre", "notice", "meeting")
        .first(),
        "meeting_form": forms.get("meeting_form")
        or MeetingForm(candidates=services.inspection_candidates(selection), initial={"kind": "standing"}),
        "poll_form": forms.get("poll_form") or PollSetupForm(),
        "action_error": forms.get("action_error", ""),
        "editable": selection.state == State.CANDIDATES and not Decision.objects.filter(selection=selection).exists(),
    }
    return render(request, "selection/inspection.html", context, status=status)


@access.staff_only
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    return _inspection_page(request, access.get_selection_for_staff(request.user, pk))


def _run(
    request: HttpRequest, call: Callable, success: str, on_error: Callable[[SelectionError], HttpResponse], to: str
) -> HttpResponse:
    try:
        call()
    except SelectionError as error:
        return on_error(error)
    messages.success(request, success)
    return redirect(to)


@require_POST
@access.staff_only
def team_set(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    form = TeamForm(request.POST)
    if not form.is_valid():
        return _inspection_page(request, selection, status=400, team_form=form)

    def fail(error: SelectionError) -> HttpResponse:
        show_error(error, form=form)
        return _inspection_page(request, selection, status=400, team_form=form)

    data = form.cleaned_data
    return _run(
        request,
        lambda: services.team_set(
            selection=selection,
            leader=data["leader"],
            staff=list(data["staff"]),
            discipline=list(data["discipline"]),
            actor=request.user,
        ),
        _("已组建考察组。"),
        fail,
        reverse("selection:inspection", args=[selection.pk]),
    )


@require_POST
@access.staff_only
def poll_setup(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    form = PollSetupForm(request.POST)
    if not form.is_valid():
        return _inspection_page(request, selection, status=400, poll_form=form)

    def fail(error: SelectionError) -> HttpResponse:
        show_error(error, form=form)
        return _inspection_page(request, selection, status=400, poll_form=form)

    return _run(
        request,
        lambda: services.poll_setup(
            selection=selection,
            items=form.item_list(),
            voter_ids=[c.pk for c in form.cleaned_data["voters"]],
            actor=request.user,
        ),
        _("已安排考察民主测评，参加人员可在“我的推荐票”中测评。"),
        fail,
        reverse("selection:inspection", args=[selection.pk]),
    )


@require_POST
@access.staff_only
def poll_close(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    poll = get_object_or_404_in(InspectionPoll.objects.filter(selection=selection), selection=selection)
    return _run(
        request,
        lambda: services.poll_close(poll=poll, actor=request.user),
        _("测评已结束，测评表已统计。"),
        lambda error: _inspection_page(request, selection, status=400, action_error=error.message),
        reverse("selection:inspection", args=[selection.pk]),
    )


# --- One candidate -------------------------------------------------------------------------------


def _candidate(request: HttpRequest, pk: int, candidate_id: int) -> Candidate:
    return access.get_inspection_candidate_for_staff(request.user, pk, candidate_id)


def _candidate_page(request: HttpRequest, candidate: Candidate, status: int = 200, **forms: object) -> HttpResponse:
    analysis = Analysis.objects.filter(candidate=candidate).select_related("edited_by").first()
    poll = InspectionPoll.objects.filter(selection=candidate.selection).first()
    context = {
        "selection": candidate.selection,
        "candidate": candidate,
        "talks": list(candidate.talks.select_related("recorded_by")),
        "visits": list(candidate.visits.select_related("recorded_by")),
        "documents": list(candidate.document_checks.select_related("recorded_by")),
        "analysis": analysis,
        "source": analysis.source if analysis else None,
        "tallies": selectors.poll_tallies(poll).get(candidate.pk, []),
        "poll": poll,
        "levels": Level.choices,
        "opinion": getattr(candidate, "discipline_opinion", None),
        "talk_form": forms.get("talk_form") or TalkForm(),
        "visit_form": forms.get("visit_form") or VisitForm(),
        "document_form": forms.get("document_form") or DocumentForm(),
        "analysis_form": forms.get("analysis_form")
        or AnalysisForm(initial={"text": analysis.text if analysis else ""}),
        "action_error": forms.get("action_error", ""),
        "editable": candidate.selection.state == State.CANDIDATES
        and not Decision.objects.filter(selection=candidate.selection).exists(),
    }
    return render(request, "selection/inspection_candidate.html", context, status=status)


@access.staff_only
def candidate_file(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    return _candidate_page(request, _candidate(request, pk, candidate_id))


def _candidate_post(request: HttpRequest, pk: int, candidate_id: int, form_class, form_name: str, call, success: str):
    candidate = _candidate(request, pk, candidate_id)
    form = form_class(request.POST)
    if not form.is_valid():
        return _candidate_page(request, candidate, status=400, **{form_name: form})

    def fail(error: SelectionError) -> HttpResponse:
        show_error(error, form=form)
        return _candidate_page(request, candidate, status=400, **{form_name: form})

    target = reverse("selection:inspection_candidate", args=[candidate.selection_id, candidate.pk])
    return _run(request, lambda: call(candidate, form.cleaned_data), success, fail, target)


@require_POST
@access.staff_only
def talk_add(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    return _candidate_post(
        request,
        pk,
        candidate_id,
        TalkForm,
        "talk_form",
        lambda c, d: services.talk_record(candidate=c, actor=request.user, **d),
        _("已记录个别谈话。"),
    )


@require_POST
@access.staff_only
def visit_add(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    return _candidate_post(
        request,
        pk,
        candidate_id,
        VisitForm,
        "visit_form",
        lambda c, d: services.visit_record(candidate=c, actor=request.user, **d),
        _("已记录走访情况。"),
    )


@require_POST
@access.staff_only
def document_add(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    return _candidate_post(
        request,
        pk,
        candidate_id,
        DocumentForm,
        "document_form",
        lambda c, d: services.document_record(candidate=c, actor=request.user, **d),
        _("已记录查阅资料。"),
    )


@require_POST
@access.staff_only
def analysis_draft(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    candidate = _candidate(request, pk, candidate_id)
    return _run(
        request,
        lambda: services.analysis_draft(candidate=candidate, actor=request.user),
        _("已按档案生成实绩综合分析材料。"),
        lambda error: _candidate_page(request, candidate, status=400, action_error=error.message),
        reverse("selection:inspection_candidate", args=[candidate.selection_id, candidate.pk]),
    )


@require_POST
@access.staff_only
def analysis_edit(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    candidate = _candidate(request, pk, candidate_id)
    analysis = get_object_or_404_in(Analysis.objects.filter(candidate=candidate), candidate=candidate)
    form = AnalysisForm(request.POST)
    if not form.is_valid():
        return _candidate_page(request, candidate, status=400, analysis_form=form)

    def fail(error: SelectionError) -> HttpResponse:
        show_error(error, form=form)
        return _candidate_page(request, candidate, status=400, analysis_form=form)

    return _run(
        request,
        lambda: services.analysis_edit(analysis_obj=analysis, text=form.cleaned_data["text"], actor=request.user),
        _("已保存实绩综合分析材料。"),
        fail,
        reverse("selection:inspection_candidate", args=[candidate.selection_id, candidate.pk]),
    )


# --- The 测 sheet --------------------------------------------------------------------------------


def _poll_for_voter(request: HttpRequest, poll_id: int) -> tuple[InspectionPoll, PollVoter]:
    cadre = cadre_of(request.user)
    if cadre is None:
        raise Http404
    row = get_object_or_404_in(
        PollVoter.objects.select_related("poll__selection__post__unit"), poll_id=poll_id, cadre=cadre
    )
    return row.poll, row


@access.cadre_only
def poll_sheet(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll, row = _poll_for_voter(request, poll_id)
    candidates = services.inspection_candidates(poll.selection)
    error, receipt, chosen, status = "", "", {}, 200
    if request.method == "POST":
        ratings: dict[int, dict[str, int]] = {}
        for c in candidates:
            for index, item in enumerate(poll.items):
                value = request.POST.get(f"r_{c.pk}_{index}", "")
                chosen[f"r_{c.pk}_{index}"] = value
                if value.isdigit():
                    ratings.setdefault(c.pk, {})[item] = int(value)
        try:
            receipt = services.poll_submit(poll_id=poll.pk, voter=row.cadre, ratings=ratings)
        except SelectionError as exc:
            error, status = exc.message, 400
        else:
            row.has_voted = True
    rows = [
        {"candidate": c, "items": [(index, item, f"r_{c.pk}_{index}") for index, item in enumerate(poll.items)]}
        for c in candidates
    ]
    return render(
        request,
        "selection/poll_sheet.html",
        {
            "poll": poll,
            "row": row,
            "rows": rows,
            "levels": Level.choices,
            "chosen": chosen,
            "error": error,
            "receipt": receipt,
        },
        status=status,
    )


# --- The discipline body's page --------------------------------------------------------------------


@discipline_staff_required
def discipline_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "selection/discipline_list.html",
        {"candidates": selectors.discipline_candidates(request.user), "form": OpinionForm()},
    )


@require_POST
@discipline_staff_required
def discipline_opinion(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidates = {c.pk: c for c in selectors.discipline_candidates(request.user)}
    candidate = candidates.get(candidate_id)
    if candidate is None:
        raise Http404
    form = OpinionForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.opinion_give(candidate=candidate, actor=request.user, **form.cleaned_data)
        except SelectionError as exc:
            error = exc.message
        else:
            messages.success(request, _("已回复党风廉政意见。"))
            return redirect("selection:discipline_list")
    return render(
        request,
        "selection/discipline_list.html",
        {
            "candidates": list(candidates.values()),
            "form": OpinionForm(),
            "failed_form": form,
            "failed_id": candidate_id,
            "error": error,
        },
        status=400,
    )


# --- The full-process record -----------------------------------------------------------------------


@access.staff_only
def process_record(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    return render(
        request,
        "selection/process_record.html",
        {"selection": selection, "entries": selectors.process_entries(selection), "form": CorrectionForm()},
    )


@require_POST
@access.staff_only
def process_correct(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    entry = get_object_or_404_in(ProcessEntry.objects.filter(selection=selection), pk=entry_id)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            record_services.correct(entry=entry, text=form.cleaned_data["text"], actor=request.user)
        except SelectionError as error:
            show_error(error, form=form)
        else:
            messages.success(request, _("已追加更正记录。"))
            return redirect("selection:process_record", pk=selection.pk)
    return render(
        request,
        "selection/process_record.html",
        {
            "selection": selection,
            "entries": selectors.process_entries(selection),
            "form": CorrectionForm(),
            "failed_form": form,
            "failed_id": entry.pk,
        },
        status=400,
    )


# --- 比实绩 ------------------------------------------------------------------------------------------


@access.staff_only
def comparison(request: HttpRequest, pk: int) -> HttpResponse:
    from django.utils import timezone

    from .comparison import compare

    selection = access.get_selection_for_staff(request.user, pk)
    result = compare(selection, today=timezone.localdate())
    return render(request, "selection/comparison.html", {"selection": selection, "comparison": result})


@access.staff_only
def comparison_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from django.template.loader import render_to_string
    from django.utils import timezone

    from achievements.pdf import render_pdf

    from .comparison import compare

    selection = access.get_selection_for_staff(request.user, pk)
    today = timezone.localdate()
    title = _("%(post)s考察对象比实绩") % {"post": selection.post}
    html = render_to_string(
        "selection/pdf_comparison.html",
        {"selection": selection, "comparison": compare(selection, today=today), "title": title, "today": today},
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="comparison-{selection.pk}.pdf"'
    return response


# --- 研究决定 ------------------------------------------------------------------------------------------


def decision_selectors_meetings(selection: Selection) -> list[dict]:
    rows = []
    for meeting in selection.meetings.prefetch_related("votes__candidate__cadre").select_related("recorded_by"):
        rows.append(
            {
                "meeting": meeting,
                "votes": list(meeting.votes.all()),
                "outcome": decision_services.outcome_of(meeting) if meeting.has_vote else None,
            }
        )
    return rows


@require_POST
@access.staff_only
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    form = MeetingForm(request.POST, request.FILES, candidates=services.inspection_candidates(selection))
    if not form.is_valid():
        return _inspection_page(request, selection, status=400, meeting_form=form)

    def fail(error: SelectionError) -> HttpResponse:
        show_error(error, form=form)
        return _inspection_page(request, selection, status=400, meeting_form=form)

    data = form.cleaned_data
    return _run(
        request,
        lambda: decision_services.meeting_record(
            selection=selection,
            kind=data["kind"],
            held_on=data["held_on"],
            members_total=data["members_total"],
            present=data["present"],
            attendees=data["attendees"],
            note=data["note"],
            speech=data.get("speech"),
            votes=form.votes(),
            actor=request.user,
        ),
        _("已记录会议。"),
        fail,
        reverse("selection:inspection", args=[selection.pk]) + "#decision",
    )


@require_POST
@access.staff_only
def decide(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    meeting = get_object_or_404_in(selection.meetings.all(), pk=meeting_id)
    return _run(
        request,
        lambda: decision_services.decide(selection=selection, meeting=meeting, actor=request.user),
        _("已作出任用决定，任前公示草稿已按档案生成。"),
        lambda error: _inspection_page(request, selection, status=400, action_error=error.message),
        reverse("selection:inspection", args=[selection.pk]) + "#decision",
    )


@access.staff_only
def meeting_speech(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    from django.http import FileResponse

    selection = access.get_selection_for_staff(request.user, pk)
    meeting = get_object_or_404_in(selection.meetings.all(), pk=meeting_id)
    if not meeting.speech:
        raise Http404
    return FileResponse(meeting.speech.open("rb"), as_attachment=True, filename=meeting.speech.name.rsplit("/", 1)[-1])


@access.staff_only
def process_record_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from django.conf import settings
    from django.utils import timezone

    from achievements.pdf import render_verified_pdf

    selection = access.get_selection_for_staff(request.user, pk)
    title = _("%(title)s全程记实") % {"title": selection.title}
    pdf = render_verified_pdf(
        template="selection/pdf_record.html",
        context={
            "selection": selection,
            "entries": selectors.process_entries(selection),
            "title": title,
            "generated_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "verify_url": f"{settings.SITE_URL.rstrip('/')}{reverse('achievements:verify')}",
        },
        kind="selection_record",
        title=title,
        actor=request.user,
    )
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="selection-record-{selection.pk}.pdf"'
    return response
