"""Errors in a transport's own wire shape, beside the one envelope.

Clients written for a Genesys protocol read fields of their own (``statusCode`` and ``errors``
for GMS chat, ``status.code`` for nexus v3). A router whose routes use a ``ShapedErrorRoute``
answers every failure with the envelope ``{"error": {...}}`` plus those fields, and maps a
database that cannot be reached to ``unavailable`` so such clients can tell "offline" apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from frontdesk.errors import (
    BadRequest,
    FrontdeskError,
    InvalidInput,
    MalformedJSON,
)
from frontdesk.http_errors import RefusedBody
from frontdesk.origins import log_refusal
from frontdesk.store.database import database_error
from frontdesk.transports.before_body import GuardedRoute

log = logging.getLogger("frontdesk")

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class ShapedErrorRoute(GuardedRoute):
    """An ``APIRoute`` whose failures ``render`` turns into the transport's error response."""

    def render(self, error: FrontdeskError, request: Request) -> JSONResponse:
        """The error response; transports override this with their shape."""
        return error_response(error, {})

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        render = self.render

        async def shaped(request: Request) -> Response:
            try:
                return await handler(request)
            except FrontdeskError as error:
                log_refusal(request, error)
                return render(error, request)
            except RequestValidationError as exc:
                return render(validation_error(exc), request)
            except RefusedBody as exc:
                return render(exc.error, request)
            except StarletteHTTPException as exc:
                # A form the multipart parser could not read.
                if exc.status_code != 400:
                    raise
                return render(BadRequest(str(exc.detail)), request)
            except Exception as exc:
                refused = database_error(exc, "The chat server is not available now.")
                if refused is None:
                    raise
                log.warning("database refused %s: %s", request.url.path, exc)
                return render(refused, request)

        return shaped


def validation_error(exc: RequestValidationError) -> FrontdeskError:
    """The error ``http_errors`` would answer for a request FastAPI could not validate."""
    errors = exc.errors()
    if any(err.get("type") == "json_invalid" for err in errors):
        return MalformedJSON("The request body is not valid JSON.")
    fields = [
        {
            "field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
            "problem": err.get("msg", "invalid"),
            "type": err.get("type", "invalid"),
        }
        for err in errors
    ]
    return InvalidInput("The request is not valid.", fields=fields)


def error_response(error: FrontdeskError, extra: dict[str, Any]) -> JSONResponse:
    """The envelope plus ``extra`` fields, with ``Retry-After`` when the error has one."""
    headers = None
    if "retry_after" in error.details:
        headers = {"Retry-After": str(error.details["retry_after"])}
    return JSONResponse({**extra, **error.envelope()}, status_code=error.status, headers=headers)
