"""Routing v1: a queue, agents who are available or away with a capacity, accept and auto-assign.

Assigning is one conditional ``UPDATE ... WHERE state = 'queued'``, so two agents (or two server
processes) can never both take one conversation.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import Sequence

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actions.agents import AgentInfo
from frontdesk.actions.chat import (
    Visitor,
    append_message,
    create_conversation,
    end_conversation,
    expire_idle_conversations,
    fanout,
    invalid,
    message_events,
    publish,
)
from frontdesk.actions.chat_views import (
    DESK_CHANNEL,
    ConversationView,
    MemberView,
    conversation_view,
    load_conversation,
    member_view,
)
from frontdesk.broker import Broker
from frontdesk.errors import Conflict
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.models import (
    AGENT_STATUSES,
    Agent,
    AgentPresence,
    Conversation,
    Member,
    utcnow,
)

log = logging.getLogger("frontdesk.routing")

DEFAULT_CAPACITY = 3
SWEEP_INTERVAL_SECONDS = 30.0
FALLBACK_WAIT_SECONDS = 60
RECENT_WAITS = 20


@dataclasses.dataclass(frozen=True, slots=True)
class Presence:
    """An agent's routing state."""

    agent_id: int
    status: str
    capacity: int
    active: int


@dataclasses.dataclass(frozen=True, slots=True)
class QueuePosition:
    """Where a queued conversation stands: 1 is next."""

    position: int
    estimated_wait_seconds: int


async def start_conversation(
    db: Database, broker: Broker, *, origin: str, transport: str, visitor: Visitor
) -> tuple[ConversationView, MemberView]:
    """Queue a new conversation, then hand it to a free agent if there is one."""
    conversation, member = await create_conversation(
        db, broker, origin=origin, transport=transport, visitor=visitor
    )
    await auto_assign(db, broker)
    return conversation, member


async def finish_conversation(
    db: Database, broker: Broker, conversation_id: str, *, reason: str, member_id: str | None
) -> ConversationView:
    """End a conversation, then give the freed capacity to the queue."""
    view = await end_conversation(db, broker, conversation_id, reason=reason, member_id=member_id)
    await auto_assign(db, broker)
    return view


async def sweep_idle_conversations(db: Database, broker: Broker, settings: Settings) -> None:
    """End idle conversations every ``SWEEP_INTERVAL_SECONDS`` until cancelled (a lifespan task)."""
    while True:
        await asyncio.sleep(SWEEP_INTERVAL_SECONDS)
        try:
            if await expire_idle_conversations(db, broker, settings):
                await auto_assign(db, broker)
        except Exception:
            log.exception("ending idle conversations failed; trying again later")


async def get_presence(db: Database, agent_id: int) -> Presence:
    """An agent's status, capacity and number of active conversations."""
    async with db.session() as session:
        row = await session.get(AgentPresence, agent_id)
        active = await _active_count(session, agent_id)
    if row is None:
        return Presence(agent_id, "away", DEFAULT_CAPACITY, active)
    return Presence(agent_id, row.status, row.capacity, active)


async def set_status(db: Database, broker: Broker, agent_id: int, status: str) -> Presence:
    """Make an agent available or away; becoming available may assign them waiting chats."""
    if status not in AGENT_STATUSES:
        raise invalid("status", f"must be one of {', '.join(AGENT_STATUSES)}")
    async with db.session() as session, session.begin():
        await _ensure_presence(session, agent_id)
        await session.execute(
            update(AgentPresence)
            .where(AgentPresence.agent_id == agent_id)
            .values(status=status, changed_at=utcnow())
        )
    await broker.publish(
        DESK_CHANNEL, {"type": "agent-status", "agent_id": agent_id, "status": status}
    )
    if status == "available":
        await auto_assign(db, broker)
    return await get_presence(db, agent_id)


