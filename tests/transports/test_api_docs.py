"""The API documentation page loads nothing from anywhere but this server."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx

from frontdesk.transports.api_docs import DOCS_CSP

ORIGIN = "http://testserver"
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


class Subresources(HTMLParser):
    """The URLs a page's ``<script src>`` and ``<link href>`` load."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href"}.get(tag)
        for name, value in attrs:
            if name == wanted and value is not None:
                self.urls.append(value)


async def test_docs_loads_its_scripts_and_styles_from_this_server(
    embedded_client: httpx.AsyncClient,
) -> None:
    moved = await embedded_client.get("/docs")
    assert (moved.status_code, moved.headers["location"]) == (308, "/docs/")
    page = await embedded_client.get("/docs/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == DOCS_CSP
    assert "<script>" not in page.text.replace(" ", "")
    parser = Subresources()
    parser.feed(page.text)
    assert len(parser.urls) >= 3, parser.urls
    for url in parser.urls:
        absolute = urljoin(f"{ORIGIN}/docs/", url)
        parts = urlsplit(absolute)
        assert f"{parts.scheme}://{parts.netloc}" == ORIGIN, url
        served = await embedded_client.get(parts.path)
        assert served.status_code == 200, url
        suffix = "." + parts.path.rpartition(".")[2]
        assert served.headers["content-type"].startswith(CONTENT_TYPES[suffix]), url


async def test_the_start_script_reads_this_servers_openapi_document(
    embedded_client: httpx.AsyncClient,
) -> None:
    script = (await embedded_client.get("/docs/init.js")).text
    assert '"../openapi.json"' in script
    assert "://" not in script
    assert (await embedded_client.get("/openapi.json")).status_code == 200


async def test_fastapis_cdn_pages_are_gone(embedded_client: httpx.AsyncClient) -> None:
    assert (await embedded_client.get("/redoc")).status_code == 404
    assert (await embedded_client.get("/docs/oauth2-redirect")).status_code == 404
