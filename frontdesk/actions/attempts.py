"""Guesses at a secret (a password, an access code), counted in the database before the check.

Each subject (a client address, an account, a caller, a dialled number, a code) has one row in
``attempt_counters``. ``reserve`` takes the rows' locks with upserts (row locks on PostgreSQL,
the write lock on SQLite), decides and writes in that one transaction, and only then may the
caller check the secret. So a burst of simultaneous requests, on one server process or on many,
gets no more checks than the rule allows. An attempt whose check succeeded is given back
(``refund``); one that failed stays counted: it was a wrong guess.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import math
import weakref
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.errors import RateLimited
from frontdesk.store.database import Database
from frontdesk.store.models import AttemptCounter

# Delays after a rule's free attempts double up to this, whatever the rule's base delay.
MAX_BACKOFF_SECONDS = 15 * 60
# Old rows are purged a batch at a time, when a new subject first tries.
PURGE_BATCH = 500


# SQLite has one writer at a time and lets the others poll for the lock, each for at most its
# busy timeout, in no order: in a burst some would time out. In line here, they wait their turn.
_SQLITE_TURNS: weakref.WeakKeyDictionary[Database, asyncio.Lock] = weakref.WeakKeyDictionary()


@dataclasses.dataclass(frozen=True, slots=True)
class Rule:
    """At most ``count`` attempts per subject in any ``window_seconds``.

    With ``backoff_seconds``, a subject past its ``count`` may try once more after that many
    seconds, then after twice as many, and so on, until it has been quiet for a window after
    its delay; without, it waits until its oldest attempt leaves the window.
    """

    name: str
    count: int
    window_seconds: int
    refusal: str
    backoff_seconds: int = 0

    def key(self, subject: str) -> str:
        """The counter's key for ``subject``."""
        return f"{self.name}:{subject}"


@dataclasses.dataclass(frozen=True, slots=True)
class Attempt:
    """A reserved attempt: its rule and key, when, and whether it came after a delay."""

    rule: Rule
    key: str
    at: float
    delayed: bool


@dataclasses.dataclass(frozen=True, slots=True)
class _State:
    hits: list[float]
    strikes: int


async def reserve(
    db: Database, limits: Sequence[tuple[Rule, str]], now: dt.datetime
) -> list[Attempt]:
    """Count one attempt under each ``(rule, subject)`` before the check, all or none.

    ``RateLimited``, with the longest wait, when any of them may not try now."""
    wanted = sorted((rule.key(subject), rule) for rule, subject in limits)
    refusals: list[tuple[float, Rule]] = []
    attempts: list[Attempt] = []
    async with _turn(db), db.session() as session, session.begin():
        # Rows are locked in key order, so two reservations never wait for each other in a ring.
        stored = [
            (key, rule, await _locked(session, db.dialect_name, key, now)) for key, rule in wanted
        ]
        for key, rule, state in stored:
            # A request that waited for the lock may carry an older time than the row's last
            # attempt: count it as that late, so the times stay in order.
            at = max([now.timestamp(), *state.hits])
            settled = _settled(rule, state, at)
            opens = _opens(rule, settled)
            if opens is not None and opens > at:
                refusals.append((opens - at, rule))
                continue
            delayed = opens is not None
            after = _State([*settled.hits, at][-rule.count :], settled.strikes + delayed)
            await _store(session, rule, key, after)
            attempts.append(Attempt(rule=rule, key=key, at=at, delayed=delayed))
        if refusals:
            wait, rule = max(refusals, key=lambda refusal: refusal[0])
            raise RateLimited(rule.refusal, limit=rule.name, retry_after=max(1, math.ceil(wait)))
        if any(not state.hits for *_, state in stored):
            await _purge(session, now)
    return attempts


async def refund(db: Database, attempts: Sequence[Attempt]) -> None:
    """Give back attempts whose check succeeded."""
    async with _turn(db), db.session() as session, session.begin():
        for attempt in sorted(attempts, key=lambda attempt: attempt.key):
            state = await _locked(session, db.dialect_name, attempt.key, _time(attempt.at))
            if attempt.at in state.hits:
                hits = list(state.hits)
                hits.remove(attempt.at)
                # Strikes count delayed attempts still on record: none left, none kept.
                strikes = max(0, state.strikes - attempt.delayed) if hits else 0
                after = _State(hits, strikes)
                await _store(session, attempt.rule, attempt.key, after)


