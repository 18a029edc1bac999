"""The developer Console in a real browser: run commands, watch events, survive navigation."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import LiveServer
from tests.browser.widgets import (
    CONSOLE,
    PREFIX,
    cookie_json,
    log_text,
    run_command,
    subscribe,
    wait_for_app,
    wait_for_console,
    widget_cookies,
)


def test_console_runs_commands_and_reports_rejections_and_bad_json(
    page: Any, demo_server: LiveServer
) -> None:
    page.goto(demo_server.url("/demo/?console=1", host="shop.example.test"))
    wait_for_console(page)

    assert run_command(page, "App", "setTheme", '{"theme": "dark"}') == 'Resolved: "dark"'
    assert page.evaluate("CXBus.data('App.theme')") == "dark"
    assert run_command(page, "App", "setTheme", '{"theme": "pink"}') == (
        "Rejected: Invalid theme specified"
    )
    bad = run_command(page, "App", "setTheme", "{theme: dark")
    assert bad.startswith("Rejected: Options are not valid JSON")
    assert run_command(page, "Hello", "greet", '{"name": "Ada"}') == (
        'Resolved: {"greeting":"Hello, Ada"}'
    )
    assert page.page_errors == []


def test_console_comes_back_after_navigation_with_selections_and_live_subscriptions(
    page: Any, demo_server: LiveServer
) -> None:
    page.goto(demo_server.url("/demo/?console=1", host="shop.example.test"))
    window = wait_for_console(page)
    subscribe(page, "App", "theme")
    run_command(page, "App", "setTheme", '{"theme": "dark"}')
    assert "App.theme" in log_text(page)

    box = window.locator(".fd-bar h2").bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.down()
    page.mouse.move(box["x"] + 205, box["y"] + 105, steps=5)
    page.mouse.up()
    moved = cookie_json(page, "console.windowPosition")
    assert moved["x"] >= 200
    assert moved["y"] >= 100

    page.click("text=Standing desk >> nth=0")
    page.wait_for_url("**/demo/product.html")
    window = wait_for_console(page)
    assert window.locator("#fd-command-plugin").input_value() == "App"
    assert window.locator("#fd-command").input_value() == "setTheme"
    assert window.locator("#fd-options").input_value() == '{"theme": "dark"}'
    assert window.locator("#fd-event-plugin").input_value() == "App"
    assert window.locator("#fd-event").input_value() == "theme"
    assert cookie_json(page, "console.windowPosition") == moved
    left = window.evaluate("el => el.getBoundingClientRect().left")
    assert round(left) == moved["x"]

    assert "App.theme" not in log_text(page)
    page.evaluate("CXBus.command('App.setTheme', {theme: 'light'})")
    page.wait_for_function(
        f"document.querySelector('{CONSOLE}').shadowRoot"
        ".querySelector('.fd-log').textContent.includes('App.theme')"
    )
    assert page.page_errors == []


def test_console_moves_with_the_keyboard_and_unsubscribes(
    page: Any, demo_server: LiveServer
) -> None:
    page.goto(demo_server.url("/demo/?console=1", host="shop.example.test"))
    window = wait_for_console(page)
    start = window.bounding_box()
    window.locator(".fd-move").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    assert cookie_json(page, "console.windowPosition") == {
        "x": round(start["x"]) + 10,
        "y": round(start["y"]) + 50,
    }

    subscribe(page, "App", "language")
    assert cookie_json(page, "console.activeSubscriptions") == ["App.language"]
    window.get_by_role("button", name="Unsubscribe App.language").click()
    assert PREFIX + "console.activeSubscriptions" not in widget_cookies(page)


def test_closed_console_stays_closed_on_the_next_page(page: Any, demo_server: LiveServer) -> None:
    page.goto(demo_server.url("/demo/?console=1", host="shop.example.test"))
    wait_for_console(page)
    assert cookie_json(page, "app.autoLoadList") == {"Console": True}
    page.evaluate("CXBus.command('Console.close')")
    page.wait_for_function(f"!document.querySelector('{CONSOLE}')")
    assert widget_cookies(page)[PREFIX + "console.session"]["value"] == "false"
    assert cookie_json(page, "app.autoLoadList") == {"Console": False}
    reason = page.evaluate("new Promise(r => CXBus.command('Console.close').fail(r))")
    assert reason == "Already closed"

    page.goto(demo_server.url("/demo/help.html", host="shop.example.test"))
    wait_for_app(page)
    page.wait_for_timeout(300)
    assert page.locator(CONSOLE).count() == 0
    assert page.evaluate("CXBus.data('Console.x')") is None


def test_console_is_keyboard_reachable_with_visible_focus_and_aria_roles(
    page: Any, demo_server: LiveServer
) -> None:
    page.goto(demo_server.url("/demo/help.html?console=1", host="shop.example.test"))
    window = wait_for_console(page)
    assert page.get_by_role("dialog", name="Console").count() == 1
    assert window.get_by_role("log", name="Event log").count() == 1

    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            f"""() => {{
              const root = document.querySelector('{CONSOLE}').shadowRoot;
              const el = root.activeElement;
              return el && [el.id || el.className, getComputedStyle(el).outlineStyle];
            }}"""
        )
        if focused:
            reached.append(focused[0])
            assert focused[1] == "solid", f"{focused[0]} has no visible focus"
    for control in ("fd-plain fd-move", "fd-plain fd-close", "fd-command-plugin", "fd-options"):
        assert control in reached
    assert "fd-run" in reached
    assert "fd-subscribe" in reached

    window.locator(".fd-close").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"!document.querySelector('{CONSOLE}')")
