"""The whole path: server in a subprocess, demo page in Chromium, a plugin from pluginsPath."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import LiveServer


def test_demo_page_loads_placeholder_plugin_from_plugins_path(
    page: Any, demo_server: LiveServer
) -> None:
    plugin_requests: list[str] = []
    page.on("request", lambda request: plugin_requests.append(request.url))

    page.goto(demo_server.url("/demo/", host="shop.example.test"))
    page.wait_for_function("document.documentElement.dataset.frontdeskHello === 'loaded'")

    status = page.locator("#widget-status")
    status.wait_for()
    page.wait_for_function("document.getElementById('widget-status').textContent.includes('Hello')")
    assert "Demo Shop visitor" in status.text_content()
    assert (
        demo_server.url("/widgets/plugins/hello.min.js", host="shop.example.test")
        in plugin_requests
    )
    assert page.page_errors == []


def test_navigation_to_second_page_loads_widgets_again(page: Any, demo_server: LiveServer) -> None:
    page.goto(demo_server.url("/demo/", host="shop.example.test"))
    page.click("text=Standing desk >> nth=0")
    page.wait_for_url("**/demo/product.html")
    page.wait_for_function("document.documentElement.dataset.frontdeskHello === 'loaded'")
    assert page.page_errors == []
