"""The admins' knowledge API: knowledge bases, articles, and what visitors searched and voted.

Under ``/api/agent/knowledge``, for the ``admin`` role only, with the agent API's authentication
(bearer token, or the desk cookie from the desk's own origin). Shapes: ``docs/api/knowledge.md``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Any, cast

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from frontdesk.actions.knowledge_bases import (
    ArticleInfo,
    ArticleInput,
    KnowledgeBaseInfo,
    delete_article,
    delete_knowledge_base,
    get_article,
    get_knowledge_base,
    list_articles,
    list_knowledge_bases,
    save_article,
    save_knowledge_base,
    update_article,
)
from frontdesk.actions.knowledge_views import (
    SearchStat,
    article_votes,
    top_searches,
    unanswered_searches,
)
from frontdesk.transports.auth import Caller, require_role
from frontdesk.transports.ids import MAX_ROW_ID, RowId

if TYPE_CHECKING:
    from frontdesk.app import Services

router = APIRouter(prefix="/api/agent/knowledge", tags=["admin: knowledge"])

Admin = Annotated[Caller, Depends(require_role("admin"))]
Labels = list[Annotated[str, Field(max_length=100)]]


def _services(request: Request) -> Services:
    return cast("Services", request.app.state.services)


def _kb(kb: KnowledgeBaseInfo) -> dict[str, Any]:
    return {
        "id": kb.id,
        "name": kb.name,
        "description": kb.description,
        "lang": kb.language,
        "articles": kb.articles,
    }


def _article(article: ArticleInfo) -> dict[str, Any]:
    return {
        "id": article.id,
        "kbId": article.kb_id,
        "externalId": article.external_id,
        "lang": article.language,
        "title": article.title,
        "body": article.body,
        "categories": article.categories,
        "tags": article.tags,
        "views": article.views,
        "votes": {"helpful": article.helpful, "unhelpful": article.unhelpful},
        "updatedAt": article.updated_at.isoformat(),
    }


class KnowledgeBaseBody(BaseModel):
    """A knowledge base to create; on update every field is optional."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    lang: str | None = Field(default=None, max_length=35)


class ArticleBody(BaseModel):
    """An article to create; on update every field is optional."""

    model_config = ConfigDict(extra="forbid")

    externalId: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=300)
    body: str | None = Field(default=None, max_length=200_000)
    lang: str | None = Field(default=None, max_length=35)
    categories: Labels | None = Field(default=None, max_length=20)
    tags: Labels | None = Field(default=None, max_length=20)


@router.get("/bases", summary="List knowledge bases")
async def bases(request: Request, caller: Admin) -> dict[str, Any]:
    """Every knowledge base with its article count."""
    return {
        "knowledgebases": [
            _kb(kb) for kb in await list_knowledge_bases(_services(request).database)
        ]
    }


@router.post("/bases", status_code=201, summary="Create a knowledge base")
async def create_base(request: Request, caller: Admin, body: KnowledgeBaseBody) -> dict[str, Any]:
    """``id`` is a slug (lower-case letters, digits, ``-``, ``_``); ``409 conflict`` if taken."""
    kb = await save_knowledge_base(
        _services(request).database,
        body.id or "",
        name=body.name,
        description=body.description,
        language=body.lang,
        create_only=True,
    )
    return _kb(kb)


@router.get("/bases/{kb_id}", summary="Read a knowledge base")
async def read_base(request: Request, caller: Admin, kb_id: str) -> dict[str, Any]:
    """One knowledge base."""
    return _kb(await get_knowledge_base(_services(request).database, kb_id))


@router.patch("/bases/{kb_id}", summary="Change a knowledge base")
async def change_base(
    request: Request, caller: Admin, kb_id: str, body: KnowledgeBaseBody
) -> dict[str, Any]:
    """Change the name, description or default language; the id stays."""
    database = _services(request).database
    await get_knowledge_base(database, kb_id)
    kb = await save_knowledge_base(
        database, kb_id, name=body.name, description=body.description, language=body.lang
    )
    return _kb(kb)


