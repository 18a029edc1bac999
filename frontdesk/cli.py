"""The ``frontdesk`` command: serve, demo, migrate, agents, check."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import secrets
import sys
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from frontdesk import __version__
from frontdesk.cli_calls import register as register_call_commands
from frontdesk.cli_knowledge import register as register_knowledge_commands
from frontdesk.errors import ConfigError, FrontdeskError
from frontdesk.settings import Settings

if TYPE_CHECKING:
    from frontdesk.store.database import Database


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``frontdesk`` console script; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(_with_attached_values(sys.argv[1:] if argv is None else argv))
    try:
        settings = _settings_from(args)
        result: int = args.run(settings, args)
    except ConfigError as exc:
        print(f"configuration error: {exc.setting}: {exc.problem}", file=sys.stderr)
        return 2
    except FrontdeskError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return result


# Options whose value may be any text, a leading "-" included.
FREE_TEXT_OPTIONS = ("--password",)


def _with_attached_values(argv: Sequence[str]) -> list[str]:
    """``--password -x`` as ``--password=-x``: argparse would take ``-x`` for an option."""
    result: list[str] = []
    values = iter(argv)
    for arg in values:
        if arg == "--":
            result.append(arg)
            result.extend(values)
            break
        if arg in FREE_TEXT_OPTIONS:
            value = next(values, None)
            result.append(arg if value is None else f"{arg}={value}")
        else:
            result.append(arg)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="frontdesk",
        description="Frontdesk: self-hosted chat, click-to-call and knowledge-base widgets.",
        epilog="Every flag can also be set as a FRONTDESK_* environment variable "
        "(e.g. FRONTDESK_DATABASE_URL); flags win.",
    )
    parser.add_argument("--version", action="version", version=f"frontdesk {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the server")
    _server_flags(serve)
    serve.set_defaults(run=_run_serve)

    demo = commands.add_parser(
        "demo", help="run the server on a fresh SQLite file with a demo site and a demo agent"
    )
    _server_flags(demo, demo=True)
    demo.set_defaults(run=_run_demo)

    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    _storage_flags(migrate)
    migrate.set_defaults(run=_run_migrate)

    check = commands.add_parser("check", help="validate the configuration and its services")
    _server_flags(check)
    check.set_defaults(run=_run_check)

    agents = commands.add_parser("agents", help="manage agent accounts")
    agent_commands = agents.add_subparsers(dest="agents_command", required=True, metavar="ACTION")
    create = agent_commands.add_parser("create", help="create an agent account")
    _storage_flags(create)
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True, help="display name shown to visitors")
    create.add_argument("--role", choices=["agent", "supervisor", "admin"], default="agent")
    secret = create.add_mutually_exclusive_group()
    secret.add_argument(
        "--password",
        help="the password (prompted for when omitted; '-' generates one and prints it); "
        "it shows in the process list, so prefer the prompt or --password-stdin",
    )
    secret.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    create.set_defaults(run=_run_agents_create)
    listing = agent_commands.add_parser("list", help="list agent accounts")
    _storage_flags(listing)
    listing.set_defaults(run=_run_agents_list)
    disable = agent_commands.add_parser("disable", help="disable an account and end its sessions")
    _storage_flags(disable)
    disable.add_argument("agent", help="e-mail address or id")
    disable.set_defaults(run=_run_agents_disable)
    register_call_commands(commands, _storage_flags, _migrated_database)
    register_knowledge_commands(commands, _storage_flags, _migrated_database)
    return parser


def _storage_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="folder for the SQLite file and the secret key")
    parser.add_argument("--database-url", help="sqlite:///path or postgresql://user@host/db")


def _server_flags(parser: argparse.ArgumentParser, *, demo: bool = False) -> None:
    _storage_flags(parser)
    parser.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8000)")
    parser.add_argument("--redis-url", help="redis://host:6379/0 to share events between processes")
    parser.add_argument(
        "--allowed-origins",
        help="sites allowed to embed the widgets: "
        "https://shop.example.com,https://*.example.com or *",
    )
    parser.add_argument("--log-level", choices=["critical", "error", "warning", "info", "debug"])
    if not demo:
        parser.add_argument(
            "--no-migrate", action="store_true", help="do not migrate the database at start-up"
        )


def _settings_from(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {
        name: getattr(args, name, None)
        for name in ("data_dir", "database_url", "host", "port", "redis_url", "log_level")
    }
    origins = getattr(args, "allowed_origins", None)
    if origins is not None:
        overrides["allowed_origins"] = origins
    if getattr(args, "no_migrate", False):
        overrides["migrate"] = False
    if args.command == "demo":
        from frontdesk.demo import demo_settings

        return demo_settings(overrides)
    return Settings.from_env(**overrides)


def _run_serve(settings: Settings, args: argparse.Namespace) -> int:
    from frontdesk.data_folder import locked_database
    from frontdesk.server import run

    with locked_database(settings):
        return run(settings)


def _run_demo(settings: Settings, args: argparse.Namespace) -> int:
    from frontdesk.data_folder import locked_database

    # Before the demo empties its database: never under another server still using it.
    with locked_database(settings):
        return _serve_demo(settings)


def _serve_demo(settings: Settings) -> int:
    from frontdesk.demo import prepare_demo
    from frontdesk.server import run

    login = asyncio.run(prepare_demo(settings))
    base = f"http://{_display_host(settings.host)}:{settings.port}"
    print(
        "\nFrontdesk demo\n"
        f"  shop (visitor's side):  {base}/demo/\n"
        f"  another shop page:      {base}/demo/product.html\n"
        f"  agent desk:             {base}/desk/\n"
        f"  API docs:               {base}/docs\n"
        f"  agent login:            {login.email} / {login.password}\n"
        f"  two sub-domains:        http://shop.frontdesk.localhost:{settings.port}/demo/ and "
        f"http://help.frontdesk.localhost:{settings.port}/demo/help.html (see docs/demo.md)\n"
        "  click-to-call:          'Call us' on the shop gives a number and a code; play the\n"
        "                          phone system with (docs/demo.md):\n"
        f"    frontdesk ivr redeem --url {base} --key {login.ivr_key} --number <number> "
        "--code <code> --caller-id +12025550199\n",
        flush=True,
    )
    return run(settings)


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104 - compared, not bound


def _run_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from frontdesk.store.database import Database
    from frontdesk.store.migrate import current_revision, upgrade

    async def migrate() -> str | None:
        database = await Database.open(settings)
        try:
            await upgrade(database)
            return await current_revision(database)
        finally:
            await database.close()

    revision = asyncio.run(migrate())
    print(f"database at revision {revision}")
    return 0


def _run_agents_create(settings: Settings, args: argparse.Namespace) -> int:
    from frontdesk.actions.agents import create_agent

    password = args.password
    generated = password == "-"  # noqa: S105 - "-" asks for a generated password
    if generated:
        password = secrets.token_urlsafe(12)
    elif args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif password is None:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            print("error: the passwords differ", file=sys.stderr)
            return 1

    async def create() -> Any:
        async with _migrated_database(settings) as database:
            return await create_agent(
                database,
                email=args.email,
                display_name=args.name,
                password=password,
                role=args.role,
            )

    agent = asyncio.run(create())
    print(f"created {agent.role} {agent.email} (id {agent.id})")
    if generated:
        print(f"password: {password}")
    return 0


def _run_agents_list(settings: Settings, args: argparse.Namespace) -> int:
    from frontdesk.actions.agents import list_agents

    async def listing() -> Any:
        async with _migrated_database(settings) as database:
            return await list_agents(database)

    agents = asyncio.run(listing())
    if not agents:
        print("no agents yet: create one with `frontdesk agents create`")
    for agent in agents:
        state = "disabled" if agent.disabled else "active"
        print(f"{agent.id:>5}  {agent.email:<32} {agent.role:<10} {state:<8} {agent.display_name}")
    return 0


def _run_agents_disable(settings: Settings, args: argparse.Namespace) -> int:
    from frontdesk.actions.agents import disable_agent

    ident: int | str = int(args.agent) if args.agent.isdigit() else args.agent

    async def disable() -> Any:
        async with _migrated_database(settings) as database:
            return await disable_agent(database, ident)

    agent = asyncio.run(disable())
    print(f"disabled {agent.email}; their sessions are ended")
    return 0


def _run_check(settings: Settings, args: argparse.Namespace) -> int:
    from frontdesk.checks import run_checks

    results = asyncio.run(run_checks(settings))
    width = max(len(result.name) for result in results)
    for result in results:
        mark = ("warn" if result.warning else "ok  ") if result.ok else "FAIL"
        print(f"{mark}  {result.name:<{width}}  {result.detail}")
    failed = [result for result in results if not result.ok]
    if failed:
        print(f"\n{len(failed)} problem(s) found", file=sys.stderr)
        return 1
    warnings = sum(result.warning for result in results)
    print(f"\nconfiguration ok, {warnings} warning(s)" if warnings else "\nconfiguration ok")
    return 0


@contextlib.asynccontextmanager
async def _migrated_database(settings: Settings) -> AsyncIterator[Database]:
    """Connect, bring the schema up to date, and close afterwards."""
    from frontdesk.store.database import Database
    from frontdesk.store.migrate import upgrade

    database = await Database.open(settings)
    try:
        await upgrade(database)
        yield database
    finally:
        await database.close()
