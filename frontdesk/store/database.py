"""The database connection: one async engine per process, SQLite or PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from frontdesk.data_folder import protect_sqlite_files
from frontdesk.errors import ConfigError, FrontdeskError, InvalidInput, Unavailable
from frontdesk.settings import Settings
from frontdesk.store.connect_errors import connect_problem

SQLITE_BUSY_TIMEOUT_MS = 5000
POSTGRES_CONNECT_TIMEOUT_SECONDS = 5
PING_TIMEOUT_SECONDS = 5
# What clients are told to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 5
# PostgreSQL error classes that mean "not now" rather than "wrong query": connection (08),
# insufficient resources (53), operator intervention such as a shutdown (57), bad credentials
# (28); and 3D000, the database is gone.
_UNREACHABLE_SQLSTATES = ("08", "28", "53", "57", "3D000")


class Database:
    """An async engine and the sessions made from it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    @classmethod
    async def connect(cls, settings: Settings) -> Database:
        """Create the engine for ``settings.database_url``; connections open on first use."""
        url = settings.async_database_url
        if url.get_backend_name() == "sqlite":
            if url.database:
                protect_sqlite_files(Path(url.database))
            engine = create_async_engine(url)
            event.listen(engine.sync_engine, "connect", _configure_sqlite)
        else:
            engine = create_async_engine(
                url,
                # A restarted PostgreSQL leaves dead connections in the pool; test before use.
                pool_pre_ping=True,
                connect_args={"timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS},
            )
        return cls(engine)

    @classmethod
    async def open(cls, settings: Settings) -> Database:
        """Connect and ping; ``ConfigError`` naming the cause when the database cannot be used."""
        database = await cls.connect(settings)
        try:
            await database.ping()
        except Unavailable as exc:
            await database.close()
            shown = make_url(settings.database_url).render_as_string(hide_password=True)
            problem = connect_problem(exc.__cause__ or exc)
            raise ConfigError("database_url", f"{shown}: {problem}") from exc
        return database

    @property
    def engine(self) -> AsyncEngine:
        """The SQLAlchemy async engine (for migrations and tests)."""
        return self._engine

    @property
    def dialect_name(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._engine.dialect.name

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose objects stay readable after commit; closed on exit."""
        async with self._sessions() as session:
            yield session

    async def ping(self) -> None:
        """Run ``SELECT 1``; raise ``Unavailable`` when the database does not answer."""
        try:
            async with asyncio.timeout(PING_TIMEOUT_SECONDS), self._engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            raise Unavailable("The database is not reachable.", reason=type(exc).__name__) from exc

    async def close(self) -> None:
        """Close every pooled connection."""
        await self._engine.dispose()


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        yield cause
        cause = cause.__cause__ or cause.__context__


def _sqlstate(exc: BaseException) -> str:
    for cause in _causes(exc):
        sqlstate = getattr(cause, "sqlstate", None)
        if isinstance(sqlstate, str):
            return sqlstate
    return ""


def unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached now (as opposed to a bug)."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeout | OSError):
        # SQLite's "unable to open database file", "database is locked" after the busy
        # timeout; a refused or reset connection; a pool with no connection to give.
        return True
    return any(isinstance(cause, OSError) for cause in _causes(exc)) or _sqlstate(exc).startswith(
        _UNREACHABLE_SQLSTATES
    )


def unstorable(exc: BaseException) -> bool:
    """Whether ``exc`` says a value sent cannot be stored: PostgreSQL's data exceptions (a NUL
    character in text, a number out of range) or an integer too large for SQLite."""
    return _sqlstate(exc).startswith("22") or any(
        isinstance(cause, OverflowError) for cause in _causes(exc)
    )


def database_error(exc: BaseException, unavailable: str | None = None) -> FrontdeskError | None:
    """The error a database failure means for the client, or None for a bug.

    Unreachable: ``Unavailable`` (503, ``Retry-After``), with the ``unavailable`` message if
    given. A value it cannot store: ``InvalidInput`` (422).
    """
    if unreachable(exc):
        return Unavailable(
            unavailable or "The database is not reachable now; try again shortly.",
            retry_after=RETRY_AFTER_SECONDS,
        )
    if unstorable(exc):
        return InvalidInput("A value sent cannot be stored (e.g. a NUL character in text).")
    return None


def _configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    # WAL lets readers work while one writer writes; busy_timeout makes a second writer wait
    # instead of failing at once; SQLite leaves foreign keys off unless asked, per connection.
    cursor = dbapi_connection.cursor()
    try:
        # The timeout first: switching a new file to WAL needs a lock another starter may hold.
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()
