"""How many waiting ``pureengage-v3-rest`` long-polls one server process holds, at what memory.

Starts a real server (``frontdesk serve``, uvicorn, SQLite, in-process broker) in a subprocess,
starts one chat, and from this process opens N concurrent long-polls on it with httpx. It reads
the server's resident memory (VmRSS) before and while they wait, then has the agent send one
message and checks that every poll is answered with it. Writes ``long_polls.json`` beside
this file.

    .venv/bin/python bench/long_polls.py [--polls 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

RESULT = Path(__file__).with_name("long_polls.json")
SITE = "http://bench.example.test"
SESSIONS = "/nexus/v3/chat/sessions"
# Polls are opened in waves, so the listen backlog never overflows into SYN retries.
WAVE = 250
SETTLE_SECONDS = 1.0
WAIT_SECONDS = 25


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rss_kib(pid: int) -> int:
    """The process's resident set size, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc status")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def established(port: int) -> int:
    """TCP connections in state ESTABLISHED whose local port is ``port`` (the server's side)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                count += 1
    return count


def frontdesk(*args: str) -> list[str]:
    """The command line of ``frontdesk`` with this interpreter."""
    return [sys.executable, "-m", "frontdesk", *args]


def start_server(data_dir: Path, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = (data_dir / "server.log").open("ab")
    process = subprocess.Popen(
        frontdesk("serve", "--port", str(port), "--data-dir", str(data_dir)),
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((data_dir / "server.log").read_text())
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("the server did not start")


async def agent_token(http: httpx.AsyncClient, email: str, password: str) -> str:
    login = await http.post("/api/desk/login", json={"email": email, "password": password})
    login.raise_for_status()
    # A cookie on a state-changing call must come from the desk's own origin.
    created = await http.post("/api/agents/me/tokens", headers={"Origin": str(http.base_url)})
    created.raise_for_status()
    token: str = created.json()["token"]
    return token


async def settle(pid: int, port: int, polls: int) -> float:
    """Wait until every poll's connection is open and the server's memory stops growing."""
    deadline = time.monotonic() + WAIT_SECONDS - 8
    last = rss_kib(pid)
    steady_since = time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        now = rss_kib(pid)
        if now != last:
            last, steady_since = now, time.monotonic()
        if (
            # Idle keep-alive connections of the warm-up carry some of the polls.
            established(port) >= polls and time.monotonic() - steady_since >= SETTLE_SECONDS
        ):
            return time.monotonic()
    raise RuntimeError("the polls did not settle in time")


async def measure(port: int, pid: int, polls: int, email: str, password: str) -> dict[str, Any]:
    base = f"http://127.0.0.1:{port}"
    limits = httpx.Limits(max_connections=polls + 10, max_keepalive_connections=polls + 10)
    timeout = httpx.Timeout(WAIT_SECONDS + 20)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as http:
        token = await agent_token(http, email, password)
        agent = {"Authorization": f"Bearer {token}"}
        started = await http.post(
            SESSIONS,
            json={"operationId": "bench", "data": {"nickname": "Bench visitor"}},
            headers={"Origin": SITE},
        )
        started.raise_for_status()
        session = started.json()["data"]
        sid = session["sessionId"]
        key = {"x-nexus-client-key": session["clientToken"]}
        accepted = await http.post(f"/api/agent/conversations/{sid}/accept", headers=agent)
        accepted.raise_for_status()

        async def poll(wait: float) -> dict[str, Any]:
            response = await http.get(
                f"{SESSIONS}/{sid}/messages",
                params={"operationId": "p", "index": 2, "timeout": wait},
                headers=key,
            )
            response.raise_for_status()
            answered.append(time.monotonic())
            data: dict[str, Any] = response.json()["data"]
            return data

        answered: list[float] = []
        # Warm up every code path once, then let the process settle.
        await asyncio.gather(*(poll(0) for _ in range(20)))
        await asyncio.gather(*(poll(0.2) for _ in range(20)))
        await asyncio.sleep(2)
        rss_before = rss_kib(pid)

        cpu_opening = cpu_seconds(pid)
        opened = time.monotonic()
        tasks = []
        for first in range(0, polls, WAVE):
            tasks += [
                asyncio.create_task(poll(WAIT_SECONDS)) for _ in range(min(WAVE, polls - first))
            ]
            await asyncio.sleep(0.05)
        settled = await settle(pid, port, polls)
        rss_waiting = rss_kib(pid)
        early = sum(task.done() for task in tasks)

        cpu_releasing = cpu_seconds(pid)
        cpu_opening = cpu_releasing - cpu_opening
        answered.clear()
        sent = time.monotonic()
        message = await http.post(
            f"/api/agent/conversations/{sid}/messages", json={"text": "hello all"}, headers=agent
        )
        message.raise_for_status()
        answers = await asyncio.gather(*tasks)
        released = time.monotonic()
        cpu_releasing = cpu_seconds(pid) - cpu_releasing
        woken = sum(1 for a in answers if [m["text"] for m in a["messages"]] == ["hello all"])
        await asyncio.sleep(2)
        rss_after = rss_kib(pid)
    return {
        "polls": polls,
        "answered_before_the_message": early,
        "woken_by_one_agent_message": woken,
        "all_released": woken == polls and early == 0,
        "seconds_to_open_all": round(settled - opened - SETTLE_SECONDS, 2),
        "seconds_to_first_answer": round(min(answered) - sent, 3),
        "seconds_to_release_all": round(released - sent, 3),
        "server_cpu_ms_per_poll_opening": round(cpu_opening * 1000 / polls, 2),
        "server_cpu_ms_per_poll_releasing": round(cpu_releasing * 1000 / polls, 2),
        "server_rss_mib_before": round(rss_before / 1024, 1),
        "server_rss_mib_waiting": round(rss_waiting / 1024, 1),
        "server_rss_mib_after_release": round(rss_after / 1024, 1),
        "server_rss_kib_per_waiting_poll": round((rss_waiting - rss_before) / polls, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--polls", type=int, default=2000, help="concurrent waiting polls")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as folder:
        data_dir = Path(folder)
        password = secrets.token_urlsafe(12)
        email = "bench@example.test"
        env = {
            **os.environ,
            "FRONTDESK_LOG_LEVEL": "warning",
            "FRONTDESK_ALLOWED_ORIGINS": SITE,
        }
        subprocess.run(
            frontdesk(
                "agents",
                "create",
                "--data-dir",
                folder,
                "--email",
                email,
                "--name",
                "Bench",
                "--password",
                password,
            ),
            env=env,
            check=True,
            capture_output=True,
        )
        port = free_port()
        server = start_server(data_dir, port, env)
        try:
            result = asyncio.run(measure(port, server.pid, args.polls, email, password))
        finally:
            server.terminate()
            server.wait(15)
    result.update(
        {
            "setup": "frontdesk serve (uvicorn, SQLite, in-process broker) and an httpx client "
            "in another process on the same machine; all polls on one chat",
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}",
        }
    )
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if result["all_released"] else 1


if __name__ == "__main__":
    sys.exit(main())
