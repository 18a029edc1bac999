"""The knowledge search index, kept beside the articles in the same transaction.

SQLite: an FTS5 table ``knowledge_fts`` (title, body, keywords) whose rowid is the article id.
PostgreSQL: ``knowledge_fts`` rows with the article's stemming configuration, a weighted
``tsvector`` of everything (title A, categories and tags B, body D) and one of the headings alone,
each under a GIN index; they cascade with the article.
Both hold the body as plain text, so snippets show no Markdown. The migration 0007 creates them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actions.knowledge_text import plain_text, postgres_config, vocabulary
from frontdesk.store.models import Article, KnowledgeTerm

SEARCH_INDEX_TABLE = "knowledge_fts"
_TERM_BATCH = 500


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def keywords(article: Article) -> str:
    """Categories and tags as one searchable line."""
    return " ".join([*article.categories, *article.tags])


async def index_article(
    session: AsyncSession, article: Article, *, terms: set[str] | None = None
) -> None:
    """(Re)write the article's index row and add its words to the vocabulary; no commit.

    With ``terms``, the words are collected there instead, for the caller to add in one go.
    """
    body = plain_text(article.body)
    if _dialect(session) == "sqlite":
        await session.execute(
            text("DELETE FROM knowledge_fts WHERE rowid = :id"), {"id": article.id}
        )
        await session.execute(
            text(
                "INSERT INTO knowledge_fts (rowid, title, body, keywords)"
                " VALUES (:id, :title, :body, :keywords)"
            ),
            {"id": article.id, "title": article.title, "body": body, "keywords": keywords(article)},
        )
    else:
        await session.execute(
            text(
                "WITH parts AS (SELECT"
                " setweight(to_tsvector(CAST(:config AS regconfig), :title), 'A')"
                " || setweight(to_tsvector(CAST(:config AS regconfig), :keywords), 'B')"
                " AS headings)"
                " INSERT INTO knowledge_fts (article_id, config, document, headings, plain)"
                " SELECT :id, CAST(:config AS regconfig),"
                " parts.headings"
                " || setweight(to_tsvector(CAST(:config AS regconfig), :body), 'D'),"
                " parts.headings, :body FROM parts"
                " ON CONFLICT (article_id) DO UPDATE"
                " SET config = excluded.config, document = excluded.document,"
                " headings = excluded.headings, plain = excluded.plain"
            ),
            {
                "id": article.id,
                "config": postgres_config(article.language),
                "title": article.title,
                "keywords": keywords(article),
                "body": body,
            },
        )
    words = vocabulary(article.title, body, keywords(article))
    if terms is None:
        await add_terms(session, words)
    else:
        terms.update(words)


async def unindex_articles(session: AsyncSession, article_ids: Iterable[int]) -> None:
    """Drop index rows of articles about to be deleted (PostgreSQL cascades by itself)."""
    if _dialect(session) != "sqlite":
        return
    for article_id in article_ids:
        await session.execute(
            text("DELETE FROM knowledge_fts WHERE rowid = :id"), {"id": article_id}
        )


async def add_terms(session: AsyncSession, terms: set[str]) -> None:
    """Add words to the typo vocabulary; words already there stay as they are.

    Words are never removed: a stale word can only suggest a correction that then finds
    nothing, and keeping it spares counting which articles still use it.
    """
    ordered = sorted(terms)
    insert = sqlite_insert if _dialect(session) == "sqlite" else postgres_insert
    for start in range(0, len(ordered), _TERM_BATCH):
        batch = ordered[start : start + _TERM_BATCH]
        statement = insert(KnowledgeTerm).values(
            [{"term": term, "length": len(term)} for term in batch]
        )
        await session.execute(statement.on_conflict_do_nothing(index_elements=["term"]))


async def refresh_statistics(session: AsyncSession) -> None:
    """Let PostgreSQL's planner see a bulk import now, not when autovacuum comes round.

    Until it does, the planner may guess that scanning every row beats the GIN indexes, and
    searches take ten times longer. SQLite plans full-text queries without statistics.
    """
    if _dialect(session) != "sqlite":
        await session.execute(text("ANALYZE knowledge_articles, knowledge_fts, knowledge_terms"))
