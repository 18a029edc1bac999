"""Integer ids in request paths: one type, so an id no row can have is a 404 on every route.

Every integer id is an ``integer`` column (32 bits on PostgreSQL), so an id outside
``1..MAX_ROW_ID`` names nothing; passing it to the database would fail as an overflow instead.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import BeforeValidator

from frontdesk.errors import NotFound

MAX_ROW_ID = 2**31 - 1


def row_id(value: object) -> int:
    """The id in ``value``, or ``NotFound`` when no row can have it (not a number, out of range)."""
    text = str(value)
    # isdecimal() is also true for other scripts' digits, which int() reads too: ASCII only.
    if text.isascii() and text.isdecimal() and len(text) <= len(str(MAX_ROW_ID)):
        number = int(text)
        if 1 <= number <= MAX_ROW_ID:
            return number
    # Raised from inside validation: pydantic passes other exceptions than ValueError through.
    raise NotFound("Nothing has this id.", id=text[:40])


RowId = Annotated[
    int, BeforeValidator(row_id), Path(ge=1, le=MAX_ROW_ID, description="An integer id.")
]
