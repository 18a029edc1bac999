"""Turn every failure into the one JSON error envelope, and cap request bodies."""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request, Response, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette import status
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect

from frontdesk.errors import FrontdeskError, PayloadTooLarge, error_envelope
from frontdesk.origins import log_refusal
from frontdesk.security_headers import JSON_HEADERS
from frontdesk.store.database import database_error

log = logging.getLogger("frontdesk")

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers so no error leaves the server in any other shape."""

    @app.exception_handler(FrontdeskError)
    async def on_frontdesk_error(request: Request, exc: FrontdeskError) -> JSONResponse:
        log_refusal(request, exc)
        headers = (
            {"Retry-After": str(exc.details["retry_after"])}
            if "retry_after" in exc.details
            else None
        )
        return JSONResponse(exc.envelope(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(err.get("type") == "json_invalid" for err in errors):
            body = error_envelope("malformed_json", "The request body is not valid JSON.")
            return JSONResponse(body, status_code=400)
        fields = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
                "problem": err.get("msg", "invalid"),
                "type": err.get("type", "invalid"),
            }
            for err in errors
        ]
        body = error_envelope("invalid_input", "The request is not valid.", {"fields": fields})
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc, RefusedBody):
            return JSONResponse(exc.error.envelope(), status_code=exc.error.status)
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        return JSONResponse(
            error_envelope(code, message), status_code=exc.status_code, headers=exc.headers
        )

    async def on_database_error(conn: Request | WebSocket, exc: Exception) -> Response | None:
        # Registered for the classes a database failure raises; anything else there is a bug.
        error = database_error(exc)
        if error is None:
            raise exc
        log.warning("database refused %s: %s", conn.url.path, exc)
        if isinstance(conn, WebSocket):
            # Event streams answer in their own frames; this is for one that did not.
            code = (
                status.WS_1013_TRY_AGAIN_LATER
                if error.status == 503
                else status.WS_1008_POLICY_VIOLATION
            )
            with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
                await conn.close(code=code, reason=error.message)
            return None
        return await on_frontdesk_error(conn, error)

    for cls in (SQLAlchemyError, OSError):
        app.add_exception_handler(cls, on_database_error)  # type: ignore[arg-type]

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        body = error_envelope("internal_error", "Something went wrong on the server.")
        return JSONResponse(body, status_code=500, headers=JSON_HEADERS)


class RefusedBody(StarletteHTTPException):
    """Raised while the body streams in; an HTTP exception so the framework passes it through."""

    def __init__(self, error: FrontdeskError) -> None:
        self.error = error
        super().__init__(status_code=error.status, detail=error.message)


class BodyTooLarge(RefusedBody):
    """The body grew past its limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            PayloadTooLarge(f"The request body is larger than {limit} bytes.", limit=limit)
        )


class BodySizeLimit:
    """ASGI middleware: refuse bodies over ``max_bytes`` with 413 before the app reads them.

    ``larger`` gives paths (matched whole) a different limit, e.g. uploads.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        larger: Sequence[tuple[re.Pattern[str], int]] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = tuple(larger)

    def limit_for(self, path: str) -> int:
        """The body limit of a request path."""
        for pattern, limit in self.larger:
            if pattern.fullmatch(path):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > max_bytes:
            await _send_too_large(send, max_bytes)
            return
        seen = 0

        async def limited_receive() -> Message:
            # Raised inside the route, so the app's own handler answers with the envelope.
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > max_bytes:
                    raise BodyTooLarge(max_bytes)
            return message

        await self.app(scope, limited_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_too_large(send: Send, limit: int) -> None:
    error = PayloadTooLarge(f"The request body is larger than {limit} bytes.", limit=limit)
    payload: dict[str, Any] = error.envelope()
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
