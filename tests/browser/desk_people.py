"""The people of the desk's browser tests: visitors over the v2 REST routes, Dana (the demo
admin) over the agent API, and signing in to /desk/ in Chromium."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import Any

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer

GUEST = "/api/v2/webchat/guest/conversations"
SITE = "http://shop.example.test"

XSS_IMG = "<img src=x onerror=window.__xss=1>"
XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_LINK = "javascript:window.__xss=1"

_addresses = itertools.count()
_agents = itertools.count(1)


def _next_address() -> str:
    """A loopback address of its own for each visitor (all of 127.0.0.0/8 is loopback)."""
    n = next(_addresses)
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


class Visitor:
    """One visitor's chat over the v2 REST routes."""

    def __init__(self, server: LiveServer, display_name: str, fields: dict[str, Any]) -> None:
        # Each visitor comes from its own loopback address, as real visitors do: the per-address
        # limit on starting chats then counts them apart from the browser tests on 127.0.0.1.
        self.http = httpx.Client(
            base_url=server.url(""),
            headers={"Origin": SITE},
            timeout=10,
            transport=httpx.HTTPTransport(local_address=_next_address()),
        )
        body = {
            "deploymentId": "demo",
            "organizationId": "demo",
            "memberInfo": {"displayName": display_name, "role": "CUSTOMER", "customFields": fields},
        }
        reply = self.http.post(GUEST, json=body)
        assert reply.status_code == 200, reply.text
        created = reply.json()
        self.id: str = created["id"]
        self.member: str = created["member"]["id"]
        self.http.headers["Authorization"] = f"Bearer {created['jwt']}"

    def say(self, text: str) -> None:
        reply = self.http.post(
            f"{GUEST}/{self.id}/members/{self.member}/messages",
            json={"body": text, "bodyType": "standard"},
        )
        assert reply.status_code == 200, reply.text

    def type(self) -> None:
        assert self.http.post(f"{GUEST}/{self.id}/members/{self.member}/typing").status_code == 204

    def agent_texts(self) -> list[str]:
        """What agents said, as the visitor's widget would read it."""
        reply = self.http.get(f"{GUEST}/{self.id}/messages", params={"sortOrder": "ascending"})
        reply.raise_for_status()
        return [
            m["body"]
            for m in reply.json()["entities"]
            if m["bodyType"] == "standard" and m["sender"]["id"] != self.member
        ]

    def close(self) -> None:
        self.http.close()


def shopper(server: LiveServer, first: str = "Vic", last: str = "Tor", **extra: Any) -> Visitor:
    fields = {
        "firstName": first,
        "lastName": last,
        "email": "vic@example.test",
        "subject": "Where is my order?",
        "_genesys_url": "http://shop.example.test/cart",
        "_genesys_pageTitle": "Cart",
        "_genesys_referrer": "http://search.example.test/?q=shoes",
        "_genesys_browser": "Mozilla/5.0 (Test)",
        "GCTI_LanguageCode": "en-GB",
        "cartValue": 42,
        "orderId": "A-1001",
        **extra,
    }
    return Visitor(server, f"{first} {last}", fields)


class Dana:
    """The demo agent over the agent API (cookie + Origin), to set up and tidy the desk's world."""

    def __init__(self, server: LiveServer) -> None:
        origin = server.url("").rstrip("/")
        self.http = httpx.Client(base_url=server.url(""), headers={"Origin": origin}, timeout=10)
        email, password = server.demo_login()
        self.http.post(
            "/api/desk/login", json={"email": email, "password": password}
        ).raise_for_status()
        self.id: int = self.http.get("/api/desk/me").json()["agent"]["id"]

    def accept(self, conversation: str) -> None:
        self.http.post(f"/api/agent/conversations/{conversation}/accept").raise_for_status()

    def end(self, conversation: str) -> None:
        self.http.post(f"/api/agent/conversations/{conversation}/end").raise_for_status()

    def create_agent(self, name: str) -> tuple[str, str]:
        """A new plain agent (Dana is the demo admin); their e-mail and password."""
        email = f"{name.lower()}-{next(_agents)}-{time.monotonic_ns()}@example.test"
        password = "correct horse battery"
        self.http.post(
            "/api/agents", json={"email": email, "display_name": name, "password": password}
        ).raise_for_status()
        return email, password

    def away(self) -> None:
        self.http.put("/api/agent/status", json={"status": "away"}).raise_for_status()

    def end_all(self) -> None:
        """End Dana's chats and whatever earlier tests left in the queue."""
        for _ in range(20):
            listed = self.http.get("/api/agent/conversations").json()["conversations"]
            mine = [c for c in listed if c["state"] == "active" and c["agent_id"] == self.id]
            queued = [c for c in listed if c["state"] == "queued"]
            if not mine and not queued:
                return
            for conversation in mine:
                self.http.post(f"/api/agent/conversations/{conversation['id']}/end")
            if not mine and queued:
                self.http.post(f"/api/agent/conversations/{queued[0]['id']}/accept")
        raise AssertionError("could not clear the queue")

    def close(self) -> None:
        self.away()
        self.end_all()
        self.http.close()


def dana_session(server: LiveServer) -> Iterator[Dana]:
    """Dana away with an empty queue before and after; other tests must not get her chats."""
    agent = Dana(server)
    agent.away()
    agent.end_all()
    yield agent
    agent.close()


def visitor_session() -> Iterator[list[Visitor]]:
    """Visitors a test starts, closed after it."""
    started: list[Visitor] = []
    yield started
    for visitor in started:
        visitor.close()


def sign_in(page: Any, server: LiveServer, login: tuple[str, str] | None = None) -> None:
    """Sign in to the desk as Dana, or as the agent whose e-mail and password are given."""
    email, password = login or server.demo_login()
    page.goto(server.url("/desk/"))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()


def transcript(page: Any) -> Any:
    return page.get_by_role("log")