async def accept(
    db: Database, broker: Broker, agent: AgentInfo, conversation_id: str
) -> ConversationView:
    """Give a queued conversation to ``agent``, who joins it; taken or ended is a ``Conflict``."""
    view = await _assign(db, broker, agent, conversation_id, require_available=False)
    if view is None:
        async with db.session() as session:
            await load_conversation(session, conversation_id)
        raise Conflict("The conversation is not waiting any more.", conversation_id=conversation_id)
    return view


async def auto_assign(db: Database, broker: Broker) -> list[tuple[str, int]]:
    """Give the longest-waiting conversations to available agents with free capacity."""
    assigned: list[tuple[str, int]] = []
    while True:
        async with db.session() as session:
            conversation_id = await session.scalar(
                select(Conversation.id)
                .where(Conversation.state == "queued")
                .order_by(Conversation.created_at, Conversation.id)
                .limit(1)
            )
            agent = await _free_agent(session) if conversation_id is not None else None
        if conversation_id is None or agent is None:
            return assigned
        view = await _assign(db, broker, agent, conversation_id, require_available=True)
        if view is not None:
            assigned.append((conversation_id, agent.id))


async def queue_position(db: Database, conversation_id: str) -> QueuePosition | None:
    """A queued conversation's place and a rough wait estimate; None when not queued."""
    async with db.session() as session:
        row = await load_conversation(session, conversation_id)
        if row.state != "queued":
            return None
        ahead = await session.scalar(
            select(func.count())
            .select_from(Conversation)
            .where(Conversation.state == "queued", Conversation.created_at < row.created_at)
        )
        recent = list(
            await session.execute(
                select(Conversation.created_at, Conversation.accepted_at)
                .where(Conversation.accepted_at.is_not(None))
                .order_by(Conversation.accepted_at.desc())
                .limit(RECENT_WAITS)
            )
        )
    position = int(ahead or 0) + 1
    waits = [(accepted - created).total_seconds() for created, accepted in recent if accepted]
    return QueuePosition(position, estimate_wait(position, waits))


def estimate_wait(position: int, waits: Sequence[float]) -> int:
    """Seconds until ``position`` is served: it times the average of recent waits."""
    average = sum(waits) / len(waits) if waits else FALLBACK_WAIT_SECONDS
    return round(position * average)


async def list_queue(db: Database) -> list[ConversationView]:
    """Every queued conversation, longest waiting first."""
    async with db.session() as session:
        rows = await session.scalars(
            select(Conversation)
            .where(Conversation.state == "queued")
            .order_by(Conversation.created_at, Conversation.id)
        )
        return [conversation_view(row) for row in rows]


async def list_agent_conversations(db: Database, agent_id: int) -> list[ConversationView]:
    """The agent's active conversations, then the queue."""
    async with db.session() as session:
        rows = await session.scalars(
            select(Conversation)
            .where(Conversation.state == "active", Conversation.agent_id == agent_id)
            .order_by(Conversation.accepted_at)
        )
        active = [conversation_view(row) for row in rows]
    return active + await list_queue(db)


async def list_active(db: Database) -> list[ConversationView]:
    """Every active conversation, whoever has it, longest accepted first (for supervisors)."""
    async with db.session() as session:
        rows = await session.scalars(
            select(Conversation)
            .where(Conversation.state == "active")
            .order_by(Conversation.accepted_at, Conversation.id)
        )
        return [conversation_view(row) for row in rows]


async def list_ended(
    db: Database, agent_id: int | None, limit: int, *, before: str | None = None
) -> list[ConversationView]:
    """Ended conversations, newest first: the agent's own, or everyone's for ``None``.

    ``before`` is the last conversation of the previous page: the page continues after it.
    Ties in ``ended_at`` (the idle sweeper ends many at once) are ordered by id, so no
    conversation is skipped or shown twice across pages.
    """
    query = select(Conversation).where(Conversation.state == "ended")
    if agent_id is not None:
        query = query.where(
            Conversation.id.in_(select(Member.conversation_id).where(Member.agent_id == agent_id))
        )
    async with db.session() as session:
        if before is not None:
            anchor = (await session.execute(query.where(Conversation.id == before))).scalar()
            if anchor is None:
                raise invalid("before", "must be an ended conversation from this list")
            query = query.where(
                or_(
                    Conversation.ended_at < anchor.ended_at,
                    and_(Conversation.ended_at == anchor.ended_at, Conversation.id < anchor.id),
                )
            )
        query = query.order_by(Conversation.ended_at.desc(), Conversation.id.desc())
        rows = await session.scalars(query.limit(max(1, min(limit, 200))))
        return [conversation_view(row) for row in rows]


