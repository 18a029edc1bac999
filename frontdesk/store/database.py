"""The database connection: one async engine per process, SQLite or PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from frontdesk.data_folder import protect_sqlite_files
from frontdesk.errors import ConfigError, Unavailable
from frontdesk.settings import Settings
from frontdesk.store.connect_errors import connect_problem

SQLITE_BUSY_TIMEOUT_MS = 5000
POSTGRES_CONNECT_TIMEOUT_SECONDS = 5
PING_TIMEOUT_SECONDS = 5


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
