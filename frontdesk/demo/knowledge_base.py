"""The demo's knowledge base: the shop's help articles in ``demo/knowledge``, imported the way
``frontdesk kb import`` imports, so the demo also shows what an import does."""

from __future__ import annotations

from pathlib import Path

from frontdesk.store.database import Database

DEMO_KB_ID = "demo-shop"
DEMO_KB_NAME = "Demo Shop help"
ARTICLES = Path(__file__).parent / "knowledge"


async def prepare_knowledge(database: Database) -> int:
    """Import (or refresh) the demo articles; how many there are."""
    from frontdesk.actions.knowledge_import import import_articles, read_source

    articles = read_source(ARTICLES)
    await import_articles(
        database, DEMO_KB_ID, articles, name=DEMO_KB_NAME, language="en", prune=True
    )
    return len(articles)
