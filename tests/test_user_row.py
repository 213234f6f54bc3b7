"""The signed-in user's row (cadres/user_row.py): one statement, the same objects the ORM's
select_related("cadre__unit", "cadre__rank") gives, inactive accounts still refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from cadres.models import Cadre, User
from cadres.signon import LocalBackend
from cadres.user_row import user_with_cadre

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_same_objects_as_the_orm_in_one_query(personas, django_assert_num_queries) -> None:
    for name in ("cadre", "leader", "org_staff", "admin"):
        account = personas.user(name)
        expected = User.objects.select_related("cadre__unit", "cadre__rank").get(pk=account.pk)
        with django_assert_num_queries(1):
            user = user_with_cadre(str(account.pk))
            assert user is not None
            assert _fields(user) == _fields(expected)
            assert not user._state.adding and user._state.db == "default"
            cadre = getattr(user, "cadre", None)
            if cadre is not None:
                assert _fields(cadre) == _fields(expected.cadre)
                assert _fields(cadre.unit) == _fields(expected.cadre.unit)
                assert _fields(cadre.rank) == _fields(expected.cadre.rank)
                assert cadre.user is user
        assert (cadre is None) == (not Cadre.objects.filter(user=expected).exists())


def test_no_cadre_and_no_user(personas, django_assert_num_queries) -> None:
    bare = User.objects.create_user(username="nobody-in-particular", password="x" * 12)
    with django_assert_num_queries(1):
        user = user_with_cadre(bare.pk)
        assert user is not None and user.username == "nobody-in-particular"
        with pytest.raises(User.cadre.RelatedObjectDoesNotExist):
            user.cadre  # noqa: B018  # cached as absent, as select_related caches it
    assert user_with_cadre(bare.pk + 10_000) is None


def test_backend_refuses_an_inactive_account(personas, client) -> None:
    account = personas.user("cadre")
    assert LocalBackend().get_user(account.pk) is not None
    User.objects.filter(pk=account.pk).update(is_active=False)
    assert LocalBackend().get_user(account.pk) is None
    client.force_login(account)
    response = client.get("/")
    assert isinstance(response.wsgi_request.user, AnonymousUser)
