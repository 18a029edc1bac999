"""Deadlines for slow clients, against a real ``frontdesk serve`` with one-second timeouts."""

from __future__ import annotations

import json
import selectors
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from websockets.sync.client import connect

from tests.browser.conftest import LiveServer, start_server, stop_server

TIMEOUT = 1.0
# How long past a timeout a busy test machine may take to close a connection.
SLACK = 10.0
SITE = "http://shop.example.test"
V3 = "/nexus/v3/chat/sessions"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``frontdesk serve`` with header, body and keep-alive timeouts of one second."""
    process, live = start_server(
        tmp_path_factory.mktemp("timeouts"),
        "--allowed-origins",
        SITE,
        command="serve",
        env={
            "FRONTDESK_HEADER_TIMEOUT_SECONDS": "1",
            "FRONTDESK_BODY_TIMEOUT_SECONDS": "1",
            "FRONTDESK_KEEP_ALIVE_TIMEOUT_SECONDS": "1",
            "FRONTDESK_CONVERSATION_STARTS_PER_IP": "1000",
        },
    )
    yield live
    stop_server(process)


class Dribbler:
    """A client connection that sends its bytes slowly, and notes when the server closed it."""

    def __init__(self, server: LiveServer, first: bytes, then: bytes) -> None:
        self.sock = socket.create_connection(("127.0.0.1", server.port))
        self.opened = time.monotonic()
        self.sock.sendall(first)
        self.pending = then
        self.received = b""
        self.closed_at: float | None = None

    def dribble(self) -> None:
        """Send the next byte, if any is left and the server still listens."""
        if self.pending and self.closed_at is None:
            try:
                self.sock.send(self.pending[:1])
            except OSError:
                self.closed_at = time.monotonic()
            self.pending = self.pending[1:]

    def read(self) -> None:
        """Take what the server sent; an empty read or a reset is the close."""
        try:
            data = self.sock.recv(4096)
        except OSError:
            data = b""
        self.received += data
        if not data:
            self.closed_at = time.monotonic()


def run_until_closed(clients: list[Dribbler], deadline: float) -> None:
    """Dribble a byte on every open client about four times a second, until all are closed."""
    with selectors.DefaultSelector() as selector:
        for client in clients:
            selector.register(client.sock, selectors.EVENT_READ, client)
        try:
            while any(c.closed_at is None for c in clients):
                assert time.monotonic() < deadline, "some slow clients were never closed"
                for key, _ in selector.select(timeout=0.25):
                    client = key.data
                    client.read()
                    if client.closed_at is not None:
                        selector.unregister(client.sock)
                for client in clients:
                    client.dribble()
        finally:
            for client in clients:
                client.sock.close()


def assert_timed_out(client: Dribbler, *, answer: bool = True) -> None:
    assert client.closed_at is not None
    lived = client.closed_at - client.opened
    assert TIMEOUT * 0.9 <= lived < TIMEOUT + SLACK, lived
    if answer:
        assert client.received.startswith(b"HTTP/1.1 408 "), client.received


def test_slowloris_connections_are_closed_within_the_header_timeout(server: LiveServer) -> None:
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    endless = b"X-Slow: " + b"a" * 1000
    # Fifty, as in the report that found them held for 90 s.
    clients = [Dribbler(server, head, endless) for _ in range(30)]
    silent = [Dribbler(server, b"", b"") for _ in range(10)]
    half_line = [Dribbler(server, b"G", b"ET /healthz HTTP/1.1\r\n" + endless) for _ in range(10)]
    # The server is not stuck behind them.
    assert httpx.get(server.url("/healthz")).status_code == 200
    run_until_closed([*clients, *silent, *half_line], time.monotonic() + TIMEOUT + SLACK)
    for client in [*clients, *silent, *half_line]:
        assert_timed_out(client)


def test_stray_bytes_after_an_answer_do_not_keep_the_connection(server: LiveServer) -> None:
    # Line breaks between requests begin no request, yet each one stops the keep-alive timer.
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    client = Dribbler(server, request, b"\r\n" * 1000)
    run_until_closed([client], time.monotonic() + TIMEOUT + SLACK)
    assert client.received.startswith(b"HTTP/1.1 200 ")
    assert_timed_out(client, answer=False)


def test_a_slow_body_is_cut(server: LiveServer) -> None:
    head = (
        b"POST /api/desk/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    )
    trickle = Dribbler(server, head + b'{"email": "', b"a" * 990)
    stalled = Dribbler(server, head + b'{"email": "', b"")
    run_until_closed([trickle, stalled], time.monotonic() + TIMEOUT + SLACK)
    assert_timed_out(trickle)
    assert_timed_out(stalled)


def test_a_body_that_keeps_coming_outlasts_the_body_timeout(server: LiveServer) -> None:
    body = b'{"email": "a@example.test", "password": "' + b"p" * 60_000 + b'"}'
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(
            b"POST /api/desk/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
        )
        started = time.monotonic()
        # About 40 KiB/s, over longer than the body timeout: a slow line, not a trickle.
        for start in range(0, len(body), 4096):
            sock.sendall(body[start : start + 4096])
            time.sleep(0.1)
        assert time.monotonic() - started > TIMEOUT
        sock.settimeout(SLACK)
        answer = sock.recv(4096)
    # The password is too long for the schema: the app read the whole body and answered.
    assert answer.startswith(b"HTTP/1.1 422 "), answer


def test_an_idle_keep_alive_connection_is_closed(server: LiveServer) -> None:
    client = Dribbler(server, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"")
    run_until_closed([client], time.monotonic() + TIMEOUT + SLACK)
    assert client.received.startswith(b"HTTP/1.1 200 ")
    assert b"408" not in client.received
    assert_timed_out(client, answer=False)


def test_a_long_poll_waits_longer_than_the_timeouts_for_its_answer(server: LiveServer) -> None:
    with httpx.Client(headers={"Origin": SITE}, timeout=30) as client:
        started = client.post(
            server.url(V3), json={"operationId": "start", "data": {"nickname": "Vic"}}
        )
        assert started.status_code == 200, started.text
        session = started.json()["data"]
        waited_from = time.monotonic()
        answer = client.get(
            server.url(f"{V3}/{session['sessionId']}/messages"),
            params={"index": 1, "timeout": 3, "operationId": "wait"},
            headers={"x-nexus-client-key": session["clientToken"]},
        )
        waited = time.monotonic() - waited_from
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["messages"] == []
    assert waited >= 3 * TIMEOUT


def test_a_websocket_outlives_the_timeouts_of_its_handshake(server: LiveServer) -> None:
    password = "correct horse battery"
    frontdesk = [sys.executable, "-m", "frontdesk", "agents", "create"]
    details = ["--name", "Ada", "--email", "ada@example.test", "--password", password]
    where = ["--data-dir", str(server.data_dir)]
    subprocess.run([*frontdesk, *where, *details], check=True, capture_output=True)
    own = server.url("")
    login = httpx.post(
        server.url("/api/desk/login"),
        json={"email": "ada@example.test", "password": password},
        headers={"Origin": own},
    )
    assert login.status_code == 200, login.text
    cookie = f"frontdesk_desk={login.cookies['frontdesk_desk']}"
    url = server.url("/api/agent/events").replace("http://", "ws://")
    with connect(url, origin=own, additional_headers={"Cookie": cookie}) as ws:  # type: ignore[arg-type]
        assert json.loads(ws.recv(timeout=SLACK))["type"] == "ready"
        # The first heartbeat comes 10 s on, long past the handshake's head and body timeouts.
        assert json.loads(ws.recv(timeout=10 + SLACK))["type"] == "heartbeat"
