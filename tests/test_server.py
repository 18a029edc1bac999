"""The server process: restarts not held up by long-polls, big WebSocket frames refused."""

from __future__ import annotations

import base64
import os
import signal
import socket
import struct
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


def _handshake(port: int, path: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16))
    sock.sendall(
        b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path.encode(), key)
    )
    sock.settimeout(10)
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        assert chunk, head
        head += chunk
    assert head.startswith(b"HTTP/1.1 101 "), head
    return sock


def test_a_15_mb_websocket_frame_is_refused_from_its_header(tmp_path: Path) -> None:
    process, server = start_server(tmp_path, command="serve")
    try:
        sock = _handshake(server.port, "/api/agent/events")
        announced = 15 * 1024 * 1024
        mask = os.urandom(4)
        # A final text frame, masked as a client's must be, announcing 15 MB: 1 KiB of it follows.
        sock.sendall(b"\x81\xff" + struct.pack("!Q", announced) + mask + b"\0" * 1024)
        reply = b""
        while len(reply) < 4:
            chunk = sock.recv(64)
            assert chunk, reply
            reply += chunk
        # A close frame (opcode 8) whose code is 1009, "message too big", before the rest is sent.
        assert reply[0] == 0x88, reply
        assert struct.unpack("!H", reply[2:4])[0] == 1009, reply
        sock.close()
    finally:
        stop_server(process)
