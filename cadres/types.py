"""Types for who acts: a signed-in `User`, or anyone at all (`Actor`, which may be anonymous).

Services take a `User` (they run for someone signed in); access helpers and selectors that a page
calls before it knows who is there take an `Actor`.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from .models import User

Actor: TypeAlias = User | AnonymousUser