@router.delete("/bases/{kb_id}", status_code=204, summary="Delete a knowledge base")
async def remove_base(request: Request, caller: Admin, kb_id: str) -> Response:
    """Deletes the knowledge base with all its articles and their feedback."""
    await delete_knowledge_base(_services(request).database, kb_id)
    return Response(status_code=204)


@router.get("/bases/{kb_id}/articles", summary="List articles")
async def articles(
    request: Request,
    caller: Admin,
    kb_id: str,
    offset: Annotated[int, Query(ge=0, le=MAX_ROW_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """A page of the knowledge base's articles, by id, and how many there are."""
    database = _services(request).database
    await get_knowledge_base(database, kb_id)
    found, total = await list_articles(database, kb_id, offset=offset, limit=limit)
    return {"articles": [_article(a) for a in found], "total": total}


@router.post("/bases/{kb_id}/articles", status_code=201, summary="Create an article")
async def create_article(
    request: Request, caller: Admin, kb_id: str, body: ArticleBody
) -> dict[str, Any]:
    """``title`` and ``body`` (Markdown) are needed; ``externalId`` is generated when missing."""
    given = ArticleInput(
        external_id=body.externalId or f"admin-{uuid.uuid4().hex[:12]}",
        title=body.title or "",
        body=body.body or "",
        language=body.lang or "",
        categories=tuple(body.categories or ()),
        tags=tuple(body.tags or ()),
    )
    saved = await save_article(_services(request).database, kb_id, given, create_only=True)
    return _article(saved)


@router.get("/articles/{article_id}", summary="Read an article")
async def read_article(request: Request, caller: Admin, article_id: RowId) -> dict[str, Any]:
    """One article with its counters."""
    return _article(await get_article(_services(request).database, article_id))


@router.patch("/articles/{article_id}", summary="Change an article")
async def change_article(
    request: Request, caller: Admin, article_id: RowId, body: ArticleBody
) -> dict[str, Any]:
    """Change any of the fields given; the search index follows in the same transaction."""
    names = {"externalId": "external_id", "lang": "language"}
    changes = {
        names.get(field, field): value
        for field, value in body.model_dump(exclude_unset=True).items()
        if value is not None
    }
    return _article(await update_article(_services(request).database, article_id, changes))


@router.delete("/articles/{article_id}", status_code=204, summary="Delete an article")
async def remove_article(request: Request, caller: Admin, article_id: RowId) -> Response:
    """Deletes the article and its feedback."""
    await delete_article(_services(request).database, article_id)
    return Response(status_code=204)


def _stat(stat: SearchStat) -> dict[str, Any]:
    return {
        "query": stat.query,
        "searches": stat.searches,
        "withoutResult": stat.without_result,
        "notFoundReports": stat.not_found_reports,
        "lastAt": stat.last_at.isoformat() if stat.last_at else None,
    }


@router.get("/stats", summary="Top searches, searches without a result, article votes")
async def stats(
    request: Request,
    caller: Admin,
    days: Annotated[int, Query(ge=1, le=3650)] = 30,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    kb_id: Annotated[str | None, Query(alias="kbId", max_length=64)] = None,
) -> dict[str, Any]:
    """What visitors searched for in the last ``days`` days and how they voted."""
    database = _services(request).database
    voted = await article_votes(database, kb_id=kb_id, limit=limit)
    return {
        "days": days,
        "topSearches": [_stat(s) for s in await top_searches(database, days=days, limit=limit)],
        "withoutResult": [
            _stat(s) for s in await unanswered_searches(database, days=days, limit=limit)
        ],
        "votes": [
            {
                "id": a.id,
                "kbId": a.kb_id,
                "title": a.title,
                "views": a.views,
                "helpful": a.helpful,
                "unhelpful": a.unhelpful,
            }
            for a in voted
        ],
    }
