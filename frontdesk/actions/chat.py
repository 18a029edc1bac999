"""Chat: the only code that writes conversations, members and messages; it publishes after commit.

Every message is inserted in the transaction that takes its index from the conversation row
(``UPDATE ... SET last_index = last_index + 1 RETURNING``): the row lock on PostgreSQL and the
write lock on SQLite make the indexes 1, 2, 3, ... without gaps under any concurrency.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actions.chat_views import (
    DESK_CHANNEL,
    SUPERVISOR_CHANNEL,
    TYPING_CHANNEL,
    ConversationView,
    MemberView,
    MessageView,
    agent_channel,
    conversation_channel,
    conversation_view,
    load_conversation,
    member_view,
    message_view,
    not_found,
)
from frontdesk.actions.idempotency import Sent, checked_key, store_once
from frontdesk.actions.typing_preview import clean_preview
from frontdesk.broker import Broker
from frontdesk.errors import Conflict, Forbidden, InvalidInput
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.models import Conversation, Member, Message, utcnow

MAX_TEXT_LENGTH = 10_000
MAX_USER_DATA_BYTES = 16_384
MAX_USER_DATA_KEYS = 100

_FIELD_LIMITS = {
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "subject": 500,
    "page_url": 2048,
    "page_title": 500,
    "referrer": 2048,
    "browser": 500,
    "language": 100,
}


@dataclasses.dataclass(frozen=True, slots=True)
class Visitor:
    """What the visitor told us, and what their browser said, when starting a chat."""

    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    subject: str = ""
    user_data: dict[str, Any] = dataclasses.field(default_factory=dict)
    page_url: str = ""
    page_title: str = ""
    referrer: str = ""
    browser: str = ""
    language: str = ""


Events = list[tuple[str, dict[str, Any]]]


def invalid(field: str, problem: str) -> InvalidInput:
    """An ``InvalidInput`` naming one field."""
    return InvalidInput(f"{field} {problem}.", fields=[{"field": field, "problem": problem}])


async def create_conversation(
    db: Database, broker: Broker, *, origin: str, transport: str, visitor: Visitor
) -> tuple[ConversationView, MemberView]:
    """Start a queued conversation with the visitor as its first member."""
    fields = {name: getattr(visitor, name).strip() for name in _FIELD_LIMITS}
    for name, limit in _FIELD_LIMITS.items():
        if len(fields[name]) > limit:
            raise invalid(name, f"must be at most {limit} characters")
    user_data = checked_user_data(visitor.user_data)
    display_name = visitor.display_name.strip() or (
        f"{fields['first_name']} {fields['last_name']}".strip() or "Visitor"
    )
    now = utcnow()
    conversation = Conversation(
        id=str(uuid.uuid4()),
        state="queued",
        origin=origin[:255],
        transport=transport,
        last_index=0,
        agent_id=None,
        user_data=user_data,
        created_at=now,
        accepted_at=None,
        last_activity_at=now,
        ended_at=None,
        ended_reason=None,
        **fields,
    )
    member = Member(
        id=str(uuid.uuid4()),
        conversation_id=conversation.id,
        role="CUSTOMER",
        agent_id=None,
        display_name=display_name[:100],
        state="CONNECTED",
        joined_at=now,
        left_at=None,
    )
    async with db.session() as session, session.begin():
        session.add(conversation)
        await session.flush()
        session.add(member)
        await session.flush()
        joined = await append_message(session, conversation.id, "member-join", member_view(member))
        row = await load_conversation(session, conversation.id)
        await session.refresh(row)
        view = conversation_view(row)
    # The queue event first: desks learn of the conversation before its first message.
    await publish(broker, [(DESK_CHANNEL, view.event("queue")), *message_events(view, [joined])])
    return view, member_view(member)


async def send_message(
    db: Database,
    broker: Broker,
    conversation_id: str,
    member_id: str,
    text: str,
    *,
    idempotency_key: str | None = None,
) -> MessageView:
    """Store a text message from a connected member of an open conversation, then publish it.

    A repeat under the same ``idempotency_key`` answers the stored message (``idempotency``).
    """
    text = checked_text(text)
    key = checked_key(idempotency_key)

    async def store() -> MessageView:
        async with db.session() as session, session.begin():
            # The index is taken first: on SQLite a transaction that writes first waits for the
            # lock instead of failing, and nothing may read the row before it is locked.
            index = await take_index(session, conversation_id)
            member = await connected_member(session, conversation_id, member_id)
            message = await insert_message(
                session, conversation_id, index, "text", member, text, idempotency_key=key
            )
            view = conversation_view(await load_conversation(session, conversation_id))
        await publish(broker, message_events(view, [message]))
        return message

    return await store_once(
        db,
        conversation_id,
        member_id,
        key,
        Sent("text", text),
        store,
        lambda message: publish_again(db, broker, conversation_id, message),
    )


async def send_notice(
    db: Database,
    broker: Broker,
    conversation_id: str,
    text: str,
    *,
    kind: str = "notice",
    data: dict[str, Any] | None = None,
) -> MessageView:
    """Store a notice (or custom notice) from the system into an open conversation."""
    if kind not in ("notice", "custom-notice"):
        raise invalid("kind", "must be notice or custom-notice")
    text = checked_text(text)
    async with db.session() as session, session.begin():
        index = await take_index(session, conversation_id)
        message = await insert_message(session, conversation_id, index, kind, None, text, data)
        view = conversation_view(await load_conversation(session, conversation_id))
    await publish(broker, message_events(view, [message]))
    return message


async def send_custom_notice(
    db: Database,
    broker: Broker,
    conversation_id: str,
    member_id: str,
    text: str,
    data: dict[str, Any] | None,
) -> MessageView:
    """Store a member's custom notice: text, structured ``data``, or both (one is required)."""
    if text:
        text = checked_text(text)
    elif not data:
        raise invalid("text", "must not be empty when there is no data")
    if data is not None:
        checked_user_data(data)
    async with db.session() as session, session.begin():
        index = await take_index(session, conversation_id)
        member = await connected_member(session, conversation_id, member_id)
        message = await insert_message(
            session, conversation_id, index, "custom-notice", member, text, data
        )
        view = conversation_view(await load_conversation(session, conversation_id))
    await publish(broker, message_events(view, [message]))
    return message


