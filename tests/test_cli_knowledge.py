"""``frontdesk kb import`` and ``kb list``, and the demo's knowledge base, on both databases."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from frontdesk.actions.knowledge_bases import list_articles
from frontdesk.cli import main
from frontdesk.demo import prepare_demo
from frontdesk.demo.knowledge_base import DEMO_KB_ID
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from tests.conftest import TEST_SECRET_KEY


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("FRONTDESK_"):
            monkeypatch.delenv(name)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_kb_import_twice_creates_then_leaves_unchanged_then_updates(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "kb.json"
    articles = [{"id": f"a{n}", "title": f"Article {n}", "body": "Text."} for n in range(3)]
    source.write_text(json.dumps(articles), encoding="utf-8")
    storage = ["--data-dir", str(tmp_path), "--database-url", database_url]
    code, out, _ = run(
        capsys, "kb", "import", str(source), "--kb", "help", "--name", "Help", *storage
    )
    assert code == 0
    assert "knowledge base help: 3 created, 0 updated, 0 unchanged, 0 removed" in out
    code, out, _ = run(capsys, "kb", "import", str(source), "--kb", "help", "--quiet", *storage)
    assert "0 created, 0 updated, 3 unchanged" in out
    articles[0]["body"] = "New text."
    source.write_text(json.dumps(articles[:2]), encoding="utf-8")
    code, out, _ = run(capsys, "kb", "import", str(source), "--kb", "help", "--prune", *storage)
    assert "0 created, 1 updated, 1 unchanged, 1 removed" in out
    code, out, _ = run(capsys, "kb", "list", *storage)
    assert code == 0
    assert out.split() == ["help", "en", "2", "articles", "Help"]


def test_kb_import_refuses_a_bad_file_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "kb.json"
    source.write_text("[{]", encoding="utf-8")
    code, _, err = run(capsys, "kb", "import", str(source), "--data-dir", str(tmp_path))
    assert code == 1
    assert "not valid JSON" in err
    code, out, _ = run(capsys, "kb", "list", "--data-dir", str(tmp_path))
    assert "no knowledge bases yet" in out


def test_the_demo_ships_a_knowledge_base(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'demo.db'}",
        secret_key=TEST_SECRET_KEY,
        demo=True,
    )

    async def demo_articles() -> int:
        await prepare_demo(settings)
        await prepare_demo(settings)  # a second start refreshes, never duplicates
        database = await Database.connect(settings)
        try:
            _, total = await list_articles(database, DEMO_KB_ID)
        finally:
            await database.close()
        return total

    assert 15 <= asyncio.run(demo_articles()) <= 25
