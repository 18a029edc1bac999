"""Importing articles from a folder of Markdown files, a JSON file or a CSV file.

Every article has an external id (front matter ``id`` or ``slug``, else the file's path in the
folder; the ``id``/``slug``/``externalId`` field in JSON and CSV). Importing again matches on it:
changed articles are updated, unchanged ones left alone, none duplicated. The whole source is read
and checked before anything is written, so a bad file changes nothing.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from frontdesk.actions.knowledge_bases import (
    ArticleInput,
    checked_article,
    checked_slug,
    save_knowledge_base,
    upsert_article,
)
from frontdesk.actions.knowledge_index import add_terms, refresh_statistics, unindex_articles
from frontdesk.errors import InvalidInput
from frontdesk.store.database import Database
from frontdesk.store.models import Article, KnowledgeBase

# Articles per transaction: big imports commit as they go, and show progress as they do.
BATCH = 200
# Imports that change at least this many articles refresh the planner's statistics.
ANALYZE_AFTER = 100
MAX_SOURCE_BYTES = 200 * 1024 * 1024
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"\A\s*#\s+(.+?)\s*#*\s*(\n|\Z)")
_LIST_SPLIT = re.compile(r"\s*[;|]\s*")

Progress = Callable[[int], None]


@dataclasses.dataclass
class ImportReport:
    """How many articles an import created, updated, left unchanged and removed."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


def _problem(source: str, problem: str) -> InvalidInput:
    return InvalidInput(f"{source}: {problem}", source=source)


def read_source(path: Path) -> list[ArticleInput]:
    """The articles of a Markdown folder, a ``.json`` or a ``.csv`` file, unchecked."""
    if path.is_dir():
        return [_markdown_article(path, file) for file in sorted(path.rglob("*.md"))]
    if not path.is_file():
        raise _problem(str(path), "no such file or folder")
    if path.stat().st_size > MAX_SOURCE_BYTES:
        raise _problem(str(path), "larger than 200 MiB")
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _json_articles(path)
    if suffix == ".csv":
        return _csv_articles(path)
    if suffix == ".md":
        return [_markdown_article(path.parent, path)]
    raise _problem(str(path), "import a folder of .md files, a .json or a .csv file")


def _read_text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise _problem(str(file), "not UTF-8 text") from None