async def _assign(
    db: Database, broker: Broker, agent: AgentInfo, conversation_id: str, *, require_available: bool
) -> ConversationView | None:
    now = utcnow()
    async with db.session() as session, session.begin():
        # The agent's presence row is locked first, so one agent's assignments run one at a
        # time and the capacity check below holds.
        await _ensure_presence(session, agent.id)
        presence = (
            await session.execute(
                update(AgentPresence)
                .where(AgentPresence.agent_id == agent.id)
                .values(changed_at=AgentPresence.changed_at)
                .returning(AgentPresence.status, AgentPresence.capacity)
            )
        ).one()
        if require_available and presence.status != "available":
            return None
        if await _active_count(session, agent.id) >= presence.capacity:
            if require_available:
                return None
            raise Conflict("You are at your capacity of conversations.", capacity=presence.capacity)
        taken = await session.scalar(
            update(Conversation)
            .where(Conversation.id == conversation_id, Conversation.state == "queued")
            .values(state="active", agent_id=agent.id, accepted_at=now)
            .returning(Conversation.id)
        )
        if taken is None:
            return None
        member = Member(
            id=str(uuid.uuid4()),
            conversation_id=conversation_id,
            role="AGENT",
            agent_id=agent.id,
            display_name=agent.display_name,
            state="CONNECTED",
            joined_at=now,
            left_at=None,
        )
        session.add(member)
        await session.flush()
        joined = await append_message(session, conversation_id, "member-join", member_view(member))
        row = await load_conversation(session, conversation_id)
        await session.refresh(row)
        view = conversation_view(row)
    member_event = {
        "type": "member",
        "conversation_id": conversation_id,
        "last_index": view.last_index,
        "member": member_view(member).as_json(),
    }
    await publish(
        broker,
        [
            *message_events(view, [joined]),
            *fanout(view, [member_event, view.event("conversation")]),
            (DESK_CHANNEL, view.event("queue")),
        ],
    )
    return view


async def _free_agent(session: AsyncSession) -> AgentInfo | None:
    """The available agent with the fewest active chats below capacity, longest available."""
    active = (
        select(Conversation.agent_id, func.count().label("active"))
        .where(Conversation.state == "active")
        .group_by(Conversation.agent_id)
        .subquery()
    )
    load = func.coalesce(active.c.active, 0)
    row = (
        await session.execute(
            select(Agent)
            .join(AgentPresence, AgentPresence.agent_id == Agent.id)
            .outerjoin(active, active.c.agent_id == Agent.id)
            .where(
                AgentPresence.status == "available",
                Agent.disabled.is_(False),
                load < AgentPresence.capacity,
            )
            .order_by(load, AgentPresence.changed_at, Agent.id)
            .limit(1)
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    return AgentInfo(
        id=row.id,
        email=row.email,
        display_name=row.display_name,
        role=row.role,
        disabled=row.disabled,
    )


async def _active_count(session: AsyncSession, agent_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Conversation)
        .where(Conversation.state == "active", Conversation.agent_id == agent_id)
    )
    return int(count or 0)


async def _ensure_presence(session: AsyncSession, agent_id: int) -> None:
    """Create the agent's presence row (away, default capacity) if there is none."""
    values = {
        "agent_id": agent_id,
        "status": "away",
        "capacity": DEFAULT_CAPACITY,
        "changed_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(insert(AgentPresence).values(**values).on_conflict_do_nothing())
