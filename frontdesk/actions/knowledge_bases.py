"""Knowledge bases and their articles: create, update, delete; imports upsert by external id."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actions.knowledge_index import index_article, unindex_articles
from frontdesk.actions.knowledge_text import checked_language, clean_line
from frontdesk.errors import Conflict, InvalidInput, NotFound
from frontdesk.store.database import Database
from frontdesk.store.models import Article, KnowledgeBase, utcnow

MAX_BODY_CHARS = 200_000
MAX_LABELS = 20
MAX_LABEL_CHARS = 100
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_EXTERNAL_ID = re.compile(r"[^\x00-\x1f\x7f]{1,200}")


@dataclasses.dataclass(frozen=True, slots=True)
class KnowledgeBaseInfo:
    """A knowledge base as the APIs show it."""

    id: str
    name: str
    description: str
    language: str
    articles: int


@dataclasses.dataclass(frozen=True, slots=True)
class ArticleInput:
    """An article as an admin or an import gives it; checked by ``checked_article``."""

    external_id: str
    title: str
    body: str
    language: str = ""
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class ArticleInfo:
    """An article with its counters."""

    id: int
    kb_id: str
    external_id: str
    title: str
    body: str
    language: str
    categories: list[str]
    tags: list[str]
    views: int
    helpful: int
    unhelpful: int
    updated_at: dt.datetime


def article_info(article: Article) -> ArticleInfo:
    """The public view of a stored article."""
    return ArticleInfo(
        id=article.id,
        kb_id=article.kb_id,
        external_id=article.external_id,
        title=article.title,
        body=article.body,
        language=article.language,
        categories=list(article.categories),
        tags=list(article.tags),
        views=article.views,
        helpful=article.helpful,
        unhelpful=article.unhelpful,
        updated_at=article.updated_at,
    )


def _invalid(field: str, problem: str) -> InvalidInput:
    return InvalidInput(f"{field}: {problem}.", fields=[{"field": field, "problem": problem}])


def checked_slug(value: str, field: str = "id") -> str:
    """A knowledge base id: lower-case letters, digits, ``-`` and ``_``, at most 64."""
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        raise _invalid(field, "use 1-64 lower-case letters, digits, - or _")
    return value


def _labels(values: Sequence[Any], field: str) -> tuple[str, ...]:
    if isinstance(values, str) or not all(isinstance(v, str) for v in values):
        raise _invalid(field, "must be a list of strings")
    cleaned = [clean_line(v)[:MAX_LABEL_CHARS] for v in values]
    unique = tuple(dict.fromkeys(v for v in cleaned if v))
    if len(unique) > MAX_LABELS:
        raise _invalid(field, f"at most {MAX_LABELS}")
    return unique


def checked_article(given: ArticleInput, default_language: str) -> ArticleInput:
    """The article with its fields cleaned and checked; ``InvalidInput`` names the bad field."""
    if not _EXTERNAL_ID.fullmatch(given.external_id):
        raise _invalid("externalId", "1-200 characters, no control characters")
    title = clean_line(given.title)
    if not title or len(title) > 300:
        raise _invalid("title", "1-300 characters")
    if len(given.body) > MAX_BODY_CHARS:
        raise _invalid("body", f"at most {MAX_BODY_CHARS} characters")
    if "\x00" in given.body:
        raise _invalid("body", "contains NUL")
    return ArticleInput(
        external_id=given.external_id,
        title=title,
        body=given.body.replace("\r\n", "\n"),
        language=checked_language(given.language or default_language, field="language"),
        categories=_labels(given.categories, "categories"),
        tags=_labels(given.tags, "tags"),
    )


def content_hash(article: ArticleInput) -> str:
    """What an import compares to know whether an article changed."""
    fields = [article.title, article.body, article.language, article.categories, article.tags]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()


async def _kb_info(session: AsyncSession, kb: KnowledgeBase) -> KnowledgeBaseInfo:
    count = await session.scalar(
        select(func.count()).select_from(Article).where(Article.kb_id == kb.id)
    )
    return KnowledgeBaseInfo(kb.id, kb.name, kb.description, kb.language, int(count or 0))


async def list_knowledge_bases(database: Database) -> list[KnowledgeBaseInfo]:
    """Every knowledge base, by id, with its article count."""
    async with database.session() as session:
        counts = dict(
            (
                await session.execute(select(Article.kb_id, func.count()).group_by(Article.kb_id))
            ).all()
        )
        kbs = (await session.scalars(select(KnowledgeBase).order_by(KnowledgeBase.id))).all()
        return [
            KnowledgeBaseInfo(kb.id, kb.name, kb.description, kb.language, counts.get(kb.id, 0))
            for kb in kbs
        ]


async def get_knowledge_base(database: Database, kb_id: str) -> KnowledgeBaseInfo:
    """One knowledge base; ``NotFound`` if there is none with that id."""
    async with database.session() as session:
        kb = await session.get(KnowledgeBase, kb_id)
        if kb is None:
            raise NotFound("No such knowledge base.", kb_id=kb_id)
        return await _kb_info(session, kb)


async def save_knowledge_base(
    database: Database,
    kb_id: str,
    *,
    name: str | None = None,
    description: str | None = None,
    language: str | None = None,
    create_only: bool = False,
) -> KnowledgeBaseInfo:
    """Create the knowledge base, or change the fields given; ``Conflict`` if ``create_only``."""
    kb_id = checked_slug(kb_id)
    if name is not None and not (0 < len(clean_line(name)) <= 200):
        raise _invalid("name", "1-200 characters")
    if description is not None and len(description) > 2000:
        raise _invalid("description", "at most 2000 characters")
    lang = checked_language(language, field="language") if language is not None else None
    now = utcnow()
    async with database.session() as session:
        kb = await session.get(KnowledgeBase, kb_id, with_for_update=True)
        if kb is not None and create_only:
            raise Conflict("A knowledge base with this id exists.", kb_id=kb_id)
        if kb is None:
            kb = KnowledgeBase(
                id=kb_id,
                name=clean_line(name) if name else kb_id,
                description=description or "",
                language=lang or "en",
                created_at=now,
                updated_at=now,
            )
            session.add(kb)
        else:
            if name is not None:
                kb.name = clean_line(name)
            if description is not None:
                kb.description = description
            if lang is not None:
                kb.language = lang
            kb.updated_at = now
        await session.commit()
        return await _kb_info(session, kb)


async def delete_knowledge_base(database: Database, kb_id: str) -> None:
    """Delete a knowledge base with its articles and their feedback."""
    async with database.session() as session:
        kb = await session.get(KnowledgeBase, kb_id)
        if kb is None:
            raise NotFound("No such knowledge base.", kb_id=kb_id)
        ids = (await session.scalars(select(Article.id).where(Article.kb_id == kb_id))).all()
        await unindex_articles(session, ids)
        await session.delete(kb)
        await session.commit()


async def upsert_article(
    session: AsyncSession,
    kb: KnowledgeBase,
    given: ArticleInput,
    *,
    known: dict[str, Article] | None = None,
    terms: set[str] | None = None,
) -> tuple[Article, str]:
    """Create or update the article with ``given.external_id``; no commit.

    Returns the article and what happened: ``created``, ``updated`` or ``unchanged``. An import
    passes ``known`` (the batch's stored articles by external id, so there is no lookup per
    article) and ``terms`` (to add the batch's vocabulary at once).
    """
    checked = checked_article(given, kb.language)
    digest = content_hash(checked)
    if known is not None:
        article = known.get(checked.external_id)
    else:
        article = await session.scalar(
            select(Article).where(
                Article.kb_id == kb.id, Article.external_id == checked.external_id
            )
        )
    now = utcnow()
    if article is not None and article.content_hash == digest:
        return article, "unchanged"
    outcome = "updated"
    if article is None:
        outcome = "created"
        article = Article(
            kb_id=kb.id,
            external_id=checked.external_id,
            views=0,
            helpful=0,
            unhelpful=0,
            created_at=now,
        )
        session.add(article)
    article.title = checked.title
    article.body = checked.body
    article.language = checked.language
    article.categories = list(checked.categories)
    article.tags = list(checked.tags)
    article.content_hash = digest
    article.updated_at = now
    await session.flush()
    await index_article(session, article, terms=terms)
    return article, outcome


async def save_article(
    database: Database, kb_id: str, given: ArticleInput, *, create_only: bool = False
) -> ArticleInfo:
    """Create an article (or update the one with the same external id) and index it."""
    async with database.session() as session:
        kb = await session.get(KnowledgeBase, kb_id)
        if kb is None:
            raise NotFound("No such knowledge base.", kb_id=kb_id)
        if create_only:
            exists = await session.scalar(
                select(Article.id).where(
                    Article.kb_id == kb_id, Article.external_id == given.external_id
                )
            )
            if exists is not None:
                raise Conflict("An article with this externalId exists.", article_id=exists)
        article, _ = await upsert_article(session, kb, given)
        await session.commit()
        return article_info(article)


async def get_article(database: Database, article_id: int) -> ArticleInfo:
    """One article by id; ``NotFound`` otherwise."""
    async with database.session() as session:
        article = await session.get(Article, article_id)
        if article is None:
            raise NotFound("No such article.", article_id=article_id)
        return article_info(article)


async def update_article(
    database: Database, article_id: int, changes: dict[str, Any]
) -> ArticleInfo:
    """Change some fields of an article (``title``, ``body``, ``language``, ``categories``,
    ``tags``, ``external_id``) and index it again."""
    async with database.session() as session:
        article = await session.get(Article, article_id)
        if article is None:
            raise NotFound("No such article.", article_id=article_id)
        kb = await session.get(KnowledgeBase, article.kb_id)
        if kb is None:
            raise NotFound("No such knowledge base.", kb_id=article.kb_id)
        merged = ArticleInput(
            external_id=changes.get("external_id", article.external_id),
            title=changes.get("title", article.title),
            body=changes.get("body", article.body),
            language=changes.get("language", article.language),
            categories=tuple(changes.get("categories", article.categories)),
            tags=tuple(changes.get("tags", article.tags)),
        )
        if merged.external_id != article.external_id:
            clash = await session.scalar(
                select(Article.id).where(
                    Article.kb_id == kb.id, Article.external_id == merged.external_id
                )
            )
            if clash is not None:
                raise Conflict("An article with this externalId exists.", article_id=clash)
            article.external_id = merged.external_id
        updated, _ = await upsert_article(session, kb, merged)
        await session.commit()
        return article_info(updated)


async def delete_article(database: Database, article_id: int) -> None:
    """Delete an article with its feedback."""
    async with database.session() as session:
        article = await session.get(Article, article_id)
        if article is None:
            raise NotFound("No such article.", article_id=article_id)
        await unindex_articles(session, [article_id])
        await session.delete(article)
        await session.commit()


async def list_articles(
    database: Database, kb_id: str | None = None, *, offset: int = 0, limit: int = 50
) -> tuple[list[ArticleInfo], int]:
    """A page of articles (by id) and the total count, of one knowledge base or all."""
    async with database.session() as session:
        where = [] if kb_id is None else [Article.kb_id == kb_id]
        total = await session.scalar(select(func.count()).select_from(Article).where(*where))
        rows = await session.scalars(
            select(Article).where(*where).order_by(Article.id).offset(offset).limit(limit)
        )
        return [article_info(a) for a in rows], int(total or 0)
