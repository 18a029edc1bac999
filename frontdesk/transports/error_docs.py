"""The error responses each route lists in the OpenAPI document, derived from the route itself.

A route's dependencies say most of what it may refuse (``answers`` marks them: authentication
401, roles and sites 403, forms only 415); its parameters say the rest (a body: 400, 413, 422;
an ``…_id`` in the path: 404; a file: 413, 415). What only the endpoint's own code knows
(rate limits 429, conflicts 409) it declares with ``responses=error_responses(...)``.
``document_errors`` runs once, before the first request builds the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

F = TypeVar("F", bound=Callable[..., Any])

DESCRIPTIONS = {
    400: "The body is not valid JSON, is nested too deeply, or is a form that cannot be read.",
    401: "No credentials, or credentials that are not valid (any more).",
    403: "Not allowed: this site, the caller's role, or another member's place.",
    404: "Nothing has this id, or it is not the caller's.",
    409: "The state does not allow it now (e.g. the conversation has ended).",
    410: "It existed but was deleted on purpose.",
    413: "The body or the file is too large.",
    415: "This content type or file type is not accepted.",
    422: "A field is missing or not valid.",
    429: "Too many requests; wait for `Retry-After` seconds.",
    503: "The service cannot answer now; wait for `Retry-After` seconds.",
}
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ErrorDetail(BaseModel):
    """What went wrong: a stable ``code`` clients branch on, a message for people."""

    code: str = Field(examples=["invalid_input"])
    message: str
    details: dict[str, Any]


class ErrorEnvelope(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


def answers(*statuses: int) -> Callable[[F], F]:
    """Mark a dependency with the error statuses it may answer."""

    def mark(function: F) -> F:
        function.__dict__["error_statuses"] = frozenset(statuses)
        return function

    return mark


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for statuses only the endpoint's own code answers (429, 409, …)."""
    return {status: _response(status) for status in statuses}


def _response(status: int, description: str | None = None) -> dict[str, Any]:
    return {"model": ErrorEnvelope, "description": description or DESCRIPTIONS[status]}


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for child in dependant.dependencies:
        yield from _dependants(child)


def derived_statuses(route: APIRoute) -> set[int]:
    """The error statuses a route answers, as its dependencies and parameters tell."""
    statuses: set[int] = set()
    has_body = route.body_field is not None or "requestBody" in (route.openapi_extra or {})
    for dependant in _dependants(route.dependant):
        statuses |= getattr(dependant.call, "error_statuses", frozenset())
        if dependant.query_params or dependant.path_params or dependant.body_params:
            statuses.add(422)
        if any(param.name.endswith("_id") for param in dependant.path_params):
            statuses.add(404)
        if any(_is_file(param.field_info.annotation) for param in dependant.body_params):
            statuses |= {413, 415}
    if has_body and (route.methods or set()) & _BODY_METHODS:
        statuses |= {400, 413, 422}
    return statuses


def _is_file(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, UploadFile)


def _routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            # An included router keeps its own routes and builds its effective ones later.
            yield from _routes(route.original_router.routes)


def document_errors(app: FastAPI) -> None:
    """Add the envelope, with a description, for every error status each route answers."""
    for route in _routes(app.routes):
        declared = {
            int(status): route.responses.pop(status)
            for status in list(route.responses)
            if str(status).isdecimal() and int(status) >= 400
        }
        for status in sorted(derived_statuses(route) | set(declared)):
            given = declared.get(status, {})
            route.responses[status] = {**_response(status), **given, "model": ErrorEnvelope}
