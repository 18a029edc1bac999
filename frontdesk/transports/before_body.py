"""Checks that run before FastAPI reads a request's body.

FastAPI parses a route's body (JSON or form) before it solves the route's dependencies, so a
rate limit checked in a dependency or in the endpoint comes after the parsing it should spare.
An endpoint marked ``@before_body(check)`` on a router whose ``route_class`` is
``GuardedRoute`` (or a subclass) runs ``check`` first: a flood is refused unread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.routing import APIRoute

from frontdesk.errors import OriginNotAllowed
from frontdesk.transports.auth import client_ip, services

F = TypeVar("F", bound=Callable[..., Any])
Check = Callable[[Request], Awaitable[None]]
Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def before_body(check: Check) -> Callable[[F], F]:
    """Mark an endpoint with a check to run before its body is read."""

    def mark(endpoint: F) -> F:
        endpoint.__dict__["before_body"] = check
        return endpoint

    return mark


class GuardedRoute(APIRoute):
    """An ``APIRoute`` that runs its endpoint's ``before_body`` check first."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        check: Check | None = getattr(self.endpoint, "before_body", None)
        if check is None:
            return handler

        async def guarded(request: Request) -> Response:
            await check(request)
            return await handler(request)

        return guarded


async def chat_start_allowed(request: Request) -> None:
    """A chat start from an allowed site, within the per-address start rate limit."""
    svc = services(request)
    origin = request.headers.get("origin")
    if not svc.origins.allows(origin):
        raise OriginNotAllowed("This site may not start chats here.", origin=origin)
    await svc.rate_limits.check(svc.rate_limits.conversation_starts, client_ip(request))
