"""Build the agent desk into frontdesk/static/desk/ (index.html, desk.css, desk.min.js).

Usage (from the repository root, after `npm ci`):  .venv/bin/python tools/build_desk.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from build_widgets import ROOT, BuildError, check_csp, esbuild

SRC = ROOT / "desk"
OUT = ROOT / "frontdesk" / "static" / "desk"


def build() -> Path:
    """Bundle the desk script and copy its page and stylesheet; return the script's path."""
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    script = OUT / "desk.min.js"
    esbuild(
        [
            str((SRC / "src" / "main.tsx").relative_to(ROOT)),
            f"--outfile={script}",
            "--jsx=automatic",
            "--jsx-import-source=preact",
        ]
    )
    check_csp(script)
    for asset in (SRC / "public").iterdir():
        shutil.copy2(asset, OUT / asset.name)
    return script


def main() -> int:
    """Build the desk and say where it went."""
    try:
        script = build()
    except BuildError as error:
        print(f"build_desk: {error}", file=sys.stderr)
        return 1
    print(f"built the desk into {OUT.relative_to(ROOT)}/ ({script.stat().st_size} bytes of script)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
