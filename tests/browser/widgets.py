"""Helpers for the widget browser tests: cookies of the widgets, the Console's Shadow DOM."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

PREFIX = "_genesys.widgets."
CONSOLE = "frontdesk-widget[data-plugin=Console]"


def widget_cookies(page: Any, prefix: str = PREFIX) -> dict[str, dict[str, Any]]:
    """The browser's widget cookies by name (every domain), with values URL-decoded."""
    found = {}
    for cookie in page.context.cookies():
        if prefix in cookie["name"]:
            found[cookie["name"]] = {**cookie, "value": unquote(cookie["value"])}
    return found


def cookie_json(page: Any, name: str) -> Any:
    return json.loads(widget_cookies(page)[PREFIX + name]["value"])


def wait_for_app(page: Any) -> None:
    page.wait_for_function("window.CXBus && window.CXBus.data('App.ready') === true")


def wait_for_console(page: Any) -> Any:
    """The Console window (Playwright locators pierce open shadow roots)."""
    window = page.locator(f"{CONSOLE} .fd-console")
    window.wait_for()
    return window


def run_command(page: Any, plugin: str, command: str, options: str) -> str:
    """Pick a command in the Console, type its options, run it; return the result text."""
    console = wait_for_console(page)
    console.locator("#fd-command-plugin").select_option(plugin)
    console.locator("#fd-command").select_option(command)
    console.locator("#fd-options").fill(options)
    console.locator("#fd-run").click()
    result = console.locator("#fd-result")
    result.wait_for()
    return str(result.text_content())


def subscribe(page: Any, plugin: str, event: str) -> None:
    console = wait_for_console(page)
    console.locator("#fd-event-plugin").select_option(plugin)
    console.locator("#fd-event").select_option(event)
    console.locator("#fd-subscribe").click()
    console.locator(".fd-subs", has_text=f"{plugin}.{event}").wait_for()


def log_text(page: Any) -> str:
    return str(page.locator(f"{CONSOLE} .fd-log").text_content())
