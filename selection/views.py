"""Pages of selection work: org staff's (posts, selections, pool, settings), a voter's (pending
ballots, nomination, vote, application) and the public round-1 publicity page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from cadres.access import cadre_of, get_object_or_404_in
from core.errors import show_error
from core.paging import page_of
from evaluations.sealing import normalize_receipt
from publicity.rules import workdays_left
from publicity.services.feedback import feedback_rate

from . import access, inspection_selectors, quota, rules, selectors
from .errors import SelectionError
from .forms import (
    ApplicationForm,
    EventSetupForm,
    NominationForm,
    PaperCountsForm,
    PoolFilterForm,
    PostForm,
    ReasonForm,
    ReserveAddForm,
    Round1CloseForm,
    SelectionForm,
    SettingsForm,
    UnitRecommendationForm,
    VotersForm,
    YearPickForm,
)
from .models import (
    Application,
    ApprovedPost,
    Candidate,
    ReserveEntry,
    Selection,
    SelectionSettings,
    State,
    VoteEvent,
    VoteKind,
    VoteMode,
)
from .services import posts as post_services
from .services import reserves as reserve_services
from .services import selections as services
from .services import votes as vote_services

# --- Posts and quotas -------------------------------------------------------------------------


@access.staff_only
def post_list(request: HttpRequest) -> HttpResponse:
    """The quotas per unit and the district; the form adds a post or edits the one in ?edit=."""
    editing = None
    edit_id = request.POST.get("post_id") or request.GET.get("edit")
    if edit_id:
        editing = get_object_or_404_in(ApprovedPost.objects.select_related("unit"), pk=edit_id)
    form = PostForm(request.POST or None, instance=editing)
    if request.method == "POST" and form.is_valid():
        try:
            post_services.post_save(actor=request.user, post=editing, **form.cleaned_data)
        except SelectionError as error:
            show_error(error, form=form)
        else:
            messages.success(request, _("已保存核定职数。"))
            return redirect("selection:post_list")
    units, totals = quota.occupancy()
    return render(
        request,
        "selection/post_list.html",
        {"units": units, "totals": totals, "form": form, "editing": editing},
        status=400 if request.method == "POST" else 200,
    )


# --- Selections -------------------------------------------------------------------------------


@access.staff_only
def selection_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in State.values else ""
    return render(
        request,
        "selection/selection_list.html",
        {"selections": selectors.selection_list(state=state), "states": State.choices, "state": state},
    )


@access.staff_only
def selection_create(request: HttpRequest) -> HttpResponse:
    post_id = request.GET.get("post")
    initial = {"qualification_date": timezone.localdate()}
    if post_id and post_id.isdigit():
        post = ApprovedPost.objects.filter(pk=post_id).select_related("unit").first()
        if post:
            initial |= {"post": post, "title": _("%(post)s选拔任用") % {"post": post}}
    form = SelectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            selection = services.selection_open(actor=request.user, **form.cleaned_data)
        except SelectionError as error:
            show_error(error, form=form)
        else:
            messages.success(request, _("已开始选拔任用工作。"))
            return redirect("selection:selection_detail", pk=selection.pk)
    return render(request, "selection/selection_create.html", {"form": form})


def _detail(request: HttpRequest, selection: Selection, status: int = 200, **forms: object) -> HttpResponse:
    today = timezone.localdate()
    events = {e.kind: e for e in selection.vote_events.all()}
    event_blocks = []
    for kind in (VoteKind.ROUND2, VoteKind.MEETING, VoteKind.TALK):
        event = events.get(kind)
        rows = selectors.event_rows(event) if event else []
        event_blocks.append(
            {
                "kind": kind,
                "label": kind.label,
                "event": event,
                "rows": rows,
                "setup_form": forms.get(f"setup_{kind}") or EventSetupForm(initial={"kind": kind}, prefix=kind),
                "paper_form": forms.get(f"paper_{kind}")
                or (PaperCountsForm(rows=rows, prefix=kind) if event and event.mode == VoteMode.PAPER else None),
                "voted": event.voters.filter(has_voted=True).count() if event else 0,
            }
        )
    context = {
        "selection": selection,
        "settings": selection.settings,
        "status": quota.status_of(selection.post, exclude_selection=selection.pk),
        "candidates": list(selection.candidates.select_related("cadre__unit", "cadre__rank")),
        "applications": list(selection.applications.select_related("cadre__unit")),
        "recommendations": list(selection.unit_recommendations.select_related("unit", "cadre", "recorded_by")),
        "tally": selectors.nomination_tally(selection),
        "round1_voters": list(selection.round1_voters.select_related("unit")),
        "signed": selection.nominations.count(),
        "events": event_blocks,
        "outcome": selectors.recommendation_outcome(selection)
        if selection.state in (State.RECOMMENDATION, State.CANDIDATES)
        else None,
        "voters_form": forms.get("voters_form") or VotersForm(),
        "recommend_form": forms.get("recommend_form") or UnitRecommendationForm(),
        "round1_form": forms.get("round1_form") or Round1CloseForm(),
        "exception_form": forms.get("exception_form") or ReasonForm(),
        "cancel_form": forms.get("cancel_form") or ReasonForm(prefix="cancel"),
        "action_error": forms.get("action_error", ""),
        "tie_rule_k": rules.TIE_RULE % {"n": selection.settings.round1_top_k},
        "tie_rule_m": rules.TIE_RULE % {"n": selection.settings.round2_top_m},
        "public_feedback": list(selection.public_feedback.all()),
        "publicity_left": (
            workdays_left(start=selection.publicity_start, end=selection.publicity_end, today=today)
            if selection.publicity_start
            else None
        ),
        "steps": selectors.step_rows(selection),
    }
    return render(request, "selection/selection_detail.html", context, status=status)


@access.staff_only
def selection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access.get_selection_for_staff(request.user, pk))


def _act(
    request: HttpRequest, selection: Selection, call, success: str, *, form_name: str = "", form=None
) -> HttpResponse:
    """Run a service; on a domain error show the page again with the message and what was typed."""
    try:
        call()
    except SelectionError as error:
        if form is not None:
            show_error(error, form=form)
            return _detail(request, selection, status=400, **{form_name: form})
        return _detail(request, selection, status=400, action_error=error.message)
    messages.success(request, success)
    return redirect("selection:selection_detail", pk=selection.pk)


@require_POST
@access.staff_only
def start_nomination(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    form = VotersForm(request.POST)
    if not form.is_valid():
        return _detail(request, selection, status=400, voters_form=form)
    ids = [c.pk for c in form.cleaned_data["voters"]]
    return _act(
        request,
        selection,
        lambda: services.selection_start_nomination(selection=selection, voter_ids=ids, actor=request.user),
        _("已开始推荐提名，参加人员可在“我的推荐票”中签名推荐。"),
        form_name="voters_form",
        form=form,
    )


@require_POST
@access.staff_only
def unit_recommendation(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    form = UnitRecommendationForm(request.POST)
    if not form.is_valid():
        return _detail(request, selection, status=400, recommend_form=form)
    return _act(
        request,
        selection,
        lambda: services.unit_recommendation_record(selection=selection, actor=request.user, **form.cleaned_data),
        _("已登记单位书面推荐。"),
        form_name="recommend_form",
        form=form,
    )


@require_POST
@access.staff_only
def round1_close(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    form = Round1CloseForm(request.POST)
    if not form.is_valid():
        return _detail(request, selection, status=400, round1_form=form)
    start = form.cleaned_data["publicity_start"]
    return _act(
        request,
        selection,
        lambda: services.round1_close(selection=selection, actor=request.user, publicity_start=start),
        _("海推已结束，入围人选已确定。"),
        form_name="round1_form",
        form=form,
    )


@require_POST
@access.staff_only
def publicity_end(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    return _act(
        request, selection, lambda: services.publicity_end(selection=selection, actor=request.user), _("公示已结束。")
    )


@require_POST
@access.staff_only
def event_setup(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    if kind not in VoteKind.values:
        raise Http404
    form = EventSetupForm(request.POST, prefix=kind)
    if not form.is_valid():
        return _detail(request, selection, status=400, **{f"setup_{kind}": form})
    data = form.cleaned_data
    return _act(
        request,
        selection,
        lambda: vote_services.event_setup(
            selection=selection,
            kind=kind,
            mode=data["mode"],
            actor=request.user,
            voter_ids=[c.pk for c in data["voters"]],
            expected=data["expected"],
            max_choices=data["max_choices"],
        ),
        _("已安排%(kind)s。") % {"kind": VoteKind(kind).label},
        form_name=f"setup_{kind}",
        form=form,
    )


@require_POST
@access.staff_only
def paper_counts(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    event = get_object_or_404_in(VoteEvent.objects.filter(selection=selection), kind=kind)
    form = PaperCountsForm(request.POST, rows=selectors.event_rows(event), prefix=kind)
    if not form.is_valid():
        return _detail(request, selection, status=400, **{f"paper_{kind}": form})
    return _act(
        request,
        selection,
        lambda: vote_services.paper_counts_enter(
            event=event, actual=form.cleaned_data["actual"], counts=form.counts(), actor=request.user
        ),
        _("已录入纸质票统计结果。"),
        form_name=f"paper_{kind}",
        form=form,
    )


@require_POST
@access.staff_only
def event_close(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    event = get_object_or_404_in(VoteEvent.objects.filter(selection=selection), kind=kind)
    return _act(
        request, selection, lambda: vote_services.event_close(event=event, actor=request.user), _("投票已结束。")
    )


@require_POST
@access.staff_only
def round2_close(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    return _act(
        request,
        selection,
        lambda: services.round2_close(selection=selection, actor=request.user),
        _("公推已结束，入围人选已确定。"),
    )


@require_POST
@access.staff_only
def reserve_exception(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    candidate = get_object_or_404_in(Candidate.objects.filter(selection=selection), pk=candidate_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _detail(request, selection, status=400, exception_form=form)
    return _act(
        request,
        selection,
        lambda: services.reserve_exception_record(
            candidate=candidate, reason=form.cleaned_data["reason"], actor=request.user
        ),
        _("已记录例外理由。"),
        form_name="exception_form",
        form=form,
    )


@require_POST
@access.staff_only
def finalize(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    return _act(
        request,
        selection,
        lambda: services.candidates_finalize(selection=selection, actor=request.user),
        _("考察对象已确定。"),
    )


@require_POST
@access.staff_only
def add_to_pool(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    today = timezone.localdate()
    return _act(
        request,
        selection,
        lambda: reserve_services.reserve_add_finalists(selection=selection, entered_on=today, actor=request.user),
        _("入围人选已列入后备干部库。"),
    )


@require_POST
@access.staff_only
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    form = ReasonForm(request.POST, prefix="cancel")
    if not form.is_valid():
        return _detail(request, selection, status=400, cancel_form=form)
    return _act(
        request,
        selection,
        lambda: services.selection_cancel(selection=selection, reason=form.cleaned_data["reason"], actor=request.user),
        _("选拔任用工作已终止。"),
        form_name="cancel_form",
        form=form,
    )


@access.staff_only
def eligible(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_staff(request.user, pk)
    show_all = request.GET.get("all") == "1"
    rows = selectors.eligibility(selection, only_qualified=not show_all)
    return render(request, "selection/eligible.html", {"selection": selection, "rows": rows, "show_all": show_all})


# --- Reserve pool, structure, settings ---------------------------------------------------------


@access.staff_only
def pool(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = PoolFilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    add_form = ReserveAddForm(request.POST or None, initial={"entered_on": today})
    if request.method == "POST" and add_form.is_valid():
        try:
            reserve_services.reserve_add(actor=request.user, **add_form.cleaned_data)
        except SelectionError as error:
            show_error(error, form=add_form)
        else:
            messages.success(request, _("已列入后备干部库。"))
            return redirect("selection:pool")
    rows = selectors.reserve_pool(values, today=today)
    return render(
        request,
        "selection/pool.html",
        {"rows": rows, "filters": filters, "add_form": add_form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@access.staff_only
def pool_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404_in(ReserveEntry.objects.filter(is_active=True).select_related("cadre"), pk=pk)
    try:
        reserve_services.reserve_remove(entry=entry, reason=request.POST.get("reason", ""), actor=request.user)
    except SelectionError as error:
        show_error(error, request=request)
    else:
        messages.success(request, _("%(name)s 已调整出后备干部库。") % {"name": entry.cadre.name})
    return redirect("selection:pool")


@access.staff_only
def structure(request: HttpRequest) -> HttpResponse:
    leaders_only = request.GET.get("scope") != "all"
    year = _picked_year(request)
    rows, total, settings = selectors.structure(today=timezone.localdate(), year=year, leaders_only=leaders_only)
    return render(
        request,
        "selection/structure.html",
        {
            "rows": rows,
            "total": total,
            "settings": settings,
            "leaders_only": leaders_only,
            "pick": YearPickForm({"year": year}),
        },
    )


def _picked_year(request: HttpRequest) -> int:
    pick = YearPickForm(request.GET if "year" in request.GET else {"year": timezone.localdate().year})
    return pick.cleaned_data["year"] if pick.is_valid() else timezone.localdate().year


@access.staff_only
def settings_edit(request: HttpRequest) -> HttpResponse:
    year = _picked_year(request)
    current = SelectionSettings.for_year(year)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        post_services.settings_save(year=year, values=form.cleaned_data, actor=request.user)
        messages.success(request, _("%(year)s 年选拔任用设置已保存。") % {"year": year})
        return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "selection/settings.html",
        {"form": form, "year": year, "inherited": current.pk is None, "pick": YearPickForm({"year": year})},
        status=400 if request.method == "POST" else 200,
    )


# --- A voter's pages -----------------------------------------------------------------------------


@access.cadre_only
def my_ballots(request: HttpRequest) -> HttpResponse:
    cadre = cadre_of(request.user)
    applied = set(Application.objects.filter(cadre=cadre).values_list("selection_id", flat=True))
    return render(
        request,
        "selection/my_ballots.html",
        {
            "pending": selectors.pending_ballots(cadre),
            "closed_votes": selectors.closed_votes(cadre),
            "open_applications": list(selectors.open_applications()),
            "applied": applied,
            "polls": list(inspection_selectors.pending_polls(cadre)),
        },
    )


@access.cadre_only
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_nominator(request.user, pk)
    cadre = cadre_of(request.user)
    if selection.nominations.filter(nominator=cadre).exists():
        messages.info(request, _("您已签名推荐，感谢参与。"))
        return redirect("selection:my_ballots")
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_sign(
                selection=selection,
                nominator=cadre,
                nominee=form.cleaned_data["nominee"],
                reason=form.cleaned_data["reason"],
            )
        except SelectionError as error:
            show_error(error, form=form)
        else:
            messages.success(request, _("已签名推荐，推荐情况由组织部门留存备查。"))
            return redirect("selection:my_ballots")
    return render(
        request,
        "selection/nominate.html",
        {"selection": selection, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@access.cadre_only
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_event_for_voter(request.user, pk)
    cadre = cadre_of(request.user)
    rows = selectors.event_rows(event)
    error = ""
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("candidates") if v.isdigit()]
        try:
            receipt = vote_services.vote_cast(event_id=event.pk, voter=cadre, candidate_ids=ids)
        except SelectionError as exc:
            error = exc.message
        else:
            # Shown once, in this response only: the server keeps no record of whose receipt it is.
            return render(request, "selection/vote_receipt.html", {"event": event, "receipt": receipt})
    voted = event.voters.filter(cadre=cadre, has_voted=True).exists()
    # The voter sees names only: never anyone's running count.
    return render(
        request,
        "selection/vote.html",
        {"event": event, "rows": rows, "error": error, "voted": voted, "chosen": request.POST.getlist("candidates")},
        status=400 if error else 200,
    )


@login_required
def receipts(request: HttpRequest, pk: int) -> HttpResponse:
    """The sorted receipts of a closed online vote, for its voters and org staff to check."""
    event = access.get_event_for_receipts(request.user, pk)
    typed = request.GET.get("code", "").strip()
    code = normalize_receipt(typed)
    return render(
        request,
        "selection/vote_receipts.html",
        {
            "event": event,
            "typed": typed,
            "code": code,
            "found": bool(code) and code in event.receipts,
            "page": page_of(request, event.receipts, size=300),
        },
    )


@access.cadre_only
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    selection = access.get_selection_for_applicant(request.user, pk)
    cadre = cadre_of(request.user)
    application = Application.objects.filter(selection=selection, cadre=cadre).first()
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and application is None and form.is_valid():
        try:
            application = services.application_file(
                selection=selection, cadre=cadre, statement=form.cleaned_data["statement"]
            )
        except SelectionError as error:
            show_error(error, form=form)
        else:
            return redirect("selection:apply", pk=selection.pk)
    return render(
        request,
        "selection/apply.html",
        {"selection": selection, "form": form, "application": application},
        status=400 if request.method == "POST" and form.errors else 200,
    )


# --- Public: round-1 results in publicity ---------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def public_round1(request: HttpRequest, public_id) -> HttpResponse:
    """Round-1 results in publicity (no login): names, sex, birth year and month, post; and feedback
    rate-limited like the notice feedback."""
    today = timezone.localdate()
    selection = get_object_or_404_in(
        # Not public before its first day, like a notice.
        Selection.objects.select_related("post__unit").filter(publicity_start__lte=today),
        public_id=public_id,
    )
    in_publicity = selection.publicity_start <= today <= selection.publicity_end
    names = list(selection.candidates.filter(round1_passed=True).select_related("cadre__unit").order_by("cadre__code"))
    error, sent, status = "", False, 200
    if request.method == "POST":
        limited = is_ratelimited(
            request, group="selection-feedback", key="ip", rate=feedback_rate(), method="POST", increment=True
        )
        try:
            if limited:
                status = 429
                raise SelectionError(_("提交过于频繁，请稍后再试（您填写的内容已保留）。"))
            services.round1_feedback_submit(
                selection=selection,
                name=request.POST.get("name", ""),
                contact=request.POST.get("contact", ""),
                text=request.POST.get("text", ""),
                today=today,
            )
            sent = True
        except SelectionError as exc:
            error, status = exc.message, status if status != 200 else 400
    return render(
        request,
        "selection/public_round1.html",
        {
            "selection": selection,
            "names": names,
            "in_publicity": in_publicity,
            "sent": sent,
            "error": error,
            "today": today,
        },
        status=status,
    )
