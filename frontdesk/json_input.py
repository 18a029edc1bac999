"""The one JSON reader: every JSON the server is sent passes a depth and a size limit first.

Python's ``json`` recurses once per nesting level, so a body of a thousand ``[`` raises
``RecursionError`` deep inside whatever parses it. Nothing we accept is nested more than a few
levels, so JSON nested deeper than ``MAX_DEPTH`` is refused before it is parsed, by a scan that
counts brackets outside strings. ``parse_json`` is the reader for routes that parse JSON
themselves (bodies, form fields holding JSON, WebSocket frames); ``JSONDepthLimit`` checks the
bodies FastAPI parses for its models, before FastAPI reads them.
"""

from __future__ import annotations

import array
import itertools
import json
import re
from typing import Any

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontdesk.errors import (
    FrontdeskError,
    InvalidInput,
    JSONTooDeep,
    MalformedJSON,
    PayloadTooLarge,
)
from frontdesk.http_errors import RefusedBody

MAX_DEPTH = 32
# A form field or frame holding JSON; whole bodies are capped by ``BodySizeLimit`` instead.
MAX_FIELD_BYTES = 64 * 1024

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
# Openers count +1 and closers -1 (as signed bytes); everything else goes.
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def nested_deeper_than(data: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON text opens more than ``limit`` arrays or objects inside one another."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    # Brackets inside strings do not nest. What is left of a malformed text may miscount,
    # which only refuses a text the parser would refuse anyway. The running sum is the depth;
    # accumulate and max walk it in C (a megabyte of brackets in tens of milliseconds).
    steps = array.array("b", _STRING.sub(b"", data).translate(_STEPS, _NOT_BRACKETS))
    return max(itertools.accumulate(steps), default=0) > limit


def parse_json(
    data: bytes | str,
    *,
    field: str | None = None,
    what: str = "The request body",
    max_bytes: int | None = None,
) -> Any:
    """Parse JSON within the limits.

    A body (or frame: name it with ``what``) that fails is ``PayloadTooLarge`` (413),
    ``JSONTooDeep`` or ``MalformedJSON`` (400); a form ``field`` holding JSON fails as
    ``InvalidInput`` (422) naming the field. Fields are capped at ``MAX_FIELD_BYTES``.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    limit = MAX_FIELD_BYTES if max_bytes is None and field is not None else max_bytes
    subject = what if field is None else field
    problem: FrontdeskError
    if limit is not None and len(raw) > limit:
        problem = PayloadTooLarge(f"{subject} is larger than {limit} bytes.", limit=limit)
    elif nested_deeper_than(raw):
        problem = JSONTooDeep(
            f"{subject} is nested deeper than {MAX_DEPTH} levels.", max_depth=MAX_DEPTH
        )
    else:
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            # ValueError covers JSONDecodeError and bytes that are not UTF-8.
            problem = MalformedJSON(f"{subject} is not valid JSON.")
    if field is not None:
        raise InvalidInput(
            problem.message,
            fields=[{"field": field, "problem": problem.message, "type": problem.code}],
        )
    raise problem


async def read_json(request: Request) -> Any:
    """The request body parsed as JSON, within the limits."""
    try:
        body = await request.body()
    except RefusedBody as refused:
        # A route reading its own body answers in its own shape: give it the plain error.
        raise refused.error from None
    return parse_json(body)


def is_json(media_type: str) -> bool:
    """Whether a request ``Content-Type`` is one FastAPI parses as JSON."""
    kind = media_type.split(";")[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


class JSONDepthLimit:
    """ASGI middleware: refuse JSON bodies nested deeper than ``MAX_DEPTH`` before the app
    reads them, so FastAPI's own parsing of a model's body never meets one.

    The check runs on the last chunk of the body; the app sees it only when it passed.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_json(_header(scope, b"content-type")):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def checked_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and nested_deeper_than(b"".join(chunks)):
                    raise RefusedBody(
                        JSONTooDeep(
                            f"The request body is nested deeper than {MAX_DEPTH} levels.",
                            max_depth=MAX_DEPTH,
                        )
                    )
            return message

        await self.app(scope, checked_receive, send)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return ""
