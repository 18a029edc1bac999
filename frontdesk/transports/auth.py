"""Who is calling: an agent's bearer token or desk cookie, role checks, and the CSRF rule."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Literal, cast
from urllib.parse import urlsplit

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from frontdesk.actions.agents import AgentInfo, agent_for_token
from frontdesk.errors import Forbidden, OriginNotAllowed, Unauthorized
from frontdesk.transports.error_docs import answers

if TYPE_CHECKING:
    from frontdesk.app import Services

DESK_COOKIE = "frontdesk_desk"
# On https the prefix makes browsers insist on Secure, Path=/ and no Domain, so a sibling
# sub-domain cannot plant a desk cookie of its own (browsers refuse the prefix on http).
SECURE_DESK_COOKIE = "__Host-" + DESK_COOKIE
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Roles that see every conversation, read-only unless they accepted it.
SUPERVISING_ROLES = ("supervisor", "admin")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
# A WebSocket URL (ws://, wss://) belongs to the same origin as its http(s) page.
_HTTP_SCHEME = {"ws": "http", "wss": "https"}


@dataclasses.dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated agent, the token they presented, and how they presented it."""

    agent: AgentInfo
    token: str
    via: Literal["bearer", "cookie"]


def services(request: Request) -> Services:
    """The process-wide services the app built at start-up."""
    return cast("Services", request.app.state.services)


def client_ip(request: Request) -> str:
    """The peer's address (the proxy's, unless the server trusts forwarded headers)."""
    return request.client.host if request.client else "unknown"


def desk_cookie_name(connection: HTTPConnection) -> str:
    """The desk cookie's name on this connection: ``__Host-`` prefixed on https (and wss).

    The scheme is the one the client used: behind a reverse proxy that uvicorn trusts
    (``FORWARDED_ALLOW_IPS``), the one its ``X-Forwarded-Proto`` names.
    """
    return SECURE_DESK_COOKIE if connection.url.scheme in {"https", "wss"} else DESK_COOKIE


def presented_token(request: Request) -> tuple[str, Literal["bearer", "cookie"]] | None:
    """The token a request carries, if any; a cookie on an unsafe method must pass the CSRF rule."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("Send the token as `Authorization: Bearer <token>`.")
        return token, "bearer"
    cookie = request.cookies.get(desk_cookie_name(request))
    if not cookie:
        return None
    if request.method not in SAFE_METHODS:
        require_same_origin(request)
    return cookie, "cookie"


def require_same_origin(request: Request, *, allow_missing: bool = False) -> None:
    """Refuse a request whose ``Origin`` is not this server's own (a cross-site request)."""
    origin = request.headers.get("origin")
    if origin is None and allow_missing:
        return
    if origin is None or origin_key(origin) != origin_key(str(request.base_url)):
        raise OriginNotAllowed(
            "A request made with the desk cookie must come from the desk's own pages.",
            origin=origin,
        )


@answers(401, 403)
async def authenticated(request: Request) -> Caller:
    """FastAPI dependency: the calling agent, by bearer token or desk cookie."""
    presented = presented_token(request)
    if presented is None:
        raise Unauthorized("Log in, or send an API token as `Authorization: Bearer <token>`.")
    token, via = presented
    # A token only works the way it was issued: a leaked cookie value is no API token.
    kind = "api" if via == "bearer" else "cookie"
    agent = await agent_for_token(services(request).database, token, kind=kind)
    return Caller(agent=agent, token=token, via=via)


def require_role(*roles: str) -> Callable[[Caller], Awaitable[Caller]]:
    """FastAPI dependency factory: the caller, provided their role is one of ``roles``."""

    @answers(403)
    async def dependency(caller: Annotated[Caller, Depends(authenticated)]) -> Caller:
        if caller.agent.role not in roles:
            raise Forbidden("Your role may not do this.", required_roles=list(roles))
        return caller

    return dependency


def supervises(agent: AgentInfo) -> bool:
    """Whether the agent may watch every conversation (supervisors and admins)."""
    return agent.role in SUPERVISING_ROLES


def origin_key(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of an origin or URL, default ports filled in, ws mapped to http."""
    try:
        # Both raise ValueError on a malformed URL: an unclosed "[", a port that is no number.
        parts = urlsplit(url.strip().lower())
        port = parts.port
    except ValueError:
        return ("", "", None)
    scheme = _HTTP_SCHEME.get(parts.scheme, parts.scheme)
    return (scheme, parts.hostname or "", port or _DEFAULT_PORTS.get(parts.scheme))
