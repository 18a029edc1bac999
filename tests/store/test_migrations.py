from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.migrate import current_revision, downgrade, head_revision, upgrade
from frontdesk.store.models import Base

TABLES = {
    "agents",
    "files",
    "agent_sessions",
    "login_failures",
    "conversations",
    "members",
    "messages",
    "agent_presence",
    "call_numbers",
    "calls",
    "redeem_failures",
    "operator_keys",
    "knowledge_bases",
    "knowledge_articles",
    "knowledge_sessions",
    "knowledge_searches",
    "knowledge_feedback",
    "knowledge_terms",
}
# The knowledge search index is made by hand per dialect (FTS5 or tsvector), outside the models.
SEARCH_INDEX_PREFIX = "knowledge_fts"


def _settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url, secret_key="x" * 40)


@pytest.fixture
async def database(database_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.connect(_settings(database_url, tmp_path))
    yield database
    await database.close()


async def _tables(database: Database) -> set[str]:
    async with database.engine.connect() as conn:
        names: list[str] = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    ignored = {"alembic_version"}
    return {name for name in names if not name.startswith(SEARCH_INDEX_PREFIX)} - ignored


def _schema_diff(connection: Connection) -> list[Any]:
    def outside_search_index(name: str | None, type_: str, parent: Any) -> bool:
        return not (type_ == "table" and (name or "").startswith(SEARCH_INDEX_PREFIX))

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": outside_search_index}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_upgrade_from_empty_reaches_head(database: Database) -> None:
    assert await current_revision(database) is None
    await upgrade(database)
    assert await current_revision(database) == head_revision() == "0008"
    assert await _tables(database) == TABLES


async def test_upgrade_at_head_changes_nothing(database: Database) -> None:
    await upgrade(database)
    await upgrade(database)
    assert await current_revision(database) == head_revision()


async def test_downgrade_to_base_then_upgrade_again(database: Database) -> None:
    await upgrade(database)
    await downgrade(database, "base")
    assert await current_revision(database) is None
    assert await _tables(database) == set()
    await upgrade(database)
    assert await _tables(database) == TABLES


async def test_models_match_the_migrated_schema(database: Database) -> None:
    await upgrade(database)
    async with database.engine.connect() as conn:
        assert await conn.run_sync(_schema_diff) == []


async def test_processes_starting_together_migrate_once(database_url: str, tmp_path: Path) -> None:
    databases = [await Database.connect(_settings(database_url, tmp_path)) for _ in range(3)]
    try:
        await asyncio.gather(*(upgrade(database) for database in databases))
        assert await current_revision(databases[0]) == head_revision()
    finally:
        for database in databases:
            await database.close()


async def test_sqlite_foreign_keys_are_back_on_after_migrating(tmp_path: Path) -> None:
    database = await Database.connect(_settings(f"sqlite:///{tmp_path / 'f.db'}", tmp_path))
    try:
        await upgrade(database)
        # One pooled connection did the migration; it must not come back with keys off.
        async with database.engine.connect() as conn:
            assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
    finally:
        await database.close()


async def test_file_messages_become_notices_when_going_back_to_0002(database: Database) -> None:
    import datetime as dt

    from sqlalchemy import text

    now = dt.datetime(2026, 11, 24, 7, tzinfo=dt.UTC)
    await upgrade(database)
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO conversations VALUES ('c1', 'queued', 'o', 't', 1, NULL, '', '', '',"
                " '', '{}', '', '', '', '', '', :now, NULL, :now, NULL, NULL)"
            ),
            {"now": now},
        )
        await conn.execute(
            text(
                # The columns of revision 0002, which the test goes back to.
                'INSERT INTO messages (conversation_id, "index", kind, member_id, text, data,'
                " created_at) VALUES ('c1', 1, 'file', NULL, 'a.png', NULL, :now)"
            ),
            {"now": now},
        )
    with pytest.raises(Exception, match=r"(?i)check"):
        async with database.engine.begin() as conn:
            await conn.execute(
                text(
                    'INSERT INTO messages (conversation_id, "index", kind, member_id, text, data,'
                    " created_at) VALUES ('c1', 2, 'bogus', NULL, '', NULL, :now)"
                ),
                {"now": now},
            )
    await downgrade(database, "0002")
    async with database.engine.connect() as conn:
        kinds = (await conn.execute(text("SELECT kind FROM messages"))).scalars().all()
    assert kinds == ["notice"]
    await upgrade(database)
    assert await _tables(database) == TABLES
