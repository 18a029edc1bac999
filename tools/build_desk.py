"""Build the agent desk into frontdesk/static/desk/ (index.html, desk.css, desk.min.js).

Usage (from the repository root, after `npm ci`):  .venv/bin/python tools/build_desk.py
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from build_widgets import ROOT, BuildError, check_csp, esbuild

SRC = ROOT / "desk"
OUT = ROOT / "frontdesk" / "static" / "desk"
# What anyone types stays text (architecture decision 7): no API that parses markup.
MARKUP_SINKS = re.compile(
    r"\b(innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write|createContextualFragment)\b"
)


def check_text_only(folder: Path) -> None:
    """Refuse desk sources that hand strings to the HTML parser."""
    for source in sorted(folder.rglob("*.ts*")):
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            found = MARKUP_SINKS.search(line)
            if found:
                where = f"{source.relative_to(ROOT)}:{number}"
                raise BuildError(f"{where} uses {found.group(0)}: render text, never markup")


def build() -> Path:
    """Bundle the desk script and copy its page and stylesheet; return the script's path."""
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    check_text_only(SRC / "src")
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
