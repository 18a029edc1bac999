"""The data folder: one server per SQLite file, and private to the server's user."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from frontdesk.cli import main
from frontdesk.data_folder import locked_database
from frontdesk.demo import demo_settings
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.migrate import upgrade
from tests.browser.conftest import _free_port, start_server, stop_server


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("FRONTDESK_"):
            monkeypatch.delenv(name)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- one server per SQLite file ---------------------------------------------------------------


def test_a_second_demo_on_a_data_folder_in_use_is_refused_and_deletes_nothing(
    tmp_path: Path,
) -> None:
    process, server = start_server(tmp_path)
    try:
        email, password = server.demo_login()
        with httpx.Client(base_url=server.url()) as desk:
            login = desk.post("/api/desk/login", json={"email": email, "password": password})
            assert login.status_code == 200, login.text
            second = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "frontdesk",
                    "demo",
                    "--data-dir",
                    str(tmp_path),
                    "--port",
                    str(_free_port()),
                ],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert second.returncode == 2
            assert "Traceback" not in second.stderr
            (line,) = second.stderr.strip().splitlines()
            assert "is in use by another Frontdesk server" in line
            assert f"(process {process.pid})" in line
            # The first demo's database is untouched: its session still works.
            assert desk.get("/api/desk/me").status_code == 200
    finally:
        stop_server(process)


def test_the_lock_is_taken_before_the_demo_empties_its_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = demo_settings({"data_dir": str(tmp_path)}, environ={})
    database = tmp_path / "demo.db"
    database.write_bytes(b"the running demo's data")
    with locked_database(settings):
        code = main(["demo", "--data-dir", str(tmp_path), "--port", str(_free_port())])
    assert code == 2
    assert database.read_bytes() == b"the running demo's data"
    assert "in use by another Frontdesk server" in capsys.readouterr().err


def test_serve_refuses_a_sqlite_file_in_use_whatever_its_data_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    with locked_database(Settings(data_dir=tmp_path / "a", database_url=url)):
        code = main(["serve", "--data-dir", str(tmp_path / "b"), "--database-url", url])
    assert code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("configuration error: data_dir: ")


def test_the_lock_goes_with_a_killed_server(tmp_path: Path) -> None:
    process, _ = start_server(tmp_path)
    process.kill()
    process.wait(10)
    with locked_database(demo_settings({"data_dir": str(tmp_path)}, environ={})):
        pass


def test_postgresql_servers_share_a_data_folder(tmp_path: Path, postgres_url: str) -> None:
    storage = ("--database-url", postgres_url)
    first, one = start_server(tmp_path, *storage, command="serve")
    try:
        second, two = start_server(tmp_path, *storage, command="serve")
        try:
            for server in (one, two):
                assert httpx.get(server.url("/healthz")).status_code == 200
        finally:
            stop_server(second)
    finally:
        stop_server(first)


# --- private files -----------------------------------------------------------------------------


async def test_a_new_data_folder_and_its_sqlite_files_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    database = await Database.connect(Settings(data_dir=data))
    try:
        await upgrade(database)
        async with database.engine.connect():
            files = sorted(path.name for path in data.iterdir())
            assert files == ["frontdesk.db", "frontdesk.db-shm", "frontdesk.db-wal"]
            assert {name: mode(data / name) for name in files} == dict.fromkeys(files, 0o600)
    finally:
        await database.close()
    assert mode(data) == 0o700


async def test_looser_sqlite_files_are_tightened_and_a_looser_folder_is_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    for name in ("frontdesk.db", "frontdesk.db-wal"):
        (data / name).touch()
        (data / name).chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="frontdesk"):
        for _ in range(2):  # start-up opens the database more than once
            database = await Database.connect(Settings(data_dir=data))
            await database.close()
    assert mode(data / "frontdesk.db") == mode(data / "frontdesk.db-wal") == 0o600
    assert mode(data) == 0o755
    messages = [record.getMessage() for record in caplog.records]
    assert sum("chmod 700" in message and str(data) in message for message in messages) == 1
    assert sum("made it 600" in message for message in messages) == 2
