"""core.csrf: a visitor's CSRF token drawn cheaply, in Django's own format; the cache's clients."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, _unmask_cipher_token
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from core import csrf

pytestmark = pytest.mark.django_db


def test_random_strings_are_of_the_alphabet_and_length_and_all_different():
    drawn = [csrf.random_csrf_string() for _ in range(2000)]
    assert all(len(s) == CSRF_SECRET_LENGTH and set(s) <= set(CSRF_ALLOWED_CHARS) for s in drawn)
    assert len(set(drawn)) == len(drawn)
    # Every character of the alphabet turns up (62 of them in 64,000 draws: a biased map would miss some).
    assert set("".join(drawn)) == set(CSRF_ALLOWED_CHARS)
    assert len(csrf.random_csrf_string(100)) == 100


def test_a_new_visitor_gets_a_new_secret_for_the_cookie_and_a_token_that_unmasks_to_it():
    request = RequestFactory().get("/")
    token = csrf.get_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert len(token) == 2 * CSRF_SECRET_LENGTH and _unmask_cipher_token(token) == secret
    again = csrf.get_token(request)
    assert again != token and _unmask_cipher_token(again) == secret


def test_a_returning_visitor_keeps_the_secret_of_the_cookie():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = secret = csrf.random_csrf_string()
    token = csrf.get_token(request)
    assert request.META["CSRF_COOKIE"] == secret and _unmask_cipher_token(token) == secret


@pytest.fixture
def _chinese_after():
    yield
    # The language middleware leaves the last request's language active in this thread.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.usefixtures("_chinese_after")
def test_the_public_index_token_passes_the_csrf_check_and_a_wrong_one_does_not():
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(reverse("public:index")).content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    wrong = token[:-1] + ("a" if token[-1] != "a" else "b")
    refused = visitor.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": wrong})
    assert refused.status_code == 403
    assert visitor.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token}).status_code == 302
    # A second visit with the cookie keeps the visitor's secret (the cookie is renewed, not replaced).
    cookie = visitor.cookies["csrftoken"].value
    second = visitor.get(reverse("public:index"))
    token2 = second.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert _unmask_cipher_token(token2) == cookie


def test_the_cache_uses_one_redis_client_per_server_and_it_works():
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client and cache._cache.get_client(write=True) is client
    cache.set("csrf-test:key", {"a": 1}, 30)
    assert cache.get("csrf-test:key") == {"a": 1}
    assert cache.get_many(["csrf-test:key", "csrf-test:none"]) == {"csrf-test:key": {"a": 1}}
    cache.delete("csrf-test:key")
