"""The server process: a restart is not held up by the long-polls it is holding."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests.browser.conftest import start_server, stop_server

SITE = "http://shop.example.test"
V3 = "/nexus/v3/chat/sessions"


def _wait(url: str, token: str, answers: list[tuple[float, httpx.Response]]) -> None:
    """One long poll (25 s at most); records when it was answered, and the answer."""
    response = httpx.get(
        url,
        params={"index": 1, "timeout": 25, "operationId": "waiting"},
        headers={"x-nexus-client-key": token},
        timeout=40,
    )
    answers.append((time.monotonic(), response))


def test_waiting_long_polls_answer_at_once_when_the_server_is_told_to_stop(
    tmp_path: Path,
) -> None:
    process, server = start_server(tmp_path, "--allowed-origins", SITE, command="serve")
    try:
        sessions: list[dict[str, Any]] = []
        for n in range(2):
            started = httpx.post(
                server.url(V3),
                json={"operationId": f"start-{n}", "data": {"nickname": f"Vic {n}"}},
                headers={"Origin": SITE},
            )
            assert started.status_code == 200, started.text
            sessions.append(started.json()["data"])
        answers: list[tuple[float, httpx.Response]] = []
        polls = [
            threading.Thread(
                target=_wait,
                args=(server.url(f"{V3}/{s['sessionId']}/messages"), s["clientToken"], answers),
            )
            for s in sessions
        ]
        for thread in polls:
            thread.start()
        # Long enough for both polls to have read the store and to be waiting.
        time.sleep(1.0)
        assert answers == []
        told = time.monotonic()
        process.send_signal(signal.SIGTERM)
        for thread in polls:
            thread.join(10)
        # Without draining, uvicorn would wait for them (up to its 10 s graceful timeout).
        assert len(answers) == 2
        for answered, response in answers:
            assert answered - told < 2, answered - told
            assert response.status_code == 200, response.text
            # Uvicorn had stopped listening and closes the connection after the answer: a
            # client that polls again at once is refused, not answered again and again.
            assert response.headers.get("connection") == "close"
            data = response.json()["data"]
            assert (data["messages"], data["index"], data["chatEnded"]) == ([], 1, False)
        assert sorted(r.json()["data"]["queuePosition"]["position"] for _, r in answers) == [1, 2]
        process.wait(5)
        assert time.monotonic() - told < 5
    finally:
        if process.poll() is None:
            stop_server(process)
