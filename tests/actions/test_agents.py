from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import select, update

from frontdesk.actions.agents import (
    AgentInfo,
    agent_for_token,
    authenticate,
    close_session,
    create_agent,
    disable_agent,
    list_agents,
    open_session,
    reset_password,
)
from frontdesk.errors import Conflict, InvalidInput, NotFound, RateLimited, Unauthorized
from frontdesk.security.passwords import needs_rehash
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.migrate import upgrade
from frontdesk.store.models import Agent, AgentSession, LoginFailure

PASSWORD = "correct horse battery"
WINDOW = 300


@pytest.fixture
def login_settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key="x" * 40,
        login_attempts=2,
        login_window_seconds=WINDOW,
    )


@pytest.fixture
async def db(login_settings: Settings) -> AsyncIterator[Database]:
    database = await Database.connect(login_settings)
    await upgrade(database)
    yield database
    await database.close()


@pytest.fixture
async def dana(db: Database) -> AgentInfo:
    return await create_agent(
        db, email=" Dana@Example.TEST ", display_name=" Dana ", password=PASSWORD
    )


async def _login(
    db: Database, settings: Settings, email: str, password: str, ip: str = "192.0.2.1"
) -> AgentInfo:
    return await authenticate(db, settings, email=email, password=password, client_ip=ip)


async def _add_failures(db: Database, key: str, *ages: int) -> None:
    now = dt.datetime.now(dt.UTC)
    async with db.session() as session, session.begin():
        session.add_all(LoginFailure(key=key, at=now - dt.timedelta(seconds=age)) for age in ages)


# --- accounts -------------------------------------------------------------------------------


async def test_create_agent_normalises_and_returns_plain_data(
    db: Database, dana: AgentInfo
) -> None:
    assert dana == AgentInfo(
        id=dana.id, email="dana@example.test", display_name="Dana", role="agent", disabled=False
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        dana.role = "admin"  # type: ignore[misc]
    async with db.session() as session:
        stored = await session.scalar(select(Agent.password_hash))
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


async def test_email_addresses_are_unique_whatever_their_case(
    db: Database, dana: AgentInfo
) -> None:
    with pytest.raises(Conflict) as caught:
        await create_agent(db, email="DANA@example.test", display_name="Other", password=PASSWORD)
    assert caught.value.details == {"email": "dana@example.test"}


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("email", {"email": "not-an-address"}),
        ("email", {"email": "two@@example.test"}),
        ("email", {"email": "x@" + "a" * 250 + ".test"}),
        ("password", {"password": "9 letters"}),
        ("role", {"role": "owner"}),
        ("display_name", {"display_name": "   "}),
    ],
)
async def test_create_agent_refuses_bad_input(
    db: Database, field: str, changes: dict[str, str]
) -> None:
    values = {"email": "ok@example.test", "display_name": "Ok", "password": PASSWORD} | changes
    with pytest.raises(InvalidInput) as caught:
        await create_agent(db, **values)
    assert caught.value.details["fields"][0]["field"] == field
    assert await list_agents(db) == []


async def test_list_agents_oldest_first(db: Database, dana: AgentInfo) -> None:
    admin = await create_agent(
        db, email="root@example.test", display_name="Root", password=PASSWORD, role="admin"
    )
    assert await list_agents(db) == [dana, admin]


async def test_disable_agent_by_email_or_id_ends_every_session(
    db: Database, dana: AgentInfo
) -> None:
    cookie = await open_session(db, dana.id, kind="cookie", ttl_seconds=60)
    api = await open_session(db, dana.id, kind="api", ttl_seconds=None)
    disabled = await disable_agent(db, "DANA@example.test")
    assert disabled == dataclasses.replace(dana, disabled=True)
    for token in (cookie, api):
        with pytest.raises(Unauthorized):
            await agent_for_token(db, token)
    assert await disable_agent(db, dana.id) == disabled
    assert await disable_agent(db, str(dana.id)) == disabled


async def test_disable_unknown_agent_is_not_found(db: Database) -> None:
    for ident in ("nobody@example.test", 404, "404"):
        with pytest.raises(NotFound):
            await disable_agent(db, ident)


async def test_reset_password_replaces_it_and_ends_sessions(
    db: Database, login_settings: Settings, dana: AgentInfo
) -> None:
    token = await open_session(db, dana.id, kind="cookie", ttl_seconds=60)
    await reset_password(db, dana.email, "a brand new password")
    with pytest.raises(Unauthorized):
        await agent_for_token(db, token)
    with pytest.raises(Unauthorized):
        await _login(db, login_settings, dana.email, PASSWORD)
    assert await _login(db, login_settings, dana.email, "a brand new password") == dana


# --- logins ---------------------------------------------------------------------------------


async def test_authenticate_accepts_the_password_any_email_case(
    db: Database, login_settings: Settings, dana: AgentInfo
) -> None:
    assert await _login(db, login_settings, "  DANA@example.test", PASSWORD) == dana


async def test_wrong_password_and_unknown_email_fail_alike(
    db: Database, login_settings: Settings, dana: AgentInfo
) -> None:
    with pytest.raises(Unauthorized) as wrong_password:
        await _login(db, login_settings, dana.email, "wrong password!", ip="192.0.2.1")
    with pytest.raises(Unauthorized) as unknown_email:
        await _login(db, login_settings, "eve@example.test", PASSWORD, ip="192.0.2.2")
    assert wrong_password.value.message == unknown_email.value.message
    assert wrong_password.value.details == unknown_email.value.details == {}


