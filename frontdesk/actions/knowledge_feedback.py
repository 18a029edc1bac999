"""What visitors tell us: searches run, articles viewed, votes, and "nothing answered me".

Each write keeps the article's counters and the feedback rows in one transaction, so the
counters the widget reads and the rows the admins' statistics group always agree.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actions.knowledge_text import MAX_QUERY_CHARS, clean_line, query_terms
from frontdesk.errors import InvalidToken, NotFound
from frontdesk.store.database import Database
from frontdesk.store.models import Article, KnowledgeFeedback, KnowledgeSearch, utcnow


async def _article(session: AsyncSession, article_id: int, kb_id: str | None) -> Article:
    article = await session.get(Article, article_id)
    if article is None or (kb_id is not None and article.kb_id != kb_id):
        raise NotFound("No such article.", kb_id=kb_id, doc_id=article_id)
    return article


async def record_search(
    database: Database, query: str, *, language: str, results: int, session_id: str | None
) -> int:
    """Log a search a visitor ran; its id."""
    row = KnowledgeSearch(
        session_id=session_id,
        query=clean_line(query)[:MAX_QUERY_CHARS],
        normalized=" ".join(query_terms(query))[:MAX_QUERY_CHARS],
        language=language,
        results=results,
        at=utcnow(),
    )
    async with database.session() as session:
        session.add(row)
        await session.commit()
    return row.id


async def record_view(
    database: Database, article_id: int, *, kb_id: str | None, session_id: str | None
) -> int:
    """Count a view of an article; its views now."""
    async with database.session() as session:
        article = await _article(session, article_id, kb_id)
        session.add(
            KnowledgeFeedback(
                kind="view", article_id=article.id, session_id=session_id, query="", at=utcnow()
            )
        )
        await session.execute(
            update(Article).where(Article.id == article.id).values(views=Article.views + 1)
        )
        await session.commit()
        await session.refresh(article)
        return article.views


async def record_vote(
    database: Database, article_id: int, *, kb_id: str | None, session_id: str, helpful: bool
) -> tuple[int, int]:
    """A session's vote on an article; voting again replaces its earlier vote.

    Returns the article's (helpful, unhelpful) counts afterwards.
    """
    if not session_id:
        raise InvalidToken("Voting needs a search session.", reason="missing")
    async with database.session() as session:
        article = await _article(session, article_id, kb_id)
        earlier = await session.scalar(
            select(KnowledgeFeedback).where(
                KnowledgeFeedback.session_id == session_id,
                KnowledgeFeedback.article_id == article.id,
                KnowledgeFeedback.kind == "vote",
            )
        )
        up, down = (1, 0) if helpful else (0, 1)
        if earlier is not None:
            if earlier.helpful == helpful:
                return article.helpful, article.unhelpful
            up, down = (1, -1) if helpful else (-1, 1)
            earlier.helpful = helpful
            earlier.at = utcnow()
        else:
            session.add(
                KnowledgeFeedback(
                    kind="vote",
                    article_id=article.id,
                    session_id=session_id,
                    helpful=helpful,
                    query="",
                    at=utcnow(),
                )
            )
        await session.execute(
            update(Article)
            .where(Article.id == article.id)
            .values(helpful=Article.helpful + up, unhelpful=Article.unhelpful + down)
        )
        await session.commit()
        await session.refresh(article)
        return article.helpful, article.unhelpful


async def record_not_found(database: Database, query: str, *, session_id: str | None) -> None:
    """A visitor says no article answered ``query``."""
    query_terms(query)  # refuses a huge query the same way a search would
    async with database.session() as session:
        session.add(
            KnowledgeFeedback(
                kind="notfound",
                session_id=session_id,
                query=clean_line(query)[:MAX_QUERY_CHARS],
                at=utcnow(),
            )
        )
        await session.commit()
