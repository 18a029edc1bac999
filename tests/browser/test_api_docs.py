"""The API documentation page in a real browser: it works, under its CSP, from this server only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tests.browser.conftest import LiveServer

RECORD_VIOLATIONS = (
    "window.violations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


def test_swagger_ui_runs_from_this_server_under_its_csp(page: Any, demo_server: LiveServer) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(demo_server.url("/docs"))
    page.locator(".swagger-ui .info .title", has_text="Frontdesk").wait_for()
    page.locator("#operations-health-healthz_healthz_get .opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table .response .response-col_status", has_text="200").wait_for()

    origins = {urlsplit(url)._replace(path="", query="", fragment="").geturl() for url in requested}
    assert origins == {demo_server.url("")}, requested
    assert page.evaluate("window.violations") == []
    assert page.page_errors == []
