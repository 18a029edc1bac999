"""Conversations, members and messages as code outside the store sees them, and reading them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.errors import NotFound
from frontdesk.store.database import Database
from frontdesk.store.models import Conversation, Member, Message

MAX_PAGE = 200
DESK_CHANNEL = "desk"
# Every event of every conversation once an agent has it: what supervisors watch live.
SUPERVISOR_CHANNEL = "supervisors"
# The conversation events ``chat.fanout`` sends, to the supervisors' channel among others.
FANOUT_EVENT_TYPES = frozenset({"message", "member", "conversation", "typing"})
# Every conversation's typing events: polling transports keep who is typing from it.
TYPING_CHANNEL = "typing"
PREVIEW_KINDS = ("text", "file")
_NO_SUCH_CONVERSATION = "No such conversation."


def conversation_channel(conversation_id: str) -> str:
    """The broker channel carrying one conversation's events."""
    return f"conversation:{conversation_id}"


def agent_channel(agent_id: int) -> str:
    """The broker channel carrying the events of the conversations an agent is assigned."""
    return f"agent:{agent_id}"


def message_id(conversation_id: str, index: int) -> str:
    """A message's stable public id."""
    return f"{conversation_id}:{index}"


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


@dataclasses.dataclass(frozen=True, slots=True)
class MemberView:
    """A party to a conversation."""

    id: str
    conversation_id: str
    role: str
    display_name: str
    state: str
    agent_id: int | None
    joined_at: dt.datetime
    left_at: dt.datetime | None

    def as_json(self) -> dict[str, Any]:
        """The member in events and the agent API."""
        return {
            "id": self.id,
            "role": self.role,
            "display_name": self.display_name,
            "state": self.state,
            "agent_id": self.agent_id,
            "joined_at": _iso(self.joined_at),
            "left_at": _iso(self.left_at),
        }


@dataclasses.dataclass(frozen=True, slots=True)
class MessageView:
    """A stored message; ``index`` is its gapless position in the conversation."""

    conversation_id: str
    index: int
    kind: str
    text: str
    member: MemberView | None
    data: dict[str, Any] | None
    created_at: dt.datetime

    @property
    def id(self) -> str:
        """The stable public id, ``<conversation id>:<index>``."""
        return message_id(self.conversation_id, self.index)

    def as_json(self) -> dict[str, Any]:
        """The message in events and the agent API."""
        member = self.member
        return {
            "id": self.id,
            "index": self.index,
            "kind": self.kind,
            "text": self.text,
            "member": None
            if member is None
            else {"id": member.id, "role": member.role, "display_name": member.display_name},
            "data": self.data,
            "created_at": _iso(self.created_at),
        }

    def event(self) -> dict[str, Any]:
        """The ``message`` event that carries this message on the broker."""
        return {
            "type": "message",
            "conversation_id": self.conversation_id,
            "index": self.index,
            "message": self.as_json(),
        }


@dataclasses.dataclass(frozen=True, slots=True)
class ConversationView:
    """A conversation with the visitor context the server keeps."""

    id: str
    state: str
    origin: str
    transport: str
    last_index: int
    agent_id: int | None
    first_name: str
    last_name: str
    email: str
    subject: str
    user_data: dict[str, Any]
    page_url: str
    page_title: str
    referrer: str
    browser: str
    language: str
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    last_activity_at: dt.datetime
    ended_at: dt.datetime | None
    ended_reason: str | None

    def as_json(self) -> dict[str, Any]:
        """The conversation in the agent API."""
        return {
            "id": self.id,
            "state": self.state,
            "origin": self.origin,
            "transport": self.transport,
            "last_index": self.last_index,
            "agent_id": self.agent_id,
            "visitor": {
                "first_name": self.first_name,
                "last_name": self.last_name,
                "email": self.email,
                "subject": self.subject,
            },
            "context": {
                "page_url": self.page_url,
                "page_title": self.page_title,
                "referrer": self.referrer,
                "browser": self.browser,
                "language": self.language,
                "user_data": self.user_data,
            },
            "created_at": _iso(self.created_at),
            "accepted_at": _iso(self.accepted_at),
            "last_activity_at": _iso(self.last_activity_at),
            "ended_at": _iso(self.ended_at),
            "ended_reason": self.ended_reason,
        }

    def event(self, kind: str) -> dict[str, Any]:
        """A state-change event (``conversation`` or ``queue``) for this conversation."""
        return {
            "type": kind,
            "conversation_id": self.id,
            "state": self.state,
            "agent_id": self.agent_id,
            "last_index": self.last_index,
        }