async def test_a_disabled_agent_cannot_log_in(
    db: Database, login_settings: Settings, dana: AgentInfo
) -> None:
    await disable_agent(db, dana.id)
    with pytest.raises(Unauthorized):
        await _login(db, login_settings, dana.email, PASSWORD)


async def test_failures_per_email_lock_even_the_right_password(
    db: Database, login_settings: Settings, dana: AgentInfo
) -> None:
    for ip in ("192.0.2.1", "192.0.2.2"):
        with pytest.raises(Unauthorized):
            await _login(db, login_settings, dana.email, "wrong password!", ip=ip)
    with pytest.raises(RateLimited) as caught:
        await _login(db, login_settings, dana.email, PASSWORD, ip="192.0.2.3")
    assert 0 < caught.value.details["retry_after"] <= WINDOW


async def test_failures_per_ip_lock_every_email_from_it(
    db: Database, login_settings: Settings, dana: AgentInfo
) -> None:
    await _add_failures(db, "ip:198.51.100.7", 10, 20)
    with pytest.raises(RateLimited):
        await _login(db, login_settings, dana.email, PASSWORD, ip="198.51.100.7")
    assert await _login(db, login_settings, dana.email, PASSWORD, ip="198.51.100.8") == dana


async def test_retry_after_is_when_enough_failures_have_aged_out(
    db: Database, login_settings: Settings, dana: AgentInfo
) -> None:
    # Three failures at 50, 100 and 400 s ago; the oldest is already outside the window,
    # and the lock lifts when the one from 100 s ago leaves it, 200 s from now.
    await _add_failures(db, "email:dana@example.test", 50, 100, 400)
    with pytest.raises(RateLimited) as caught:
        await _login(db, login_settings, dana.email, PASSWORD)
    assert caught.value.details["retry_after"] in (199, 200)


async def test_failures_outside_the_window_do_not_count(
    db: Database, login_settings: Settings, dana: AgentInfo
) -> None:
    await _add_failures(db, "email:dana@example.test", WINDOW + 5, WINDOW + 10)
    assert await _login(db, login_settings, dana.email, PASSWORD) == dana


async def test_success_forgets_the_email_failures_but_not_the_ip_ones(
    db: Database, login_settings: Settings, dana: AgentInfo
) -> None:
    await _add_failures(db, "email:dana@example.test", 10)
    await _add_failures(db, "ip:192.0.2.9", 10)
    assert await _login(db, login_settings, dana.email, PASSWORD, ip="192.0.2.9") == dana
    async with db.session() as session:
        keys = list(await session.scalars(select(LoginFailure.key)))
    assert keys == ["ip:192.0.2.9"]


async def test_an_old_hash_is_upgraded_at_login(
    db: Database, login_settings: Settings, dana: AgentInfo
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID).hash(PASSWORD)
    async with db.session() as session, session.begin():
        await session.execute(update(Agent).values(password_hash=weak))
    await _login(db, login_settings, dana.email, PASSWORD)
    async with db.session() as session:
        stored = await session.scalar(select(Agent.password_hash))
    assert stored is not None
    assert stored != weak
    assert not needs_rehash(stored)


# --- sessions and tokens --------------------------------------------------------------------


async def test_a_session_token_finds_its_agent_and_only_its_hash_is_stored(
    db: Database, dana: AgentInfo
) -> None:
    token = await open_session(db, dana.id, kind="cookie", ttl_seconds=60)
    assert len(token) >= 43
    assert await agent_for_token(db, token) == dana
    assert await agent_for_token(db, token, kind="cookie") == dana
    async with db.session() as session:
        record = await session.scalar(select(AgentSession))
    assert record is not None
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert record.expires_at is not None
    assert record.created_at < record.expires_at


async def test_a_token_only_works_as_the_kind_it_was_issued(db: Database, dana: AgentInfo) -> None:
    token = await open_session(db, dana.id, kind="cookie", ttl_seconds=60)
    with pytest.raises(Unauthorized):
        await agent_for_token(db, token, kind="api")


async def test_unknown_expired_and_closed_tokens_are_refused(db: Database, dana: AgentInfo) -> None:
    expiring = await open_session(db, dana.id, kind="cookie", ttl_seconds=60)
    closing = await open_session(db, dana.id, kind="api", ttl_seconds=None)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    async with db.session() as session, session.begin():
        await session.execute(
            update(AgentSession).where(AgentSession.kind == "cookie").values(expires_at=past)
        )
    await close_session(db, closing)
    await close_session(db, closing)
    for token in (expiring, closing, "no-such-token", "", "x" * 1000):
        with pytest.raises(Unauthorized):
            await agent_for_token(db, token)


async def test_last_used_is_kept_to_the_minute(db: Database, dana: AgentInfo) -> None:
    token = await open_session(db, dana.id, kind="api", ttl_seconds=None)
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    async with db.session() as session, session.begin():
        await session.execute(update(AgentSession).values(last_used_at=long_ago))
    await agent_for_token(db, token)
    async with db.session() as session:
        last_used = await session.scalar(select(AgentSession.last_used_at))
    assert last_used is not None
    assert last_used > long_ago


async def test_open_session_checks_its_arguments(db: Database, dana: AgentInfo) -> None:
    with pytest.raises(InvalidInput):
        await open_session(db, dana.id, kind="magic", ttl_seconds=60)
    with pytest.raises(InvalidInput):
        await open_session(db, dana.id, kind="api", ttl_seconds=0)
    with pytest.raises(NotFound):
        await open_session(db, dana.id + 1, kind="api", ttl_seconds=None)
