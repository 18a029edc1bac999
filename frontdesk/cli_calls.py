"""The click-to-call commands of ``frontdesk``: the number pool, IVR keys, and playing the IVR.

``frontdesk numbers add|list|remove`` manage the pool; ``frontdesk ivr keys create|list|revoke``
the operator keys the IVR authenticates with; ``frontdesk ivr redeem`` makes the IVR's HTTP call,
for trying the hand-off without a phone system (the demo prints one ready to paste).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from frontdesk.settings import Settings

if TYPE_CHECKING:
    from frontdesk.store.database import Database

StorageFlags = Callable[[argparse.ArgumentParser], None]
OpenDatabase = Callable[[Settings], contextlib.AbstractAsyncContextManager["Database"]]
DEFAULT_URL = "http://127.0.0.1:8000"
REDEEM_TIMEOUT_SECONDS = 10


def register(commands: Any, storage_flags: StorageFlags, open_database: OpenDatabase) -> None:
    """Add ``numbers`` and ``ivr`` to the ``frontdesk`` command."""

    def database_command(run: Callable[[Database, argparse.Namespace], Any]) -> Any:
        def command(settings: Settings, args: argparse.Namespace) -> int:
            async def go() -> Any:
                async with open_database(settings) as database:
                    return await run(database, args)

            asyncio.run(go())
            return 0

        return command

    numbers = commands.add_parser("numbers", help="manage the click-to-call number pool")
    number_commands = numbers.add_subparsers(
        dest="numbers_command", required=True, metavar="ACTION"
    )
    add = number_commands.add_parser("add", help="add a number visitors may be given to dial")
    storage_flags(add)
    add.add_argument("number", help="as visitors dial it, e.g. +12025550100")
    add.add_argument(
        "--queue", default="default", help="the queue it belongs to (default: default)"
    )
    add.add_argument("--language", default="", help="e.g. en or de-AT; empty: any language")
    link = add.add_mutually_exclusive_group()
    link.add_argument(
        "--post-dial",
        default=",,{code}#",
        help="what the tel: link dials after the number; {code} is the access code "
        "(default: ,,{code}#)",
    )
    link.add_argument(
        "--no-code-in-link", action="store_true", help="the tel: link dials the number only"
    )
    add.set_defaults(run=database_command(_add_number))
    listing = number_commands.add_parser("list", help="list the pool")
    storage_flags(listing)
    listing.add_argument("--all", action="store_true", help="include removed numbers")
    listing.set_defaults(run=database_command(_list_numbers))
    remove = number_commands.add_parser(
        "remove", help="give a number out no more (its codes stay valid until they expire)"
    )
    storage_flags(remove)
    remove.add_argument("number")
    remove.set_defaults(run=database_command(_remove_number))

    ivr = commands.add_parser("ivr", help="the IVR hand-off: API keys, and a test redeem")
    ivr_commands = ivr.add_subparsers(dest="ivr_command", required=True, metavar="ACTION")
    keys = ivr_commands.add_parser("keys", help="operator API keys for the IVR")
    key_commands = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    create = key_commands.add_parser("create", help="create a key (shown once)")
    storage_flags(create)
    create.add_argument("--name", required=True, help="what uses it, e.g. 'asterisk-prod'")
    create.set_defaults(run=database_command(_create_key))
    key_list = key_commands.add_parser("list", help="list keys (never their secrets)")
    storage_flags(key_list)
    key_list.set_defaults(run=database_command(_list_keys))
    revoke = key_commands.add_parser("revoke", help="revoke a key at once")
    storage_flags(revoke)
    revoke.add_argument("id", type=int)
    revoke.set_defaults(run=database_command(_revoke_key))

    redeem = ivr_commands.add_parser(
        "redeem", help="redeem an access code over HTTP, as the IVR would"
    )
    redeem.add_argument("--url", default=DEFAULT_URL, help=f"the server (default {DEFAULT_URL})")
    redeem.add_argument(
        "--key", help="the IVR key (default: the FRONTDESK_IVR_KEY environment variable)"
    )
    redeem.add_argument("--number", required=True, help="the number the caller dialled")
    redeem.add_argument("--code", required=True, help="the access code the caller entered")
    redeem.add_argument("--caller-id", default="", help="the number the call comes from")
    redeem.set_defaults(run=_redeem)


async def _add_number(database: Database, args: argparse.Namespace) -> None:
    from frontdesk.actions.numbers import add_number

    view = await add_number(
        database,
        args.number,
        queue=args.queue,
        language=args.language,
        post_dial="" if args.no_code_in_link else args.post_dial,
    )
    print(f"added {view.number} to queue {view.queue} ({view.language or 'any language'})")


async def _list_numbers(database: Database, args: argparse.Namespace) -> None:
    from frontdesk.actions.numbers import list_numbers

    views = await list_numbers(database, include_removed=args.all)
    if not views:
        print("no numbers yet: add one with `frontdesk numbers add +12025550100`")
    for view in views:
        state = "removed" if view.removed_at else "active"
        language = view.language or "any"
        print(f"{view.number:<18} {view.queue:<16} {language:<8} {state:<8} {view.post_dial}")


async def _remove_number(database: Database, args: argparse.Namespace) -> None:
    from frontdesk.actions.numbers import remove_number

    view = await remove_number(database, args.number)
    print(f"removed {view.number}; codes it gave out work until they expire")


async def _create_key(database: Database, args: argparse.Namespace) -> None:
    from frontdesk.actions.operator_keys import create_key

    info, secret = await create_key(database, name=args.name, scope="ivr")
    print(f"created IVR key {info.id} ({info.name}); it is shown only now:")
    print(secret)


async def _list_keys(database: Database, args: argparse.Namespace) -> None:
    from frontdesk.actions.operator_keys import list_keys

    infos = await list_keys(database)
    if not infos:
        print("no keys yet: create one with `frontdesk ivr keys create --name asterisk`")
    for info in infos:
        state = "revoked" if info.revoked_at else "active"
        used = info.last_used_at.isoformat(timespec="seconds") if info.last_used_at else "never"
        print(f"{info.id:>5}  {info.scope:<4} {state:<8} last used {used:<26} {info.name}")


async def _revoke_key(database: Database, args: argparse.Namespace) -> None:
    from frontdesk.actions.operator_keys import revoke_key

    info = await revoke_key(database, args.id)
    print(f"revoked key {info.id} ({info.name})")


def _redeem(settings: Settings, args: argparse.Namespace) -> int:
    key = args.key or os.environ.get("FRONTDESK_IVR_KEY", "")
    if not key:
        print("error: pass --key or set FRONTDESK_IVR_KEY", file=sys.stderr)
        return 2
    body = json.dumps(
        {"number": args.number, "code": args.code, "caller_id": args.caller_id}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - the operator names the URL
        urllib.parse.urljoin(args.url.rstrip("/") + "/", "api/ivr/redeem"),
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=REDEEM_TIMEOUT_SECONDS) as response:  # noqa: S310
            reply = json.loads(response.read())
    except urllib.error.HTTPError as error:
        print(f"refused ({error.code}): {_error_message(error.read())}", file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError) as error:
        print(f"error: cannot reach {args.url}: {error}", file=sys.stderr)
        return 1
    call = reply["call"]
    print(f"redeemed: {call['visitor']['name']} ({call['queue']}, {call['language'] or 'any'})")
    print(json.dumps(call, indent=2, ensure_ascii=False))
    return 0


def _error_message(body: bytes) -> str:
    try:
        return str(json.loads(body)["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return body.decode(errors="replace")[:200]
