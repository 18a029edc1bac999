"""The widget files a site embeds: ``cxbus.min.js``, ``widgets.min.js`` and ``plugins/*``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from frontdesk.static_files import STATIC_ROOT, StaticFolder

router = APIRouter(tags=["widgets"])
widgets_folder = StaticFolder(STATIC_ROOT / "widgets")


@router.api_route("/widgets/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
async def widget_file(request: Request, path: str) -> Response:
    """A built widget file, compressed and cacheable; scripts load cross-origin from any site."""
    return widgets_folder.response(request, path)
