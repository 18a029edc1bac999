"""Build the browser widgets into frontdesk/static/widgets/.

Usage (from the repository root, after `npm ci`):  .venv/bin/python tools/build_widgets.py

Outputs, each an IIFE bundled and minified by the local esbuild:
  cxbus.min.js             the loader: CXBus alone
  plugins/<name>.min.js    one per widgets/src/plugins/<name>/index.ts, fetched from pluginsPath
  widgets.min.js           the all-in-one bundle: CXBus, App (widgets-core), then every other
                           plugin in name order
and, beside every .js file, `<file>.br` (brotli q11, when the `brotli` module is installed) and
`<file>.gz` (gzip -9), plus `manifest.json` with sizes, etags and subresource-integrity hashes.
The output folder is emptied first, so it only ever holds one build.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from weigh import brotli_bytes, gzip_bytes, table, weigh

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "widgets" / "src"
OUT = ROOT / "frontdesk" / "static" / "widgets"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"

TARGET = "es2019"
CORE_PLUGIN = "widgets-core"
ESBUILD_FLAGS = [
    "--bundle",
    "--minify",
    "--format=iife",
    f"--target={TARGET}",
    "--charset=utf8",
    "--legal-comments=none",
    "--log-level=warning",
    '--define:process.env.NODE_ENV="production"',
]
# Output that a strict Content-Security-Policy (no 'unsafe-eval') would refuse to run.
FORBIDDEN = re.compile(r"\beval\s*\(|\bnew\s+Function\s*\(|\bFunction\s*\(\s*['\"]")


class BuildError(Exception):
    """A build step failed; the message says what to do about it."""


def plugin_names() -> list[str]:
    """Names of the plugin folders that have an entry point, sorted."""
    return sorted(p.parent.name for p in (SRC / "plugins").glob("*/index.ts"))


def esbuild(args: list[str], stdin: str | None = None, cwd: Path = ROOT) -> None:
    """Run the local esbuild binary in `cwd` with the shared flags plus `args`."""
    if not ESBUILD.exists():
        raise BuildError(f"esbuild not found at {ESBUILD.relative_to(ROOT)}: run `npm ci` first")
    result = subprocess.run(
        [str(ESBUILD), *ESBUILD_FLAGS, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.stderr.strip():
        print(result.stderr.strip(), file=sys.stderr)
    if result.returncode != 0:
        raise BuildError(f"esbuild failed with exit code {result.returncode}")


def bundle(names: list[str]) -> None:
    """Write the loader, every plugin file and the all-in-one bundle."""
    entries = [f"cxbus={SRC.relative_to(ROOT) / 'cxbus.ts'}"]
    entries += [
        f"plugins/{name}={SRC.relative_to(ROOT) / 'plugins' / name / 'index.ts'}" for name in names
    ]
    esbuild([*entries, f"--outdir={OUT}", "--out-extension:.js=.min.js"])

    # The all-in-one entry is generated so that no plugin can be forgotten in it. App
    # (widgets-core) goes first, so it is registered before any other plugin's code runs.
    ordered = sorted(names, key=lambda name: name != CORE_PLUGIN)
    imports = ["./core/install", *(f"./plugins/{name}/index" for name in ordered)]
    esbuild(
        ["--sourcefile=widgets.ts", "--loader=ts", f"--outfile={OUT / 'widgets.min.js'}"],
        stdin="".join(f'import "{path}";\n' for path in imports),
        cwd=SRC,  # esbuild resolves the imports of stdin from its working directory
    )


def check_csp(path: Path) -> None:
    """Refuse output that needs 'unsafe-eval'."""
    text = path.read_text(encoding="utf-8")
    found = FORBIDDEN.search(text)
    if found:
        raise BuildError(f"{path.relative_to(ROOT)} uses {found.group(0)!r}: strict CSP forbids it")


def sha256(data: bytes) -> str:
    """Hex sha256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def describe(name: str, data: bytes) -> dict[str, object]:
    """Manifest entry for one served file: size, strong etag from its sha256."""
    digest = sha256(data)
    return {"file": name, "bytes": len(data), "sha256": digest, "etag": f'"{digest[:32]}"'}


def compress(path: Path) -> dict[str, object]:
    """Write the .br and .gz siblings of `path`; return its manifest entry."""
    data = path.read_bytes()
    name = path.relative_to(OUT).as_posix()
    entry = describe(name, data)
    entry["integrity"] = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
    encodings: dict[str, object] = {}
    variants = {"br": brotli_bytes(data), "gzip": gzip_bytes(data)}
    for encoding, packed in variants.items():
        if packed is None:
            continue
        suffix = ".br" if encoding == "br" else ".gz"
        path.with_name(path.name + suffix).write_bytes(packed)
        encodings[encoding] = describe(name + suffix, packed)
    entry["encodings"] = encodings
    return entry


def build() -> list[Path]:
    """Run the whole build; return the .js files written."""
    names = plugin_names()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    bundle(names)
    outputs = [OUT / "cxbus.min.js", OUT / "widgets.min.js"]
    outputs += [OUT / "plugins" / f"{name}.min.js" for name in names]
    missing = [str(p.relative_to(ROOT)) for p in outputs if not p.is_file()]
    if missing:
        raise BuildError(f"esbuild did not write {', '.join(missing)}")
    for path in outputs:
        check_csp(path)
    if brotli_bytes(b"") is None:
        print("warning: `brotli` module not installed; no .br files written", file=sys.stderr)
    files = {p.relative_to(OUT).as_posix(): compress(p) for p in sorted(outputs)}
    manifest = {"version": 1, "target": TARGET, "plugins": names, "files": files}
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return outputs


def main() -> int:
    """Build, then print the size table."""
    try:
        outputs = build()
    except BuildError as error:
        print(f"build_widgets: {error}", file=sys.stderr)
        return 1
    print(f"built {len(outputs)} files into {OUT.relative_to(ROOT)}/")
    print(table([weigh(p, p.relative_to(OUT).as_posix()) for p in outputs]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
