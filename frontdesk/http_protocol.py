"""Uvicorn's HTTP/1.1 protocol with deadlines for clients that are slow to send their request.

Uvicorn times out an idle keep-alive connection only once it has answered a request, and never a
request's head or body: a client that connects and sends nothing, or one header byte at a time,
or a body one byte at a time (slowloris, R.U.D.Y.), holds its connection for as long as it likes.
The head deadline has to live here, since the app is not called before the head is complete.
Only the client's sending is timed: once a request is in, the app may take as long as it needs
to answer (a long-poll waits up to 25 s for its answer).
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

# A body may take longer than the body timeout while it keeps arriving at least this fast on
# average, so that a large upload on a slow line is not cut; a trickle is.
BODY_MIN_BYTES_PER_SECOND = 8 * 1024
_TIMED_OUT_TEXT = b"The request took too long to arrive."
_TIMED_OUT = b"".join(
    (
        STATUS_LINE[408],
        b"content-type: text/plain; charset=utf-8\r\n",
        b"content-length: %d\r\n" % len(_TIMED_OUT_TEXT),
        b"connection: close\r\n\r\n",
        _TIMED_OUT_TEXT,
    )
)


class DeadlineHttpProtocol(HttpToolsProtocol):
    """Closes a connection whose request head or body does not arrive in time.

    A request head must be complete ``header_timeout`` seconds after the connection opened, or
    after the first byte that followed the previous answer. A body must arrive with no pause
    of ``body_timeout`` seconds, and, once that long has passed, at no less than
    ``BODY_MIN_BYTES_PER_SECOND`` on average. Subclasses set the two timeouts
    (``deadline_protocol``).
    """

    header_timeout: float = 10.0
    body_timeout: float = 30.0

    _head_timer: asyncio.TimerHandle | None = None
    _body_timer: asyncio.TimerHandle | None = None
    _body_started = 0.0
    _body_last_byte = 0.0
    _body_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timers()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        # Between requests (uvicorn's keep-alive timer has just been stopped by this data),
        # even bytes that begin no request, like stray CRLFs, must lead to a head in time.
        if self.cycle is None or (self.cycle.response_complete and not self.pipeline):
            self._start_head_timer()
        super().data_received(data)

    def on_message_begin(self) -> None:
        self._start_head_timer()
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._stop_timers()
        super().on_headers_complete()
        now = self.loop.time()
        self._body_started = self._body_last_byte = now
        self._body_bytes = 0
        self._body_timer = self.loop.call_at(now + self.body_timeout, self._check_body)

    def on_body(self, body: bytes) -> None:
        self._body_bytes += len(body)
        self._body_last_byte = self.loop.time()
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._stop_body_timer()
        super().on_message_complete()

    def handle_websocket_upgrade(self) -> None:
        # The WebSocket protocol takes the connection over, with its own ping timeout.
        self._stop_timers()
        super().handle_websocket_upgrade()

    def _start_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _head_too_slow(self) -> None:
        cycle = self.cycle
        # The 408 may only answer the late request: not while an earlier one awaits its answer.
        idle = cycle is None or cycle.response_complete
        self._time_out(answer=idle and not self.pipeline)

    def _check_body(self) -> None:
        self._body_timer = None
        now = self.loop.time()
        # When the body, if no more of it came, would break either rule.
        pause_ends = self._body_last_byte + self.body_timeout
        rate_fails = self._body_started + self._body_bytes / BODY_MIN_BYTES_PER_SECOND
        next_check = min(pause_ends, max(rate_fails, self._body_started + self.body_timeout))
        if next_check <= now:
            self._time_out(answer=not self.cycle.response_started and not self.pipeline)
        else:
            self._body_timer = self.loop.call_at(next_check, self._check_body)

    def _time_out(self, *, answer: bool) -> None:
        self._stop_timers()
        if self.transport.is_closing():
            return
        if answer:
            self.transport.write(_TIMED_OUT)
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            # As if the client had gone: the app's receive() ends, and nothing it sends after
            # this reaches the socket.
            cycle.disconnected = True
            cycle.message_event.set()
        self.transport.close()

    def _stop_body_timer(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _stop_timers(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        self._stop_body_timer()


def deadline_protocol(header_timeout: float, body_timeout: float) -> type[DeadlineHttpProtocol]:
    """The protocol class for uvicorn's ``http`` setting, with these timeouts in seconds."""
    return type(
        "ConfiguredDeadlineHttpProtocol",
        (DeadlineHttpProtocol,),
        {"header_timeout": header_timeout, "body_timeout": body_timeout},
    )
