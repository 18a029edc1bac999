"""Size budgets of the built widgets (architecture decision 6), checked on every run.

These read the build output, so run `npm ci` and `.venv/bin/python tools/build_widgets.py` first.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "frontdesk" / "static" / "widgets"
BUILD_HINT = "run `npm ci` then `.venv/bin/python tools/build_widgets.py` from the repository root"

KIB = 1024
LOADER_BUDGET = 3 * KIB
# App with the cookie store and the UI host: the part every page pays for.
CORE_BUDGET = 10 * KIB
CORE = "plugins/widgets-core.min.js"
# WebChat with its service and its transports (all three are bundled in the service file).
WEBCHAT_BUDGET = 30 * KIB
WEBCHAT = ("plugins/webchat.min.js", "plugins/webchatservice.min.js")
# "Each other plugin".
PLUGIN_BUDGET = 20 * KIB
# ClickToCall with its service: the window (Preact, strings in three languages) and the requests.
CLICKTOCALL_BUDGET = 16 * KIB
CLICKTOCALL = ("plugins/clicktocall.min.js", "plugins/clicktocallservice.min.js")
# KnowledgeCenter with its service: the panel (Preact, Markdown, strings in three languages) and the
# Knowledge Center API client with its search session.
KNOWLEDGE_BUDGET = 14 * KIB
KNOWLEDGE = ("plugins/knowledgecenter.min.js", "plugins/knowledgecenterservice.min.js")


def built(name: str) -> bytes:
    """Bytes of one build output file, or a test failure that says how to build it."""
    path = OUT / name
    if not path.is_file():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: {BUILD_HINT}", pytrace=False)
    return path.read_bytes()


def brotli_size(data: bytes) -> int:
    """Length of `data` compressed as a CDN would: brotli quality 11."""
    try:
        import brotli  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        pytest.fail("the `brotli` module is needed to weigh the widgets: install the dev extras")
    return len(brotli.compress(data, quality=11))


def test_loader_fits_its_brotli_budget() -> None:
    size = brotli_size(built("cxbus.min.js"))
    assert size <= LOADER_BUDGET, (
        f"cxbus.min.js is {size} bytes brotli, over its {LOADER_BUDGET}-byte budget"
    )


def test_core_fits_its_brotli_budget() -> None:
    size = brotli_size(built(CORE))
    assert size <= CORE_BUDGET, f"{CORE} is {size} bytes brotli, over its {CORE_BUDGET}-byte budget"


def test_each_other_plugin_fits_its_brotli_budget() -> None:
    plugins = sorted((OUT / "plugins").glob("*.min.js")) if OUT.is_dir() else []
    plugins = [p for p in plugins if f"plugins/{p.name}" not in (CORE, *WEBCHAT)]
    if not plugins:
        pytest.fail(
            f"no plugin files in {OUT.relative_to(ROOT)}/plugins: {BUILD_HINT}", pytrace=False
        )
    over = {p.name: size for p in plugins if (size := brotli_size(p.read_bytes())) > PLUGIN_BUDGET}
    assert not over, f"plugins over their {PLUGIN_BUDGET}-byte brotli budget: {over}"


def test_webchat_with_its_service_and_transport_fits_its_brotli_budget() -> None:
    sizes = {name: brotli_size(built(name)) for name in WEBCHAT}
    total = sum(sizes.values())
    assert total <= WEBCHAT_BUDGET, (
        f"WebChat + WebChatService are {total} bytes brotli ({sizes}), "
        f"over their {WEBCHAT_BUDGET}-byte budget"
    )


def test_clicktocall_with_its_service_fits_its_brotli_budget() -> None:
    sizes = {name: brotli_size(built(name)) for name in CLICKTOCALL}
    total = sum(sizes.values())
    assert total <= CLICKTOCALL_BUDGET, (
        f"ClickToCall + ClickToCallService are {total} bytes brotli ({sizes}), "
        f"over their {CLICKTOCALL_BUDGET}-byte budget"
    )


def test_knowledgecenter_with_its_service_fits_its_brotli_budget() -> None:
    sizes = {name: brotli_size(built(name)) for name in KNOWLEDGE}
    total = sum(sizes.values())
    assert total <= KNOWLEDGE_BUDGET, (
        f"KnowledgeCenter + KnowledgeCenterService are {total} bytes brotli ({sizes}), "
        f"over their {KNOWLEDGE_BUDGET}-byte budget"
    )


def test_manifest_matches_the_files_and_their_precompressed_siblings() -> None:
    manifest = json.loads(built("manifest.json"))
    files = manifest["files"]
    assert {
        "cxbus.min.js",
        "widgets.min.js",
        "plugins/hello.min.js",
        "plugins/console.min.js",
        *WEBCHAT,
        *CLICKTOCALL,
        *KNOWLEDGE,
        CORE,
    } <= files.keys()
    for name, entry in files.items():
        data = built(name)
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["etag"] == f'"{entry["sha256"][:32]}"'
        assert gzip.decompress(built(f"{name}.gz")) == data
        variants = entry["encodings"]
        assert variants["gzip"]["bytes"] == len(built(f"{name}.gz"))
        assert variants["br"]["bytes"] == len(built(f"{name}.br"))
        assert len({entry["etag"], variants["gzip"]["etag"], variants["br"]["etag"]}) == 3
