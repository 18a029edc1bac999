"""The OpenAPI document lists, for every route, the error statuses it really answers."""

from __future__ import annotations

import inspect
import re
from typing import Any

import httpx

from frontdesk.transports.error_docs import ErrorEnvelope, derived_statuses
from tests.transports.chat_helpers import bearer, make_agent

DEEP = "[" * 100 + "]" * 100
ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def error_statuses(operation: dict[str, Any]) -> set[int]:
    return {int(status) for status in operation["responses"] if status[0] in "45"}


async def test_every_error_response_is_the_envelope(embedded_client: httpx.AsyncClient) -> None:
    document = (await embedded_client.get("/openapi.json")).json()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert set(document["components"]["schemas"]["ErrorEnvelope"]["properties"]) == set(
        ErrorEnvelope.model_fields
    )
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            if status[0] in "45":
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": ENVELOPE_REF}, (method, path, status)
                assert response["description"], (method, path, status)


def _url(path: str) -> str:
    # Ids no row has; other path parameters a plausible value.
    return re.sub(r"\{([^}]+)\}", lambda m: "0" if m[1].endswith("_id") else "en", path)


async def test_routes_document_every_status_they_are_seen_to_answer(
    embedded_client: httpx.AsyncClient,
) -> None:
    client = embedded_client
    services = client.app.state.services  # type: ignore[attr-defined]
    _, agent = await make_agent(services, "ann", role="agent")
    document = (await client.get("/openapi.json")).json()
    seen: dict[tuple[str, str], set[int]] = {}
    missing: list[tuple[str, str, set[int]]] = []
    for method, path, operation in operations(document):
        attempts: list[dict[str, Any]] = [{}, {"headers": bearer(agent)}]
        if method in {"POST", "PUT", "PATCH"}:
            attempts += [
                {"content": DEEP, "headers": {"content-type": "application/json"}},
                {"content": "{}", "headers": {"content-type": "application/json"}},
                {"content": "hello", "headers": {"content-type": "text/plain"}},
                {"content": "{}", "headers": {**bearer(agent), "content-type": "text/plain"}},
            ]
        for options in attempts:
            response = await client.request(method, _url(path), **options)
            if response.status_code >= 400:
                seen.setdefault((method, path), set()).add(response.status_code)
        undocumented = seen.get((method, path), set()) - error_statuses(operation)
        if undocumented:
            missing.append((method, path, undocumented))
    assert not missing
    # The probes reached the statuses the dependencies stand for.
    assert {400, 401, 403, 404, 415, 422} <= set().union(*seen.values())


async def test_routes_that_count_a_rate_limit_document_429(
    embedded_client: httpx.AsyncClient,
) -> None:
    app = embedded_client.app  # type: ignore[attr-defined]
    document = (await embedded_client.get("/openapi.json")).json()
    limited = 0
    for method, path, operation in operations(document):
        route = next(
            r
            for r in _api_routes(app.routes)
            if r.path == path and method in r.methods and r.include_in_schema
        )
        source = inspect.getsource(route.endpoint)
        check = getattr(route.endpoint, "before_body", None)
        if check is not None:
            source += inspect.getsource(check)
        if "rate_limits.check" in source or "_guard(" in source:
            limited += 1
            assert 429 in error_statuses(operation), (method, path)
        assert derived_statuses(route) <= error_statuses(operation), (method, path)
    assert limited >= 15


def _api_routes(routes: list[Any]) -> list[Any]:
    found = []
    for route in routes:
        if hasattr(route, "original_router"):
            found += _api_routes(route.original_router.routes)
        elif hasattr(route, "endpoint") and hasattr(route, "methods"):
            found.append(route)
    return found
