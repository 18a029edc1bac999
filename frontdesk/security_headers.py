"""Headers every HTTP answer carries: the referrer policy, and no caching of dynamic JSON."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The desk links to the pages visitors came from, and those URLs are the visitors' to choose:
# a cross-origin link must not tell them where the desk lives. Same-origin requests keep their
# Referer, and the Origin of same-origin form posts is not nulled, as it is under no-referrer.
REFERRER_POLICY = "same-origin"
# For JSON answered outside the middleware: Starlette answers unexpected exceptions outermost.
JSON_HEADERS = {"Referrer-Policy": REFERRER_POLICY, "Cache-Control": "no-store"}


class SecurityHeaders:
    """ASGI middleware: ``Referrer-Policy`` on every answer, ``Cache-Control: no-store`` on JSON.

    JSON answers are the API's, most of them for a logged-in agent or a visitor's session, and
    some carry tokens: no browser or proxy cache may keep them. A route that chose its own
    ``Cache-Control`` keeps it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", ()))
                headers = MutableHeaders(scope=message)
                headers.setdefault("Referrer-Policy", REFERRER_POLICY)
                if _is_json(headers.get("content-type", "")):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_json(content_type: str) -> bool:
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )
