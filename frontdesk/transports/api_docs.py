"""The API's documentation page (Swagger UI) at ``/docs/``, served from this server only."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from frontdesk.static_files import STATIC_ROOT, StaticFolder

router = APIRouter(include_in_schema=False)
# Everything from this server: no inline script (init.js starts Swagger UI), no CDN.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
docs_folder = StaticFolder(STATIC_ROOT / "api-docs", max_age=300, embeddable=False, csp=DOCS_CSP)


@router.get("/docs")
async def docs_redirect() -> RedirectResponse:
    """The page lives under a folder so its relative asset paths work."""
    return RedirectResponse("/docs/", status_code=308)


@router.api_route("/docs/", methods=["GET", "HEAD"])
async def docs_page(request: Request) -> Response:
    """Swagger UI on ``/openapi.json``."""
    return docs_folder.response(request, "index.html")


@router.api_route("/docs/{path:path}", methods=["GET", "HEAD"])
async def docs_asset(request: Request, path: str) -> Response:
    """Swagger UI's script and stylesheet, and the script that starts it."""
    return docs_folder.response(request, path)
