"""Real-browser fixtures: the server in a subprocess, Debian's Chromium driven by Playwright.

Fake host names (``shop.example.test``, ``help.example.test``, ``*.example.co.uk``) all resolve
to 127.0.0.1 inside the browser only, so sub-domain behaviour is tested with no DNS.
Never run ``playwright install``: the system Chromium is used.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import IN_CI

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
FAKE_HOSTS = ("*.example.test", "*.example.co.uk")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=" + ", ".join(f"MAP {host} 127.0.0.1" for host in FAKE_HOSTS),
]
SHARED_IP_LIMITS = {
    "FRONTDESK_CONVERSATION_STARTS_PER_IP": "1000",
    "FRONTDESK_SOCKET_CONNECTS_PER_IP": "1000",
    "FRONTDESK_CALL_REQUESTS_PER_IP": "1000",
}
WIDGETS_BUILT = Path(__file__).parents[2] / "frontdesk" / "static" / "widgets" / "cxbus.min.js"


@dataclass(frozen=True)
class LiveServer:
    port: int
    data_dir: Path
    output: Path

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def demo_login(self) -> tuple[str, str]:
        """The demo agent's e-mail and password, as `frontdesk demo` last printed them."""
        for line in reversed(self.output.read_text().splitlines()):
            if "agent login:" in line:
                email, _, password = line.split("agent login:")[1].strip().partition(" / ")
                return email, password
        raise AssertionError("the demo printed no agent login")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    data_dir: Path,
    *args: str,
    command: str = "demo",
    port: int | None = None,
    env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], LiveServer]:
    """Start ``frontdesk <command>`` on ``port`` (default: a free one); wait for /healthz.

    Restarting on the same data dir and port keeps the server's state and every client's URLs.
    """
    port = port or _free_port()
    output = data_dir / "server.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "FRONTDESK_LOG_LEVEL": "warning", **(env or {})}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "frontdesk",
            command,
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            *args,
        ],
        stdout=output.open("ab"),
        stderr=subprocess.STDOUT,
        env=environment,
    )
    server = LiveServer(port, data_dir, output)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{output.read_text()}")
        try:
            if httpx.get(server.url("/healthz"), timeout=1).status_code == 200:
                return process, server
        except httpx.HTTPError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"server did not start:\n{output.read_text()}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo server (demo shop, widgets, desk) running in a subprocess for the session."""
    if not WIDGETS_BUILT.exists():
        pytest.fail("The widgets are not built: run `make test` (it builds them first).")
    # Every visitor of the suite comes from 127.0.0.1: the per-IP limits are for real traffic.
    process, server = start_server(tmp_path_factory.mktemp("demo"), env=SHARED_IP_LIMITS)
    yield server
    stop_server(process)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium."
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: object) -> Iterator[object]:
    """A fresh browser context (its own cookie jar) and page per test."""
    context = chromium.new_context(viewport={"width": 1200, "height": 800})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.page_errors = errors
    yield page
    context.close()


@dataclass(frozen=True)
class StaticSite:
    """A folder of test pages served on 127.0.0.1 (any fake host name works)."""

    port: int
    root: Path
    scheme: str = "http"

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def write(self, name: str, text: str) -> str:
        """Write a page (or any file) and return its path for ``url``."""
        (self.root / name).write_text(text, encoding="utf-8")
        return f"/{name}"


@contextmanager
def _serve_folder(root: Path, tls: ssl.SSLContext | None = None) -> Iterator[int]:
    """Serve ``root`` from a threaded http.server on 127.0.0.1; yield its port."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root))
    )
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def static_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticSite]:
    """A tiny threaded http.server for pages the demo must not ship (hostile CSS, odd configs)."""
    root = tmp_path_factory.mktemp("static-site")
    with _serve_folder(root) as port:
        yield StaticSite(port, root)


def _self_signed(folder: Path) -> ssl.SSLContext:
    """A TLS server context with a throw-away certificate for *.example.test."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "example.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("example.test"), x509.DNSName("*.example.test")]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


@pytest.fixture(scope="session")
def https_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticSite]:
    """Like ``static_site`` but over HTTPS (self-signed), with the built widgets at /widgets/."""
    root = tmp_path_factory.mktemp("https-site")
    (root / "widgets").symlink_to(WIDGETS_BUILT.parent, target_is_directory=True)
    tls = _self_signed(tmp_path_factory.mktemp("tls"))
    with _serve_folder(root, tls) as port:
        yield StaticSite(port, root, scheme="https")


DOC_IMAGES = Path(__file__).parents[2] / "docs" / "images"


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    """Where tests save their screenshots: docs/images with FRONTDESK_SCREENSHOTS=1 (to refresh
    the README's pictures), else a temporary folder, so a test run leaves the tree clean."""
    if os.environ.get("FRONTDESK_SCREENSHOTS") == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        return DOC_IMAGES
    return tmp_path
