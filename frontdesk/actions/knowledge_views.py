"""Reading the knowledge base for the widget and the admins: trending articles, categories,
one article in full, and the statistics of searches and votes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import case, func, or_, select, text

from frontdesk.actions.knowledge_bases import ArticleInfo, article_info
from frontdesk.actions.knowledge_search import Scope, _scope_clauses
from frontdesk.actions.knowledge_text import MAX_QUERY_CHARS, primary_language, query_terms
from frontdesk.errors import NotFound
from frontdesk.store.database import Database
from frontdesk.store.models import Article, KnowledgeFeedback, KnowledgeSearch, utcnow


@dataclasses.dataclass(frozen=True, slots=True)
class Category:
    """A category name and how many articles in scope carry it."""

    name: str
    articles: int


def _in_scope(scope: Scope) -> list[Any]:
    language = primary_language(scope.language)
    where: list[Any] = [or_(Article.language == language, Article.language.like(language + "-%"))]
    if scope.kb_ids:
        where.append(Article.kb_id.in_(scope.kb_ids))
    return where


async def trending_articles(database: Database, scope: Scope, limit: int) -> list[ArticleInfo]:
    """The most viewed articles in scope (more helpful votes break ties)."""
    async with database.session() as session:
        if scope.categories:
            # Categories are a JSON list per article: the search's own dialect-aware clauses
            # pick them, so a topic's trending articles are the ones its search browses.
            where, values, binds = _scope_clauses(scope, session.get_bind().dialect.name)
            statement = text(
                f"SELECT a.* FROM knowledge_articles AS a WHERE {where}"  # noqa: S608 - fixed SQL fragments only; values are bound
                " ORDER BY a.views DESC, a.helpful DESC, a.id LIMIT :limit"
            ).bindparams(*binds)
            found = await session.scalars(
                select(Article).from_statement(statement), values | {"limit": limit}
            )
            return [article_info(row) for row in found]
        rows = await session.scalars(
            select(Article)
            .where(*_in_scope(scope))
            .order_by(Article.views.desc(), Article.helpful.desc(), Article.id)
            .limit(limit)
        )
        return [article_info(row) for row in rows]


async def list_categories(database: Database, scope: Scope) -> list[Category]:
    """Every category used in scope, most used first."""
    counts: Counter[str] = Counter()
    async with database.session() as session:
        for categories in await session.scalars(
            select(Article.categories).where(*_in_scope(scope))
        ):
            counts.update(categories)
    return [Category(name, count) for name, count in sorted(counts.items(), key=_by_count)]


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0].casefold()


async def full_article(database: Database, kb_id: str, article_id: int) -> ArticleInfo:
    """One article of a knowledge base; ``NotFound`` otherwise."""
    async with database.session() as session:
        article = await session.get(Article, article_id)
        if article is None or article.kb_id != kb_id:
            raise NotFound("No such article.", kb_id=kb_id, doc_id=article_id)
        return article_info(article)


@dataclasses.dataclass(frozen=True, slots=True)
class SearchStat:
    """A search (its normalised terms), how often it ran, and how it fared."""

    query: str
    searches: int
    without_result: int
    not_found_reports: int
    last_at: dt.datetime | None


async def top_searches(database: Database, *, days: int, limit: int) -> list[SearchStat]:
    """The searches run most often in the last ``days`` days."""
    since = utcnow() - dt.timedelta(days=days)
    async with database.session() as session:
        rows = await session.execute(
            select(
                KnowledgeSearch.normalized,
                func.count(),
                func.sum(case((KnowledgeSearch.results == 0, 1), else_=0)),
                func.max(KnowledgeSearch.at),
            )
            .where(KnowledgeSearch.at >= since, KnowledgeSearch.normalized != "")
            .group_by(KnowledgeSearch.normalized)
            .order_by(func.count().desc(), KnowledgeSearch.normalized)
            .limit(limit)
        )
        return [
            SearchStat(query, int(count), int(empty or 0), 0, last)
            for query, count, empty, last in rows.all()
        ]


async def unanswered_searches(database: Database, *, days: int, limit: int) -> list[SearchStat]:
    """What visitors looked for in vain: searches without a result and "not found" reports."""
    since = utcnow() - dt.timedelta(days=days)
    stats: dict[str, list[Any]] = {}
    async with database.session() as session:
        empty = await session.execute(
            select(KnowledgeSearch.normalized, func.count(), func.max(KnowledgeSearch.at))
            .where(
                KnowledgeSearch.at >= since,
                KnowledgeSearch.results == 0,
                KnowledgeSearch.normalized != "",
            )
            .group_by(KnowledgeSearch.normalized)
        )
        for query, count, last in empty.all():
            stats[query] = [int(count), 0, last]
        reports = await session.execute(
            select(KnowledgeFeedback.query, KnowledgeFeedback.at).where(
                KnowledgeFeedback.kind == "notfound", KnowledgeFeedback.at >= since
            )
        )
        for raw, at in reports.all():
            key = " ".join(query_terms(raw[:MAX_QUERY_CHARS]))
            if not key:
                continue
            entry = stats.setdefault(key, [0, 0, at])
            entry[1] += 1
            entry[2] = max(entry[2], at)
    ranked = sorted(stats.items(), key=lambda item: (-(item[1][0] + item[1][1]), item[0]))
    return [
        SearchStat(query, count, count, reports, last)
        for query, (count, reports, last) in ranked[:limit]
    ]


async def article_votes(database: Database, *, kb_id: str | None, limit: int) -> list[ArticleInfo]:
    """Articles with the most votes first, with their helpful and unhelpful counts."""
    async with database.session() as session:
        where = [] if kb_id is None else [Article.kb_id == kb_id]
        rows = await session.scalars(
            select(Article)
            .where(*where, (Article.helpful + Article.unhelpful) > 0)
            .order_by((Article.helpful + Article.unhelpful).desc(), Article.id)
            .limit(limit)
        )
        return [article_info(row) for row in rows]
