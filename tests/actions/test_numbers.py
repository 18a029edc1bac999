from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from frontdesk.actions.numbers import (
    add_number,
    checked_language,
    checked_phone,
    list_numbers,
    remove_number,
    tel_link,
)
from frontdesk.errors import Conflict, InvalidInput, NotFound
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.migrate import upgrade


@pytest.fixture
async def database(database_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.connect(
        Settings(data_dir=tmp_path, database_url=database_url, secret_key="x" * 40)
    )
    await upgrade(database)
    yield database
    await database.close()


async def test_numbers_are_added_listed_removed_and_brought_back(database: Database) -> None:
    added = await add_number(database, "+1 (202) 555-0100", queue="sales", language="EN")
    assert (added.number, added.digits, added.queue, added.language) == (
        "+12025550100",
        "12025550100",
        "sales",
        "en",
    )
    assert added.post_dial == ",,{code}#"
    await add_number(database, "+49 30 23125 000", queue="sales", language="de", post_dial="")
    assert [n.number for n in await list_numbers(database)] == ["+493023125000", "+12025550100"]

    with pytest.raises(Conflict):
        await add_number(database, "12025550100")  # the same digits, written another way
    removed = await remove_number(database, "+12025550100")
    assert removed.removed_at is not None
    assert [n.number for n in await list_numbers(database)] == ["+493023125000"]
    assert len(await list_numbers(database, include_removed=True)) == 2
    with pytest.raises(NotFound):
        await remove_number(database, "+12025550100")

    back = await add_number(database, "+12025550100", queue="support", post_dial="ww{code}")
    assert (back.id, back.queue, back.post_dial, back.removed_at) == (
        added.id,
        "support",
        "ww{code}",
        None,
    )


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("number", {"number": "call me"}),
        ("number", {"number": "+12"}),
        ("number", {"number": "+1234567890123456"}),
        ("queue", {"queue": "sales team"}),
        ("queue", {"queue": ""}),
        ("language", {"language": "english!"}),
        ("post_dial", {"post_dial": ",,{code}{code}"}),
        ("post_dial", {"post_dial": "javascript:alert(1)"}),
    ],
)
async def test_bad_numbers_are_refused_naming_the_field(
    database: Database, field: str, values: dict[str, str]
) -> None:
    arguments = {"number": "+12025550100", **values}
    number = arguments.pop("number")
    with pytest.raises(InvalidInput) as refused:
        await add_number(database, number, **arguments)
    assert refused.value.details["fields"][0]["field"] == field
    assert await list_numbers(database, include_removed=True) == []


def test_tel_links_carry_the_code_as_post_dial_digits_with_hash_escaped() -> None:
    assert tel_link("+12025550100", ",,{code}#", "123456") == "tel:+12025550100,,123456%23"
    assert tel_link("+12025550100", "", "123456") == "tel:+12025550100"
    assert tel_link("+12025550100", ",,{code}#", "") == "tel:+12025550100"
    assert tel_link("+12025550100", ",2", "") == "tel:+12025550100,2"


def test_phone_numbers_and_languages_are_normalised() -> None:
    assert checked_phone(" +44 20 7946-0000 ", "n") == "+442079460000"
    assert checked_phone("0049.30.1234", "n") == "0049301234"
    assert checked_language("de_AT") == "de-at"
    assert checked_language("") == ""
