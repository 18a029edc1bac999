"""Serve built files (widgets, desk) with content types, precompression, ETags and caching."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from frontdesk.errors import NotFound

STATIC_ROOT = Path(__file__).parent / "static"

_SAFE_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")
_CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
}
_ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


@dataclass(frozen=True)
class _Variant:
    path: Path
    etag: str
    mtime_ns: int


class StaticFolder:
    """One folder of build output, served by relative path.

    Names like ``cxbus.min.js`` are public API and never change, so caches revalidate with
    the ETag after a short ``max-age`` instead of keeping files forever.
    """

    def __init__(
        self, root: Path, *, max_age: int = 300, embeddable: bool = True, csp: str | None = None
    ) -> None:
        self.root = root.resolve()
        self.cache_control = f"public, max-age={max_age}, stale-while-revalidate=86400"
        self.extra_headers = (
            {"Cross-Origin-Resource-Policy": "cross-origin", "Access-Control-Allow-Origin": "*"}
            if embeddable
            else {"Cross-Origin-Resource-Policy": "same-origin", "X-Frame-Options": "DENY"}
        )
        if csp:
            self.extra_headers["Content-Security-Policy"] = csp
        self._etags: dict[Path, _Variant] = {}

    def response(self, request: Request, relative: str) -> Response:
        """The file at ``relative``, in the best encoding the client accepts; 404 if absent."""
        source = self._resolve(relative)
        content_type = _CONTENT_TYPES.get(source.suffix)
        if content_type is None:
            raise NotFound(f"No such file: {relative}")
        encoding, served = self._negotiate(request, source)
        variant = self._variant(served)
        headers = {
            "Cache-Control": self.cache_control,
            "ETag": variant.etag,
            "Vary": "Accept-Encoding",
            "X-Content-Type-Options": "nosniff",
            **self.extra_headers,
        }
        if encoding:
            headers["Content-Encoding"] = encoding
        if _etag_matches(request.headers.get("if-none-match"), variant.etag):
            return Response(status_code=304, headers=headers)
        return FileResponse(served, media_type=content_type, headers=headers)

    def _resolve(self, relative: str) -> Path:
        if not _SAFE_PATH.match(relative) or ".." in relative:
            raise NotFound(f"No such file: {relative}")
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            raise NotFound(f"No such file: {relative}")
        return candidate

    def _negotiate(self, request: Request, source: Path) -> tuple[str | None, Path]:
        accepted = _accepted_encodings(request.headers.get("accept-encoding", ""))
        for name, suffix in _ENCODINGS:
            if name in accepted:
                compressed = source.with_name(source.name + suffix)
                if compressed.is_file():
                    return name, compressed
        return None, source

    def _variant(self, path: Path) -> _Variant:
        mtime_ns = path.stat().st_mtime_ns
        known = self._etags.get(path)
        if known is None or known.mtime_ns != mtime_ns:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:20]
            known = _Variant(path, f'"{digest}"', mtime_ns)
            self._etags[path] = known
        return known


def _accepted_encodings(header: str) -> set[str]:
    accepted = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if params.replace(" ", "") in {"q=0", "q=0.0", "q=0.00", "q=0.000"}:
            continue
        if name:
            accepted.add(name.strip().lower())
    return accepted


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    return etag in {tag.strip().removeprefix("W/") for tag in header.split(",")}
