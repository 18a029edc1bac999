"""Agent accounts, throttled logins, and the desk sessions and API tokens that follow a login."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
import re
import secrets

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actions.attempts import Rule, forget, refund, reserve
from frontdesk.errors import Conflict, InvalidInput, NotFound, Unauthorized
from frontdesk.security.passwords import (
    hash_password,
    needs_rehash,
    verify_nothing,
    verify_password,
)
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.models import ROLES, SESSION_KINDS, Agent, AgentSession, utcnow

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
MAX_EMAIL_LENGTH = 254
MAX_DISPLAY_NAME_LENGTH = 100
MAX_TOKEN_LENGTH = 256
# Writing last_used_at on every request would make every read a write; this is precise enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
# An account past its free failures waits this long for one more try, twice as long after that.
LOGIN_BACKOFF_SECONDS = 15

_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_LOGIN_FAILED = "The email address or the password is wrong."
_SESSION_ENDED = "Log in again: this session is unknown, expired or ended."


@dataclasses.dataclass(frozen=True, slots=True)
class AgentInfo:
    """An agent as code outside the store sees it."""

    id: int
    email: str
    display_name: str
    role: str
    disabled: bool


async def create_agent(
    db: Database, *, email: str, display_name: str, password: str, role: str = "agent"
) -> AgentInfo:
    """Create an account; a taken email address is a ``Conflict``."""
    email = _checked_email(email)
    display_name = display_name.strip()
    if not 0 < len(display_name) <= MAX_DISPLAY_NAME_LENGTH:
        raise _invalid("display_name", f"must be 1 to {MAX_DISPLAY_NAME_LENGTH} characters")
    _check_password(password)
    if role not in ROLES:
        raise _invalid("role", f"must be one of {', '.join(ROLES)}")
    # argon2 releases the GIL: hashing in a thread keeps the event loop serving others.
    password_hash = await asyncio.to_thread(hash_password, password)
    agent = Agent(
        email=email,
        display_name=display_name,
        password_hash=password_hash,
        role=role,
        disabled=False,
        created_at=utcnow(),
    )
    async with db.session() as session:
        session.add(agent)
        try:
            await session.commit()
        except IntegrityError:
            raise Conflict(
                "An agent with this email address exists already.", email=email
            ) from None
    return _info(agent)


async def list_agents(db: Database) -> list[AgentInfo]:
    """Every agent, oldest first."""
    async with db.session() as session:
        agents = await session.scalars(select(Agent).order_by(Agent.id))
        return [_info(agent) for agent in agents]


async def disable_agent(db: Database, ident: int | str) -> AgentInfo:
    """Disable an agent (by id or email address) and end all of their sessions and tokens."""
    async with db.session() as session, session.begin():
        agent = await _find_agent(session, ident)
        agent.disabled = True
        await _revoke_sessions(session, agent.id)
    return _info(agent)


async def reset_password(db: Database, ident: int | str, password: str) -> AgentInfo:
    """Set a new password (by id or email address) and end all of the agent's sessions."""
    _check_password(password)
    password_hash = await asyncio.to_thread(hash_password, password)
    async with db.session() as session, session.begin():
        agent = await _find_agent(session, ident)
        agent.password_hash = password_hash
        await _revoke_sessions(session, agent.id)
    return _info(agent)


def login_rules(settings: Settings) -> tuple[Rule, Rule]:
    """The limits on password checks: strict per client address, lenient per account."""
    by_address = Rule(
        "login-address",
        settings.login_attempts,
        settings.login_window_seconds,
        "Too many failed logins from this address; try again later.",
    )
    by_account = Rule(
        "login-account",
        settings.login_attempts_per_account,
        settings.login_window_seconds,
        "Too many failed logins for this account; try again later.",
        backoff_seconds=LOGIN_BACKOFF_SECONDS,
    )
    return by_address, by_account


async def authenticate(
    db: Database,
    settings: Settings,
    *,
    email: str,
    password: str,
    client_ip: str,
    now: dt.datetime | None = None,
) -> AgentInfo:
    """Check a login; past the limits per client address and per account, ``RateLimited``.

    The attempt is counted before the password is checked, so a burst of simultaneous logins
    gets no more checks than the limits allow; a successful one gives its attempt back."""
    email = email.strip().lower()[:MAX_EMAIL_LENGTH]
    now = now or utcnow()
    by_address, by_account = login_rules(settings)
    attempts = await reserve(db, [(by_address, client_ip), (by_account, email)], now)
    async with db.session() as session:
        agent = await session.scalar(select(Agent).where(Agent.email == email))
    if agent is None:
        await asyncio.to_thread(verify_nothing, password)
    else:
        # Verified even for a disabled agent, so its answer takes as long as anyone's.
        matches = await asyncio.to_thread(verify_password, agent.password_hash, password)
        if matches and not agent.disabled:
            # The address's other failures stay: one good account must not reset an attacker's.
            await refund(db, [a for a in attempts if a.rule == by_address])
            await forget(db, by_account, email)
            await _upgrade_hash(db, agent, password)
            return _info(agent)
    raise Unauthorized(_LOGIN_FAILED)