async def update_user_data(
    db: Database, broker: Broker, conversation_id: str, member_id: str, user_data: dict[str, Any]
) -> MessageView:
    """Merge ``user_data`` into the conversation's and record it as a message."""
    checked_user_data(user_data)
    async with db.session() as session, session.begin():
        index = await take_index(session, conversation_id)
        member = await connected_member(session, conversation_id, member_id)
        row = await load_conversation(session, conversation_id)
        row.user_data = checked_user_data({**row.user_data, **user_data})
        message = await insert_message(
            session, conversation_id, index, "user-data-updated", member, "", dict(user_data)
        )
        await session.flush()
        view = conversation_view(row)
    await publish(broker, message_events(view, [message]))
    return message


async def set_typing(
    db: Database,
    broker: Broker,
    conversation_id: str,
    member_id: str,
    typing: bool,
    *,
    preview: str = "",
) -> None:
    """Tell the other members that ``member_id`` is (or stopped) typing; nothing is stored.

    A visitor's ``preview`` (their unsent text) goes to the agents' channels only: never to the
    conversation's own channel, which visitors hear, nor to the typing board's."""
    async with db.session() as session:
        row = await load_conversation(session, conversation_id)
        if row.state == "ended":
            raise Conflict("The conversation has ended.", conversation_id=conversation_id)
        member = member_view(await connected_member(session, conversation_id, member_id))
        view = conversation_view(row)
    event = {
        "type": "typing",
        "conversation_id": conversation_id,
        "last_index": view.last_index,
        "member": member.as_json(),
        "typing": typing,
    }
    shown = clean_preview(preview) if typing else ""
    with_preview = {**event, "preview": shown} if shown else event
    own = conversation_channel(conversation_id)
    await publish(
        broker,
        [
            (channel, event if channel == own else with_preview)
            for channel, _ in fanout(view, [event])
        ]
        + [(TYPING_CHANNEL, event)],
    )


async def end_conversation(
    db: Database,
    broker: Broker,
    conversation_id: str,
    *,
    reason: str,
    member_id: str | None = None,
    now: dt.datetime | None = None,
    unless_active_since: dt.datetime | None = None,
) -> ConversationView:
    """End a conversation: every member leaves; ending an ended one changes nothing.

    With ``unless_active_since``, a conversation with activity since then is left open.
    """
    now = now or utcnow()
    async with db.session() as session, session.begin():
        # Lock the row first (see send_message); a no-op change takes the same lock.
        await session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(last_index=Conversation.last_index)
        )
        row = await load_conversation(session, conversation_id)
        if member_id is not None:
            await _member_of(session, conversation_id, member_id)
        if row.state == "ended" or (
            unless_active_since is not None and row.last_activity_at >= unless_active_since
        ):
            return conversation_view(row)
        connected = list(
            await session.scalars(
                select(Member)
                .where(Member.conversation_id == conversation_id, Member.state == "CONNECTED")
                .order_by(Member.joined_at, Member.id)
            )
        )
        # Whoever ended it leaves first; the others follow.
        connected.sort(key=lambda m: m.id != member_id)
        messages = []
        for member in connected:
            member.state = "DISCONNECTED"
            member.left_at = now
            await session.flush()
            messages.append(
                await append_message(session, conversation_id, "member-leave", member_view(member))
            )
        await session.refresh(row)
        row.state = "ended"
        row.ended_at = now
        row.ended_reason = reason[:16]
        await session.flush()
        view = conversation_view(row)
    member_events = [
        {
            "type": "member",
            "conversation_id": conversation_id,
            "last_index": view.last_index,
            "member": member_view(member).as_json(),
        }
        for member in connected
    ]
    await publish(
        broker,
        message_events(view, messages)
        + fanout(view, [*member_events, view.event("conversation")])
        + [(DESK_CHANNEL, view.event("queue"))],
    )
    return view


