"""Integer ids in paths: an id no row can have is a 404 in the envelope on every route."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from frontdesk.errors import NotFound
from frontdesk.transports.ids import MAX_ROW_ID, row_id
from tests.transports.chat_helpers import bearer, error_code, make_agent

IMPOSSIBLE = ["0", "-1", str(MAX_ROW_ID + 1), str(2**63), "3541342869513017753600", "abc", "\uff11"]


@pytest.mark.parametrize("value", ["1", 7, str(MAX_ROW_ID)])
def test_ids_a_row_can_have_are_read(value: object) -> None:
    assert row_id(value) == int(str(value))


@pytest.mark.parametrize("value", IMPOSSIBLE)
def test_ids_no_row_can_have_are_not_found(value: str) -> None:
    with pytest.raises(NotFound):
        row_id(value)


def integer_id_routes(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(method, path) of every operation with an integer path parameter."""
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            if any(p["in"] == "path" and p["schema"].get("type") == "integer" for p in parameters):
                found.append((method.upper(), path))
    return found


async def test_every_integer_id_route_answers_404_for_ids_no_row_can_have(
    client: httpx.AsyncClient,
) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]
    _, token = await make_agent(services, "ada", role="admin")
    routes = integer_id_routes((await client.get("/openapi.json")).json())
    assert len(routes) >= 5, routes
    for method, path in routes:
        for value in IMPOSSIBLE:
            url = re.sub(r"\{[^}]+\}", value, path)
            body = {} if method in {"POST", "PUT", "PATCH"} else None
            response = await client.request(method, url, json=body, headers=bearer(token))
            assert error_code(response, 404) == "not_found", (method, url)
