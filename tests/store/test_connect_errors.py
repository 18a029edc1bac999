"""A database that cannot be used is named by its cause, in one line."""

from __future__ import annotations

import socket
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from frontdesk.errors import ConfigError
from frontdesk.settings import Settings
from frontdesk.store.connect_errors import connect_problem
from frontdesk.store.database import Database


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _problem(url: str, tmp_path: Path) -> str:
    with pytest.raises(ConfigError) as raised:
        await Database.open(Settings(data_dir=tmp_path, database_url=url))
    assert raised.value.setting == "database_url"
    assert "\n" not in raised.value.problem
    return raised.value.problem


async def test_a_missing_database_is_named(postgres_admin_url: str, tmp_path: Path) -> None:
    url = make_url(postgres_admin_url).set(database="frontdesk_no_such_database")
    problem = await _problem(url.render_as_string(hide_password=False), tmp_path)
    assert problem.endswith('database "frontdesk_no_such_database" does not exist'), problem


async def test_a_refused_login_is_an_authentication_failure(
    postgres_admin_url: str, tmp_path: Path
) -> None:
    # The test server trusts 127.0.0.1, so no password is ever refused; an unknown role is the
    # refusal it can give (SQLSTATE 28000, the class a wrong password's 28P01 belongs to).
    url = make_url(postgres_admin_url).set(username="frontdesk_no_such_role")
    problem = await _problem(url.render_as_string(hide_password=False), tmp_path)
    assert problem.endswith(
        'authentication failed: role "frontdesk_no_such_role" does not exist'
    ), problem


def test_a_wrong_password_is_an_authentication_failure() -> None:
    wrong = asyncpg.InvalidPasswordError('password authentication failed for user "app"')
    wrapped = RuntimeError("connect failed")
    wrapped.__cause__ = wrong
    assert connect_problem(wrapped) == (
        'authentication failed: password authentication failed for user "app"'
    )


async def test_a_closed_port_is_an_unreachable_host(tmp_path: Path) -> None:
    url = f"postgresql://app:secret-pw@127.0.0.1:{_closed_port()}/frontdesk"
    problem = await _problem(url, tmp_path)
    assert "host unreachable: connection refused" in problem, problem
    assert "secret-pw" not in problem


async def test_an_unknown_host_name_is_an_unreachable_host(tmp_path: Path) -> None:
    problem = await _problem("postgresql://app@frontdesk.invalid/frontdesk", tmp_path)
    assert "host unreachable: the host name is not known" in problem, problem
