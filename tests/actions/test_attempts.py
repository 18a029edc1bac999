"""Attempts counted before the check, on SQLite and PostgreSQL, in one process and in two."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from frontdesk.actions.attempts import Rule, forget, locked_subjects, refund, reserve
from frontdesk.errors import RateLimited
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.migrate import upgrade
from frontdesk.store.models import AttemptCounter

T0 = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
STRICT = Rule("strict", 3, 60, "Too many.")
LENIENT = Rule("lenient", 2, 60, "Slow down.", backoff_seconds=10)


def _s(seconds: float) -> dt.timedelta:
    return dt.timedelta(seconds=seconds)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url, secret_key="x" * 40)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = await Database.connect(settings)
    await upgrade(database)
    yield database
    await database.close()


async def _wait(db: Database, rule: Rule, subject: str, now: dt.datetime) -> int | None:
    """Seconds the subject is told to wait, or None when its attempt was counted."""
    try:
        await reserve(db, [(rule, subject)], now)
    except RateLimited as refused:
        details = refused.details
    else:
        return None
    assert details["limit"] == rule.name
    return int(details["retry_after"])


async def test_a_burst_gets_exactly_the_limit(db: Database, settings: Settings) -> None:
    other = await Database.connect(settings)  # a second server process
    try:
        results = await asyncio.gather(
            *(reserve(db if n % 2 else other, [(STRICT, "a")], T0) for n in range(40)),
            return_exceptions=True,
        )
    finally:
        await other.close()
    assert sum(isinstance(r, list) for r in results) == 3
    assert sum(isinstance(r, RateLimited) for r in results) == 37


async def test_the_window_slides_and_subjects_count_apart(db: Database) -> None:
    for age in (50, 20, 10):
        assert await _wait(db, STRICT, "a", T0 - _s(age)) is None
    assert await _wait(db, STRICT, "a", T0) == 10  # the one from 50 s ago leaves in 10 s
    assert await _wait(db, STRICT, "b", T0) is None
    assert await _wait(db, STRICT, "a", T0 + _s(10)) is None


async def test_all_or_none_and_a_refund_gives_an_attempt_back(db: Database) -> None:
    for _ in range(3):
        await reserve(db, [(STRICT, "a")], T0)
    with pytest.raises(RateLimited):
        await reserve(db, [(STRICT, "b"), (STRICT, "a")], T0)
    # "b" was not counted: the reservation that failed for "a" wrote nothing.
    held = [await reserve(db, [(STRICT, "b")], T0) for _ in range(3)]
    await refund(db, held[0])
    assert await _wait(db, STRICT, "b", T0) is None
    assert await _wait(db, STRICT, "b", T0) == 60


async def test_past_its_free_attempts_a_subject_waits_ever_longer(db: Database) -> None:
    now = T0
    for _ in range(2):
        assert await _wait(db, LENIENT, "a", now) is None
    for delay in (10, 20, 40):
        assert await _wait(db, LENIENT, "a", now) == delay
        now += _s(delay)
        assert await _wait(db, LENIENT, "a", now) is None
    assert await _wait(db, LENIENT, "a", now) == 80
    # Quiet for its delay and a window after it, the subject is forgiven.
    now += _s(80 + 60)
    for _ in range(2):
        assert await _wait(db, LENIENT, "a", now) is None
    await forget(db, LENIENT, "a")
    assert await _wait(db, LENIENT, "a", now) is None


async def test_locked_subjects_and_old_rows_are_purged(db: Database) -> None:
    for subject in ("555:1", "555:1", "555:1", "555:2", "666:1", "666:1", "666:1"):
        await reserve(db, [(STRICT, subject)], T0)
    async with db.session() as session:
        assert await locked_subjects(session, STRICT, "555:", T0) == {"555:1"}
        assert await locked_subjects(session, STRICT, "555:", T0 + _s(60)) == set()
    # A new subject a window later purges the rows that count nothing any more.
    await reserve(db, [(STRICT, "new")], T0 + _s(61))
    async with db.session() as session:
        keys = set(await session.scalars(select(AttemptCounter.key)))
        assert keys == {"strict:new"}
        assert await session.scalar(select(func.count()).select_from(AttemptCounter)) == 1
