from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from frontdesk.actions.agents import create_agent, open_session
from frontdesk.actions.operator_keys import create_key, key_for, list_keys, revoke_key
from frontdesk.errors import InvalidInput, NotFound, Unauthorized
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.migrate import upgrade
from frontdesk.store.models import OperatorKey


@pytest.fixture
async def database(database_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.connect(
        Settings(data_dir=tmp_path, database_url=database_url, secret_key="x" * 40)
    )
    await upgrade(database)
    yield database
    await database.close()


async def test_a_key_is_shown_once_and_only_its_hash_is_kept(database: Database) -> None:
    info, secret = await create_key(database, name="asterisk")
    assert re.fullmatch(r"fdivr_[\w-]{43}", secret)
    async with database.session() as session:
        stored = (await session.scalars(select(OperatorKey))).one()
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(stored.__dict__)
    assert (await key_for(database, secret, scope="ivr")).id == info.id
    listed = await list_keys(database)
    assert [key.name for key in listed] == ["asterisk"]
    assert listed[0].last_used_at is not None


async def test_revoked_unknown_and_agent_tokens_are_no_ivr_keys(database: Database) -> None:
    info, secret = await create_key(database, name="old")
    agent = await create_agent(
        database, email="a@example.test", display_name="A", password="correct horse battery"
    )
    agent_token = await open_session(database, agent.id, kind="api", ttl_seconds=None)
    await revoke_key(database, info.id)
    await revoke_key(database, info.id)  # twice changes nothing
    for presented in (secret, agent_token, "fdivr_" + "A" * 43, "", "x" * 500):
        with pytest.raises(Unauthorized):
            await key_for(database, presented, scope="ivr")
    with pytest.raises(NotFound):
        await revoke_key(database, 999)
    with pytest.raises(InvalidInput):
        await create_key(database, name="  ")
