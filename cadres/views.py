from __future__ import annotations

import mimetypes
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import notifications
from core.errors import DomainError, show_error
from core.jobs import job_progress
from core.paging import page_of, query_without_page

from . import access, rules, selectors, services
from .access import org_staff_required
from .filters import CadreFilter
from .forms import (
    AccountsIssueForm,
    CadreForm,
    EducationFormSet,
    FamilyFormSet,
    LoginForm,
    NewPasswordForm,
    OrgSettingsForm,
    ResumeFormSet,
    RosterUploadForm,
    StudyCreditFormSet,
    UnitForm,
)
from .models import Cadre, OrgSettings, RosterImport, Unit
from .roster import REQUIRED_COLUMNS

# --- Accounts -----------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["signon"] = {
            "directory": bool(settings.LDAP_SERVER_URI),
            "unified": bool(settings.OIDC_RP_CLIENT_ID),
            "unified_label": settings.SIGNON_UNIFIED_LABEL or _("统一身份认证登录"),
            "local_admin_only": settings.SIGNON_LOCAL_LOGIN == "admin",
            "failed": self.request.GET.get("signon") == "failed",
        }
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = NewPasswordForm
    success_url = reverse_lazy("home")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "sign_on", ""):
            # Directory and unified sign-on accounts have no local password to change.
            messages.info(request, _("您经目录或统一身份认证登录，请在原系统中修改密码。"))
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: NewPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(actor=self.request.user)
        messages.success(self.request, _("密码已修改。"))
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = {"cadre": access.cadre_of(request.user)}
    if access.is_org_staff(request.user):
        year = timezone.localdate().year
        context.update(
            counts=selectors.cadre_counts(),
            age_alert_count=len(rules.age_alerts(year=year)),
            imports=selectors.recent_imports(5),
        )
    return render(request, "home.html", context)


# --- Cadres -------------------------------------------------------------------------------


@org_staff_required
def cadre_list(request: HttpRequest) -> HttpResponse:
    filters = CadreFilter(request.GET or None, queryset=access.cadres_visible_to(request.user))
    cadres = filters.qs if filters.is_bound and filters.is_valid() else filters.queryset
    return render(
        request,
        "cadres/cadre_list.html",
        {"filter": filters, "page": page_of(request, cadres), "query": query_without_page(request)},
    )


@login_required
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = access.get_cadre_for_user(request.user, pk)
    return render(
        request,
        "cadres/cadre_detail.html",
        {
            "cadre": cadre,
            "show_private": access.may_see_private_data(request.user, cadre),
            "is_staff_view": access.is_org_staff(request.user),
            **selectors.cadre_profile(cadre),
        },
    )


@access.cadre_required
def my_profile(request: HttpRequest) -> HttpResponse:
    return cadre_detail(request, access.cadre_of(request.user).pk)


@login_required
def cadre_photo(request: HttpRequest, pk: int) -> FileResponse:
    cadre = access.get_cadre_for_user(request.user, pk)
    if not cadre.photo:
        raise Http404
    return FileResponse(cadre.photo.open("rb"), content_type=mimetypes.guess_type(cadre.photo.name)[0])


def _section(request: HttpRequest, prefix: str) -> Any:
    return request.POST if f"{prefix}-TOTAL_FORMS" in request.POST else None