def _front_matter(block: str, source: str) -> dict[str, Any]:
    """``key: value`` lines; a value in ``[a, b]`` is a list. Enough for titles and labels."""
    fields: dict[str, Any] = {}
    for number, line in enumerate(block.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, colon, value = line.partition(":")
        if not colon or not key.strip():
            raise _problem(source, f"front matter line {number} is not `key: value`")
        value = value.strip()
        if value.startswith("[") and value.endswith("]"):
            fields[key.strip().lower()] = [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
        else:
            fields[key.strip().lower()] = _unquote(value)
    return fields


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _labels(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(v for v in (part.strip() for part in _LIST_SPLIT.split(value)) if v)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)


def _markdown_article(folder: Path, file: Path) -> ArticleInput:
    source = str(file)
    text = _read_text(file)
    fields: dict[str, Any] = {}
    found = _FRONT_MATTER.match(text)
    if found:
        fields = _front_matter(found.group(1), source)
        text = text[found.end() :]
    title = str(fields.get("title", ""))
    if not title:
        heading = _HEADING.match(text)
        if heading:
            title, text = heading.group(1), text[heading.end() :]
        else:
            title = file.stem.replace("-", " ").replace("_", " ").capitalize()
    given_id = fields.get("id") or fields.get("slug")
    path_id = file.relative_to(folder).with_suffix("").as_posix()
    return ArticleInput(
        external_id=str(given_id) if given_id else path_id,
        title=title,
        body=text.strip() + "\n",
        language=str(fields.get("language") or fields.get("lang") or ""),
        categories=_labels(fields.get("categories") or fields.get("category")),
        tags=_labels(fields.get("tags")),
    )


def _record_article(record: Any, source: str) -> ArticleInput:
    if not isinstance(record, dict):
        raise _problem(source, "each article must be an object")
    external_id = record.get("externalId") or record.get("id") or record.get("slug")
    if external_id is None or external_id == "":
        raise _problem(source, "every article needs an id, slug or externalId")
    title, body = record.get("title", ""), record.get("body", record.get("content", ""))
    if not isinstance(title, str) or not isinstance(body, str):
        raise _problem(source, "title and body must be text")
    return ArticleInput(
        external_id=str(external_id),
        title=title,
        body=body,
        language=str(record.get("language") or record.get("lang") or ""),
        categories=_labels(record.get("categories")),
        tags=_labels(record.get("tags")),
    )


def _json_articles(file: Path) -> list[ArticleInput]:
    try:
        data = json.loads(_read_text(file))
    except (ValueError, RecursionError):
        raise _problem(str(file), "not valid JSON") from None
    if isinstance(data, dict):
        data = data.get("articles")
    if not isinstance(data, list):
        raise _problem(str(file), 'expected a list of articles or {"articles": [...]}')
    return [_record_article(record, f"{file} article {n}") for n, record in enumerate(data, 1)]


def _csv_articles(file: Path) -> list[ArticleInput]:
    csv.field_size_limit(MAX_SOURCE_BYTES)
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise _problem(str(file), f"not a readable UTF-8 CSV file ({exc})") from None
    return [_record_article(row, f"{file} row {n}") for n, row in enumerate(rows, 2)]


async def import_articles(
    database: Database,
    kb_id: str,
    articles: list[ArticleInput],
    *,
    name: str | None = None,
    language: str | None = None,
    prune: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Create or update ``articles`` in knowledge base ``kb_id`` (made if missing).

    With ``prune``, articles of the knowledge base that the source no longer has are deleted.
    """
    checked_slug(kb_id, "kb")
    info = await save_knowledge_base(database, kb_id, name=name, language=language)
    ids = [a.external_id for a in articles]
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise InvalidInput("Two articles share an id.", external_ids=duplicates[:20])
    for article in articles:  # check everything before the first write
        try:
            checked_article(article, info.language)
        except InvalidInput as exc:
            raise InvalidInput(
                f"Article {article.external_id!r}: {exc.message}",
                external_id=article.external_id,
                **exc.details,
            ) from None
    report = ImportReport()
    for batch in _batches(articles):
        async with database.session() as session:
            kb = await session.get(KnowledgeBase, kb_id)
            if kb is None:
                raise InvalidInput("The knowledge base was deleted during the import.")
            stored = await session.scalars(
                select(Article).where(
                    Article.kb_id == kb_id,
                    Article.external_id.in_([article.external_id for article in batch]),
                )
            )
            known = {article.external_id: article for article in stored}
            terms: set[str] = set()
            for article in batch:
                _, outcome = await upsert_article(session, kb, article, known=known, terms=terms)
                setattr(report, outcome, getattr(report, outcome) + 1)
            await add_terms(session, terms)
            await session.commit()
        if progress is not None:
            progress(len(batch))
    if prune:
        report.removed = await _prune(database, kb_id, set(ids))
    if report.created + report.updated + report.removed >= ANALYZE_AFTER:
        async with database.session() as session:
            await refresh_statistics(session)
            await session.commit()
    return report


def _batches(articles: list[ArticleInput]) -> Iterable[list[ArticleInput]]:
    for start in range(0, len(articles), BATCH):
        yield articles[start : start + BATCH]


async def _prune(database: Database, kb_id: str, keep: set[str]) -> int:
    async with database.session() as session:
        stored = (
            await session.execute(
                select(Article.id, Article.external_id).where(Article.kb_id == kb_id)
            )
        ).all()
        gone = [article_id for article_id, external_id in stored if external_id not in keep]
        await unindex_articles(session, gone)
        for article_id in gone:
            article = await session.get(Article, article_id)
            if article is not None:
                await session.delete(article)
        await session.commit()
        return len(gone)
