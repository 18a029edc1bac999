"""Make sure the PostgreSQL and Redis the test suite uses are running.

Finds them on 127.0.0.1 (or FRONTDESK_TEST_POSTGRES_URL / FRONTDESK_TEST_REDIS_URL); starts an
installed but stopped server; installs Debian's packages when they are missing and we are root.
Never fails the run by itself: the test suite decides (skip outside CI, fail with CI=true).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

POSTGRES_URL = os.environ.get(
    "FRONTDESK_TEST_POSTGRES_URL", "postgresql://postgres:frontdesk@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TEST_PASSWORD = "frontdesk"  # noqa: S105 - the local test server's password, nothing to protect


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def wait_for(url: str, port: int, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if reachable(url, port):
            return True
        time.sleep(0.5)
    return False


def is_local(url: str) -> bool:
    return urlsplit(url).hostname in {"127.0.0.1", "localhost", "::1"}


def run(*command: str) -> bool:
    print("  $", " ".join(command), flush=True)
    return subprocess.run(command, check=False).returncode == 0


def apt_install(package: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"  cannot install {package}: not root or no apt-get", flush=True)
        return False
    env_ok = run("apt-get", "update", "-qq")
    return env_ok and run(
        "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", package
    )


def ensure_postgres() -> None:
    if reachable(POSTGRES_URL, 5432) or not is_local(POSTGRES_URL):
        return
    print("PostgreSQL is not running on 127.0.0.1:5432; starting it", flush=True)
    if not shutil.which("pg_ctlcluster") and not apt_install("postgresql"):
        return
    versions = sorted(Path("/etc/postgresql").glob("*/main"))
    if not versions:
        print("  no PostgreSQL cluster found in /etc/postgresql", flush=True)
        return
    version = versions[-1].parent.name
    run("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start")
    if wait_for(POSTGRES_URL, 5432) and os.geteuid() == 0:
        # A fresh cluster asks for a password on TCP: give the test role the one the suite uses.
        sql = f"ALTER USER postgres PASSWORD '{TEST_PASSWORD}'"
        run("runuser", "-u", "postgres", "--", "psql", "-q", "-c", sql)


def ensure_redis() -> None:
    if reachable(REDIS_URL, 6379) or not is_local(REDIS_URL):
        return
    print("Redis is not running on 127.0.0.1:6379; starting it", flush=True)
    if not shutil.which("redis-server") and not apt_install("redis-server"):
        return
    workdir = Path(tempfile.mkdtemp(prefix="frontdesk-redis-"))
    run(
        "redis-server",
        "--daemonize",
        "yes",
        "--bind",
        "127.0.0.1",
        "--port",
        "6379",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(workdir),
    )
    wait_for(REDIS_URL, 6379)


def main() -> int:
    ensure_postgres()
    ensure_redis()
    for name, url, port in (("PostgreSQL", POSTGRES_URL, 5432), ("Redis", REDIS_URL, 6379)):
        state = (
            "reachable"
            if reachable(url, port)
            else "NOT reachable (its tests will skip, or fail in CI)"
        )
        print(f"{name}: {state}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
