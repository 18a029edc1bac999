"""Finding articles: full-text search with highlighted snippets, title suggestions, typo repair.

SQLite ranks with FTS5's bm25 (title weighs most, then categories and tags, then the body);
PostgreSQL with ``ts_rank`` over the weighted ``tsvector``, in the stemming configuration of the
search's language. Both first ask for every term, then for any term; the last term is a prefix,
since visitors search while typing. When that finds fewer articles than asked for, words the
articles never use are replaced by the nearest word they do use (``corrected`` says so).
Queries are cut into plain words first (``knowledge_text.query_terms``): no user text is ever
query syntax.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import bindparam, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actions.knowledge_text import (
    MARK_END,
    MARK_START,
    allowed_typos,
    edit_distance,
    highlighted_html,
    plain_text,
    postgres_config,
    primary_language,
    query_terms,
)
from frontdesk.store.database import Database
from frontdesk.store.models import KnowledgeTerm

MAX_RESULTS = 50
# A one-letter prefix would match nearly every article: the last word counts as a prefix from two.
MIN_PREFIX_CHARS = 2
Fields = Literal["title", "headings", "all"]
SNIPPET_WORDS = 24
SNIPPET_CHARS = 200
# Correction candidates are read from the vocabulary by length; this caps the work per word.
MAX_CANDIDATES = 2000
_SELECTED = (
    "a.id, a.kb_id, a.external_id, a.title, a.language, a.categories, a.views, a.helpful,"
    " a.unhelpful"
)


@dataclasses.dataclass(frozen=True, slots=True)
class Scope:
    """Which articles a search looks at: one language, some knowledge bases and categories."""

    language: str = "en"
    kb_ids: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Hit:
    """One article found; ``snippet`` and ``title_html`` are safe HTML with ``<mark>``."""

    id: int
    kb_id: str
    external_id: str
    title: str
    title_html: str
    snippet: str
    language: str
    categories: list[str]
    score: float
    views: int
    helpful: int
    unhelpful: int


@dataclasses.dataclass(frozen=True, slots=True)
class SearchResult:
    """What a search found, the terms it used, and the corrected terms if it had to correct."""

    hits: list[Hit]
    terms: list[str]
    corrected: list[str] | None = None


async def search_articles(
    database: Database, query: str, scope: Scope, *, limit: int = 3, titles_only: bool = False
) -> SearchResult:
    """The best ``limit`` articles for ``query`` in ``scope``; ``InvalidInput`` for huge queries."""
    terms = query_terms(query)
    limit = max(1, min(limit, MAX_RESULTS))
    if not terms:
        if not scope.categories:
            return SearchResult([], [])
        # No words but categories: browsing a topic, its most viewed articles first.
        async with database.session() as session:
            return SearchResult(await _in_categories(session, scope, limit), [])
    async with database.session() as session:
        hits = await _search(session, terms, scope, limit, titles_only)
        if len(hits) >= limit:
            return SearchResult(hits, terms)
        corrected = await _corrected_terms(session, terms)
        if corrected == terms:
            return SearchResult(hits, terms)
        better = await _search(session, corrected, scope, limit, titles_only)
        seen = {hit.id for hit in better}
        merged = better + [hit for hit in hits if hit.id not in seen]
        return SearchResult(merged[:limit], terms, corrected if better else None)


async def _search(
    session: AsyncSession, terms: list[str], scope: Scope, limit: int, titles_only: bool
) -> list[Hit]:
    search = _sqlite_search if session.get_bind().dialect.name == "sqlite" else _postgres_search
    # Headings (title, categories, tags) first: they are short, so even a word that is in
    # nearly every body matches few of them, and a heading match outranks a body match
    # anyway. Only when the headings give too few articles is every body ranked too.
    tiers: tuple[Fields, ...] = ("title",) if titles_only else ("headings", "all")
    joiners = ("AND", "OR") if len(terms) > 1 else ("AND",)
    hits: list[Hit] = []
    for joiner in joiners:
        for fields in tiers:
            hits = await search(session, terms, joiner, scope, limit, fields)
            if len(hits) >= limit or (hits and fields == tiers[-1]):
                return hits
    return hits


def _scope_clauses(scope: Scope, dialect: str) -> tuple[str, dict[str, Any], list[Any]]:
    """SQL conditions on ``a`` (the articles) for a scope, their values and expanding binds."""
    language = primary_language(scope.language)
    clauses = ["(a.language = :language OR a.language LIKE :language_prefix)"]
    values: dict[str, Any] = {"language": language, "language_prefix": language + "-%"}
    binds: list[Any] = []
    if scope.kb_ids:
        clauses.append("a.kb_id IN :kb_ids")
        values["kb_ids"] = list(scope.kb_ids)
        binds.append(bindparam("kb_ids", expanding=True))
    if scope.categories:
        elements = (
            "json_each(a.categories)"
            if dialect == "sqlite"
            else "json_array_elements_text(a.categories) AS value"
        )
        clauses.append(f"EXISTS (SELECT 1 FROM {elements} WHERE value IN :categories)")  # noqa: S608 - fixed SQL fragments only; values are bound
        values["categories"] = list(scope.categories)
        binds.append(bindparam("categories", expanding=True))
    return " AND ".join(clauses), values, binds


_FTS5_COLUMNS: dict[Fields, str] = {"title": "title", "headings": "{title keywords}"}
# tsquery weights: the title is A, categories and tags B (knowledge_index).
_WEIGHTS: dict[Fields, str] = {"title": "A", "headings": "", "all": ""}
# Which tsvector a pass searches: the headings have their own, so their pass reads few rows.
_VECTORS: dict[Fields, str] = {"title": "headings", "headings": "headings", "all": "document"}


def _fts5_match(terms: Sequence[str], joiner: str, fields: Fields) -> str:
    # Terms are letters and digits only (query_terms), so quoting them cannot break out.
    quoted = [f'"{term}"' for term in terms]
    if len(terms[-1]) >= MIN_PREFIX_CHARS:
        quoted[-1] += "*"
    expression = f" {joiner} ".join(quoted)
    columns = _FTS5_COLUMNS.get(fields)
    return f"{columns} : ({expression})" if columns else expression


async def _sqlite_search(
    session: AsyncSession,
    terms: list[str],
    joiner: str,
    scope: Scope,
    limit: int,
    fields: Fields,
) -> list[Hit]:
    where, values, binds = _scope_clauses(scope, "sqlite")
    values |= {"match": _fts5_match(terms, joiner, fields), "limit": limit}
    # Rank first, cut snippets only for the few rows kept: snippet() is the costly part.
    ranked = text(
        f"SELECT {_SELECTED}, bm25(knowledge_fts, 8.0, 1.0, 4.0) AS score"  # noqa: S608 - fixed SQL fragments only; values are bound
        " FROM knowledge_fts JOIN knowledge_articles AS a ON a.id = knowledge_fts.rowid"
        f" WHERE knowledge_fts MATCH :match AND {where} ORDER BY score LIMIT :limit"
    ).bindparams(*binds)
    rows = (await session.execute(ranked, values)).mappings().all()
    if not rows:
        return []
    marked = text(
        "SELECT rowid AS id, highlight(knowledge_fts, 0, :start, :end) AS title_marked,"
        " snippet(knowledge_fts, 1, :start, :end, '…', :words) AS snippet_marked"
        " FROM knowledge_fts WHERE knowledge_fts MATCH :match AND rowid IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    marks = {
        row.id: row
        for row in await session.execute(
            marked,
            {
                # Marks come from every column, whichever columns found the article.
                "match": _fts5_match(terms, joiner, "all"),
                "ids": [row["id"] for row in rows],
                "start": MARK_START,
                "end": MARK_END,
                "words": SNIPPET_WORDS,
            },
        )
    }
    return [
        _hit(
            row,
            -float(row["score"]),
            marks[row["id"]].title_marked,
            marks[row["id"]].snippet_marked,
        )
        for row in rows
    ]


def _tsquery(terms: Sequence[str], joiner: str, fields: Fields) -> str:
    # Letters and digits only (query_terms): no tsquery operator can be among them.
    weight = _WEIGHTS[fields]
    parts = [f"{term}:{weight}" if weight else term for term in terms]
    if len(terms[-1]) >= MIN_PREFIX_CHARS:
        parts[-1] = f"{terms[-1]}:*{weight}"
    return (" & " if joiner == "AND" else " | ").join(parts)


async def _postgres_search(
    session: AsyncSession,
    terms: list[str],
    joiner: str,
    scope: Scope,
    limit: int,
    fields: Fields,
) -> list[Hit]:
    where, values, binds = _scope_clauses(scope, "postgresql")
    values |= {
        "config": postgres_config(scope.language),
        "query": _tsquery(terms, joiner, fields),
        "limit": limit,
    }
    query = "to_tsquery(CAST(:config AS regconfig), :query)"
    vector = _VECTORS[fields]
    ranked = text(
        f"SELECT {_SELECTED}, ts_rank(f.{vector}, q.query) AS score"  # noqa: S608 - fixed SQL fragments only; values are bound
        " FROM knowledge_fts AS f JOIN knowledge_articles AS a ON a.id = f.article_id,"
        f" {query} AS q(query)"
        f" WHERE f.{vector} @@ q.query AND {where} ORDER BY score DESC, a.id LIMIT :limit"
    ).bindparams(*binds)
    rows = (await session.execute(ranked, values)).mappings().all()
    if not rows:
        return []
    options = (
        f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords={SNIPPET_WORDS},'
        ' MinWords=8, MaxFragments=2, FragmentDelimiter=" … "'
    )
    marked = text(
        "SELECT f.article_id AS id,"  # noqa: S608 - fixed SQL fragments only; values are bound
        f" ts_headline(CAST(:config AS regconfig), a.title, {query}, :title_options)"
        " AS title_marked,"
        f" ts_headline(CAST(:config AS regconfig), f.plain, {query}, :options) AS snippet_marked"
        " FROM knowledge_fts AS f JOIN knowledge_articles AS a ON a.id = f.article_id"
        " WHERE f.article_id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    marks = {
        row.id: row
        for row in await session.execute(
            marked,
            {
                "config": values["config"],
                "query": _tsquery(terms, joiner, "all"),
                "ids": [row["id"] for row in rows],
                "options": options,
                "title_options": options + ", HighlightAll=true",
            },
        )
    }
    return [
        _hit(
            row, float(row["score"]), marks[row["id"]].title_marked, marks[row["id"]].snippet_marked
        )
        for row in rows
    ]


async def _in_categories(session: AsyncSession, scope: Scope, limit: int) -> list[Hit]:
    dialect = session.get_bind().dialect.name
    where, values, binds = _scope_clauses(scope, dialect)
    browse = text(
        f"SELECT {_SELECTED}, a.body FROM knowledge_articles AS a"  # noqa: S608 - fixed SQL fragments only; values are bound
        f" WHERE {where} ORDER BY a.views DESC, a.id LIMIT :limit"
    ).bindparams(*binds)
    rows = (await session.execute(browse, values | {"limit": limit})).mappings().all()
    return [_hit(row, 0.0, row["title"], _opening(row["body"])) for row in rows]


def _opening(markdown: str) -> str:
    """The first words of an article, for a result that no search words picked."""
    opening = " ".join(plain_text(markdown).split())
    if len(opening) <= SNIPPET_CHARS:
        return opening
    return opening[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"


def _hit(row: Any, score: float, title_marked: str, snippet_marked: str) -> Hit:
    return Hit(
        id=row["id"],
        kb_id=row["kb_id"],
        external_id=row["external_id"],
        title=row["title"],
        title_html=highlighted_html(title_marked),
        snippet=highlighted_html(snippet_marked),
        language=row["language"],
        categories=_json_list(row["categories"]),
        score=round(score, 6),
        views=row["views"],
        helpful=row["helpful"],
        unhelpful=row["unhelpful"],
    )


def _json_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = json.loads(value)
    return [str(item) for item in value] if isinstance(value, list) else []


async def _corrected_terms(session: AsyncSession, terms: list[str]) -> list[str]:
    """The terms with each word unknown to the vocabulary replaced by its nearest known word."""
    known = set(
        await session.scalars(select(KnowledgeTerm.term).where(KnowledgeTerm.term.in_(terms)))
    )
    corrected = []
    for position, term in enumerate(terms):
        typos = allowed_typos(term)
        if term in known or typos == 0 or not term.isalpha():
            corrected.append(term)
            continue
        is_last = position == len(terms) - 1
        if is_last and await _is_prefix_of_known_word(session, term):
            corrected.append(term)
            continue
        corrected.append(await _nearest_word(session, term, typos) or term)
    return corrected


async def _is_prefix_of_known_word(session: AsyncSession, term: str) -> bool:
    found = await session.scalar(
        select(KnowledgeTerm.term)
        # Letters only (query_terms): no LIKE wildcard can be in the term.
        .where(KnowledgeTerm.term.like(term + "%"))
        .limit(1)
    )
    return found is not None


async def _nearest_word(session: AsyncSession, term: str, typos: int) -> str | None:
    candidates = await session.scalars(
        select(KnowledgeTerm.term)
        .where(
            KnowledgeTerm.length.between(len(term) - typos, len(term) + typos),
            # Typos seldom hit both ends of a word: keep words sharing the first letter or the
            # last two, which leaves few enough to measure one by one.
            or_(KnowledgeTerm.term.like(term[0] + "%"), KnowledgeTerm.term.like("%" + term[-2:])),
        )
        .limit(MAX_CANDIDATES)
    )
    best: tuple[int, int, str] | None = None
    letters = set(term)
    for candidate in candidates:
        # Each edit changes the set of letters by at most two: a cheap test before measuring.
        if len(letters.symmetric_difference(candidate)) > 2 * typos:
            continue
        distance = edit_distance(term, candidate, typos)
        if distance > typos:
            continue
        # Nearest first; among equals, one that keeps the first letter; then alphabetical.
        key = (distance, 0 if candidate[0] == term[0] else 1, candidate)
        if best is None or key < best:
            best = key
    return best[2] if best else None
