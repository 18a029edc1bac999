"""The demo's click-to-call: two numbers from the ranges kept for fiction, and an IVR key.

US 555-0100 to 555-0199 and Berlin 030 23125 xxx are reserved for films and examples, so
nobody real is ever called from the demo.
"""

from __future__ import annotations

from frontdesk.store.database import Database

DEMO_NUMBERS = (("+12025550100", "en"), ("+493023125000", "de"))
DEMO_KEY_NAME = "demo IVR"


async def prepare_click_to_call(database: Database) -> str:
    """Put the demo numbers in the pool (once) and return a fresh IVR key."""
    from frontdesk.actions.numbers import add_number, list_numbers
    from frontdesk.actions.operator_keys import create_key, list_keys, revoke_key

    present = {view.number for view in await list_numbers(database)}
    for number, language in DEMO_NUMBERS:
        if number not in present:
            await add_number(database, number, language=language)
    # A database the demo keeps may hold the last run's key: only the newest one works.
    for info in await list_keys(database):
        if info.name == DEMO_KEY_NAME and info.revoked_at is None:
            await revoke_key(database, info.id)
    _, secret = await create_key(database, name=DEMO_KEY_NAME, scope="ivr")
    return secret
