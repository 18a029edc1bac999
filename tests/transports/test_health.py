from __future__ import annotations

from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from frontdesk import __version__
from frontdesk.app import create_app
from frontdesk.settings import Settings
from tests.conftest import TEST_SECRET_KEY, asyncpg_dsn


async def test_healthz_answers_without_touching_backends(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


async def test_readyz_checks_database_and_broker(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "broker": "ok"}}


async def test_readyz_reports_a_dead_database(
    postgres_url: str, postgres_admin_url: str, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=postgres_url, secret_key=TEST_SECRET_KEY)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            assert (await client.get("/readyz")).status_code == 200
            admin = await asyncpg.connect(asyncpg_dsn(postgres_admin_url))
            try:
                name = make_url(postgres_url).database
                await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            finally:
                await admin.close()
            response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["error"]["code"] == "not_ready"
    assert body["error"]["details"]["checks"]["database"].startswith("failed")
    assert body["error"]["details"]["checks"]["broker"] == "ok"
