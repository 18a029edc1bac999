"""Shared fixtures: real SQLite and PostgreSQL databases, in-process and Redis brokers, the app.

PostgreSQL and Redis are found at FRONTDESK_TEST_POSTGRES_URL (an admin URL; each test gets a
fresh database created from it) and FRONTDESK_TEST_REDIS_URL. Outside CI a missing server skips
its tests with a message saying how to enable them; with CI=true it fails the run.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from frontdesk.app import create_app
from frontdesk.settings import Settings

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get(
    "FRONTDESK_TEST_POSTGRES_URL", "postgresql://postgres:frontdesk@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TEST_SECRET_KEY = "test-secret-key-" + "0" * 48
TEST_ORIGINS = ("http://shop.example.test", "https://*.example.test", "http://127.0.0.1")


def unavailable(what: str, problem: str, how: str) -> None:
    """Skip (or, in CI, fail) a test whose real server is not reachable."""
    message = f"{what} not reachable ({problem}). {how}"
    if IN_CI:
        pytest.fail(message + " CI=true: tests against real servers are required.")
    pytest.skip(message)


async def _postgres_problem(admin_url: str) -> str | None:
    import asyncpg

    try:
        conn = await asyncpg.connect(asyncpg_dsn(admin_url), timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(autouse=True)
def separate_rate_limit_counters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test counts rate limits afresh in Redis too, as it does in memory."""
    from frontdesk.actions import rate_limits

    monkeypatch.setattr(rate_limits, "KEY_PREFIX", f"frontdesk-test-{uuid.uuid4().hex}:rate:")


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    problem = asyncio.run(_postgres_problem(POSTGRES_ADMIN_URL))
    if problem:
        unavailable(
            f"PostgreSQL at {POSTGRES_ADMIN_URL}",
            problem,
            "Run `make test` (it starts PostgreSQL) or set FRONTDESK_TEST_POSTGRES_URL.",
        )
    return POSTGRES_ADMIN_URL


@pytest.fixture(scope="session")
def redis_url() -> str:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(
            f"Redis at {REDIS_URL}",
            f"{type(exc).__name__}: {exc}",
            "Run `make test` (it starts Redis) or set FRONTDESK_TEST_REDIS_URL.",
        )
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
async def postgres_url(postgres_admin_url: str) -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import asyncpg

    name = f"frontdesk_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(asyncpg_dsn(postgres_admin_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    admin = await asyncpg.connect(asyncpg_dsn(postgres_admin_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each supported kind (SQLite file, PostgreSQL database)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'frontdesk.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(params=["memory", "redis"])
def broker_url(request: pytest.FixtureRequest) -> str:
    """The broker URL for each implementation: empty for in-process, else Redis."""
    if request.param == "memory":
        return ""
    return str(request.getfixturevalue("redis_url"))


@pytest.fixture(params=["embedded", "scaled"])
def stack(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """(database URL, Redis URL): SQLite + in-process, and PostgreSQL + Redis."""
    if request.param == "embedded":
        return f"sqlite:///{tmp_path / 'frontdesk.db'}", ""
    return str(request.getfixturevalue("postgres_url")), str(request.getfixturevalue("redis_url"))


@pytest.fixture
def settings(stack: tuple[str, str], tmp_path: Path) -> Settings:
    database_url, redis = stack
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        redis_url=redis,
        secret_key=TEST_SECRET_KEY,
        allowed_origins=TEST_ORIGINS,
    )


@pytest.fixture
def embedded_settings(tmp_path: Path) -> Settings:
    """Settings for tests that exercise no storage difference: SQLite + in-process only."""
    return Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'frontdesk.db'}",
        secret_key=TEST_SECRET_KEY,
        allowed_origins=TEST_ORIGINS,
    )


async def _client_for(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client bound in-process to a running app, on each storage stack."""
    async for c in _client_for(settings):
        yield c


@pytest.fixture
async def embedded_client(embedded_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client bound in-process to a running app on SQLite + in-process broker."""
    async for c in _client_for(embedded_settings):
        yield c


def random_password() -> str:
    return secrets.token_urlsafe(16)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last: Playwright's sync API keeps an event loop running in the
    main thread until the session ends, which async tests after it could not share."""
    items.sort(key=lambda item: "tests/browser/" in item.nodeid)
