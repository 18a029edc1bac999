"""Importing from Markdown folders, JSON and CSV: idempotent, updating, all-or-nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from frontdesk.actions.knowledge_bases import list_articles
from frontdesk.actions.knowledge_import import import_articles, read_source
from frontdesk.actions.knowledge_search import Scope, search_articles
from frontdesk.errors import InvalidInput
from frontdesk.store.database import Database
from frontdesk.store.models import Article, KnowledgeTerm
from tests.actions.knowledge_helpers import migrated_database

EN = Scope("en")


@pytest.fixture
async def database(database_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated_database(database_url, tmp_path) as database:
        yield database


def write_folder(root: Path) -> Path:
    folder = root / "articles"
    (folder / "billing").mkdir(parents=True)
    (folder / "returns.md").write_text(
        "---\ntitle: Returning a parcel\ncategories: [Orders]\ntags: [returns, parcel]\n---\n\n"
        "Send the parcel back within 30 days.\n",
        encoding="utf-8",
    )
    (folder / "billing" / "invoice.md").write_text(
        "# Getting an invoice\n\nDownload the invoice from your orders.\n", encoding="utf-8"
    )
    (folder / "no-title.md").write_text(
        "---\nid: custom-id\nlanguage: de\ncategories: Konto; Hilfe\n---\nPasswort vergessen?\n",
        encoding="utf-8",
    )
    (folder / "notes.txt").write_text("not an article", encoding="utf-8")
    return folder


async def stored(database: Database) -> dict[str, Article]:
    async with database.session() as session:
        return {a.external_id: a for a in await session.scalars(select(Article))}


async def index_rows(database: Database) -> int:
    async with database.session() as session:
        return int(await session.scalar(text("SELECT count(*) FROM knowledge_fts")) or 0)


async def test_a_markdown_folder_imports_with_front_matter_headings_and_paths(
    database: Database, tmp_path: Path
) -> None:
    articles = read_source(write_folder(tmp_path))
    report = await import_articles(database, "help", articles)
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    found = await stored(database)
    assert set(found) == {"returns", "billing/invoice", "custom-id"}
    assert found["returns"].title == "Returning a parcel"
    assert found["returns"].categories == ["Orders"]
    assert found["returns"].tags == ["returns", "parcel"]
    assert found["billing/invoice"].title == "Getting an invoice"
    assert found["billing/invoice"].body == "Download the invoice from your orders.\n"
    assert found["custom-id"].title == "No title"
    assert found["custom-id"].language == "de"
    assert found["custom-id"].categories == ["Konto", "Hilfe"]


async def test_importing_again_updates_changes_and_never_duplicates(
    database: Database, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path)
    await import_articles(database, "help", read_source(folder))
    before = await stored(database)
    again = await import_articles(database, "help", read_source(folder))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    (folder / "returns.md").write_text(
        "---\ntitle: Returning a parcel\n---\nReturns are free for 60 days.\n", encoding="utf-8"
    )
    changed = await import_articles(database, "help", read_source(folder))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    after = await stored(database)
    assert len(after) == 3
    assert after["returns"].id == before["returns"].id
    assert after["returns"].body == "Returns are free for 60 days.\n"
    assert await index_rows(database) == 3
    hits = (await search_articles(database, "free 60 days", EN)).hits
    assert [hit.external_id for hit in hits] == ["returns"]
    assert (await search_articles(database, "within", EN)).hits == []


async def test_json_imports_and_reimports_idempotently(database: Database, tmp_path: Path) -> None:
    source = tmp_path / "kb.json"
    records = [
        {"id": "a1", "title": "Lamp colours", "body": "Warm or cool.", "tags": ["lamp"]},
        {"slug": "a2", "title": "Chair height", "content": "Feet flat.", "categories": "Chairs"},
    ]
    source.write_text(json.dumps({"articles": records}), encoding="utf-8")
    first = await import_articles(database, "kb", read_source(source))
    second = await import_articles(database, "kb", read_source(source))
    assert (first.created, second.unchanged, second.created) == (2, 2, 0)
    found = await stored(database)
    assert found["a2"].body == "Feet flat."
    assert found["a2"].categories == ["Chairs"]
    source.write_text(json.dumps(records[:1]), encoding="utf-8")
    pruned = await import_articles(database, "kb", read_source(source), prune=True)
    assert (pruned.unchanged, pruned.removed) == (1, 1)
    assert set(await stored(database)) == {"a1"}
    assert await index_rows(database) == 1


async def test_csv_imports_and_reimports_idempotently(database: Database, tmp_path: Path) -> None:
    source = tmp_path / "kb.csv"
    source.write_text(
        "id,title,body,language,categories,tags\n"
        'c1,Gift cards,"Valid for three years, any amount.",en,Payment;Gifts,voucher|gift\n'
        'c2,Geschenkkarten,"Drei Jahre gültig.",de,,\n',
        encoding="utf-8",
    )
    first = await import_articles(database, "kb", read_source(source))
    second = await import_articles(database, "kb", read_source(source))
    assert (first.created, second.unchanged) == (2, 2)
    found = await stored(database)
    assert found["c1"].categories == ["Payment", "Gifts"]
    assert found["c1"].tags == ["voucher", "gift"]
    assert found["c2"].language == "de"
    articles, total = await list_articles(database, "kb")
    assert total == 2
    assert [a.external_id for a in articles] == ["c1", "c2"]


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("bad.json", "{not json", "not valid JSON"),
        ("bad.json", '[{"title": "no id"}]', "needs an id"),
        ("bad.json", '[{"id": "x", "title": "", "body": "b"}]', "title"),
        ("bad.json", '[{"id": "x", "title": "t", "body": "b", "language": "?"}]', "language"),
        ("dup.json", '[{"id": "x", "title": "t"}, {"id": "x", "title": "u"}]', "share an id"),
        ("bad.csv", "id,title,body\ny,ok,fine\nz,,missing title\n", "title"),
        ("bad.txt", "hello", "a folder of .md files"),
    ],
)
async def test_a_bad_source_is_refused_and_changes_nothing(
    database: Database, tmp_path: Path, name: str, content: str, problem: str
) -> None:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput, match=problem):
        await import_articles(database, "kb", read_source(source))
    assert await stored(database) == {}
    assert await index_rows(database) == 0


async def test_words_of_imported_articles_become_the_typo_vocabulary(
    database: Database, tmp_path: Path
) -> None:
    await import_articles(database, "help", read_source(write_folder(tmp_path)))
    async with database.session() as session:
        terms = set(await session.scalars(select(KnowledgeTerm.term)))
        count = await session.scalar(select(func.count()).select_from(KnowledgeTerm))
    assert {"parcel", "invoice", "passwort", "returning"} <= terms
    assert "30" not in terms
    assert count == len(terms)


async def test_a_large_import_refreshes_the_planner_statistics(
    database: Database, tmp_path: Path
) -> None:
    source = tmp_path / "many.json"
    records = [{"id": f"n{n}", "title": f"Article {n}", "body": "Words."} for n in range(120)]
    source.write_text(json.dumps(records), encoding="utf-8")
    report = await import_articles(database, "kb", read_source(source))
    assert report.created == 120
    if database.dialect_name == "sqlite":
        return  # SQLite plans full-text queries without statistics
    async with database.session() as session:
        rows = await session.scalar(
            text("SELECT reltuples FROM pg_class WHERE relname = 'knowledge_fts'")
        )
    # -1 means "never analysed": the planner would be guessing.
    assert rows == 120
