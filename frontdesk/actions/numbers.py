"""The number pool: the contact centre's phone numbers, per queue and language, set by the operator.

Numbers live in the database, so every server process hands out the same ones; operators manage
them with ``frontdesk numbers add|list|remove`` (``docs/click-to-call.md``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from frontdesk.actions.chat import invalid
from frontdesk.errors import Conflict, NotFound
from frontdesk.store.database import Database
from frontdesk.store.models import CallNumber, utcnow

DEFAULT_QUEUE = "default"
# Two pauses give the IVR time to answer and ask before the code's digits are sent; "#" ends it.
DEFAULT_POST_DIAL = ",,{code}#"
CODE_PLACEHOLDER = "{code}"

# Spaces, dashes, dots and brackets are how people write numbers; they are not part of one.
_SEPARATORS = re.compile(r"[\s\-.()/\u00a0]")
_PHONE = re.compile(r"\+?[0-9]{4,15}")
_QUEUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_LANGUAGE = re.compile(r"[a-z]{2,8}(-[a-z0-9]{1,8})*")
# What a phone dials after the number: digits, * and #, and the pause/wait marks.
_POST_DIAL = re.compile(r"[0-9*#,;pw]*")


@dataclasses.dataclass(frozen=True, slots=True)
class NumberView:
    """A number of the pool."""

    id: int
    number: str
    digits: str
    queue: str
    language: str
    post_dial: str
    created_at: dt.datetime
    removed_at: dt.datetime | None

    def as_json(self) -> dict[str, Any]:
        """The number as the CLI prints it in JSON."""
        return {
            "id": self.id,
            "number": self.number,
            "queue": self.queue,
            "language": self.language,
            "post_dial": self.post_dial,
            "removed": self.removed_at is not None,
        }


def number_view(row: CallNumber) -> NumberView:
    """The view of a number row."""
    return NumberView(
        **{field.name: getattr(row, field.name) for field in dataclasses.fields(NumberView)}
    )


def checked_phone(raw: object, field: str, *, min_digits: int = 4) -> str:
    """A phone number as ``+`` (when given) and digits, separators removed."""
    text = _SEPARATORS.sub("", raw) if isinstance(raw, str) else ""
    digits = text.removeprefix("+")
    if not _PHONE.fullmatch(text) or len(digits) < min_digits:
        raise invalid(field, f"must be a phone number: an optional + and {min_digits} to 15 digits")
    return text


def digits_of(phone: str) -> str:
    """Only the digits: how numbers are compared, whatever the IVR does with the "+"."""
    return "".join(ch for ch in phone if ch.isdigit())


def checked_queue(raw: object) -> str:
    """A queue name: letters, digits, ``_ . -``, at most 64 characters."""
    if not isinstance(raw, str) or not _QUEUE.fullmatch(raw):
        raise invalid("queue", "must be 1 to 64 letters, digits, '_', '.' or '-'")
    return raw


def checked_language(raw: object) -> str:
    """A language tag such as ``en`` or ``de-AT``, lower-cased; empty means any language."""
    text = raw.strip().lower().replace("_", "-") if isinstance(raw, str) else None
    if text is None or (text and not _LANGUAGE.fullmatch(text)) or len(text) > 35:
        raise invalid("language", "must be a language tag such as en or de-AT, or empty")
    return text


def checked_post_dial(raw: object) -> str:
    """Post-dial digits and at most one ``{code}``; pauses ``,``/``p``, waits ``;``/``w``."""
    text = raw.strip().lower() if isinstance(raw, str) else None
    if (
        text is None
        or len(text) > 64
        or text.count(CODE_PLACEHOLDER) > 1
        or not _POST_DIAL.fullmatch(text.replace(CODE_PLACEHOLDER, ""))
    ):
        raise invalid("post_dial", "may hold digits, * # , ; p w and one {code}")
    return text


def tel_link(number: str, post_dial: str, code: str) -> str:
    """The ``tel:`` URI that dials ``number`` and then, where configured, the access code."""
    # Without a code (a number given to one visitor alone) there is nothing to dial after it.
    suffix = "" if CODE_PLACEHOLDER in post_dial and not code else post_dial
    suffix = suffix.replace(CODE_PLACEHOLDER, code)
    # "#" would start a URI fragment: RFC 3966 wants it escaped.
    return f"tel:{number}{suffix}".replace("#", "%23")


async def add_number(
    db: Database,
    number: str,
    *,
    queue: str = DEFAULT_QUEUE,
    language: str = "",
    post_dial: str = DEFAULT_POST_DIAL,
) -> NumberView:
    """Add a number to the pool (or bring a removed one back with these settings)."""
    phone = checked_phone(number, "number")
    values = {
        "number": phone,
        "queue": checked_queue(queue),
        "language": checked_language(language),
        "post_dial": checked_post_dial(post_dial),
    }
    digits = digits_of(phone)
    async with db.session() as session:
        row = await session.scalar(select(CallNumber).where(CallNumber.digits == digits))
        if row is not None and row.removed_at is None:
            raise Conflict("This number is in the pool already.", number=phone)
        if row is None:
            row = CallNumber(digits=digits, created_at=utcnow(), removed_at=None, **values)
            session.add(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.removed_at = None
        try:
            await session.commit()
        except IntegrityError:
            raise Conflict("This number is in the pool already.", number=phone) from None
        return number_view(row)


async def list_numbers(db: Database, *, include_removed: bool = False) -> list[NumberView]:
    """The pool by queue, language and number; removed numbers only when asked for."""
    query = select(CallNumber).order_by(CallNumber.queue, CallNumber.language, CallNumber.digits)
    if not include_removed:
        query = query.where(CallNumber.removed_at.is_(None))
    async with db.session() as session:
        return [number_view(row) for row in await session.scalars(query)]


async def remove_number(db: Database, number: str) -> NumberView:
    """Take a number out of the pool; the codes it gave out stay valid until they expire."""
    digits = digits_of(checked_phone(number, "number"))
    async with db.session() as session, session.begin():
        row = await session.scalar(
            select(CallNumber).where(CallNumber.digits == digits, CallNumber.removed_at.is_(None))
        )
        if row is None:
            raise NotFound("No such number in the pool.", number=number)
        row.removed_at = utcnow()
        return number_view(row)