def _cadre_form_page(request: HttpRequest, cadre: Cadre | None) -> HttpResponse:
    form = CadreForm(request.POST or None, request.FILES or None, instance=cadre)
    resume = ResumeFormSet(request.POST or None, instance=cadre, prefix="resume")
    credits = StudyCreditFormSet(request.POST or None, instance=cadre, prefix="credits")
    # The appointment-form sections came later: a post without them (an older page) leaves them alone.
    education = EducationFormSet(_section(request, "education"), instance=cadre, prefix="education")
    family = FamilyFormSet(_section(request, "family"), instance=cadre, prefix="family")
    formsets = tuple(f for f in (resume, credits, education, family) if f.is_bound or request.method != "POST")
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets):
        try:
            with transaction.atomic():
                if cadre is None:
                    saved = services.cadre_create(actor=request.user, values=form.cleaned_data)
                else:
                    saved = services.cadre_update(cadre=cadre, actor=request.user, values=form.cleaned_data)
                for formset in formsets:
                    formset.instance = saved
                    formset.save()
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(request, _("已保存 %(name)s 的档案。") % {"name": saved.name})
            return redirect("cadres:cadre_detail", pk=saved.pk)
    return render(
        request,
        "cadres/cadre_form.html",
        {"form": form, "resume": resume, "credits": credits, "education": education, "family": family, "cadre": cadre},
    )


@org_staff_required
def cadre_create(request: HttpRequest) -> HttpResponse:
    return _cadre_form_page(request, None)


@org_staff_required
def cadre_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _cadre_form_page(request, access.get_cadre_for_user(request.user, pk))


@org_staff_required
@require_POST
def cadre_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = access.get_cadre_for_user(request.user, pk)
    services.cadre_deactivate(cadre=cadre)
    messages.success(request, _("%(name)s 已标记为离任，账号已停用，档案保留。") % {"name": cadre.name})
    return redirect("cadres:cadre_detail", pk=cadre.pk)


@org_staff_required
@require_POST
def cadre_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = access.get_cadre_for_user(request.user, pk)
    credential = services.cadre_reactivate(cadre=cadre)
    messages.success(request, _("%(name)s 已恢复在职。") % {"name": cadre.name})
    if credential:
        return render(request, "cadres/accounts_issued.html", {"credentials": [credential]})
    return redirect("cadres:cadre_detail", pk=cadre.pk)


@org_staff_required
@require_POST
def cadre_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = access.get_cadre_for_user(request.user, pk)
    if not cadre.is_active:
        messages.error(request, _("离任干部不能重置密码，请先恢复在职。"))
        return redirect("cadres:cadre_detail", pk=cadre.pk)
    try:
        credential = services.account_reset_password(cadre=cadre)
    except DomainError as error:
        show_error(error, request=request)
        return redirect("cadres:cadre_detail", pk=cadre.pk)
    return render(request, "cadres/accounts_issued.html", {"credentials": [credential]})