async def forget(db: Database, rule: Rule, subject: str) -> None:
    """Drop every attempt by ``subject``: its owner proved who they are."""
    async with _turn(db), db.session() as session, session.begin():
        await session.execute(delete(AttemptCounter).where(AttemptCounter.key == rule.key(subject)))


async def locked_subjects(
    session: AsyncSession, rule: Rule, prefix: str, now: dt.datetime
) -> set[str]:
    """The subjects starting with ``prefix`` that may not try now."""
    keys = await session.scalars(
        select(AttemptCounter.key).where(
            AttemptCounter.key.startswith(rule.key(prefix), autoescape=True),
            AttemptCounter.locked_until > now,
        )
    )
    return {key.removeprefix(rule.key("")) for key in keys}


@contextlib.asynccontextmanager
async def _turn(db: Database) -> AsyncIterator[None]:
    """This process's turn to write counters: on SQLite one at a time; elsewhere row locks do."""
    if db.dialect_name != "sqlite":
        yield
        return
    async with _SQLITE_TURNS.setdefault(db, asyncio.Lock()):
        yield


def _delay(rule: Rule, strikes: int) -> float:
    return float(min(rule.backoff_seconds * 2**strikes, MAX_BACKOFF_SECONDS))


def _settled(rule: Rule, state: _State, at: float) -> _State:
    """``state`` at ``at``: attempts that left the window dropped, a quiet subject forgiven."""
    if not state.strikes:
        return _State([hit for hit in state.hits if hit > at - rule.window_seconds], 0)
    quiet_from = state.hits[-1] + _delay(rule, state.strikes) + rule.window_seconds
    return _State([], 0) if at >= quiet_from else state


def _opens(rule: Rule, state: _State) -> float | None:
    """When a settled ``state`` admits its next attempt; None while it has free attempts."""
    if state.strikes:
        return state.hits[-1] + _delay(rule, state.strikes)
    if len(state.hits) < rule.count:
        return None
    slides = state.hits[0] + rule.window_seconds
    return min(slides, state.hits[-1] + _delay(rule, 0)) if rule.backoff_seconds else slides


async def _locked(session: AsyncSession, dialect: str, key: str, now: dt.datetime) -> _State:
    """The key's state, its row created if need be and locked until the transaction ends."""
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(AttemptCounter).values(
        key=key, hits=[], strikes=0, locked_until=None, expires_at=now
    )
    # A no-op update: what matters is the lock the upsert takes on the row.
    statement = statement.on_conflict_do_update(
        index_elements=[AttemptCounter.key], set_={"strikes": AttemptCounter.strikes}
    ).returning(AttemptCounter.hits, AttemptCounter.strikes)
    row = (await session.execute(statement)).one()
    return _State(list(row.hits), row.strikes)


async def _store(session: AsyncSession, rule: Rule, key: str, state: _State) -> None:
    opens = _opens(rule, state)
    last = state.hits[-1] if state.hits else 0.0
    quiet_from = last + rule.window_seconds + (_delay(rule, state.strikes) if state.strikes else 0)
    await session.execute(
        update(AttemptCounter)
        .where(AttemptCounter.key == key)
        .values(
            hits=state.hits,
            strikes=state.strikes,
            locked_until=None if opens is None else _time(opens),
            expires_at=_time(quiet_from),
        )
    )


async def _purge(session: AsyncSession, now: dt.datetime) -> None:
    """Delete a batch of rows that count nothing any more, skipping (not awaiting) rows in use."""
    expired = (
        select(AttemptCounter.key)
        .where(AttemptCounter.expires_at <= now)
        .limit(PURGE_BATCH)
        .with_for_update(skip_locked=True)
    )
    await session.execute(delete(AttemptCounter).where(AttemptCounter.key.in_(expired)))


def _time(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)
