"""An agent driven over the HTTP agent API, for the WebChat browser scenarios.

Each ``ChatAgent`` is its own agent account (created by the demo admin), stays ``away`` so the
router never hands it someone else's chat, and accepts the conversations a test names.
"""

from __future__ import annotations

import itertools
import os
import time
from typing import Any

import httpx

from tests.browser.conftest import LiveServer

_numbers = itertools.count(1)


class ChatAgent:
    def __init__(self, server: LiveServer, name: str = "Ada") -> None:
        self.server = server
        self.name = name
        base = server.url("")
        origin = {"Origin": base.rstrip("/")}
        with httpx.Client(base_url=base, headers=origin, timeout=10) as admin:
            email, password = server.demo_login()
            admin.post(
                "/api/desk/login", json={"email": email, "password": password}
            ).raise_for_status()
            own_email = f"agent{os.getpid()}-{next(_numbers)}-{time.monotonic_ns()}@example.test"
            own_password = "correct horse battery"
            admin.post(
                "/api/agents",
                json={"email": own_email, "display_name": name, "password": own_password},
            ).raise_for_status()
        with httpx.Client(base_url=base, headers=origin, timeout=10) as me:
            me.post(
                "/api/desk/login", json={"email": own_email, "password": own_password}
            ).raise_for_status()
            token = me.post("/api/agents/me/tokens").json()["token"]
        self.http = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        self.accepted: list[str] = []

    def finish(self) -> None:
        """End every conversation this agent accepted (keeps it under its capacity)."""
        for conversation in self.accepted:
            self.http.post(f"/api/agent/conversations/{conversation}/end")
        self.accepted = []

    def close(self) -> None:
        self.finish()
        self.http.close()

    def __enter__(self) -> ChatAgent:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def rebind(self, server: LiveServer) -> None:
        """Point at a restarted server (same data dir, same port: the token still works)."""
        self.server = server

    def accept(self, conversation: str) -> None:
        reply = self.http.post(f"/api/agent/conversations/{conversation}/accept")
        assert reply.status_code == 200, reply.text
        self.accepted.append(conversation)

    def say(self, conversation: str, text: str) -> dict[str, Any]:
        reply = self.http.post(
            f"/api/agent/conversations/{conversation}/messages", json={"text": text}
        )
        assert reply.status_code == 201, reply.text
        return dict(reply.json()["message"])

    def end(self, conversation: str) -> None:
        self.http.post(f"/api/agent/conversations/{conversation}/end").raise_for_status()

    def conversation(self, conversation: str) -> dict[str, Any]:
        reply = self.http.get(f"/api/agent/conversations/{conversation}")
        reply.raise_for_status()
        return dict(reply.json())

    def texts(self, conversation: str) -> list[str]:
        """The standard messages' texts, in order."""
        messages = self.conversation(conversation)["messages"]
        return [m.get("text", m.get("body", "")) for m in messages if _standard(m)]

    def wait_for_text(self, conversation: str, text: str, timeout: float = 10) -> list[str]:
        deadline = time.monotonic() + timeout
        while True:
            texts = self.texts(conversation)
            if text in texts or time.monotonic() > deadline:
                assert text in texts, texts
                return texts
            time.sleep(0.1)


def _standard(message: dict[str, Any]) -> bool:
    kind = message.get("kind", message.get("bodyType", message.get("type", "standard")))
    return kind in ("standard", "message", "text")
