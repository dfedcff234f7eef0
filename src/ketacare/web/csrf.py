"""CSRF protection for every form post: a token bound to the login session (or, before sign-in,
to a random pre-session cookie), signed with the secret key, and compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

PRE_SESSION_COOKIE = "ketacare_pre"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


def token_for(secret_key: str, binding: str) -> str:
    """The token a form must echo, derived from what the browser's cookie identifies."""
    return hmac.new(secret_key.encode(), f"csrf|{binding}".encode(), hashlib.sha256).hexdigest()


def is_valid(secret_key: str, binding: str | None, presented: str | None) -> bool:
    if not binding or not presented:
        return False
    return hmac.compare_digest(token_for(secret_key, binding), presented)


def new_pre_session_value() -> str:
    return secrets.token_urlsafe(24)
