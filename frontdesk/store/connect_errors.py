"""Why a database connection failed, in the words an operator needs: one line, one cause."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator

import asyncpg

AUTHENTICATION_FAILED = "authentication failed"
HOST_UNREACHABLE = "host unreachable"


def connect_problem(exc: BaseException) -> str:
    """One line naming the cause of a failed connection (for start-up errors and ``check``)."""
    for cause in _causes(exc):
        if isinstance(
            cause,
            asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError,
        ):
            return f"{AUTHENTICATION_FAILED}: {_first_line(cause)}"
        if isinstance(cause, asyncpg.InvalidCatalogNameError):
            return _first_line(cause)
        if isinstance(cause, asyncpg.PostgresError):
            return f"the server refused the connection: {_first_line(cause)}"
        if isinstance(cause, socket.gaierror):
            return f"{HOST_UNREACHABLE}: the host name is not known ({cause.strerror})"
        if isinstance(cause, TimeoutError):
            return f"{HOST_UNREACHABLE}: no answer in time"
        if isinstance(cause, ConnectionRefusedError):
            return f"{HOST_UNREACHABLE}: connection refused (is the server running on that port?)"
        if isinstance(cause, OSError):
            return f"{HOST_UNREACHABLE}: {cause.strerror or _first_line(cause)}"
        if isinstance(cause, sqlite3.Error):
            return f"SQLite: {_first_line(cause)}"
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, then what it wraps (SQLAlchemy's ``orig``) and what caused it."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        cause = pending.pop(0)
        if id(cause) in seen:
            continue
        seen.add(id(cause))
        yield cause
        for inner in (getattr(cause, "orig", None), cause.__cause__, cause.__context__):
            if isinstance(inner, BaseException):
                pending.append(inner)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
