from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from frontdesk.cli import main
from frontdesk.demo import DEMO_DATA_DIR, demo_settings
from frontdesk.settings import Settings
from tests.browser.conftest import start_server, stop_server


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("FRONTDESK_"):
            monkeypatch.delenv(name)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_check_passes_on_a_good_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--data-dir", str(tmp_path), "--port", str(_free_port())])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "configuration ok, 1 warning(s)" in out
    assert "will be generated" in out
    assert any(line.startswith("warn  allowed origins") for line in out.splitlines()), out


def test_check_rejects_a_bad_database_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["check", "--data-dir", str(tmp_path), "--database-url", "mysql://root@localhost/x"]
    )
    assert code == 2
    assert "database_url" in capsys.readouterr().err


def test_check_names_an_unreachable_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"postgresql://nobody@127.0.0.1:{_free_port()}/frontdesk"
    code = main(
        ["check", "--data-dir", str(tmp_path), "--database-url", url, "--port", str(_free_port())]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert any(
        line.startswith("FAIL  database") and "host unreachable" in line
        for line in out.splitlines()
    ), out


def test_check_names_an_unreachable_redis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    redis_url = f"redis://127.0.0.1:{_free_port()}/0"
    code = main(
        [
            "check",
            "--data-dir",
            str(tmp_path),
            "--redis-url",
            redis_url,
            "--port",
            str(_free_port()),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert any(line.startswith("FAIL  broker") for line in out.splitlines()), out


def test_check_names_a_port_in_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["check", "--data-dir", str(tmp_path), "--port", str(port)])
    out = capsys.readouterr().out
    assert code == 1
    assert "already in use" in out


def test_check_names_an_unreadable_secret_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "secret_key").write_text("")
    (tmp_path / "secret_key").chmod(0o600)
    code = main(["check", "--data-dir", str(tmp_path), "--port", str(_free_port())])
    out = capsys.readouterr().out
    assert code == 1
    assert any(line.startswith("FAIL  secret key") for line in out.splitlines()), out


def test_check_rejects_a_short_secret_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRONTDESK_SECRET_KEY", "too-short")
    code = main(["check", "--data-dir", str(tmp_path), "--port", str(_free_port())])
    assert code == 1
    assert "FAIL  secret key" in capsys.readouterr().out


def test_agents_create_list_disable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--data-dir", str(tmp_path)]
    assert (
        main(
            [
                "agents",
                "create",
                *base,
                "--email",
                "Ana@Example.com",
                "--name",
                "Ana",
                "--role",
                "supervisor",
                "--password",
                "-",
            ]
        )
        == 0
    )
    created = capsys.readouterr().out
    assert "created supervisor ana@example.com" in created
    assert "password: " in created
    assert main(["agents", "list", *base]) == 0
    listing = capsys.readouterr().out
    assert "ana@example.com" in listing
    assert "active" in listing
    assert main(["agents", "disable", *base, "ana@example.com"]) == 0
    capsys.readouterr()
    assert main(["agents", "list", *base]) == 0
    assert "disabled" in capsys.readouterr().out


def test_agents_create_refuses_a_duplicate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--data-dir", str(tmp_path)]
    args = [
        "agents",
        "create",
        *base,
        "--email",
        "bo@example.com",
        "--name",
        "Bo",
        "--password",
        "-",
    ]
    assert main(args) == 0
    assert main(args) == 1
    assert "error:" in capsys.readouterr().err


def test_migrate_reports_the_revision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--data-dir", str(tmp_path)]) == 0
    assert "database at revision" in capsys.readouterr().out


def test_console_script_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "frontdesk", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("frontdesk ")


# --- the demo's defaults yield to the environment, and flags to nothing ----------------------


def test_demo_defaults_apply_when_nothing_is_set() -> None:
    settings = demo_settings({}, environ={})
    assert settings.data_dir == Path(DEMO_DATA_DIR)
    assert settings.database_url == f"sqlite:///{DEMO_DATA_DIR}/demo.db"
    assert settings.fresh_demo_database
    assert settings.allowed_origins == ("*",)
    assert settings.demo


def test_the_environment_wins_over_the_demo_defaults(tmp_path: Path) -> None:
    env = {
        "FRONTDESK_DATA_DIR": str(tmp_path / "env"),
        "FRONTDESK_ALLOWED_ORIGINS": "http://shop.example.test",
    }
    settings = demo_settings({}, environ=env)
    assert settings.data_dir == tmp_path / "env"
    assert settings.database_url == f"sqlite:///{tmp_path}/env/demo.db"
    assert settings.allowed_origins == ("http://shop.example.test",)
    kept = demo_settings({}, environ={**env, "FRONTDESK_DATABASE_URL": "sqlite:////srv/x.db"})
    assert kept.database_url == "sqlite:////srv/x.db"
    assert not kept.fresh_demo_database


def test_flags_win_over_the_environment_for_the_demo(tmp_path: Path) -> None:
    env = {"FRONTDESK_DATA_DIR": str(tmp_path / "env"), "FRONTDESK_ALLOWED_ORIGINS": "*"}
    flags = {"data_dir": str(tmp_path / "flag"), "allowed_origins": "https://a.example.test"}
    settings = demo_settings(flags, environ=env)
    assert settings.data_dir == tmp_path / "flag"
    assert settings.allowed_origins == ("https://a.example.test",)


def test_a_demo_told_to_allow_one_site_refuses_another(tmp_path: Path) -> None:
    site = "http://shop.example.test"
    process, server = start_server(
        tmp_path, env={"FRONTDESK_ALLOWED_ORIGINS": site, "FRONTDESK_LOG_LEVEL": "warning"}
    )
    try:
        start = {"operationId": "op", "data": {"nickname": "Vic"}}
        other = httpx.post(
            server.url("/nexus/v3/chat/sessions"),
            json=start,
            headers={"Origin": "http://other.example.test"},
        )
        assert other.status_code == 403, other.text
        allowed = httpx.post(
            server.url("/nexus/v3/chat/sessions"), json=start, headers={"Origin": site}
        )
        assert allowed.status_code == 200, allowed.text
    finally:
        stop_server(process)
    log = server.output.read_text()
    assert "refused origin http://other.example.test on POST /nexus/v3/chat/sessions" in log


def test_serve_warns_when_no_site_may_embed_the_widgets(tmp_path: Path) -> None:
    process, server = start_server(tmp_path, command="serve")
    stop_server(process)
    assert "no site may embed the widgets" in server.output.read_text()


# --- configuration errors at start-up: one line, no traceback --------------------------------


@pytest.mark.parametrize(
    ("setting", "env", "words"),
    [
        ("secret_key", {"FRONTDESK_SECRET_KEY": "short"}, "at least 32 characters"),
        ("port", {"FRONTDESK_PORT": "eighty"}, "whole number"),
        ("database_url", {"FRONTDESK_DATABASE_URL": "CLOSED_POSTGRES"}, "host unreachable"),
        ("redis_url", {"FRONTDESK_REDIS_URL": "CLOSED_REDIS"}, "not reachable"),
    ],
)
def test_serve_names_a_bad_setting_in_one_line(
    tmp_path: Path, setting: str, env: dict[str, str], words: str
) -> None:
    closed = _free_port()
    replacements = {
        "CLOSED_POSTGRES": f"postgresql://app:pw@127.0.0.1:{closed}/frontdesk",
        "CLOSED_REDIS": f"redis://127.0.0.1:{closed}/0",
    }
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")},
        **{k: replacements.get(v, v) for k, v in env.items()},
    }
    result = subprocess.run(
        [sys.executable, "-m", "frontdesk", "serve", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"configuration error: {setting}: "), line
    assert words in line


# --- agents create: any password, never only on the command line -----------------------------


def _logs_in(tmp_path: Path, email: str, password: str) -> bool:
    from frontdesk.actions.agents import authenticate
    from frontdesk.errors import FrontdeskError
    from frontdesk.store.database import Database

    async def attempt() -> bool:
        settings = Settings(data_dir=tmp_path)
        database = await Database.open(settings)
        try:
            await authenticate(
                database, settings, email=email, password=password, client_ip="127.0.0.1"
            )
        except FrontdeskError:
            return False
        finally:
            await database.close()
        return True

    return asyncio.run(attempt())


@pytest.mark.parametrize(
    "flags",
    [["--password", "-starts-with-a-dash"], ["--password=-starts-with-a-dash"]],
)
def test_agents_create_takes_a_password_that_starts_with_a_dash(
    tmp_path: Path, flags: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    create = ["agents", "create", "--data-dir", str(tmp_path), "--email", "d@example.test"]
    assert main([*create, *flags, "--name", "Dee"]) == 0, capsys.readouterr().err
    assert _logs_in(tmp_path, "d@example.test", "-starts-with-a-dash")
    assert not _logs_in(tmp_path, "d@example.test", "starts-with-a-dash")


def test_agents_create_reads_the_password_from_standard_input(tmp_path: Path) -> None:
    create = ["agents", "create", "--data-dir", str(tmp_path), "--email", "s@example.test"]
    result = subprocess.run(
        [sys.executable, "-m", "frontdesk", *create, "--name", "Sam", "--password-stdin"],
        input="-from stdin, with spaces\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "password" not in result.stdout
    assert _logs_in(tmp_path, "s@example.test", "-from stdin, with spaces")


def test_a_generated_password_still_comes_from_a_lone_dash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create = ["agents", "create", "--data-dir", str(tmp_path), "--email", "g@example.test"]
    assert main([*create, "--name", "Gus", "--password", "-"]) == 0
    out = capsys.readouterr().out
    password = out.split("password: ")[1].strip()
    assert _logs_in(tmp_path, "g@example.test", password)