def conversation_view(row: Conversation) -> ConversationView:
    """The view of a conversation row."""
    return ConversationView(
        **{field.name: getattr(row, field.name) for field in dataclasses.fields(ConversationView)}
    )


def member_view(row: Member) -> MemberView:
    """The view of a member row."""
    return MemberView(
        **{field.name: getattr(row, field.name) for field in dataclasses.fields(MemberView)}
    )


def message_view(row: Message, member: Member | MemberView | None) -> MessageView:
    """The view of a message row and its sender."""
    return MessageView(
        conversation_id=row.conversation_id,
        index=row.index,
        kind=row.kind,
        text=row.text,
        member=member_view(member) if isinstance(member, Member) else member,
        data=row.data,
        created_at=row.created_at,
    )


def not_found() -> NotFound:
    """The one answer for a conversation that does not exist or is not the caller's."""
    return NotFound(_NO_SUCH_CONVERSATION)


async def load_conversation(session: AsyncSession, conversation_id: str) -> Conversation:
    """The conversation row, or ``NotFound``."""
    row = await session.get(Conversation, conversation_id)
    if row is None:
        raise not_found()
    return row


async def get_conversation(db: Database, conversation_id: str) -> ConversationView:
    """One conversation, or ``NotFound``."""
    async with db.session() as session:
        return conversation_view(await load_conversation(session, conversation_id))


async def list_members(db: Database, conversation_id: str) -> list[MemberView]:
    """Every member of a conversation, in joining order."""
    async with db.session() as session:
        rows = await session.scalars(
            select(Member)
            .where(Member.conversation_id == conversation_id)
            .order_by(Member.joined_at, Member.id)
        )
        return [member_view(row) for row in rows]


async def get_member(db: Database, conversation_id: str, member_id: str) -> MemberView:
    """One member of a conversation, or ``NotFound``."""
    async with db.session() as session:
        row = await session.get(Member, member_id)
    if row is None or row.conversation_id != conversation_id:
        raise NotFound("No such member.")
    return member_view(row)


async def list_messages(
    db: Database,
    conversation_id: str,
    *,
    after: int | None = None,
    before: int | None = None,
    limit: int = MAX_PAGE,
    descending: bool = False,
) -> list[MessageView]:
    """Stored messages with ``after < index < before``, at most ``limit``, in index order."""
    query = (
        select(Message, Member)
        .outerjoin(Member, Member.id == Message.member_id)
        .where(Message.conversation_id == conversation_id)
    )
    if after is not None:
        query = query.where(Message.index > after)
    if before is not None:
        query = query.where(Message.index < before)
    order = Message.index.desc() if descending else Message.index.asc()
    query = query.order_by(order).limit(max(1, min(limit, MAX_PAGE)))
    async with db.session() as session:
        rows = (await session.execute(query)).all()
    return [message_view(message, member) for message, member in rows]


async def latest_messages(db: Database, conversation_ids: list[str]) -> dict[str, MessageView]:
    """Each conversation's newest text or file message (what lists preview), by conversation."""
    if not conversation_ids:
        return {}
    newest = (
        select(Message.conversation_id, func.max(Message.index).label("index"))
        .where(Message.conversation_id.in_(conversation_ids), Message.kind.in_(PREVIEW_KINDS))
        .group_by(Message.conversation_id)
        .subquery()
    )
    query = (
        select(Message, Member)
        .join(
            newest,
            and_(
                Message.conversation_id == newest.c.conversation_id,
                Message.index == newest.c.index,
            ),
        )
        .outerjoin(Member, Member.id == Message.member_id)
    )
    async with db.session() as session:
        rows = (await session.execute(query)).all()
    return {message.conversation_id: message_view(message, member) for message, member in rows}


async def followed_conversations(
    db: Database, agent_id: int, *, supervising: bool, known: Collection[str] = ()
) -> list[ConversationView]:
    """The conversations whose events an agent's stream carries (the queue, and their own or,
    for supervisors, every assigned one): the open ones, and those of ``known`` that ended."""
    assigned = (
        Conversation.agent_id.is_not(None) if supervising else Conversation.agent_id == agent_id
    )
    scope = Conversation.state != "ended"
    if known:
        scope = or_(scope, Conversation.id.in_(list(known)))
    async with db.session() as session:
        rows = await session.scalars(
            select(Conversation).where(or_(Conversation.state == "queued", assigned), scope)
        )
        return [conversation_view(row) for row in rows]
