"""Pages for org staff (考核办) and the system admin: service accounts and their API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cadres.access import org_staff_required
from core.errors import DomainError, show_error

from . import rules, services
from .forms import ServiceAccountForm, TokenForm
from .models import ApiToken, ServiceAccount

RECENT_USES = 50


@org_staff_required
def accounts(request: HttpRequest) -> HttpResponse:
    form = ServiceAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.service_account_create(
                name=form.cleaned_data["name"], description=form.cleaned_data["description"], actor=request.user
            )
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(request, _("已创建对接账号 %(name)s。") % {"name": account.name})
            return redirect("integrations:account", pk=account.pk)
    listing = ServiceAccount.objects.annotate(token_count=Count("tokens")).order_by("name")
    return render(request, "integrations/accounts.html", {"accounts": listing, "form": form})


@org_staff_required
@never_cache
def account(request: HttpRequest, pk: int) -> HttpResponse:
    service_account = get_object_or_404(ServiceAccount, pk=pk)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.token_issue(
                account=service_account,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
                actor=request.user,
            )
        except DomainError as error:
            show_error(error, form=form)
        else:
            # Shown on this answer only: the database keeps the digest, never the token.
            return render(request, "integrations/token_issued.html", {"account": service_account, "issued": issued})
    context = {
        "account": service_account,
        "form": form,
        "tokens": service_account.tokens.select_related("created_by", "revoked_by"),
        "uses": service_account.token_uses.select_related("token")[:RECENT_USES],
        "keep_days": rules.token_use_keep_days(),
        "recent": RECENT_USES,
    }
    return render(request, "integrations/account.html", context)


@org_staff_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    service_account = get_object_or_404(ServiceAccount, pk=pk)
    token = ApiToken.objects.filter(service_account=service_account, digest=request.POST.get("digest", "")).first()
    if token is None:
        raise Http404
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("令牌 %(key)s… 已吊销，立即失效。") % {"key": token.token_key})
    return redirect("integrations:account", pk=service_account.pk)


@org_staff_required
@require_POST
def account_active(request: HttpRequest, pk: int) -> HttpResponse:
    service_account = get_object_or_404(ServiceAccount, pk=pk)
    active = request.POST.get("active") == "1"
    services.service_account_set_active(account=service_account, active=active)
    if active:
        messages.success(request, _("对接账号已启用。"))
    else:
        messages.success(request, _("对接账号已停用，其令牌立即失效。"))
    return redirect("integrations:account", pk=service_account.pk)
