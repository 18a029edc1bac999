"""Calls as code outside the store sees them, and reading them: one call, the redeemed ones, a
visitor's history of chats and calls, and the estimated wait of a queue."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.sql import Select

from frontdesk.actions.routing import RECENT_WAITS, estimate_wait
from frontdesk.errors import NotFound
from frontdesk.store.database import Database
from frontdesk.store.models import Call, CallNumber, Conversation, utcnow

MAX_HISTORY = 50
MIN_PHONE_DIGITS = 6
_NO_SUCH_CALL = "No such call."


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


@dataclasses.dataclass(frozen=True, slots=True)
class CallView:
    """A call with the visitor's context; ``state`` is stored, ``status()`` adds ``expired``."""

    id: str
    number: str
    queue: str
    language: str
    state: str
    origin: str
    customer_number: str
    email: str
    form_data: dict[str, Any]
    user_data: dict[str, Any]
    pages: list[dict[str, Any]]
    referrer: str
    browser: str
    created_at: dt.datetime
    expires_at: dt.datetime
    redeemed_at: dt.datetime | None
    caller_id: str
    taken_at: dt.datetime | None
    agent_id: int | None

    def status(self, now: dt.datetime | None = None) -> str:
        """``waiting``, ``expired`` (never redeemed in time), ``redeemed`` or ``taken``."""
        if self.state == "waiting" and self.expires_at <= (now or utcnow()):
            return "expired"
        return self.state

    @property
    def display_name(self) -> str:
        """The visitor's name from the form, or their phone number when they gave none."""
        name = " ".join(
            str(self.form_data.get(key, "")).strip() for key in ("firstname", "lastname")
        ).strip()
        return name or str(self.form_data.get("phonenumber", "")) or "Visitor"

    def as_json(self, now: dt.datetime | None = None) -> dict[str, Any]:
        """The call in the IVR and agent APIs (the access code is never shown again)."""
        return {
            "id": self.id,
            "state": self.status(now),
            "queue": self.queue,
            "language": self.language,
            "number": self.number,
            "caller_id": self.caller_id,
            "origin": self.origin,
            "visitor": {
                "name": self.display_name,
                "phone_number": self.customer_number,
                "email": self.email,
            },
            "form": self.form_data,
            "user_data": self.user_data,
            "pages": self.pages,
            "referrer": self.referrer,
            "browser": self.browser,
            "created_at": _iso(self.created_at),
            "expires_at": _iso(self.expires_at),
            "redeemed_at": _iso(self.redeemed_at),
            "taken_at": _iso(self.taken_at),
            "agent_id": self.agent_id,
        }

    def event(self) -> dict[str, Any]:
        """The ``call`` event agents get when a call is redeemed or taken."""
        return {
            "type": "call",
            "call_id": self.id,
            "state": self.state,
            "queue": self.queue,
            "agent_id": self.agent_id,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class HistoryItem:
    """One chat or call in a visitor's history."""

    kind: str
    id: str
    state: str
    at: dt.datetime
    summary: str
    agent_id: int | None

    def as_json(self) -> dict[str, Any]:
        """The item in the agent API."""
        return {
            "kind": self.kind,
            "id": self.id,
            "state": self.state,
            "at": _iso(self.at),
            "summary": self.summary,
            "agent_id": self.agent_id,
        }


def call_view(row: Call, number: str) -> CallView:
    """The view of a call row, with the number it was given."""
    fields = {
        field.name: getattr(row, field.name)
        for field in dataclasses.fields(CallView)
        if field.name != "number"
    }
    return CallView(number=number, **fields)


def _with_number() -> Select[Call, str]:
    return select(Call, CallNumber.number).join(CallNumber, CallNumber.id == Call.number_id)


async def get_call(db: Database, call_id: str) -> CallView:
    """One call, or ``NotFound``."""
    async with db.session() as session:
        found = (await session.execute(_with_number().where(Call.id == call_id))).one_or_none()
    if found is None:
        raise NotFound(_NO_SUCH_CALL)
    row, number = found
    return call_view(row, number)


def not_found() -> NotFound:
    """The one answer for a call that does not exist."""
    return NotFound(_NO_SUCH_CALL)


async def list_calls(db: Database, *, state: str, limit: int = 50) -> list[CallView]:
    """Calls in ``state`` (``redeemed``: waiting for an agent), oldest redeemed first."""
    query = (
        _with_number()
        .where(Call.state == state)
        .order_by(Call.redeemed_at, Call.id)
        .limit(max(1, min(limit, 200)))
    )
    async with db.session() as session:
        return [call_view(row, number) for row, number in (await session.execute(query)).all()]


async def visitor_history(
    db: Database,
    *,
    email: str,
    phones: list[str],
    exclude: str | None = None,
    limit: int = 20,
) -> list[HistoryItem]:
    """The chats and calls of the visitor with this e-mail address or these phone numbers.

    Chats match on their e-mail address; calls on e-mail, the phone number the visitor typed,
    or the number they called from. Newest first.
    """
    email = email.strip().lower()
    # Short digit strings (extensions, typos) would match strangers.
    phones = [phone for phone in phones if len(phone) >= MIN_PHONE_DIGITS]
    limit = max(1, min(limit, MAX_HISTORY))
    now = utcnow()
    items: list[HistoryItem] = []
    async with db.session() as session:
        if email:
            chats = await session.scalars(
                select(Conversation)
                .where(func.lower(Conversation.email) == email, Conversation.id != (exclude or ""))
                .order_by(Conversation.created_at.desc())
                .limit(limit)
            )
            items += [
                HistoryItem("chat", c.id, c.state, c.created_at, c.subject, c.agent_id)
                for c in chats
            ]
        matches: list[ColumnElement[bool]] = (
            [Call.customer_number.in_(phones), Call.caller_id.in_(phones)] if phones else []
        )
        if email:
            matches.append(Call.email == email)
        if matches:
            calls = await session.execute(
                _with_number()
                .where(or_(*matches), Call.id != (exclude or ""))
                .order_by(Call.created_at.desc())
                .limit(limit)
            )
            for row, number in calls.all():
                view = call_view(row, number)
                items.append(
                    HistoryItem(
                        "call",
                        view.id,
                        view.status(now),
                        view.created_at,
                        view.queue,
                        view.agent_id,
                    )
                )
    items.sort(key=lambda item: (item.at, item.id), reverse=True)
    return items[:limit]


async def estimated_wait(db: Database, queue: str) -> int:
    """Seconds a caller would wait in ``queue``: calls ahead, times recent waits there."""
    async with db.session() as session:
        ahead = await session.scalar(
            select(func.count())
            .select_from(Call)
            .where(Call.state == "redeemed", Call.queue == queue)
        )
        recent = (
            await session.execute(
                select(Call.redeemed_at, Call.taken_at)
                .where(Call.queue == queue, Call.taken_at.is_not(None))
                .order_by(Call.taken_at.desc())
                .limit(RECENT_WAITS)
            )
        ).all()
    waits = [(taken - redeemed).total_seconds() for redeemed, taken in recent if redeemed and taken]
    return estimate_wait(int(ahead or 0) + 1, waits)