# --- Notifications --------------------------------------------------------------------------


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, notifications.notifications_for(request.user), size=30)
    return render(request, "cadres/notifications.html", {"page": page})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_object_or_404_in(notifications.notifications_for(request.user), pk=pk)
    notifications.mark_read(actor=request.user, notification_id=notice.pk)
    target = notice.url if url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None) else ""
    return redirect(target or "cadres:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    notifications.mark_read(actor=request.user)
    return redirect("cadres:notifications")


# --- Units --------------------------------------------------------------------------------


@org_staff_required
def unit_list(request: HttpRequest) -> HttpResponse:
    return render(request, "cadres/unit_list.html", {"nodes": selectors.unit_tree()})


def _unit_form_page(request: HttpRequest, unit: Unit | None) -> HttpResponse:
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            if unit is None:
                saved = services.unit_create(actor=request.user, values=form.cleaned_data)
            else:
                saved = services.unit_update(unit=unit, actor=request.user, values=form.cleaned_data)
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(request, _("已保存单位 %(name)s。") % {"name": saved.name})
            return redirect("cadres:unit_list")
    return render(request, "cadres/unit_form.html", {"form": form, "unit": unit})


@org_staff_required
def unit_create(request: HttpRequest) -> HttpResponse:
    return _unit_form_page(request, None)


@org_staff_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _unit_form_page(request, get_object_or_404(Unit, pk=pk))


# --- Roster import / export ------------------------------------------------------------------


@org_staff_required
def roster_import(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.roster_import_start(upload=form.cleaned_data["file"], actor=request.user)
        return redirect("cadres:roster_import_status", pk=job.pk)
    return render(
        request,
        "cadres/roster_import.html",
        {"form": form, "columns": REQUIRED_COLUMNS, "imports": selectors.recent_imports()},
    )


@org_staff_required
def roster_import_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.get_object_or_404_in(RosterImport.objects.all(), pk=pk)
    template = "cadres/_roster_import_status.html" if request.htmx else "cadres/roster_import_status.html"
    return render(request, template, {"job": job, "progress": job_progress(job)})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _roster_download(cadres: object, file_format: str, filename: str, *, template: bool = False) -> HttpResponse:
    content = services.roster_export(cadres=cadres, file_format=file_format, template=template)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8" if file_format == "csv" else XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


@org_staff_required
def roster_export(request: HttpRequest) -> HttpResponse:
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    filters = CadreFilter(request.GET or None, queryset=access.cadres_visible_to(request.user))
    cadres = (filters.qs if filters.is_bound and filters.is_valid() else filters.queryset).select_related(
        "unit__parent"
    )
    return _roster_download(cadres, file_format, f"roster-{timezone.localtime():%Y%m%d-%H%M}")


@org_staff_required
def roster_template(request: HttpRequest) -> HttpResponse:
    return _roster_download(Cadre.objects.none(), "xlsx", "roster-template", template=True)


@org_staff_required
def accounts_issue(request: HttpRequest) -> HttpResponse:
    form = AccountsIssueForm(request.POST or None)
    pending = Cadre.objects.filter(is_active=True, user__isnull=True).select_related("unit")
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        targets = pending.filter(unit=unit) if unit else pending
        credentials = services.accounts_issue(cadres=targets)
        if not credentials:
            messages.info(request, _("所选范围内的在职干部都已有账号。"))
            return redirect("cadres:accounts_issue")
        if form.cleaned_data["output"] == AccountsIssueForm.OUTPUT_XLSX:
            return _credentials_xlsx(credentials)
        return render(request, "cadres/accounts_issued.html", {"credentials": credentials})
    return render(request, "cadres/accounts_issue.html", {"form": form, "pending_count": pending.count()})


def _credentials_xlsx(credentials: list[services.InitialCredential]) -> HttpResponse:
    import tablib

    data = tablib.Dataset(headers=[_("编号"), _("姓名"), _("单位"), _("登录名"), _("初始密码")])
    for c in credentials:
        data.append([c.code, c.name, c.unit, c.code, c.password])
    response = HttpResponse(data.export("xlsx"), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="initial-passwords.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


# --- Age alerts, audit, settings --------------------------------------------------------------


@org_staff_required
def age_alerts(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, this_year - 5), this_year + 5)
    settings = OrgSettings.load()
    return render(
        request,
        "cadres/age_alerts.html",
        {
            "alerts": rules.age_alerts(year=year, settings=settings),
            "year": year,
            "next_year": year + 1,
            "today": timezone.localdate(),
            "settings": settings,
        },
    )


@org_staff_required
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = selectors.audit_entries(
        model=request.GET.get("model", ""),
        actor=request.GET.get("actor", "").strip(),
        object_pk=request.GET.get("object", "").strip(),
    )
    page = page_of(request, entries)
    return render(
        request,
        "cadres/audit_log.html",
        {
            "page": page,
            "rows": selectors.audit_rows(page),
            "query": query_without_page(request),
            "model": request.GET.get("model", ""),
            "models": selectors.audited_models(),
            "actor": request.GET.get("actor", ""),
        },
    )


@org_staff_required
def org_settings(request: HttpRequest) -> HttpResponse:
    form = OrgSettingsForm(request.POST or None, instance=OrgSettings.load())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("设置已保存。"))
        return redirect("cadres:org_settings")
    return render(request, "cadres/org_settings.html", {"form": form})
