"""The admins' knowledge API: CRUD with the search index in step, statistics, admins only."""

from __future__ import annotations

import httpx
import pytest

from frontdesk.app import Services
from tests.transports.chat_helpers import SITE_HEADERS, bearer, error_code, make_agent

ADMIN = "/api/agent/knowledge"
SERVICE = "/api/knowledge"


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


@pytest.fixture
async def admin(services: Services) -> dict[str, str]:
    _, token = await make_agent(services, "ada", role="admin")
    return bearer(token)


async def found(client: httpx.AsyncClient, query: str) -> list[str]:
    response = await client.get(f"{SERVICE}/search/v2/search/", params={"query": query})
    return [doc["title"] for doc in response.json()["documents"]]


async def test_admins_manage_bases_and_articles_and_search_follows(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    created = await client.post(
        f"{ADMIN}/bases", json={"id": "help", "name": "Help", "lang": "en"}, headers=admin
    )
    assert created.status_code == 201, created.text
    assert created.json() == {
        "id": "help",
        "name": "Help",
        "description": "",
        "lang": "en",
        "articles": 0,
    }
    again = await client.post(f"{ADMIN}/bases", json={"id": "help"}, headers=admin)
    assert error_code(again, 409) == "conflict"
    bad_id = await client.post(f"{ADMIN}/bases", json={"id": "Not A Slug"}, headers=admin)
    assert error_code(bad_id, 422) == "invalid_input"

    article = await client.post(
        f"{ADMIN}/bases/help/articles",
        json={"title": "Descaling the kettle", "body": "Use **vinegar**.", "tags": ["kettle"]},
        headers=admin,
    )
    assert article.status_code == 201, article.text
    doc = article.json()
    assert doc["externalId"].startswith("admin-")
    assert await found(client, "vinegar") == ["Descaling the kettle"]

    changed = await client.patch(
        f"{ADMIN}/articles/{doc['id']}", json={"body": "Use citric acid."}, headers=admin
    )
    assert changed.json()["body"] == "Use citric acid."
    assert changed.json()["title"] == "Descaling the kettle"
    assert await found(client, "vinegar") == []
    assert await found(client, "citric") == ["Descaling the kettle"]

    listing = await client.get(f"{ADMIN}/bases/help/articles", headers=admin)
    assert listing.json()["total"] == 1
    renamed = await client.patch(f"{ADMIN}/bases/help", json={"name": "Kitchen"}, headers=admin)
    assert renamed.json()["name"] == "Kitchen"

    assert (await client.delete(f"{ADMIN}/articles/{doc['id']}", headers=admin)).status_code == 204
    assert await found(client, "citric") == []
    gone = await client.get(f"{ADMIN}/articles/{doc['id']}", headers=admin)
    assert error_code(gone, 404) == "not_found"

    await client.post(
        f"{ADMIN}/bases/help/articles", json={"title": "Toaster", "body": "Crumbs."}, headers=admin
    )
    assert (await client.delete(f"{ADMIN}/bases/help", headers=admin)).status_code == 204
    assert await found(client, "crumbs") == []
    assert (await client.get(f"{ADMIN}/bases", headers=admin)).json() == {"knowledgebases": []}


async def test_bad_articles_are_refused_with_the_field(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await client.post(f"{ADMIN}/bases", json={"id": "help"}, headers=admin)
    for body in (
        {"title": "", "body": "x"},
        {"title": "t", "body": "x", "lang": "not a language"},
        {"title": "t", "body": "x", "categories": "not a list"},
        {"title": "t", "body": "x", "unknown": 1},
        {"title": "t", "body": "x\x00y"},
    ):
        response = await client.post(f"{ADMIN}/bases/help/articles", json=body, headers=admin)
        assert error_code(response, 422) == "invalid_input", body
    missing = await client.post(
        f"{ADMIN}/bases/nope/articles", json={"title": "t", "body": "b"}, headers=admin
    )
    assert error_code(missing, 404) == "not_found"


async def test_statistics_show_searches_without_result_and_votes(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await client.post(f"{ADMIN}/bases", json={"id": "help"}, headers=admin)
    doc = (
        await client.post(
            f"{ADMIN}/bases/help/articles",
            json={"title": "Opening hours", "body": "We open at eight."},
            headers=admin,
        )
    ).json()
    for query in ("opening hours", "Opening hours?", "teleporter"):
        await client.get(f"{SERVICE}/search/v2/search/", params={"query": query})
    session = await client.post(f"{SERVICE}/session/v2/sessions/", json={}, headers=SITE_HEADERS)
    headers = {**SITE_HEADERS, "gkc_sessionId": session.json()["keys"]}
    await client.post(
        f"{SERVICE}/feedback/v2/helpful", json={"kbId": "help", "docId": doc["id"]}, headers=headers
    )
    stats = (await client.get(f"{ADMIN}/stats", headers=admin)).json()
    top = [(s["query"], s["searches"]) for s in stats["topSearches"]]
    assert top == [("opening hours", 2), ("teleporter", 1)]
    assert [s["query"] for s in stats["withoutResult"]] == ["teleporter"]
    assert stats["votes"] == [
        {
            "id": doc["id"],
            "kbId": "help",
            "title": "Opening hours",
            "views": 0,
            "helpful": 1,
            "unhelpful": 0,
        }
    ]


async def test_agents_and_supervisors_are_refused_and_strangers_unauthorised(
    client: httpx.AsyncClient, services: Services
) -> None:
    for role in ("agent", "supervisor"):
        _, token = await make_agent(services, f"{role}-x", role=role)
        for method, path in (
            ("GET", "/bases"),
            ("POST", "/bases"),
            ("GET", "/stats"),
            ("DELETE", "/articles/1"),
        ):
            response = await client.request(
                method, ADMIN + path, headers=bearer(token), json={"id": "x"}
            )
            assert error_code(response, 403) == "forbidden", (role, path)
    assert error_code(await client.get(f"{ADMIN}/stats"), 401) == "unauthorized"