async def open_session(db: Database, agent_id: int, *, kind: str, ttl_seconds: int | None) -> str:
    """Start a session (``"cookie"``) or API token (``"api"``); returns the token, shown once."""
    if kind not in SESSION_KINDS:
        raise _invalid("kind", f"must be one of {', '.join(SESSION_KINDS)}")
    if ttl_seconds is not None and ttl_seconds <= 0:
        raise _invalid("ttl_seconds", "must be positive, or None for no expiry")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    record = AgentSession(
        token_hash=_token_hash(token),
        agent_id=agent_id,
        kind=kind,
        created_at=now,
        expires_at=None if ttl_seconds is None else now + dt.timedelta(seconds=ttl_seconds),
        last_used_at=now,
        revoked_at=None,
    )
    async with db.session() as session:
        session.add(record)
        try:
            await session.commit()
        except IntegrityError:
            raise NotFound("No such agent.", agent_id=agent_id) from None
    return token


async def agent_for_token(db: Database, token: str, *, kind: str | None = None) -> AgentInfo:
    """The enabled agent a live token belongs to; anything else is ``Unauthorized``."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise Unauthorized(_SESSION_ENDED)
    now = utcnow()
    async with db.session() as session, session.begin():
        row = (
            await session.execute(
                select(AgentSession, Agent)
                .join(Agent, Agent.id == AgentSession.agent_id)
                .where(AgentSession.token_hash == _token_hash(token))
            )
        ).one_or_none()
        if row is None:
            raise Unauthorized(_SESSION_ENDED)
        record, agent = row
        if (
            record.revoked_at is not None
            or (record.expires_at is not None and record.expires_at <= now)
            or (kind is not None and record.kind != kind)
            or agent.disabled
        ):
            raise Unauthorized(_SESSION_ENDED)
        if now - record.last_used_at >= LAST_USED_RESOLUTION:
            record.last_used_at = now
    return _info(agent)


async def close_session(db: Database, token: str) -> None:
    """End the session or API token ``token``; ending an unknown or ended one does nothing."""
    async with db.session() as session, session.begin():
        await session.execute(
            update(AgentSession)
            .where(AgentSession.token_hash == _token_hash(token), AgentSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def _info(agent: Agent) -> AgentInfo:
    return AgentInfo(
        id=agent.id,
        email=agent.email,
        display_name=agent.display_name,
        role=agent.role,
        disabled=agent.disabled,
    )


def _invalid(field: str, problem: str) -> InvalidInput:
    return InvalidInput(f"{field} {problem}.", fields=[{"field": field, "problem": problem}])


def _checked_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL_SHAPE.fullmatch(email):
        raise _invalid("email", "must be an email address such as dana@example.com")
    return email


def _check_password(password: str) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise _invalid(
            "password", f"must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters"
        )


def _token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so a fast unsalted hash is enough to make a stolen
    # database useless for logging in, and it keeps the lookup an index hit.
    return hashlib.sha256(token.encode()).hexdigest()


def _identifies(ident: int | str) -> ColumnElement[bool]:
    if isinstance(ident, int):
        return Agent.id == ident
    ident = ident.strip()
    if ident.isdecimal():
        return Agent.id == int(ident)
    return Agent.email == ident.lower()


async def _find_agent(session: AsyncSession, ident: int | str) -> Agent:
    agent = await session.scalar(select(Agent).where(_identifies(ident)))
    if agent is None:
        raise NotFound("No such agent.", agent=str(ident))
    return agent


async def _revoke_sessions(session: AsyncSession, agent_id: int) -> None:
    await session.execute(
        update(AgentSession)
        .where(AgentSession.agent_id == agent_id, AgentSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def _upgrade_hash(db: Database, agent: Agent, password: str) -> None:
    """Rehash the password if the hashing parameters changed since it was set."""
    if not needs_rehash(agent.password_hash):
        return
    new_hash = await asyncio.to_thread(hash_password, password)
    async with db.session() as session, session.begin():
        await session.execute(
            update(Agent).where(Agent.id == agent.id).values(password_hash=new_hash)
        )
