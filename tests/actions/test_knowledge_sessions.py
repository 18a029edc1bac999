"""Search sessions: keys only this server can read, refused when tampered with or foreign."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from frontdesk.actions.knowledge_sessions import (
    KEYS_TTL_SECONDS,
    open_session,
    resume_session,
    update_session,
)
from frontdesk.errors import InvalidInput, InvalidToken
from frontdesk.security.keyring import Keyring
from frontdesk.store.database import Database
from tests.actions.knowledge_helpers import migrated_database
from tests.conftest import TEST_SECRET_KEY

KEYRING = Keyring(TEST_SECRET_KEY.encode())


@pytest.fixture
async def database(database_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated_database(database_url, tmp_path) as database:
        yield database


async def test_keys_bring_back_the_session_they_were_issued_for(database: Database) -> None:
    info, keys = await open_session(database, KEYRING, language="en-GB", customer_id="c-42")
    assert info.id not in keys  # sealed: the id cannot be read from the keys
    again = await resume_session(database, KEYRING, keys, session_id=info.id)
    assert again == info
    changed = await update_session(database, info.id, language="de", customer_id="c-43")
    assert (changed.language, changed.customer_id) == ("de", "c-43")


def _flip(keys: str, position: int) -> str:
    prefix, body = keys[:3], keys[3:]
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[position] ^= 0x01
    return prefix + base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


async def test_tampered_forged_and_foreign_keys_are_refused(database: Database) -> None:
    info, keys = await open_session(database, KEYRING, language="en")
    other = Keyring(b"another-secret-key-" + b"1" * 40)
    foreign_info, foreign = await open_session(database, other, language="en")
    refusals = {
        "tampered": _flip(keys, -1),
        "malformed": info.id,
        "wrong_purpose": KEYRING.seal({"sid": info.id}, purpose="webchat keys"),
    }
    for reason, bad in refusals.items():
        with pytest.raises(InvalidToken) as refused:
            await resume_session(database, KEYRING, bad)
        assert refused.value.details["reason"] == reason
    with pytest.raises(InvalidToken) as refused:
        await resume_session(database, KEYRING, foreign)
    assert refused.value.details["reason"] == "tampered"
    _, second = await open_session(database, KEYRING, language="en")
    with pytest.raises(InvalidToken) as refused:
        await resume_session(database, KEYRING, second, session_id=info.id)
    assert refused.value.details["reason"] == "wrong_session"
    assert foreign_info.id != info.id


async def test_keys_expire(database: Database) -> None:
    now = [1_000_000.0]
    keyring = Keyring(TEST_SECRET_KEY.encode(), clock=lambda: now[0])
    _, keys = await open_session(database, keyring, language="en")
    now[0] += KEYS_TTL_SECONDS
    with pytest.raises(InvalidToken) as refused:
        await resume_session(database, keyring, keys)
    assert refused.value.details["reason"] == "expired"


@pytest.mark.parametrize("customer", ["vic@example.test", "Vic Tor", "x" * 101, "<b>"])
async def test_customer_ids_that_are_not_opaque_ids_are_refused(
    database: Database, customer: str
) -> None:
    with pytest.raises(InvalidInput, match="opaque id"):
        await open_session(database, KEYRING, language="en", customer_id=customer)
