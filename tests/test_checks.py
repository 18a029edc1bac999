"""``frontdesk check`` names each problem by its cause, and warns about doubtful settings."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from frontdesk.checks import CheckResult, run_checks
from frontdesk.settings import Settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _by_name(results: list[CheckResult]) -> dict[str, CheckResult]:
    return {result.name: result for result in results}


async def _database_check(tmp_path: Path, url: str) -> CheckResult:
    settings = Settings(data_dir=tmp_path, database_url=url, port=_free_port())
    return _by_name(await run_checks(settings))["database"]


async def test_the_database_check_tells_the_three_causes_apart(
    postgres_admin_url: str, tmp_path: Path
) -> None:
    admin = make_url(postgres_admin_url)
    missing = admin.set(database="frontdesk_no_such_database")
    stranger = admin.set(username="frontdesk_no_such_role")
    closed = admin.set(host="127.0.0.1", port=_free_port())
    details = [
        (await _database_check(tmp_path, url.render_as_string(hide_password=False)))
        for url in (missing, stranger, closed)
    ]
    assert [detail.ok for detail in details] == [False, False, False]
    assert details[0].detail.endswith('database "frontdesk_no_such_database" does not exist')
    assert "authentication failed" in details[1].detail
    assert "host unreachable" in details[2].detail


async def test_no_allowed_origin_is_a_warning(tmp_path: Path) -> None:
    results = _by_name(await run_checks(Settings(data_dir=tmp_path, port=_free_port())))
    origins = results["allowed origins"]
    assert (origins.ok, origins.warning) == (True, True)
    assert "FRONTDESK_ALLOWED_ORIGINS" in origins.detail


@pytest.mark.parametrize("origins", [("*",), ("https://shop.example.com",)])
async def test_allowed_origins_are_listed(tmp_path: Path, origins: tuple[str, ...]) -> None:
    settings = Settings(data_dir=tmp_path, port=_free_port(), allowed_origins=origins)
    result = _by_name(await run_checks(settings))["allowed origins"]
    assert (result.ok, result.warning, result.detail) == (True, False, ", ".join(origins))
