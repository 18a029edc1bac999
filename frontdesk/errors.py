"""One error model: every failure the server reports has a stable code, a status and details.

Clients branch on ``code``; ``message`` is for people. Every error response body is::

    {"error": {"code": "...", "message": "...", "details": {...}}}
"""

from __future__ import annotations

from typing import Any, ClassVar


class FrontdeskError(Exception):
    """Base of every error the server turns into an HTTP response."""

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def envelope(self) -> dict[str, Any]:
        """The JSON body every error response carries."""
        return error_envelope(self.code, self.message, self.details)


def error_envelope(
    code: str, message: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Build the one error shape, for errors that do not come from a ``FrontdeskError``."""
    return {"error": {"code": code, "message": message, "details": details or {}}}


class BadRequest(FrontdeskError):
    code = "bad_request"
    status = 400


class MalformedJSON(FrontdeskError):
    code = "malformed_json"
    status = 400


class JSONTooDeep(MalformedJSON):
    """JSON nested deeper than the server reads (``json_input.MAX_DEPTH``)."""

    code = "json_too_deep"


class InvalidInput(FrontdeskError):
    code = "invalid_input"
    status = 422


class Unauthorized(FrontdeskError):
    code = "unauthorized"
    status = 401


class InvalidToken(FrontdeskError):
    """A sealed value or signed token was tampered with, foreign, malformed or expired."""

    code = "invalid_token"
    status = 401


class Forbidden(FrontdeskError):
    code = "forbidden"
    status = 403


class OriginNotAllowed(FrontdeskError):
    code = "origin_not_allowed"
    status = 403


class NotFound(FrontdeskError):
    code = "not_found"
    status = 404


class Conflict(FrontdeskError):
    code = "conflict"
    status = 409


class IdempotencyConflict(FrontdeskError):
    """A send repeated an idempotency key that this sender already used for something else.

    Not a ``Conflict``: transports read those as "the chat has ended", and this chat has not.
    """

    code = "idempotency_conflict"
    status = 409


class Gone(FrontdeskError):
    """The thing existed but was deleted on purpose (e.g. a file past its retention)."""

    code = "gone"
    status = 410


class PayloadTooLarge(FrontdeskError):
    code = "payload_too_large"
    status = 413


class UnsupportedMediaType(FrontdeskError):
    code = "unsupported_media_type"
    status = 415


class RateLimited(FrontdeskError):
    code = "rate_limited"
    status = 429


class Unavailable(FrontdeskError):
    code = "unavailable"
    status = 503


class ConfigError(Exception):
    """The server's configuration is wrong; raised at start-up and by ``frontdesk check``."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem
