"""Weigh built widget files as a CDN serves them: raw, gzip -9 and brotli q11.

Usage: .venv/bin/python tools/weigh.py [FILE ...]
Without arguments it weighs every .js file under frontdesk/static/widgets/.
"""

from __future__ import annotations

import gzip
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDGETS_OUT = ROOT / "frontdesk" / "static" / "widgets"


def gzip_bytes(data: bytes) -> bytes:
    """Gzip at level 9 with a zero timestamp, so equal input gives equal output."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def brotli_bytes(data: bytes) -> bytes | None:
    """Brotli at quality 11, or None when the optional `brotli` module is not installed."""
    try:
        import brotli  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return None
    return bytes(brotli.compress(data, quality=11))


@dataclass(frozen=True)
class Weight:
    """Sizes in bytes of one file; `brotli` is None without the brotli module."""

    name: str
    raw: int
    gzip: int
    brotli: int | None


def weigh(path: Path, name: str | None = None) -> Weight:
    """Measure one file."""
    data = path.read_bytes()
    compressed = brotli_bytes(data)
    return Weight(
        name=name or str(path),
        raw=len(data),
        gzip=len(gzip_bytes(data)),
        brotli=None if compressed is None else len(compressed),
    )


def table(weights: list[Weight]) -> str:
    """A Markdown table of the weights, bytes and KiB."""

    def cell(size: int | None) -> str:
        return "n/a" if size is None else f"{size} ({size / 1024:.2f} KiB)"

    lines = ["| file | raw | gzip-9 | brotli-11 |", "|---|---:|---:|---:|"]
    lines += [f"| {w.name} | {cell(w.raw)} | {cell(w.gzip)} | {cell(w.brotli)} |" for w in weights]
    return "\n".join(lines)


def built_files(out: Path = WIDGETS_OUT) -> list[Path]:
    """Every built .js file, loader first."""
    return sorted(out.rglob("*.js"), key=lambda p: (p.name != "cxbus.min.js", str(p)))


def main(argv: list[str]) -> int:
    """Print the table for the given files, or for the whole build output."""
    if argv:
        paths = [Path(arg) for arg in argv]
        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            print(f"not found: {', '.join(missing)}", file=sys.stderr)
            return 1
        weights = [weigh(path) for path in paths]
    else:
        paths = built_files()
        if not paths:
            print(f"no built files in {WIDGETS_OUT}; run tools/build_widgets.py", file=sys.stderr)
            return 1
        weights = [weigh(path, path.relative_to(WIDGETS_OUT).as_posix()) for path in paths]
    print(table(weights))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
