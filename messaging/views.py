"""Pages: each person's 通知方式, org staff's channel defaults and the delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.access import org_staff_required
from core.errors import DomainError, show_error
from core.models import NotificationKind
from core.paging import page_of, query_without_page

from . import selectors, services
from .forms import ContactForm
from .models import Channel, Delivery, DeliveryStatus


def _chosen(request: HttpRequest) -> dict[str, set[str]]:
    """The ticked boxes, named kind:channel; anything else in the form is ignored."""
    chosen: dict[str, set[str]] = {kind: set() for kind in NotificationKind.values}
    for name in request.POST.getlist("on"):
        kind, _sep, channel = name.partition(":")
        if kind in chosen and channel in Channel.values:
            chosen[kind].add(channel)
    return chosen


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    contact = selectors.contact_of(user)  # type: ignore[arg-type]
    form = ContactForm(initial={"email": user.email, "mobile": contact.mobile})  # type: ignore[union-attr]
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "contact":
            form = ContactForm(request.POST)
            if form.is_valid():
                services.save_contact(actor=user, **form.cleaned_data)  # type: ignore[arg-type]
                messages.success(request, _("联系方式已保存。"))
                return redirect("messaging:preferences")
        elif action == "reset":
            services.reset_preferences(actor=user)  # type: ignore[arg-type]
            messages.success(request, _("已恢复为组织默认设置。"))
            return redirect("messaging:preferences")
        else:
            services.save_preferences(actor=user, chosen=_chosen(request))  # type: ignore[arg-type]
            messages.success(request, _("通知方式已保存。"))
            return redirect("messaging:preferences")
    return render(
        request,
        "messaging/preferences.html",
        {
            "form": form,
            "contact": contact,
            "rows": selectors.preference_rows(user),  # type: ignore[arg-type]
            "channels": selectors.channel_labels(),
            "addresses": selectors.addresses_of(user),  # type: ignore[arg-type]
        },
    )


@org_staff_required
def defaults(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.save_defaults(chosen=_chosen(request))
        messages.success(request, _("默认通知方式已保存。"))
        return redirect("messaging:defaults")
    return render(
        request,
        "messaging/defaults.html",
        {"rows": selectors.default_rows(), "channels": selectors.channel_labels()},
    )


@org_staff_required
def delivery_log(request: HttpRequest) -> HttpResponse:
    channel = request.GET.get("channel", "")
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:50]
    rows = selectors.deliveries(
        channel=channel if channel in Channel.values else "",
        status=status if status in DeliveryStatus.values else "",
        query=query,
    )
    return render(
        request,
        "messaging/delivery_log.html",
        {
            "page": page_of(request, rows, size=50),
            "query": query_without_page(request),
            "channel": channel,
            "status": status,
            "q": query,
            "channel_choices": Channel.choices,
            "status_choices": DeliveryStatus.choices,
        },
    )


@org_staff_required
@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=pk)
    try:
        services.retry_now(delivery=delivery)
    except DomainError as error:
        show_error(error, request=request)
    else:
        messages.success(request, _("已重新排队发送。"))
    return redirect("messaging:deliveries")
