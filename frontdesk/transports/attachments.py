"""Serving a shared file: always as a download, never as a page of this server's origin.

An uploaded HTML, SVG or polyglot file opened inline would run as this origin; as an attachment
with ``nosniff`` and a sandboxing CSP, the browser saves it instead (docs/api/agents.md).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Response

from frontdesk.actions.files import StoredFile

# RFC 5987 attr-chars besides letters and digits: these may stay unencoded in filename*.
_ATTR_CHARS = "!#$&+-.^_`|~"


def attachment_response(file: StoredFile) -> Response:
    """The file's bytes with the headers that make every browser download it."""
    media_type = file.content_type
    if media_type == "text/plain":
        media_type += "; charset=utf-8"
    return Response(
        content=file.data,
        media_type=media_type,
        headers={
            "Content-Disposition": content_disposition(file.name),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "private, no-store",
        },
    )


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the exact name as ``filename*`` (RFC 6266)."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\%' else "_" for c in name
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"
