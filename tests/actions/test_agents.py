from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import select, update

from frontdesk.actions import agents
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
from frontdesk.security import passwords
from frontdesk.security.passwords import needs_rehash
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.migrate import upgrade
from frontdesk.store.models import Agent, AgentSession, AttemptCounter

PASSWORD = "correct horse battery"
WINDOW = 300
T0 = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def login_settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key="x" * 40,
        login_attempts=2,
        login_attempts_per_account=3,
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
    db: Database,
    settings: Settings,
    email: str,
    password: str,
    ip: str = "192.0.2.1",
    now: dt.datetime | None = None,
) -> AgentInfo:
    return await authenticate(db, settings, email=email, password=password, client_ip=ip, now=now)


def _s(seconds: int) -> dt.timedelta:
    return dt.timedelta(seconds=seconds)


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


async def test_failures_per_address_lock_every_email_from_it(
    db: Database, login_settings: Settings, dana: AgentInfo
) -> None:
    for email in (dana.email, "eve@example.test"):
        with pytest.raises(Unauthorized):
            await _login(db, login_settings, email, "wrong password!", ip="198.51.100.7")
    with pytest.raises(RateLimited) as caught:
        await _login(db, login_settings, dana.email, PASSWORD, ip="198.51.100.7")
    assert caught.value.details["limit"] == "login-address"
    assert 0 < caught.value.details["retry_after"] <= WINDOW
    assert await _login(db, login_settings, dana.email, PASSWORD, ip="198.51.100.8") == dana


async def test_a_stranger_at_one_address_does_not_lock_the_account(
    db: Database, login_settings: Settings, dana: AgentInfo
) -> None:
    for _ in range(5):
        with pytest.raises((Unauthorized, RateLimited)):
            await _login(db, login_settings, dana.email, "wrong password!", ip="203.0.113.66")
    assert await _login(db, login_settings, dana.email, PASSWORD, ip="192.0.2.1") == dana


async def test_failures_per_account_slow_everyone_down_with_doubling_delays(
    db: Database, login_settings: Settings, dana: AgentInfo
) -> None:
    # Three addresses, three failures: the account's free ones; then delays of 15, 30, 60 s.
    for i in range(3):
        with pytest.raises(Unauthorized):
            await _login(db, login_settings, dana.email, "wrong!", ip=f"192.0.2.{i}", now=T0)
    now = T0
    for delay in (15, 30, 60):
        with pytest.raises(RateLimited) as caught:
            await _login(db, login_settings, dana.email, PASSWORD, ip="192.0.2.50", now=now)
        assert caught.value.details == {"limit": "login-account", "retry_after": delay}
        now += dt.timedelta(seconds=delay)
        with pytest.raises(Unauthorized):
            await _login(db, login_settings, dana.email, "wrong!", ip=f"192.0.2.{delay}", now=now)
    # After its delay and a quiet window, the account is forgiven; the right password works.
    now += dt.timedelta(seconds=120 + WINDOW)
    assert await _login(db, login_settings, dana.email, PASSWORD, ip="192.0.2.50", now=now)


async def test_retry_after_is_when_the_oldest_failure_leaves_the_window(
    db: Database, login_settings: Settings, dana: AgentInfo
) -> None:
    for age in (400, 100, 50):
        with pytest.raises((Unauthorized, RateLimited)):
            await _login(db, login_settings, dana.email, "wrong!", now=T0 - _s(age))
    # The one from 400 s ago left the window; the lock lifts when the one from 100 s ago does.
    with pytest.raises(RateLimited) as caught:
        await _login(db, login_settings, dana.email, PASSWORD, now=T0)
    assert caught.value.details == {"limit": "login-address", "retry_after": 200}
    assert await _login(db, login_settings, dana.email, PASSWORD, now=T0 + _s(200)) == dana


async def test_success_forgets_the_account_failures_but_not_the_address_ones(
    db: Database, login_settings: Settings, dana: AgentInfo
) -> None:
    with pytest.raises(Unauthorized):
        await _login(db, login_settings, dana.email, "wrong!", ip="192.0.2.9", now=T0)
    assert await _login(db, login_settings, dana.email, PASSWORD, ip="192.0.2.9", now=T0) == dana
    async with db.session() as session:
        rows = {row.key: row.hits for row in await session.scalars(select(AttemptCounter))}
    assert rows == {"login-address:192.0.2.9": [T0.timestamp()]}


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The passwords actually verified, in order: an observation of the real functions."""
    seen: list[str] = []

    def verify_password(stored: str, password: str) -> bool:
        seen.append(password)
        return passwords.verify_password(stored, password)

    def verify_nothing(password: str) -> None:
        seen.append(password)
        passwords.verify_nothing(password)

    monkeypatch.setattr(agents, "verify_password", verify_password)
    monkeypatch.setattr(agents, "verify_nothing", verify_nothing)
    return seen


async def _burst(
    db: Database, settings: Settings, email: str, ips: list[str]
) -> list[AgentInfo | BaseException]:
    """Thirty wrong passwords and then the right one, all at once."""
    guesses = [f"wrong password {i}" for i in range(30)] + [PASSWORD]
    return await asyncio.gather(
        *(
            _login(db, settings, email, guess, ip=ips[i % len(ips)])
            for i, guess in enumerate(guesses)
        ),
        return_exceptions=True,
    )


async def test_a_burst_from_one_address_checks_no_more_passwords_than_the_limit(
    db: Database, login_settings: Settings, dana: AgentInfo, checked: list[str]
) -> None:
    results = await _burst(db, login_settings, dana.email, ["203.0.113.9"])
    assert len(checked) == login_settings.login_attempts
    logged_in = [r for r in results if isinstance(r, AgentInfo)]
    assert logged_in == ([dana] if PASSWORD in checked else [])
    assert sum(isinstance(r, RateLimited) for r in results) == 31 - len(checked)
    assert all(isinstance(r, AgentInfo | Unauthorized | RateLimited) for r in results), results


async def test_a_burst_from_many_addresses_meets_the_account_limit(
    db: Database, login_settings: Settings, dana: AgentInfo, checked: list[str]
) -> None:
    ips = [f"198.51.100.{i}" for i in range(31)]
    results = await _burst(db, login_settings, dana.email, ips)
    assert len(checked) == login_settings.login_attempts_per_account
    logged_in = [r for r in results if isinstance(r, AgentInfo)]
    assert logged_in == ([dana] if PASSWORD in checked else [])


async def test_processes_sharing_a_database_share_the_limits(
    db: Database, login_settings: Settings, dana: AgentInfo, checked: list[str]
) -> None:
    other = await Database.connect(login_settings)
    try:
        guesses = [f"wrong password {i}" for i in range(20)]
        await asyncio.gather(
            *(
                _login(db if i % 2 else other, login_settings, dana.email, guess, ip="192.0.2.77")
                for i, guess in enumerate(guesses)
            ),
            return_exceptions=True,
        )
    finally:
        await other.close()
    assert len(checked) == login_settings.login_attempts


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
