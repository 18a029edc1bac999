"""The built widget files as a site loads them (needs the widget build: `make test` does it)."""

from __future__ import annotations

import httpx
import pytest

from frontdesk.static_files import STATIC_ROOT


@pytest.mark.parametrize(
    "path", ["/widgets/cxbus.min.js", "/widgets/widgets.min.js", "/widgets/plugins/hello.min.js"]
)
async def test_built_widget_files_are_served(embedded_client: httpx.AsyncClient, path: str) -> None:
    assert (STATIC_ROOT / "widgets" / "cxbus.min.js").exists(), (
        "run `make test`: it builds the widgets"
    )
    response = await embedded_client.get(path, headers={"accept-encoding": "br"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["content-encoding"] == "br"
    assert response.headers["access-control-allow-origin"] == "*"
    assert "etag" in response.headers
    assert len(response.content) > 0


async def test_missing_plugin_is_a_404_in_the_envelope(embedded_client: httpx.AsyncClient) -> None:
    response = await embedded_client.get("/widgets/plugins/nosuch.min.js")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
