"""Serves the demo shop at ``/demo/`` (only when the server runs as the demo)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from frontdesk.static_files import StaticFolder

router = APIRouter(include_in_schema=False)
site_folder = StaticFolder(Path(__file__).parent / "site", max_age=0)


@router.get("/")
async def home() -> RedirectResponse:
    """The demo's front door is the shop."""
    return RedirectResponse("/demo/", status_code=307)


@router.api_route("/demo/", methods=["GET", "HEAD"])
async def shop_index(request: Request) -> Response:
    """The shop's home page."""
    return site_folder.response(request, "index.html")


@router.api_route("/demo/{path:path}", methods=["GET", "HEAD"])
async def shop_file(request: Request, path: str) -> Response:
    """Any other page or asset of the shop."""
    return site_folder.response(request, path)
