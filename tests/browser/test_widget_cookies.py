"""The cookie contract in a real browser: names, registrable domain, attributes, contents."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, StaticSite
from tests.browser.widgets import (
    CONSOLE,
    PREFIX,
    cookie_json,
    run_command,
    subscribe,
    wait_for_app,
    wait_for_console,
    widget_cookies,
)


@pytest.mark.parametrize(
    ("host", "domain"),
    [("shop.example.test", "example.test"), ("shop.example.co.uk", "example.co.uk")],
)
def test_cookies_go_on_the_probed_registrable_domain(
    page: Any, demo_server: LiveServer, host: str, domain: str
) -> None:
    page.goto(demo_server.url("/demo/?console=1", host=host))
    wait_for_console(page)
    cookies = widget_cookies(page)
    assert PREFIX + "console.session" in cookies
    assert PREFIX + "app.autoLoadList" in cookies
    for name, cookie in cookies.items():
        assert cookie["domain"] == "." + domain, name
        assert cookie["path"] == "/", name
        assert cookie["expires"] == -1, f"{name} must be a session cookie"
        assert cookie["sameSite"] == "Lax", name
        assert cookie["secure"] is False, name
    assert not [name for name in cookies if "probe" in name], "the probe cookie must be removed"
    assert page.evaluate("CXBus.data('App.cookieOptions')") == {
        "domain": domain,
        "path": "/",
        "sameSite": "Lax",
        "secure": False,
    }


def test_cookies_are_host_only_on_an_ip_address(page: Any, demo_server: LiveServer) -> None:
    page.goto(demo_server.url("/demo/?console=1"))
    wait_for_console(page)
    for name, cookie in widget_cookies(page).items():
        assert cookie["domain"] == "127.0.0.1", name


def test_console_and_auto_load_list_follow_the_visitor_to_another_sub_domain(
    page: Any, demo_server: LiveServer
) -> None:
    page.goto(demo_server.url("/demo/?console=1", host="shop.example.test"))
    wait_for_console(page)
    run_command(page, "App", "getTheme", "{}")

    page.goto(demo_server.url("/demo/help.html", host="help.example.test"))
    window = wait_for_console(page)
    assert window.locator("#fd-command").input_value() == "getTheme"
    assert page.evaluate("window._genesys.widgets.main.preload") == []
    assert cookie_json(page, "app.autoLoadList") == {"Console": True}


def test_no_cookie_holds_visitor_data(page: Any, demo_server: LiveServer) -> None:
    page.goto(demo_server.url("/demo/?console=1", host="shop.example.test"))
    wait_for_console(page)
    subscribe(page, "App", "theme")
    subscribe(page, "Console", "opened")
    run_command(page, "App", "setLanguage", '{"lang": "de"}')
    page.locator(f"{CONSOLE} .fd-move").focus()
    page.keyboard.press("ArrowDown")

    identifier = re.compile(r"^(true|false|[A-Za-z][\w-]*)?$")
    for name, cookie in widget_cookies(page).items():
        rest = name.removeprefix(PREFIX)
        value = cookie["value"]
        if rest == "app.autoLoadList":
            assert all(isinstance(v, bool) for v in json.loads(value).values())
        elif rest == "console.activeSubscriptions":
            assert all(re.fullmatch(r"\w+\.[\w.]+", e) for e in json.loads(value))
        elif rest == "console.windowPosition":
            assert set(json.loads(value)) == {"x", "y"}
        elif rest == "console.optionsArea":
            assert isinstance(json.loads(value), dict)
        else:
            assert identifier.fullmatch(value), f"{name}={value!r}"


CONFIGURED_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>configured</title></head><body>
<script>
window._genesys = {{ widgets: {{ main: {{
  deploymentID: "acme", cookieOptions: {cookie_options}
}} }} }};
</script>
<script src="{widgets}/cxbus.min.js"></script>
<script>
CXBus.configure({{ pluginsPath: "{widgets}/plugins/" }});
CXBus.loadPlugin("widgets-core");
CXBus.subscribe("App.ready", function () {{
  CXBus.command("App.registerAutoLoad", {{ name: "Demo" }});
}});
</script>
</body></html>
"""


def configured_page(static_site: StaticSite, demo_server: LiveServer, options: str) -> str:
    widgets = demo_server.url("/widgets", host="cdn.example.test")
    return static_site.write(
        "configured.html", CONFIGURED_PAGE.format(cookie_options=options, widgets=widgets)
    )


def test_deployment_id_prefixes_every_cookie_name(
    page: Any, demo_server: LiveServer, static_site: StaticSite
) -> None:
    path = configured_page(static_site, demo_server, "{}")
    page.goto(static_site.url(path, host="www.example.test"))
    wait_for_app(page)
    page.wait_for_function("document.cookie.includes('autoLoadList')")
    names = [c["name"] for c in page.context.cookies() if "_genesys" in c["name"]]
    assert names == ["acme._genesys.widgets.app.autoLoadList"]


def test_cookie_options_override_domain_path_same_site_and_expiry(
    page: Any, demo_server: LiveServer, static_site: StaticSite
) -> None:
    options = '{domain: "www.example.test", path: "/", sameSite: "strict", expires: 2}'
    path = configured_page(static_site, demo_server, options)
    page.goto(static_site.url(path, host="www.example.test"))
    wait_for_app(page)
    page.wait_for_function("document.cookie.includes('autoLoadList')")
    (cookie,) = [c for c in page.context.cookies() if "_genesys" in c["name"]]
    assert cookie["domain"] == ".www.example.test"
    assert cookie["sameSite"] == "Strict"
    assert cookie["expires"] > 0


def test_cookies_are_secure_on_https_pages(chromium: Any, https_site: StaticSite) -> None:
    page_text = CONFIGURED_PAGE.format(cookie_options="{}", widgets="/widgets").replace(
        'deploymentID: "acme", ', ""
    )
    path = https_site.write("secure.html", page_text)
    context = chromium.new_context(ignore_https_errors=True)
    try:
        page = context.new_page()
        page.goto(https_site.url(path, host="shop.example.test"))
        wait_for_app(page)
        page.wait_for_function("document.cookie.includes('autoLoadList')")
        (cookie,) = [c for c in context.cookies() if "_genesys" in c["name"]]
        assert cookie["name"] == PREFIX + "app.autoLoadList"
        assert cookie["secure"] is True
        assert cookie["domain"] == ".example.test"
        assert cookie["sameSite"] == "Lax"
    finally:
        context.close()
