"""Run the Alembic migrations in ``store/migrations`` from code: no ``alembic.ini`` to ship."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from frontdesk.store.database import Database

SCRIPT_LOCATION = "frontdesk.store:migrations"
# Any fixed number: it only has to be the same in every Frontdesk process.
_POSTGRES_LOCK_ID = 0x66726F6E74646B


class MigrationFailed(RuntimeError):
    """A migration ran but left the database inconsistent; its transaction was rolled back."""


async def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (the newest by default)."""
    await _migrate(database, "upgrade", revision)


async def downgrade(database: Database, revision: str) -> None:
    """Take the schema back to ``revision`` (``"base"`` drops every table)."""
    await _migrate(database, "downgrade", revision)


async def current_revision(database: Database) -> str | None:
    """The schema's revision, or None for a database never migrated."""
    async with database.engine.connect() as conn:
        return await conn.run_sync(_current)


def head_revision() -> str | None:
    """The newest revision this version of Frontdesk knows."""
    return ScriptDirectory.from_config(_config()).get_current_head()


async def _migrate(database: Database, direction: str, revision: str) -> None:
    if database.dialect_name != "sqlite":
        async with database.engine.begin() as conn:
            await conn.run_sync(_run, direction, revision)
        return
    async with database.engine.connect() as conn:
        # Batch mode rebuilds a table by copy, DROP and rename; with foreign keys on, dropping
        # a parent table would cascade into its children. SQLite only changes this pragma
        # outside a transaction, and checks the keys once at the end instead.
        await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await conn.commit()
        try:
            async with conn.begin():
                await conn.run_sync(_run, direction, revision)
        finally:
            await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            await conn.commit()


def _run(connection: Connection, direction: str, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        # Several server processes may start at once; the first migrates, the others wait.
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _POSTGRES_LOCK_ID})
    else:
        # Take the write lock first, so concurrent starters queue up (busy_timeout) instead of
        # racing, and so the DDL runs inside the transaction and commits or fails as a whole.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    if direction == "upgrade":
        command.upgrade(_config(connection), revision)
    else:
        command.downgrade(_config(connection), revision)
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise MigrationFailed(f"{len(broken)} rows' foreign keys point nowhere after migrating")


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
