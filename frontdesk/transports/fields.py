"""Flat request fields from a form-encoded or JSON body, for callers that send either.

The Genesys ClickToCallService posts ``application/x-www-form-urlencoded``; IVRs post forms
(Asterisk's ``CURL()``) or JSON (webhooks). Both arrive here as one ``{name: text}`` map.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.exceptions import HTTPException

from frontdesk.errors import BadRequest, InvalidInput, UnsupportedMediaType
from frontdesk.json_input import read_json

MAX_FIELDS = 200
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _text(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise InvalidInput(
        f"{name} must be text, a number or a boolean.",
        fields=[{"field": name, "problem": "must be text, a number or a boolean"}],
    )


async def request_fields(request: Request, *, nested: str | None = None) -> dict[str, str]:
    """The body's fields as text; in JSON, an object under ``nested`` is flattened in."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        body = await read_json(request)
        if not isinstance(body, dict):
            raise InvalidInput("The JSON body must be an object.")
        inner = body.pop(nested, None) if nested else None
        if inner is not None and not isinstance(inner, dict):
            raise InvalidInput(f"{nested} must be an object.")
        items = [*body.items(), *(inner or {}).items()]
    elif content_type in FORM_TYPES:
        try:
            form = await request.form(max_files=0, max_fields=MAX_FIELDS)
        except HTTPException as error:
            raise BadRequest(str(error.detail)) from None
        items = list(form.multi_items())
    elif not content_type and not await request.body():
        items = []
    else:
        raise UnsupportedMediaType(
            "Send application/x-www-form-urlencoded or application/json.",
            content_type=content_type,
        )
    if len(items) > MAX_FIELDS:
        raise InvalidInput(f"At most {MAX_FIELDS} fields.")
    # The last value wins, as with a form posted twice with one name.
    return {str(name)[:200]: _text(str(name), value) for name, value in items}
