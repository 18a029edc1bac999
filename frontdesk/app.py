"""The ASGI application: FastAPI for HTTP, Starlette WebSocket endpoints, one error envelope."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
from collections.abc import AsyncIterator

from fastapi import FastAPI

from frontdesk import __version__
from frontdesk.actions.file_retention import sweep_expired_files
from frontdesk.actions.rate_limits import RateLimits, open_rate_limits
from frontdesk.actions.routing import sweep_idle_conversations
from frontdesk.broker import Broker, open_broker
from frontdesk.http_errors import BodySizeLimit, install_error_handlers
from frontdesk.json_input import JSONDepthLimit
from frontdesk.origins import AllowedOrigins, OriginCORS
from frontdesk.security.keyring import Keyring
from frontdesk.security.secret_key import load_secret_key
from frontdesk.security_headers import SecurityHeaders
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.migrate import upgrade
from frontdesk.transports import (
    agent_api,
    agent_calls,
    agent_events,
    api_docs,
    click_to_call,
    desk_auth,
    desk_files,
    health,
    ivr,
    knowledge_admin,
    knowledge_service,
    rest_polling,
    v2_event_stream,
    v2_sockets,
    v3_rest,
    widget_files,
)
from frontdesk.transports.error_docs import document_errors
from frontdesk.transports.long_poll import Draining
from frontdesk.transports.typing_board import TypingBoard

log = logging.getLogger("frontdesk")

UPLOAD_PATHS = re.compile(
    "|".join(
        (r"/api/agent/conversations/[^/]+/files", rest_polling.UPLOAD_PATH, v3_rest.UPLOAD_PATH)
    )
)
MULTIPART_OVERHEAD_BYTES = 64 * 1024


@dataclasses.dataclass
class Services:
    """What every route and action may use; built once per process at start-up."""

    settings: Settings
    database: Database
    broker: Broker
    keyring: Keyring
    origins: AllowedOrigins
    rate_limits: RateLimits
    typing: TypingBoard = dataclasses.field(default_factory=TypingBoard)
    # Set when the server begins to stop (server.py), so that long-polls answer at once.
    draining: Draining = dataclasses.field(default_factory=Draining)


def create_app(settings: Settings) -> FastAPI:
    """Build the application; connections open in the lifespan, not here."""
    origins = AllowedOrigins(settings.allowed_origins)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = await Database.connect(settings)
        if settings.migrate:
            await upgrade(database)
        broker = await open_broker(settings)
        app.state.services = Services(
            settings=settings,
            database=database,
            broker=broker,
            keyring=Keyring(load_secret_key(settings)),
            origins=origins,
            rate_limits=open_rate_limits(settings),
        )
        services = app.state.services
        sweepers = [
            asyncio.create_task(
                sweep_idle_conversations(services.database, services.broker, settings)
            ),
            asyncio.create_task(sweep_expired_files(services.database, settings)),
            asyncio.create_task(services.typing.follow(services.broker)),
        ]
        try:
            yield
        finally:
            for sweeper in sweepers:
                sweeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeper
            await services.rate_limits.close()
            await broker.close()
            await database.close()

    app = FastAPI(
        title="Frontdesk",
        version=__version__,
        summary="Customer-engagement widgets server: chat, click-to-call, knowledge base, desk.",
        lifespan=lifespan,
        # FastAPI's pages load their scripts from a public CDN; ours come from this server.
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)
    app.add_middleware(JSONDepthLimit)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        # Uploads may be as large as a file may be, plus the multipart framing.
        larger=((UPLOAD_PATHS, settings.upload_max_bytes + MULTIPART_OVERHEAD_BYTES),),
    )
    app.add_middleware(OriginCORS, origins=origins)
    # Outermost, so that refusals of the middlewares inside carry the headers too.
    app.add_middleware(SecurityHeaders)

    app.include_router(health.router)
    app.include_router(api_docs.router)
    app.include_router(desk_auth.router)
    app.include_router(widget_files.router)
    app.include_router(desk_files.router)
    app.include_router(v2_sockets.router)
    app.include_router(v2_event_stream.router)
    app.include_router(rest_polling.router)
    app.include_router(v3_rest.router)
    app.include_router(agent_api.router)
    app.include_router(agent_events.router)
    app.include_router(agent_calls.router)
    app.include_router(click_to_call.router)
    app.include_router(ivr.router)
    app.include_router(knowledge_service.router)
    app.include_router(knowledge_admin.router)
    if settings.demo:
        from frontdesk.demo import site

        app.include_router(site.router)
    document_errors(app)
    return app