async def expire_idle_conversations(
    db: Database, broker: Broker, settings: Settings, *, now: dt.datetime | None = None
) -> list[str]:
    """End every open conversation without activity for ``chat_inactivity_seconds``."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(seconds=settings.chat_inactivity_seconds)
    async with db.session() as session:
        idle = list(
            await session.scalars(
                select(Conversation.id).where(
                    Conversation.state != "ended", Conversation.last_activity_at < cutoff
                )
            )
        )
    ended = []
    for conversation_id in idle:
        # Checked again under the row lock: a message may have come in since the query.
        view = await end_conversation(
            db, broker, conversation_id, reason="inactivity", now=now, unless_active_since=cutoff
        )
        if view.ended_reason == "inactivity" and view.ended_at == now:
            ended.append(conversation_id)
    return ended


def checked_text(text: str) -> str:
    """A message text within limits; blank text is refused."""
    if not isinstance(text, str) or not text.strip():
        raise invalid("text", "must not be empty")
    if len(text) > MAX_TEXT_LENGTH:
        raise invalid("text", f"must be at most {MAX_TEXT_LENGTH} characters")
    return text


def checked_user_data(user_data: dict[str, Any]) -> dict[str, Any]:
    """User data that is a small JSON object."""
    if not isinstance(user_data, dict):
        raise invalid("user_data", "must be an object")
    if len(user_data) > MAX_USER_DATA_KEYS:
        raise invalid("user_data", f"must have at most {MAX_USER_DATA_KEYS} keys")
    try:
        size = len(json.dumps(user_data, allow_nan=False).encode())
    except (TypeError, ValueError):
        raise invalid("user_data", "must be JSON") from None
    if size > MAX_USER_DATA_BYTES:
        raise invalid("user_data", f"must be at most {MAX_USER_DATA_BYTES} bytes as JSON")
    return user_data


async def take_index(session: AsyncSession, conversation_id: str) -> int:
    """Reserve the next message index of an open conversation, locking its row."""
    index = await session.scalar(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.state != "ended")
        .values(last_index=Conversation.last_index + 1, last_activity_at=utcnow())
        .returning(Conversation.last_index)
    )
    if index is None:
        if await session.get(Conversation, conversation_id) is None:
            raise not_found()
        raise Conflict("The conversation has ended.", conversation_id=conversation_id)
    return int(index)


async def insert_message(
    session: AsyncSession,
    conversation_id: str,
    index: int,
    kind: str,
    member: Member | MemberView | None,
    text: str,
    data: dict[str, Any] | None = None,
    *,
    idempotency_key: str | None = None,
) -> MessageView:
    """Insert a message at an index ``take_index`` reserved."""
    row = Message(
        conversation_id=conversation_id,
        index=index,
        kind=kind,
        member_id=None if member is None else member.id,
        text=text,
        data=data,
        created_at=utcnow(),
        idempotency_key=idempotency_key,
    )
    session.add(row)
    await session.flush()
    return message_view(row, member)


async def append_message(
    session: AsyncSession,
    conversation_id: str,
    kind: str,
    member: MemberView | None,
    text: str = "",
) -> MessageView:
    """Take the next index and insert a message there, in the caller's transaction."""
    index = await take_index(session, conversation_id)
    return await insert_message(session, conversation_id, index, kind, member, text)


def fanout(view: ConversationView, events: Iterable[dict[str, Any]]) -> Events:
    """Each event on the conversation's channel, its agent's channel, and the desk's while it
    is queued (every agent may take it) or the supervisors' once it is not."""
    channels = [conversation_channel(view.id)]
    if view.agent_id is not None:
        channels.append(agent_channel(view.agent_id))
    channels.append(DESK_CHANNEL if view.state == "queued" else SUPERVISOR_CHANNEL)
    return [(channel, event) for event in events for channel in channels]


def message_events(view: ConversationView, messages: Iterable[MessageView]) -> Events:
    """The ``message`` events for stored messages."""
    return fanout(view, (message.event() for message in messages))


async def publish_again(
    db: Database, broker: Broker, conversation_id: str, message: MessageView
) -> None:
    """Publish a stored message once more, to whoever follows its conversation now."""
    async with db.session() as session:
        view = conversation_view(await load_conversation(session, conversation_id))
    await publish(broker, message_events(view, [message]))


async def publish(broker: Broker, events: Events) -> None:
    """Publish events in order; called only after the write they report has committed."""
    for channel, event in events:
        await broker.publish(channel, event)


async def _member_of(session: AsyncSession, conversation_id: str, member_id: str) -> Member:
    member = await session.get(Member, member_id)
    if member is None or member.conversation_id != conversation_id:
        raise Forbidden("Not a member of this conversation.")
    return member


async def connected_member(session: AsyncSession, conversation_id: str, member_id: str) -> Member:
    """The member, provided they belong to the conversation and have not left it."""
    member = await _member_of(session, conversation_id, member_id)
    if member.state != "CONNECTED":
        raise Conflict("This member has left the conversation.", member_id=member_id)
    return member
