"""The service endpoints KnowledgeCenterService calls (API v2), under ``/api/knowledge``.

The widget's ``host`` option is ``<server>/api/knowledge``; the paths below it are the ones the
service plugin requests. A search session travels as sealed keys in the ``gkc_sessionId`` header
(answered by ``POST /session/v2/sessions/``); keys that do not unseal are refused with
``401 invalid_token``, never silently ignored. Reads are open to any page (browsers send no
``Origin`` on same-origin reads) unless an ``Origin`` is sent that is not allowed; writes need an
allowed ``Origin``. Every request counts against the per-address limit ``knowledge-requests``.
Shapes: ``docs/api/knowledge.md``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Annotated, Any, cast

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import SQLAlchemyError

from frontdesk import __version__
from frontdesk.actions.knowledge_bases import ArticleInfo, list_knowledge_bases
from frontdesk.actions.knowledge_feedback import (
    record_not_found,
    record_search,
    record_view,
    record_vote,
)
from frontdesk.actions.knowledge_search import Hit, Scope, search_articles
from frontdesk.actions.knowledge_sessions import (
    SessionInfo,
    open_session,
    resume_session,
    update_session,
)
from frontdesk.actions.knowledge_text import article_html, checked_language
from frontdesk.actions.knowledge_views import full_article, list_categories, trending_articles
from frontdesk.errors import InvalidInput, InvalidToken, OriginNotAllowed
from frontdesk.transports.auth import client_ip, origin_key
from frontdesk.transports.error_docs import error_responses
from frontdesk.transports.ids import RowId

if TYPE_CHECKING:
    from frontdesk.app import Services

log = logging.getLogger("frontdesk.knowledge")

BASE = "/api/knowledge"
SESSION_HEADER = "gkc_sessionId"
MAX_LIST_ITEMS = 20

# Every route checks the site and the rate limit (``_guard``).
router = APIRouter(
    prefix=BASE, tags=["visitor: knowledge center"], responses=error_responses(403, 429)
)

Lang = Annotated[str, Query(max_length=35, description="Language tag, e.g. `en`.")]
Listed = Annotated[
    list[str] | None,
    Query(description="Repeat the parameter or separate values with commas."),
]
Size = Annotated[int | None, Query(ge=1, le=50)]


def _services(request: Request) -> Services:
    return cast("Services", request.app.state.services)


async def _guard(request: Request, *, write: bool = False) -> Services:
    """The origin rule and the rate limit every knowledge route applies."""
    svc = _services(request)
    origin = request.headers.get("origin")
    same_site = origin is not None and origin_key(origin) == origin_key(str(request.base_url))
    refused = (origin is None and write) or (
        origin is not None and not (same_site or svc.origins.allows(origin))
    )
    if refused:
        raise OriginNotAllowed("This site may not use the knowledge center here.", origin=origin)
    await svc.rate_limits.check(svc.rate_limits.knowledge_requests, client_ip(request))
    return svc


async def _session(
    request: Request, svc: Services, *, required: bool = False
) -> SessionInfo | None:
    keys = request.headers.get(SESSION_HEADER)
    if not keys:
        if required:
            raise InvalidToken("Open a search session first.", reason="missing")
        return None
    return await resume_session(svc.database, svc.keyring, keys)


def _listed(values: list[str] | None) -> tuple[str, ...]:
    found = [part.strip() for value in values or () for part in value.split(",") if part.strip()]
    if len(found) > MAX_LIST_ITEMS or any(len(item) > 100 for item in found):
        raise InvalidInput(f"At most {MAX_LIST_ITEMS} values of at most 100 characters each.")
    return tuple(dict.fromkeys(found))


def _scope(lang: str, knowledgebases: list[str] | None, categories: list[str] | None) -> Scope:
    return Scope(checked_language(lang), _listed(knowledgebases), _listed(categories))


def _votes(helpful: int, unhelpful: int) -> dict[str, int]:
    return {"helpful": helpful, "unhelpful": unhelpful}


def _document(article: ArticleInfo) -> dict[str, Any]:
    return {
        "id": article.id,
        "kbId": article.kb_id,
        "externalId": article.external_id,
        "lang": article.language,
        "title": article.title,
        "categories": article.categories,
        "tags": article.tags,
        "views": article.views,
        "votes": _votes(article.helpful, article.unhelpful),
        "updatedAt": article.updated_at.isoformat(),
    }


def _hit(hit: Hit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "kbId": hit.kb_id,
        "externalId": hit.external_id,
        "lang": hit.language,
        "title": hit.title,
        "titleHtml": hit.title_html,
        "snippet": hit.snippet,
        "categories": hit.categories,
        "score": hit.score,
        "views": hit.views,
        "votes": _votes(hit.helpful, hit.unhelpful),
    }


def _session_body(info: SessionInfo, keys: str) -> dict[str, Any]:
    return {
        "sessionId": info.id,
        "keys": keys,
        "language": info.language,
        "customerId": info.customer_id,
        "media": info.media,
        "createdAt": info.created_at.isoformat(),
    }


@router.get("/health/v2/ping", summary="The knowledge service answers")
async def ping(request: Request) -> dict[str, str]:
    """What ``configure`` calls before it publishes ``online``."""
    await _guard(request)
    return {"status": "ok", "version": __version__}


@router.get("/config/v2/kbs/", summary="The knowledge bases")
async def knowledge_bases(request: Request) -> dict[str, Any]:
    """Every knowledge base with its language and number of articles."""
    svc = await _guard(request)
    kbs = await list_knowledge_bases(svc.database)
    return {
        "knowledgebases": [
            {
                "id": kb.id,
                "name": kb.name,
                "description": kb.description,
                "lang": kb.language,
                "articles": kb.articles,
            }
            for kb in kbs
        ]
    }


@router.get("/browse/v2/locales/{lang}/cats/", summary="Categories in a language")
async def categories(request: Request, lang: str, knowledgebases: Listed = None) -> dict[str, Any]:
    """The categories of the articles in ``lang``, most used first."""
    svc = await _guard(request)
    found = await list_categories(svc.database, _scope(lang, knowledgebases, None))
    return {"categories": [{"id": c.name, "name": c.name, "count": c.articles} for c in found]}


@router.get("/search/v2/docs/top/", summary="Trending articles")
async def trending(
    request: Request,
    lang: Lang = "en",
    knowledgebases: Listed = None,
    categories: Listed = None,
    size: Size = None,
) -> dict[str, Any]:
    """The most viewed articles (``size`` defaults to 5, the widget's ``maxTrendingResults``),
    of some ``categories`` when given."""
    svc = await _guard(request)
    scope = _scope(lang, knowledgebases, categories)
    found = await trending_articles(svc.database, scope, size or 5)
    return {"documents": [_document(article) for article in found], "count": len(found)}


@router.get("/browse/v2/locales/{lang}/kbs/{kb_id}/docs/{doc_id}", summary="One article in full")
async def document(request: Request, lang: str, kb_id: str, doc_id: RowId) -> dict[str, Any]:
    """The article with its Markdown ``body`` and the same rendered as safe ``html``."""
    svc = await _guard(request)
    checked_language(lang)
    article = await full_article(svc.database, kb_id, doc_id)
    return {**_document(article), "body": article.body, "html": article_html(article.body)}


@router.get("/search/v2/search/", summary="Search articles")
async def search(
    request: Request,
    query: Annotated[str, Query(max_length=2000)] = "",
    lang: Lang = "en",
    knowledgebases: Listed = None,
    categories: Listed = None,
    size: Size = None,
    maxSearchResults: Size = None,
) -> dict[str, Any]:
    """Articles for ``query``, best first, with highlighted snippets; logged for the statistics."""
    svc = await _guard(request)
    session = await _session(request, svc)
    scope = _scope(lang, knowledgebases, categories)
    result = await search_articles(svc.database, query, scope, limit=size or maxSearchResults or 3)
    search_id = None
    if result.terms:
        try:
            search_id = await record_search(
                svc.database,
                query,
                language=scope.language,
                results=len(result.hits),
                session_id=session.id if session else None,
            )
        except SQLAlchemyError as exc:
            # The statistics are worth less than the answer: a busy database loses one entry.
            log.warning("search not logged: %s", exc)
    return {
        "query": query,
        "terms": result.terms,
        "corrected": " ".join(result.corrected) if result.corrected else None,
        "searchId": search_id,
        "count": len(result.hits),
        "documents": [_hit(hit) for hit in result.hits],
    }


@router.get("/search/v2/suggest/", summary="Suggest article titles while typing")
async def suggest(
    request: Request,
    query: Annotated[str, Query(max_length=2000)] = "",
    lang: Lang = "en",
    knowledgebases: Listed = None,
    size: Size = None,
) -> dict[str, Any]:
    """Titles that match what was typed so far (the last word as a prefix); not logged."""
    svc = await _guard(request)
    scope = _scope(lang, knowledgebases, None)
    result = await search_articles(svc.database, query, scope, limit=size or 5, titles_only=True)
    return {
        "query": query,
        "suggestions": [
            {"id": h.id, "kbId": h.kb_id, "title": h.title, "titleHtml": h.title_html}
            for h in result.hits
        ],
    }


class DocumentRef(BaseModel):
    """Which article feedback is about."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    kb_id: str | None = Field(default=None, alias="kbId", max_length=64)
    doc_id: int = Field(alias="docId", ge=1, le=2**31 - 1)


class NotFoundReport(BaseModel):
    """What a visitor looked for and did not find."""

    model_config = ConfigDict(extra="ignore")

    query: str = Field(max_length=2000)


@router.post("/feedback/v2/view", summary="Count a view of an article")
async def view(request: Request, body: DocumentRef) -> dict[str, int]:
    """Counts one view, attributed to the session when the keys are sent."""
    svc = await _guard(request, write=True)
    session = await _session(request, svc)
    views = await record_view(
        svc.database, body.doc_id, kb_id=body.kb_id, session_id=session.id if session else None
    )
    return {"views": views}


async def _vote(request: Request, body: DocumentRef, *, helpful: bool) -> dict[str, Any]:
    svc = await _guard(request, write=True)
    session = cast(SessionInfo, await _session(request, svc, required=True))
    up, down = await record_vote(
        svc.database, body.doc_id, kb_id=body.kb_id, session_id=session.id, helpful=helpful
    )
    return {"votes": _votes(up, down)}


@router.post("/feedback/v2/helpful", summary="Vote an article helpful")
async def vote_helpful(request: Request, body: DocumentRef) -> dict[str, Any]:
    """One vote per session and article: voting again replaces the earlier vote."""
    return await _vote(request, body, helpful=True)


@router.post("/feedback/v2/unhelpful", summary="Vote an article not helpful")
async def vote_unhelpful(request: Request, body: DocumentRef) -> dict[str, Any]:
    """One vote per session and article: voting again replaces the earlier vote."""
    return await _vote(request, body, helpful=False)


@router.post("/feedback/v2/notfound", status_code=204, summary="Report a search without answer")
async def not_found(request: Request, body: NotFoundReport) -> Response:
    """Shown to admins among the searches without a result."""
    svc = await _guard(request, write=True)
    session = await _session(request, svc)
    await record_not_found(svc.database, body.query, session_id=session.id if session else None)
    return Response(status_code=204)


class SessionBody(BaseModel):
    """What a session is opened or changed with."""

    model_config = ConfigDict(extra="ignore")

    lang: str | None = Field(default=None, max_length=35)
    customerId: str | None = Field(default=None, max_length=100)
    media: str | None = Field(default=None, max_length=32)


@router.post("/session/v2/sessions/", status_code=201, summary="Open a search session")
async def create_session(request: Request, body: SessionBody) -> JSONResponse:
    """A new session; its sealed keys come in the body and in the ``gkc_sessionId`` header."""
    svc = await _guard(request, write=True)
    info, keys = await open_session(
        svc.database,
        svc.keyring,
        language=body.lang or "en",
        customer_id=body.customerId or "",
        media=body.media or "selfservice",
        origin=request.headers.get("origin", ""),
    )
    return JSONResponse(_session_body(info, keys), status_code=201, headers={SESSION_HEADER: keys})


async def _own_session(request: Request, svc: Services, session_id: str) -> tuple[SessionInfo, str]:
    keys = request.headers.get(SESSION_HEADER, "")
    if not keys:
        raise InvalidToken("Send the session's keys in the gkc_sessionId header.", reason="missing")
    info = await resume_session(svc.database, svc.keyring, keys, session_id=session_id)
    return info, keys


@router.get(
    "/session/v2/sessions/{session_id}",
    summary="Read a search session",
    responses=error_responses(401),
)
async def read_session(request: Request, session_id: str) -> JSONResponse:
    """The session the keys in ``gkc_sessionId`` name (what ``sessionInfo`` shows)."""
    svc = await _guard(request)
    info, keys = await _own_session(request, svc, session_id)
    return JSONResponse(_session_body(info, keys), headers={SESSION_HEADER: keys})


@router.patch(
    "/session/v2/sessions/{session_id}",
    summary="Change a search session",
    responses=error_responses(401),
)
async def change_session(request: Request, session_id: str, body: SessionBody) -> JSONResponse:
    """Change the language, customer id or media of the session the keys name."""
    svc = await _guard(request, write=True)
    info, keys = await _own_session(request, svc, session_id)
    info = await update_session(
        svc.database, info.id, language=body.lang, customer_id=body.customerId, media=body.media
    )
    return JSONResponse(_session_body(info, keys), headers={SESSION_HEADER: keys})
