from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from frontdesk.errors import InvalidInput, Unavailable
from frontdesk.settings import Settings
from frontdesk.store.database import RETRY_AFTER_SECONDS, Database, database_error
from frontdesk.store.migrate import upgrade
from frontdesk.store.models import Agent, AgentSession

SECRET = "x" * 40


@pytest.fixture
async def database(database_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    settings = Settings(data_dir=tmp_path, database_url=database_url, secret_key=SECRET)
    database = await Database.connect(settings)
    await upgrade(database)
    yield database
    await database.close()


def _agent(email: str, created_at: dt.datetime) -> Agent:
    return Agent(
        email=email,
        display_name="Dana",
        password_hash="-",
        role="agent",
        disabled=False,
        created_at=created_at,
    )


async def test_ping_and_dialect(database: Database, database_url: str) -> None:
    await database.ping()
    assert database.dialect_name == database_url.split(":")[0]
    assert database.engine.dialect.name == database.dialect_name


async def test_objects_stay_readable_after_commit(database: Database) -> None:
    async with database.session() as session:
        agent = _agent("dana@example.test", dt.datetime.now(dt.UTC))
        session.add(agent)
        await session.commit()
    assert agent.id > 0
    assert agent.email == "dana@example.test"


async def test_times_come_back_in_utc_whatever_zone_went_in(database: Database) -> None:
    plus_two = dt.timezone(dt.timedelta(hours=2))
    written = dt.datetime(2025, 3, 30, 2, 30, 15, 123456, tzinfo=plus_two)
    async with database.session() as session:
        session.add(_agent("zone@example.test", written))
        await session.commit()
    async with database.session() as session:
        read = await session.scalar(select(Agent.created_at))
    assert read == written
    assert read is not None
    assert read.tzinfo == dt.UTC
    assert read.hour == 0


async def test_naive_times_are_refused(database: Database) -> None:
    async with database.session() as session:
        session.add(_agent("naive@example.test", dt.datetime(2025, 1, 1)))
        with pytest.raises(StatementError, match="naive datetime"):
            await session.commit()


async def test_foreign_keys_are_enforced(database: Database) -> None:
    now = dt.datetime.now(dt.UTC)
    async with database.session() as session:
        session.add(
            AgentSession(
                token_hash="0" * 64, agent_id=999, kind="api", created_at=now, last_used_at=now
            )
        )
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_sqlite_connections_use_wal_and_wait_when_busy(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there.db"
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{path}", secret_key=SECRET)
    database = await Database.connect(settings)
    try:
        assert path.parent.is_dir()
        async with database.engine.connect() as first, database.engine.connect() as second:
            for conn in (first, second):
                pragma = conn.exec_driver_sql
                assert (await pragma("PRAGMA journal_mode")).scalar() == "wal"
                assert (await pragma("PRAGMA busy_timeout")).scalar() == 5000
                assert (await pragma("PRAGMA foreign_keys")).scalar() == 1
    finally:
        await database.close()


async def test_ping_says_unavailable_when_the_server_is_gone(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        database_url="postgresql://postgres@127.0.0.1:9/nowhere",
        secret_key=SECRET,
    )
    database = await Database.connect(settings)
    try:
        with pytest.raises(Unavailable) as caught:
            await database.ping()
        assert caught.value.status == 503
    finally:
        await database.close()


async def test_close_then_session_reconnects(database: Database) -> None:
    await database.close()
    async with database.session() as session:
        assert (await session.execute(text("SELECT 1"))).scalar() == 1


def _raised_from(cause: BaseException) -> Exception:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        return outer


def test_database_errors_are_told_apart_from_bugs() -> None:
    refused = database_error(_raised_from(ConnectionRefusedError("refused")))
    assert isinstance(refused, Unavailable)
    assert refused.details["retry_after"] == RETRY_AFTER_SECONDS
    assert isinstance(database_error(_raised_from(OverflowError("too big"))), InvalidInput)
    assert database_error(_raised_from(ValueError("a bug"))) is None
    assert database_error(KeyError("a bug")) is None
