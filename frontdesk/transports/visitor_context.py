"""The visitor context a chat starts with, from what a REST transport's start request carries.

The widgets put page and browser facts into userData under Genesys' names (``_genesys_url``,
``GCTI_LanguageCode``, ...); the desk shows them as context, so they are taken out of userData.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request

from frontdesk.actions.chat import Visitor
from frontdesk.errors import InvalidInput

MAX_USER_DATA_KEYS = 100

# userData keys the server keeps as visitor context (``Visitor`` fields) rather than as userData.
CONTEXT_KEYS = {
    "_genesys_url": "page_url",
    "_genesys_pageTitle": "page_title",
    "_genesys_referrer": "referrer",
    "_genesys_browser": "browser",
    "GCTI_LanguageCode": "language",
}

Scalar = str | int | float | bool | None


def build_visitor(
    request: Request,
    *,
    display_name: str,
    first_name: str,
    last_name: str,
    email: str,
    subject: str,
    user_data: Mapping[str, Any],
) -> Visitor:
    """A ``Visitor`` from the form fields and userData; context keys override request headers."""
    if len(user_data) > MAX_USER_DATA_KEYS:
        raise InvalidInput(f"userData may have at most {MAX_USER_DATA_KEYS} entries.")
    context = {
        "browser": request.headers.get("user-agent", "")[:500],
        "language": request.headers.get("accept-language", "").split(",")[0][:100],
        "page_url": request.headers.get("referer", "")[:2048],
    }
    kept: dict[str, Any] = {}
    for key, value in user_data.items():
        if not isinstance(value, Scalar):
            raise InvalidInput(
                "userData values must be strings, numbers, booleans or null.",
                fields=[{"field": f"userData.{key}", "problem": "not a plain value"}],
            )
        if key in CONTEXT_KEYS:
            context[CONTEXT_KEYS[key]] = "" if value is None else str(value)
        else:
            kept[key] = value
    return Visitor(
        display_name=display_name,
        first_name=first_name,
        last_name=last_name,
        email=email,
        subject=subject,
        user_data=kept,
        **context,
    )
