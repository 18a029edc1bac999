"""``frontdesk check``: try every part of the configuration and say exactly what is wrong."""

from __future__ import annotations

import asyncio
import errno
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from frontdesk.errors import ConfigError
from frontdesk.settings import Settings

TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    warning: bool = False


class Doubtful(Exception):
    """A setting that works but is probably not what the operator wants."""


async def run_checks(settings: Settings) -> list[CheckResult]:
    """Check the secret key, the database, the broker, the listening port and the origins."""
    checks: list[tuple[str, Callable[[Settings], Awaitable[str]]]] = [
        ("secret key", _check_secret_key),
        ("database", _check_database),
        ("broker", _check_broker),
        ("port", _check_port),
        ("allowed origins", _check_origins),
    ]
    results = []
    for name, check in checks:
        try:
            detail = await asyncio.wait_for(check(settings), TIMEOUT_SECONDS)
        except ConfigError as exc:
            results.append(CheckResult(name, False, exc.problem))
        except Doubtful as exc:
            results.append(CheckResult(name, True, str(exc), warning=True))
        except TimeoutError:
            results.append(CheckResult(name, False, f"no answer within {TIMEOUT_SECONDS:.0f} s"))
        except Exception as exc:  # any failure is reported, never raised: that is the command's job
            results.append(CheckResult(name, False, f"{type(exc).__name__}: {exc}"))
        else:
            results.append(CheckResult(name, True, detail))
    return results


async def _check_secret_key(settings: Settings) -> str:
    from frontdesk.security.secret_key import load_secret_key, secret_key_path

    if settings.secret_key:
        load_secret_key(settings)
        return "from FRONTDESK_SECRET_KEY"
    path = secret_key_path(settings)
    if not path.exists():
        return f"{path} will be generated at first start"
    load_secret_key(settings)
    return f"read from {path}"


async def _check_database(settings: Settings) -> str:
    from frontdesk.store.database import Database
    from frontdesk.store.migrate import current_revision, head_revision

    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    database = await Database.open(settings)
    try:
        revision = await current_revision(database)
    finally:
        await database.close()
    head = head_revision()
    if revision == head:
        return f"{shown} (schema up to date)"
    state = "empty" if revision is None else f"at {revision}"
    return f"{shown} (schema {state}; `frontdesk migrate` or `serve` brings it to {head})"


async def _check_broker(settings: Settings) -> str:
    if not settings.redis_url:
        return "in-process (one server process; set FRONTDESK_REDIS_URL to run several)"
    from frontdesk.broker import open_broker

    shown = make_url(settings.redis_url).render_as_string(hide_password=True)
    try:
        broker = await open_broker(settings)
    except Exception as exc:
        raise ConfigError("redis_url", f"{shown}: unreachable ({exc})") from exc
    try:
        await broker.ping()
    finally:
        await broker.close()
    return f"{shown} reachable"


async def _check_port(settings: Settings) -> str:
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((settings.host, settings.port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(
                    "port", f"{settings.host}:{settings.port} is already in use"
                ) from exc
            raise ConfigError(
                "host", f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}"
            ) from exc
    return f"{settings.host}:{settings.port} is free"


async def _check_origins(settings: Settings) -> str:
    if not settings.allowed_origins:
        raise Doubtful(
            "none: no site may embed the widgets (a visitor's chat 'could not be started'); "
            "set FRONTDESK_ALLOWED_ORIGINS to your sites"
        )
    return ", ".join(settings.allowed_origins)
