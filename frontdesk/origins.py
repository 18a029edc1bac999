"""Which web origins may embed the widgets: exact origins, ``https://*.example.com`` or ``*``."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from frontdesk.errors import FrontdeskError, OriginNotAllowed

log = logging.getLogger("frontdesk.origins")

# A serialised origin, as browsers send it: scheme, host (a name or a bracketed IPv6 address),
# and a port only when it is not the scheme's default. Anything else is no origin at all.
_ORIGIN = re.compile(
    r"(?P<scheme>https?)://(?P<host>[a-z0-9_.-]+|\[[0-9a-f:.]+\])(?::(?P<port>[0-9]{1,5}))?"
)
MAX_PORT = 65535
# A refused origin is logged, but an attacker sending thousands must not flood the log.
REFUSAL_LOG_LINES = 10
REFUSAL_LOG_WINDOW_SECONDS = 60.0
SHOWN_CHARACTERS = 100
NOT_LISTED = "not in FRONTDESK_ALLOWED_ORIGINS (add it there if it is one of your sites)"


def parse_origin(value: str) -> tuple[str, str, str] | None:
    """(scheme, host, port or "") of a well-formed ``Origin`` value, lower-cased; else None."""
    match = _ORIGIN.fullmatch(value.lower().rstrip("/"))
    if match is None:
        return None
    port = match["port"] or ""
    if port and not 0 < int(port) <= MAX_PORT:
        return None
    return match["scheme"], match["host"], port


class AllowedOrigins:
    """Matches a request's ``Origin`` against the operator's list."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        self.allow_all = "*" in self.patterns
        self._exact = {p.lower() for p in self.patterns if "*" not in p}
        self._wildcards: list[tuple[str, str, str]] = []
        for pattern in self.patterns:
            if pattern.startswith(("http://*.", "https://*.")):
                scheme, _, rest = pattern.partition("://*.")
                host, _, port = rest.lower().partition(":")
                self._wildcards.append((scheme, host, port))
        self.refusals = RefusalLog()

    def allows(self, origin: str | None) -> bool:
        """True when ``origin`` (a header value, maybe missing) may talk to this server."""
        if not origin or origin == "null":
            return False
        if self.allow_all:
            return True
        parts = parse_origin(origin)
        if parts is None:
            return False
        scheme, host, port = parts
        if f"{scheme}://{host}{':' + port if port else ''}" in self._exact:
            return True
        return any(
            scheme == want_scheme and port == want_port and host.endswith("." + base)
            for want_scheme, base, want_port in self._wildcards
        )


class RefusalLog:
    """Warns about refused origins, a few lines a minute at most, then counts the rest."""

    def __init__(
        self,
        lines: int = REFUSAL_LOG_LINES,
        window_seconds: float = REFUSAL_LOG_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lines = lines
        self._window_seconds = window_seconds
        self._clock = clock
        self._window_start = clock()
        self._logged = 0
        self._suppressed = 0

    def refused(self, origin: str | None, where: str, reason: str = NOT_LISTED) -> None:
        """Log that ``origin`` was refused at ``where`` (both untrusted, so both are cleaned)."""
        now = self._clock()
        if now - self._window_start >= self._window_seconds:
            if self._suppressed:
                log.warning(
                    "%d more refused origins were not logged in the last %.0f s",
                    self._suppressed,
                    self._window_seconds,
                )
            self._window_start, self._logged, self._suppressed = now, 0, 0
        if self._logged >= self._lines:
            self._suppressed += 1
            return
        self._logged += 1
        log.warning(
            "refused origin %s on %s: %s",
            shown(origin) if origin is not None else "(none)",
            shown(where),
            reason,
        )


def log_refusal(request: Request, error: FrontdeskError) -> None:
    """Log ``error`` when it refused the request's origin (for every error handler to call)."""
    services = getattr(request.app.state, "services", None)
    if isinstance(error, OriginNotAllowed) and services is not None:
        origin = error.details.get("origin")
        services.origins.refusals.refused(
            origin if isinstance(origin, str) else None,
            f"{request.method} {request.url.path}",
            error.message,
        )


def shown(value: str) -> str:
    """An untrusted value fit for one log line: length-capped, control characters escaped."""
    cut = value[:SHOWN_CHARACTERS]
    text = repr(cut) if not cut.isprintable() or cut != cut.strip() else cut
    return text + ("…" if len(value) > SHOWN_CHARACTERS else "")


class OriginCORS(CORSMiddleware):
    """CORS that answers from the same ``AllowedOrigins`` the WebSocket checks use."""

    def __init__(self, app: ASGIApp, origins: AllowedOrigins) -> None:
        super().__init__(
            app,
            allow_origins=[],
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["*"],
            allow_credentials=False,
            expose_headers=["gkc_sessionId", "Retry-After", "Content-Disposition"],
            max_age=600,
        )
        self.origins = origins

    def is_allowed_origin(self, origin: str) -> bool:
        return self.origins.allows(origin)

    def preflight_response(self, request_headers: Headers) -> Response:
        origin = request_headers["origin"]
        if self.origins.allows(origin):
            return super().preflight_response(request_headers)
        # A refused site gets the same 403 and error shape as its request itself would get.
        method = request_headers["access-control-request-method"]
        self.origins.refusals.refused(origin, f"preflight for {method}")
        error = OriginNotAllowed("This site may not use this server.", origin=origin)
        return JSONResponse(error.envelope(), status_code=error.status)
