"""The agent desk's page, script and stylesheet at ``/desk/``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from frontdesk.static_files import STATIC_ROOT, StaticFolder

router = APIRouter(include_in_schema=False)
desk_folder = StaticFolder(
    STATIC_ROOT / "desk",
    max_age=60,
    embeddable=False,
    csp="default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
)


@router.get("/desk")
async def desk_redirect() -> RedirectResponse:
    """The desk lives under a folder so its relative asset paths work."""
    return RedirectResponse("/desk/", status_code=308)


@router.api_route("/desk/", methods=["GET", "HEAD"])
async def desk_page(request: Request) -> Response:
    """The desk's single page."""
    return desk_folder.response(request, "index.html")


@router.api_route("/desk/{path:path}", methods=["GET", "HEAD"])
async def desk_asset(request: Request, path: str) -> Response:
    """The desk's script and stylesheet."""
    return desk_folder.response(request, path)
