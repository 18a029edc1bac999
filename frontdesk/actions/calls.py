"""Calls at the desk: the agent who answers a redeemed call takes it, so the others' pops close."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from frontdesk.actions.agents import AgentInfo
from frontdesk.actions.call_views import CallView, get_call
from frontdesk.actions.chat_views import DESK_CHANNEL
from frontdesk.broker import Broker
from frontdesk.errors import Conflict
from frontdesk.store.database import Database
from frontdesk.store.models import Call, utcnow


async def take_call(
    db: Database, broker: Broker, agent: AgentInfo, call_id: str, *, now: dt.datetime | None = None
) -> CallView:
    """``agent`` answers a redeemed call; taken by anyone already is a ``Conflict``."""
    now = now or utcnow()
    async with db.session() as session, session.begin():
        taken = await session.scalar(
            update(Call)
            .where(Call.id == call_id, Call.state == "redeemed")
            .values(state="taken", taken_at=now, agent_id=agent.id)
            .returning(Call.id)
        )
    view = await get_call(db, call_id)
    if taken is None:
        raise Conflict(
            "The call is not waiting for an agent.", call_id=call_id, state=view.status(now)
        )
    await broker.publish(DESK_CHANNEL, view.event())
    return view
