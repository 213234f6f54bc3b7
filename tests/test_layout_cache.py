"""The layout every signed-in page shares, cached where it can be (core/layout_cache.py, the session
in the cache, the user with their cadre in one query, the unread count in the cache): each page
still shows what its reader's roles, page, language, name and notices say, with their own CSRF token."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.models import Notification
from core.notifications import mark_read, notify, notify_all

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<ul class="navbar-nav me-auto">(.*?)</ul>\s*<ul class="navbar-nav">', re.S)


def menu(html: str) -> str:
    found = MENU.search(html)
    assert found, "no main menu on the page"
    return found.group(1)


def badge(html: str) -> str | None:
    found = re.search(r'id="notification-count">(\d+)<', html)
    return found.group(1) if found else None


def page(client: Client, name: str = "home") -> str:
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def test_the_menu_follows_the_roles_and_changes_with_them(client, personas):
    client.force_login(personas.org_staff.user)
    staff_menu = menu(page(client))
    assert "干部名册" in staff_menu and "工作日志" in staff_menu  # org staff with a cadre record
    client.force_login(personas.cadre.user)
    cadre_menu = menu(page(client))
    assert "工作日志" in cadre_menu and "干部名册" not in cadre_menu and "单位缺记概况" not in cadre_menu
    # Granted org staff: the next page shows the staff menu (the roles are the cache's key).
    user = personas.cadre.user
    user.is_org_staff = True
    user.save(update_fields=["is_org_staff"])
    assert "干部名册" in menu(page(client))
    # The cadre record ends: no cadre items any more (the cadre comes with the user, active only).
    personas.cadre.is_active = False
    personas.cadre.save(update_fields=["is_active"])
    granted = menu(page(client))
    assert "干部名册" in granted and "工作日志" not in granted


def test_the_menu_marks_the_page_it_is_on(client, personas):
    client.force_login(personas.org_staff.user)
    periods = reverse("evaluations:period_list")
    on_periods = menu(page(client, "evaluations:period_list"))
    assert f'<a class="dropdown-item active" href="{periods}">考核周期</a>' in on_periods
    on_home = menu(page(client))
    assert f'<a class="dropdown-item" href="{periods}">考核周期</a>' in on_home and " active" not in on_home


def test_the_layout_follows_the_language(client, personas):
    client.force_login(personas.leader.user)
    with translation.override("en"):
        english = [gettext("单位缺记概况"), gettext("退出登录"), gettext("干部实绩考核评价系统")]
    assert all(label and not re.search(r"[\u4e00-\u9fff]", label) for label in english)
    chinese = page(client)
    assert "单位缺记概况" in chinese and not any(label in chinese for label in english)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(client)
    assert all(label in html for label in english) and "单位缺记概况" not in html
    assert '<option value="en" selected>' in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "单位缺记概况" in page(client)


def test_the_header_shows_the_current_name(client, personas):
    client.force_login(personas.colleague.user)
    assert personas.colleague.name in page(client)
    personas.colleague.name = "新名字同志"
    personas.colleague.save(update_fields=["name"])
    assert "新名字同志" in page(client)


def test_the_unread_count_follows_new_and_read_notices(client, personas, django_capture_on_commit_callbacks):
    user = personas.cadre.user
    client.force_login(user)
    assert badge(page(client)) is None
    notify(recipients=[user], title="第一条")
    assert badge(page(client)) == "1"
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], title="第二条")
    assert badge(page(client)) == "2"
    # A notice for the whole organization (one INSERT … SELECT, no model save).
    from django.contrib.auth import get_user_model

    with django_capture_on_commit_callbacks(execute=True):
        notify_all(user_ids=get_user_model().objects.filter(pk=user.pk).values("pk"), title="全体", dedupe_key="all-1")
    assert badge(page(client)) == "3"
    # Someone else's notices do not change this count.
    notify(recipients=[personas.colleague.user], title="别人的")
    assert badge(page(client)) == "3"
    mark_read(actor=user, notification_id=Notification.objects.filter(recipient=user).first().pk)
    assert badge(page(client)) == "2"
    # Changed through the model (as the admin does): seen too.
    Notification.objects.filter(recipient=user, read_at__isnull=True).first().delete()
    assert badge(page(client)) == "1"
    client.post(reverse("cadres:notifications_read_all"))
    assert badge(page(client)) is None


def test_a_count_taken_before_a_commit_is_not_used_after_it(client, personas, django_capture_on_commit_callbacks):
    """A page that counted while a notice was being sent may store the old count; the stamp that the
    sender bumps when it commits makes the next page count again."""
    from core import notifications

    user = personas.cadre.user
    client.force_login(user)
    page(client)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[user], title="提交中")
    # A page of another connection counted before the commit and stored the old count afterwards.
    stamps = [notifications._ALL_VERSION_KEY, notifications._user_version_key(user.pk)]
    from django.core.cache import cache

    found = cache.get_many(stamps)
    cache.set(notifications._user_count_key(user.pk), (found[stamps[0]], found[stamps[1]], 0), 600)
    assert badge(page(client)) is None  # the stale count is what the cache holds now …
    for callback in callbacks:
        callback()
    assert badge(page(client)) == "1"  # … until the commit's bump


def test_each_page_carries_its_own_csrf_token_and_logging_out_with_it_works(personas):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(personas.cadre.user)
    second.force_login(personas.colleague.user)
    tokens = []
    for client in (first, second, first):
        html = page(client)
        logout = re.search(
            rf'action="{reverse("logout")}">\s*<input type="hidden" name="csrfmiddlewaretoken" value="(\w+)"', html
        )
        header = re.search(r'"X-CSRFToken": "(\w+)"', html)
        assert logout and header and logout.group(1) == header.group(1)
        tokens.append(logout.group(1))
    assert len(set(tokens)) == 3  # a fresh mask per page, never one stored in the cached header
    response = first.post(reverse("logout"), {"csrfmiddlewaretoken": tokens[2]})
    assert response.status_code == 302
    assert first.get(reverse("home")).status_code == 302  # signed out
    assert second.get(reverse("home")).status_code == 200


def test_a_signed_in_page_reads_neither_the_session_nor_the_unread_count_from_the_database(client, personas):
    client.force_login(personas.leader.user)
    page(client)
    with CaptureQueriesContext(connection) as captured:
        html = page(client)
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert "django_session" not in tables and Notification._meta.db_table not in tables
    assert personas.leader.name in html and "单位缺记概况" in menu(html)


def test_logging_out_ends_the_cached_session(personas):
    client = Client()
    client.force_login(personas.cadre.user)
    assert client.get(reverse("home")).status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert replay.get(reverse("home")).status_code == 302


def test_a_cached_piece_renders_as_the_template_alone_would_without_a_request(rf):
    from django.middleware.csrf import get_token
    from django.template import Context, RequestContext, Template

    piece = Template('{% load layout %}{% layoutcache "test-form" %}<form>{% csrf_token %}</form>{% endlayoutcache %}')
    assert piece.render(Context({})) == "<form></form>"
    request = rf.get("/")
    html = piece.render(RequestContext(request, {}))
    token = re.search(r'value="(\w+)"', html)
    assert token and html.startswith('<form><input type="hidden" name="csrfmiddlewaretoken"')
    assert len(token.group(1)) == len(get_token(request))
    assert piece.render(Context({})) == "<form></form>"  # the stored piece is never served without a token


def test_no_override_of_a_block_inside_a_cached_piece_uses_block_super():
    # `{% extends %}` does not look for blocks inside a piece (LayoutCacheNode.child_nodelists), so
    # {{ block.super }} in an override of such a block would render nothing.
    from pathlib import Path

    from django.template import TemplateSyntaxError, engines
    from django.template.base import VariableNode
    from django.template.loader_tags import BlockNode

    from core.templatetags.layout import LayoutCacheNode

    def walk(nodelist, inside=False):
        for node in nodelist:
            yield node, inside
            piece = isinstance(node, LayoutCacheNode)
            for attr in ("nodelist",) if piece else node.child_nodelists:
                yield from walk(getattr(node, attr, None) or [], inside or piece)

    engine = engines["django"].engine
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    templates = []
    for root in roots:
        for path in root.rglob("*.html"):
            try:
                templates.append(engine.get_template(str(path.relative_to(root))).nodelist)
            except TemplateSyntaxError:
                continue
    in_pieces = {n.name for t in templates for n, inside in walk(t) if inside and isinstance(n, BlockNode)}
    assert {"rules", "heading", "submitted_note", "form_data"} <= in_pieces  # the sheet's: the walk finds them
    supers = [
        block.name
        for t in templates
        for block, _inside in walk(t)
        if isinstance(block, BlockNode) and block.name in in_pieces
        for node, _ in walk(block.nodelist)
        if isinstance(node, VariableNode) and node.filter_expression.token.startswith("block.super")
    ]
    assert len(templates) > 100 and not supers
