"""The demo: a pretend shop that embeds the widgets, a fresh database and a demo agent."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontdesk.settings import Settings

DEMO_DATA_DIR = ".frontdesk-demo"
DEMO_AGENT_EMAIL = "agent@demo.frontdesk.test"
DEMO_AGENT_NAME = "Dana from Demo Shop"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    ivr_key: str = ""


def demo_overrides(overrides: dict[str, Any]) -> dict[str, Any]:
    """Demo defaults under the operator's flags: own data folder, any origin, the demo site."""
    result = dict(overrides)
    result.setdefault("data_dir", None)
    if result["data_dir"] is None:
        result["data_dir"] = DEMO_DATA_DIR
    if result.get("database_url") is None:
        result["database_url"] = f"sqlite:///{Path(result['data_dir']) / 'demo.db'}"
        result["fresh_demo_database"] = True
    if result.get("allowed_origins") is None:
        result["allowed_origins"] = "*"
    result["demo"] = True
    return result


async def prepare_demo(settings: Settings) -> DemoLogin:
    """Start from an empty SQLite file (when the demo owns it), migrate, create the demo agent."""
    from frontdesk.actions.agents import create_agent, list_agents, reset_password
    from frontdesk.demo.click_to_call import prepare_click_to_call
    from frontdesk.demo.knowledge_base import prepare_knowledge
    from frontdesk.store.database import Database
    from frontdesk.store.migrate import upgrade

    if settings.is_sqlite and settings.fresh_demo_database:
        _remove_sqlite_files(settings)
    password = secrets.token_urlsafe(9)
    database = await Database.connect(settings)
    try:
        await upgrade(database)
        existing = {agent.email for agent in await list_agents(database)}
        if DEMO_AGENT_EMAIL in existing:
            await reset_password(database, DEMO_AGENT_EMAIL, password)
        else:
            await create_agent(
                database,
                email=DEMO_AGENT_EMAIL,
                display_name=DEMO_AGENT_NAME,
                password=password,
                role="admin",
            )
        ivr_key = await prepare_click_to_call(database)
        await prepare_knowledge(database)
    finally:
        await database.close()
    return DemoLogin(DEMO_AGENT_EMAIL, password, ivr_key)


def _remove_sqlite_files(settings: Settings) -> None:
    database = settings.async_database_url.database
    if not database:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(database + suffix).unlink(missing_ok=True)
