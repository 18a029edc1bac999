"""Which web origins may embed the widgets: exact origins, ``https://*.example.com`` or ``*``."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp


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

    def allows(self, origin: str | None) -> bool:
        """True when ``origin`` (a header value, maybe missing) may talk to this server."""
        if not origin or origin == "null":
            return False
        if self.allow_all:
            return True
        origin = origin.lower().rstrip("/")
        if origin in self._exact:
            return True
        parts = urlsplit(origin)
        if not parts.scheme or not parts.hostname:
            return False
        port = str(parts.port) if parts.port else ""
        for scheme, base, want_port in self._wildcards:
            if parts.scheme == scheme and port == want_port and parts.hostname.endswith("." + base):
                return True
        return False


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
