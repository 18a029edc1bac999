"""Calls in the agent API: the redeemed ones waiting, one call, taking it, and visitor history.

Every agent sees calls (a redeemed call pops up on every desk, since the phone system, not
Frontdesk, decides who answers). A visitor's history lists their chats and calls together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from frontdesk.actions.call_views import MAX_HISTORY, get_call, list_calls, visitor_history
from frontdesk.actions.calls import take_call
from frontdesk.actions.chat_views import get_conversation, list_members
from frontdesk.actions.numbers import digits_of
from frontdesk.errors import Forbidden
from frontdesk.transports.auth import Caller, authenticated

if TYPE_CHECKING:
    from frontdesk.app import Services

router = APIRouter(prefix="/api/agent", tags=["agent"])

AnyAgent = Annotated[Caller, Depends(authenticated)]
SUPERVISING_ROLES = frozenset({"supervisor", "admin"})
# userData keys under which sites commonly pass a chat visitor's phone number.
PHONE_KEYS = ("phonenumber", "phoneNumber", "phone", "phone_number")


class CallsReply(BaseModel):
    """A list of calls."""

    calls: list[dict[str, Any]]


class CallReply(BaseModel):
    """One call with the visitor's context."""

    call: dict[str, Any]


class HistoryItemOut(BaseModel):
    """One chat or call of the visitor."""

    kind: Literal["chat", "call"]
    id: str
    state: str
    at: str
    summary: str
    agent_id: int | None


class HistoryReply(BaseModel):
    """A visitor's chats and calls, newest first."""

    history: list[HistoryItemOut]


def _services(request: Request) -> Services:
    return cast("Services", request.app.state.services)


@router.get("/calls", summary="Calls waiting for an agent")
async def get_calls(
    caller: AnyAgent,
    request: Request,
    state: Literal["redeemed", "taken"] = "redeemed",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CallsReply:
    """Redeemed calls (the caller is on the line, nobody took it yet), oldest first."""
    calls = await list_calls(_services(request).database, state=state, limit=limit)
    return CallsReply(calls=[call.as_json() for call in calls])


@router.get("/calls/{call_id}", summary="A call and its visitor's context")
async def get_one_call(call_id: str, caller: AnyAgent, request: Request) -> CallReply:
    """The form, userData and pages the visitor left, and the call's state."""
    return CallReply(call=(await get_call(_services(request).database, call_id)).as_json())


@router.post("/calls/{call_id}/take", summary="Take a redeemed call")
async def post_take(call_id: str, caller: AnyAgent, request: Request) -> CallReply:
    """You answer it; the other desks close its pop. Taken already is a 409 ``conflict``."""
    svc = _services(request)
    view = await take_call(svc.database, svc.broker, caller.agent, call_id)
    return CallReply(call=view.as_json())


@router.get("/calls/{call_id}/history", summary="The caller's chats and calls")
async def get_call_history(
    call_id: str,
    caller: AnyAgent,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=MAX_HISTORY)] = 20,
) -> HistoryReply:
    """Matched by e-mail address and by phone number (typed in the form, or calling from)."""
    db = _services(request).database
    call = await get_call(db, call_id)
    items = await visitor_history(
        db,
        email=call.email,
        phones=[call.customer_number, call.caller_id],
        exclude=call.id,
        limit=limit,
    )
    return HistoryReply(history=[HistoryItemOut.model_validate(i.as_json()) for i in items])


@router.get("/conversations/{conversation_id}/history", summary="The visitor's chats and calls")
async def get_conversation_history(
    conversation_id: str,
    caller: AnyAgent,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=MAX_HISTORY)] = 20,
) -> HistoryReply:
    """Other chats with the same e-mail address, and calls by e-mail or phone number."""
    db = _services(request).database
    view = await get_conversation(db, conversation_id)
    members = await list_members(db, conversation_id)
    # The same visibility as the conversation itself (agent API).
    if not (
        view.state == "queued"
        or caller.agent.role in SUPERVISING_ROLES
        or any(member.agent_id == caller.agent.id for member in members)
    ):
        raise Forbidden(
            "This conversation is another agent's; only supervisors and admins may open it.",
            conversation_id=conversation_id,
        )
    given = [view.user_data.get(key) for key in PHONE_KEYS]
    phones = [digits_of(value) for value in given if isinstance(value, str)]
    items = await visitor_history(
        db, email=view.email, phones=phones, exclude=conversation_id, limit=limit
    )
    return HistoryReply(history=[HistoryItemOut.model_validate(i.as_json()) for i in items])
