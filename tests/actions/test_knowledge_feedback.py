"""Views, votes, searches without an answer, and the statistics admins read from them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from frontdesk.actions.knowledge_bases import delete_article, get_article, list_articles
from frontdesk.actions.knowledge_feedback import (
    record_not_found,
    record_search,
    record_view,
    record_vote,
)
from frontdesk.actions.knowledge_search import Scope
from frontdesk.actions.knowledge_sessions import open_session
from frontdesk.actions.knowledge_views import (
    article_votes,
    list_categories,
    top_searches,
    trending_articles,
    unanswered_searches,
)
from frontdesk.errors import NotFound
from frontdesk.security.keyring import Keyring
from frontdesk.store.database import Database
from frontdesk.store.models import KnowledgeFeedback
from tests.actions.knowledge_helpers import KB, import_demo_articles, migrated_database
from tests.conftest import TEST_SECRET_KEY

KEYRING = Keyring(TEST_SECRET_KEY.encode())


@pytest.fixture
async def database(database_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated_database(database_url, tmp_path) as database:
        await import_demo_articles(database)
        yield database


async def article_ids(database: Database) -> dict[str, int]:
    articles, _ = await list_articles(database, KB, limit=100)
    return {a.external_id: a.id for a in articles}


async def test_views_count_and_make_articles_trend(database: Database) -> None:
    ids = await article_ids(database)
    for _ in range(3):
        await record_view(database, ids["warranty"], kb_id=KB, session_id=None)
    assert await record_view(database, ids["contact"], kb_id=KB, session_id=None) == 1
    trending = await trending_articles(database, Scope("en"), 2)
    assert [(a.external_id, a.views) for a in trending] == [("warranty", 3), ("contact", 1)]
    with pytest.raises(NotFound):
        await record_view(database, ids["warranty"], kb_id="other-kb", session_id=None)
    with pytest.raises(NotFound):
        await record_view(database, 10**9, kb_id=None, session_id=None)


async def test_one_vote_per_session_and_article_which_can_change(database: Database) -> None:
    ids = await article_ids(database)
    first, _ = await open_session(database, KEYRING, language="en")
    second, _ = await open_session(database, KEYRING, language="en")
    doc = ids["returns"]
    assert await record_vote(database, doc, kb_id=KB, session_id=first.id, helpful=True) == (1, 0)
    assert await record_vote(database, doc, kb_id=KB, session_id=first.id, helpful=True) == (1, 0)
    assert await record_vote(database, doc, kb_id=KB, session_id=second.id, helpful=True) == (2, 0)
    assert await record_vote(database, doc, kb_id=KB, session_id=first.id, helpful=False) == (1, 1)
    article = await get_article(database, doc)
    assert (article.helpful, article.unhelpful) == (1, 1)
    votes = await article_votes(database, kb_id=KB, limit=5)
    assert [(a.external_id, a.helpful, a.unhelpful) for a in votes] == [("returns", 1, 1)]


async def test_searches_and_not_found_reports_feed_the_statistics(database: Database) -> None:
    for query, results in [
        ("Return shoes", 2),
        ("return  SHOES!", 2),
        ("how do I return shoes", 0),
        ("teleport", 0),
        ("teleport", 0),
        ("lamp", 1),
    ]:
        await record_search(database, query, language="en", results=results, session_id=None)
    await record_not_found(database, "Teleport?", session_id=None)
    await record_not_found(database, "hovercraft", session_id=None)
    top = await top_searches(database, days=30, limit=10)
    assert [(s.query, s.searches, s.without_result) for s in top] == [
        ("return shoes", 3, 1),
        ("teleport", 2, 2),
        ("lamp", 1, 0),
    ]
    unanswered = await unanswered_searches(database, days=30, limit=10)
    assert [(s.query, s.without_result, s.not_found_reports) for s in unanswered] == [
        ("teleport", 2, 1),
        ("hovercraft", 0, 1),
        ("return shoes", 1, 0),
    ]


async def test_deleting_an_article_deletes_its_feedback(database: Database) -> None:
    ids = await article_ids(database)
    await record_view(database, ids["lamp-colour"], kb_id=KB, session_id=None)
    await delete_article(database, ids["lamp-colour"])
    async with database.session() as session:
        left = await session.scalar(select(func.count()).select_from(KnowledgeFeedback))
    assert left == 0


async def test_categories_are_counted_per_language(database: Database) -> None:
    categories = {c.name: c.articles for c in await list_categories(database, Scope("en"))}
    assert categories == {
        "Orders & returns": 3,
        "Shipping": 4,
        "Payment": 4,
        "Account": 3,
        "Products": 5,
        "Help": 1,
    }
    assert await list_categories(database, Scope("fr")) == []
