"""Build the API documentation page (Swagger UI) into frontdesk/static/api-docs/.

Usage (from the repository root, after `npm ci`):  .venv/bin/python tools/build_api_docs.py

FastAPI's own /docs page loads Swagger UI from a public CDN; this one serves the files of the
`swagger-ui-dist` npm package (a pinned dev dependency) from the server itself, with our page
and start-up script from tools/api_docs/. Scripts and stylesheets get a .gz sibling.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from build_widgets import ROOT, BuildError
from weigh import gzip_bytes

SRC = ROOT / "tools" / "api_docs"
DIST = ROOT / "node_modules" / "swagger-ui-dist"
OUT = ROOT / "frontdesk" / "static" / "api-docs"
VENDOR_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE", "NOTICE")
COMPRESSED = (".js", ".css")


def build() -> Path:
    """Copy Swagger UI and our page into the output folder; return the bundle's path."""
    if not DIST.is_dir():
        raise BuildError(f"{DIST.relative_to(ROOT)} is missing: run `npm ci` first")
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    for name in VENDOR_FILES:
        shutil.copy2(DIST / name, OUT / name)
    for asset in SRC.iterdir():
        shutil.copy2(asset, OUT / asset.name)
    for path in sorted(OUT.iterdir()):
        if path.suffix in COMPRESSED:
            path.with_name(path.name + ".gz").write_bytes(gzip_bytes(path.read_bytes()))
    return OUT / "swagger-ui-bundle.js"


def main() -> int:
    """Build the page and say where it went."""
    try:
        bundle = build()
    except BuildError as error:
        print(f"build_api_docs: {error}", file=sys.stderr)
        return 1
    size = bundle.stat().st_size
    print(f"built the API docs into {OUT.relative_to(ROOT)}/ ({size} bytes of script)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
