"""The idempotency key as transports take it: a body field, a form field, or a header."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Header
from pydantic import Field

from frontdesk.actions.idempotency import KEY_PATTERN

_DESCRIPTION = (
    "A key the client picks for this send (1 to 64 of `A-Z a-z 0-9 _ . : -`), the same when it"
    " retries it: a repeat from the same sender in the same conversation stores nothing and"
    " answers the first message; the same key with other content is a 409"
    " `idempotency_conflict`."
)

IdempotencyKey = Annotated[
    str | None, Field(pattern=KEY_PATTERN, max_length=64, description=_DESCRIPTION)
]
IdempotencyKeyForm = Annotated[
    str | None, Form(pattern=KEY_PATTERN, max_length=64, description=_DESCRIPTION)
]
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(alias="Idempotency-Key", pattern=KEY_PATTERN, max_length=64, description=_DESCRIPTION),
]
