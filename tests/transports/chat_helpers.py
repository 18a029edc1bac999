"""Shared steps of the chat transport tests: a visitor over v2, an agent over the agent API."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection

from frontdesk.actions.agents import AgentInfo, create_agent, open_session
from frontdesk.app import Services

BASE = "/api/v2/webchat/guest/conversations"
SITE = "http://shop.example.test"
SITE_HEADERS = {"Origin": SITE}
PASSWORD = "correct horse battery"
CREATE_BODY: dict[str, Any] = {
    "deploymentId": "dep-1",
    "organizationId": "org-1",
    "routingTarget": {"targetType": "QUEUE", "targetAddress": "Sales"},
    "memberInfo": {
        "displayName": "Vic Tor",
        "role": "CUSTOMER",
        "customFields": {
            "firstName": "Vic",
            "lastName": "Tor",
            "email": "vic@example.test",
            "subject": "Shoes",
            "_genesys_url": "http://shop.example.test/cart",
            "_genesys_pageTitle": "Cart",
            "cartValue": 42,
        },
    },
    "journeyContext": {"customer": {"id": "c1", "idType": "cookie"}},
}


async def start_chat(client: httpx.AsyncClient) -> dict[str, Any]:
    """Create a conversation as a visitor on the allowed demo site."""
    response = await client.post(BASE, json=CREATE_BODY, headers=SITE_HEADERS)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def visitor_headers(chat: dict[str, Any]) -> dict[str, str]:
    return {**bearer(chat["jwt"]), **SITE_HEADERS}


async def make_agent(services: Services, name: str, role: str = "agent") -> tuple[AgentInfo, str]:
    """An agent and an API token for them."""
    agent = await create_agent(
        services.database,
        email=f"{name}@example.test",
        display_name=name.title(),
        password=PASSWORD,
        role=role,
    )
    token = await open_session(services.database, agent.id, kind="api", ttl_seconds=None)
    return agent, token


def error_code(response: httpx.Response, status: int) -> str:
    """The envelope's code, after checking the status and the envelope's shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    code: str = body["error"]["code"]
    return code


async def next_frame(
    ws: ClientConnection, *, heartbeats: bool = False, queue: bool = False
) -> dict[str, Any]:
    """The next frame, skipping heartbeats and queue positions unless asked for."""
    while True:
        async with asyncio.timeout(10):
            frame: dict[str, Any] = json.loads(await ws.recv())
        kind = frame.get("metadata", {}).get("type")
        is_heartbeat = kind == "heartbeat" or frame.get("type") == "heartbeat"
        if (heartbeats or not is_heartbeat) and (queue or kind != "queue-position"):
            return frame
