"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from frontdesk import __version__
from frontdesk.errors import error_envelope

router = APIRouter(tags=["health"])

READY_TIMEOUT_SECONDS = 2.0


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    """Answer as long as the process serves requests; checks nothing else."""
    return {"status": "ok", "version": __version__}


@router.get("/readyz", summary="The database and the broker are reachable")
async def readyz(request: Request) -> JSONResponse:
    """Ready only when both the database and the broker answer within a short timeout."""
    services = request.app.state.services
    checks = {
        "database": await _probe(services.database.ping()),
        "broker": await _probe(services.broker.ping()),
    }
    if all(result == "ok" for result in checks.values()):
        return JSONResponse({"status": "ready", "checks": checks})
    body = error_envelope("not_ready", "A backing service is unreachable.", {"checks": checks})
    return JSONResponse(body, status_code=503)


async def _probe(check: Awaitable[None]) -> str:
    try:
        await asyncio.wait_for(check, READY_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure means "not ready"; say which kind
        return f"failed: {type(exc).__name__}"
    return "ok"
