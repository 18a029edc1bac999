"""The demo: a pretend shop that embeds the widgets, a fresh database and a demo agent."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontdesk.settings import ENV_PREFIX, Settings

DEMO_DATA_DIR = ".frontdesk-demo"
DEMO_AGENT_EMAIL = "agent@demo.frontdesk.test"
DEMO_AGENT_NAME = "Dana from Demo Shop"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    ivr_key: str = ""


def demo_settings(overrides: dict[str, Any], environ: Mapping[str, str] | None = None) -> Settings:
    """The demo's settings: its flags win over ``FRONTDESK_*``, which win over its defaults.

    The defaults are its own data folder, any origin, and a fresh SQLite file in that folder.
    """
    env = os.environ if environ is None else environ

    def given(name: str) -> bool:
        return overrides.get(name) is not None or bool(env.get(ENV_PREFIX + name.upper()))

    values = {**overrides, "demo": True}
    if not given("data_dir"):
        values["data_dir"] = DEMO_DATA_DIR
    if not given("allowed_origins"):
        values["allowed_origins"] = "*"
    settings = Settings.from_env(env, **values)
    if given("database_url"):
        return settings
    return settings.replace(
        database_url=f"sqlite:///{(settings.data_dir / 'demo.db').as_posix()}",
        fresh_demo_database=True,
    )


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
    database = await Database.open(settings)
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
