"""Shared steps of the knowledge tests: a migrated database and the demo shop's articles."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from frontdesk.actions.knowledge_import import import_articles, read_source
from frontdesk.demo.knowledge_base import ARTICLES
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.migrate import upgrade
from tests.conftest import TEST_SECRET_KEY

KB = "shop"


@contextlib.asynccontextmanager
async def migrated_database(database_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty database at the newest schema, closed afterwards."""
    settings = Settings(data_dir=tmp_path, database_url=database_url, secret_key=TEST_SECRET_KEY)
    database = await Database.connect(settings)
    try:
        await upgrade(database)
        yield database
    finally:
        await database.close()


async def import_demo_articles(database: Database, kb_id: str = KB) -> int:
    """The demo shop's 20 help articles, imported into ``kb_id``."""
    articles = read_source(ARTICLES)
    await import_articles(database, kb_id, articles, name="Shop help", language="en")
    return len(articles)
