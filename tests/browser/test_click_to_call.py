"""ClickToCall in a real browser: a number and code for the visitor, across pages and
sub-domains, expiring on time; the IVR's redeem ending in the desk's screen pop."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SHARED_IP_LIMITS, LiveServer, start_server, stop_server
from tests.browser.desk_people import Dana, sign_in
from tests.browser.widgets import PREFIX, wait_for_app, widget_cookies

WIDGET = "frontdesk-widget[data-plugin=ClickToCall]"
NUMBER_COOKIES = ("expire", "phone_number", "access_code", "phone_tel_href")
VISITOR = {"first": "Vic", "last": "Tor", "phone": "+49 171 1234567"}


def ivr_key(server: LiveServer) -> str:
    """The IVR key `frontdesk demo` last printed."""
    keys = re.findall(r"--key (fdivr_[\w-]+)", server.output.read_text())
    assert keys, "the demo printed no IVR key"
    return keys[-1]


def widget(page: Any) -> Any:
    return page.locator(WIDGET)


def ask_for_a_number(
    page: Any, server: LiveServer, host: str = "shop.example.test"
) -> tuple[str, str]:
    """Open the shop, press "Call us", fill the form; the number and code shown."""
    page.goto(server.url("/demo/", host=host))
    wait_for_app(page)
    page.get_by_role("button", name="Call us").click()
    root = widget(page)
    root.get_by_label("First name").fill(VISITOR["first"])
    root.get_by_label("Last name").fill(VISITOR["last"])
    root.get_by_label("Your phone number").fill("0171 CALL ME")
    root.get_by_role("button", name="Get a number to call").click()
    expect(root.get_by_text("Please use digits only", exact=False)).to_be_visible()
    root.get_by_label("Your phone number").fill("12")
    expect(root.get_by_text("This number is too short", exact=False)).to_be_visible()
    root.get_by_label("Your phone number").fill(VISITOR["phone"])
    root.get_by_role("button", name="Get a number to call").click()
    number = root.locator("#fd-c2c-number")
    number.wait_for(timeout=15000)
    return str(number.text_content()), str(root.locator("#fd-c2c-code").text_content())


def c2c_cookies(page: Any) -> dict[str, str]:
    found = widget_cookies(page)
    return {
        name.removeprefix(PREFIX): cookie["value"]
        for name, cookie in found.items()
        if "clicktocall" in name or "autoLoadList" in name
    }


def seconds_left(page: Any) -> int:
    text = str(widget(page).locator("#fd-c2c-countdown").text_content())
    minutes, seconds = re.fullmatch(r"Valid for (\d+):(\d\d)", text).groups()  # type: ignore[union-attr]
    return int(minutes) * 60 + int(seconds)


def test_a_number_and_code_follow_the_visitor_to_other_pages_and_sub_domains(
    page: Any, demo_server: LiveServer
) -> None:
    number, code = ask_for_a_number(page, demo_server)
    root = widget(page)
    assert number == "+12025550100"
    assert re.fullmatch(r"\d{6}", code)
    link = root.get_by_role("link", name=number)
    assert link.get_attribute("href") == f"tel:{number},,{code}%23"
    first_left = seconds_left(page)
    assert 590 <= first_left <= 600

    cookies = c2c_cookies(page)
    assert json.loads(cookies["app.autoLoadList"]) == {"ClickToCall": True}
    assert cookies["clicktocall.state.open"] == "true"
    assert cookies["clicktocall.state.phone_number"] == number
    assert cookies["clicktocall.state.access_code"] == code
    assert cookies["clicktocall.state.phone_tel_href"] == f"tel:{number},,{code}%23"
    expire = int(cookies["clicktocall.state.expire"])
    assert abs(expire - (time.time() + first_left) * 1000) < 5000
    for name, cookie in widget_cookies(page).items():
        assert cookie["domain"] == ".example.test", name
        assert cookie["expires"] == -1, name
        for personal in ("Vic", "Tor", "171", "1234567"):
            assert personal not in cookie["value"], f"{name} holds visitor data"

    page.wait_for_timeout(1100)
    page.goto(demo_server.url("/demo/product.html", host="shop.example.test"))
    root.locator("#fd-c2c-number").wait_for()
    assert root.locator("#fd-c2c-code").text_content() == code
    assert seconds_left(page) < first_left
    assert page.evaluate("window._genesys.widgets.main.preload") == []

    page.goto(demo_server.url("/demo/help.html", host="help.example.test"))
    root.locator("#fd-c2c-number").wait_for()
    assert root.locator("#fd-c2c-number").text_content() == number
    assert root.locator("#fd-c2c-code").text_content() == code

    root.get_by_role("button", name="Close").click()
    expect(root.get_by_text("stay valid until they expire", exact=False)).to_be_visible()
    root.get_by_role("button", name="Yes").click()
    expect(root.locator(".fd-c2c-window")).to_have_count(0)
    cookies = c2c_cookies(page)
    assert json.loads(cookies["app.autoLoadList"]) == {"ClickToCall": False}
    assert cookies["clicktocall.state.open"] == "false"
    assert cookies["clicktocall.state.access_code"] == code
    assert page.page_errors == []


def test_escape_closes_the_form_minimizes_a_number_and_focus_returns_to_call_us(
    page: Any, demo_server: LiveServer
) -> None:
    page.goto(demo_server.url("/demo/", host="shop.example.test"))
    wait_for_app(page)
    call_us = page.get_by_role("button", name="Call us")
    call_us.focus()
    page.keyboard.press("Enter")
    root = widget(page)
    first = root.get_by_label("First name")
    expect(first).to_be_focused()
    page.keyboard.press("Escape")
    expect(root.locator(".fd-c2c-window")).to_have_count(0)
    expect(call_us).to_be_focused()

    page.keyboard.press("Enter")
    expect(first).to_be_focused()
    root.get_by_label("Your phone number").fill(VISITOR["phone"])
    root.get_by_role("button", name="Get a number to call").click()
    root.locator("#fd-c2c-number").wait_for(timeout=15000)
    # A number stays: Escape only moves it out of the way.
    page.keyboard.press("Escape")
    root.locator(".fd-c2c-window[data-minimized=true]").wait_for()
    expect(root.get_by_role("button", name="Open")).to_be_focused()
    page.keyboard.press("Enter")
    root.locator("#fd-c2c-number").wait_for()
    root.get_by_role("button", name="Close").click()
    expect(root.get_by_role("button", name="No")).to_be_focused()
    page.keyboard.press("Escape")
    expect(root.get_by_role("button", name="No")).to_have_count(0)
    root.get_by_role("button", name="Close").click()
    root.get_by_role("button", name="Yes").click()
    expect(root.locator(".fd-c2c-window")).to_have_count(0)
    expect(call_us).to_be_focused()
    assert page.page_errors == []


@pytest.fixture
def short_lived(tmp_path: Path) -> Iterator[LiveServer]:
    """A demo server whose access codes live four seconds."""
    process, server = start_server(
        tmp_path / "short", env={**SHARED_IP_LIMITS, "FRONTDESK_ACCESS_CODE_TTL_SECONDS": "4"}
    )
    yield server
    stop_server(process)


def test_the_number_expires_on_time_and_its_cookies_go(page: Any, short_lived: LiveServer) -> None:
    number, code = ask_for_a_number(page, short_lived)
    root = widget(page)
    assert seconds_left(page) in (3, 4)
    expect(root.get_by_text("This number and code have expired.")).to_be_visible(timeout=8000)
    cookies = c2c_cookies(page)
    assert json.loads(cookies["app.autoLoadList"]) == {"ClickToCall": False}
    assert {f"clicktocall.state.{name}" for name in NUMBER_COOKIES}.isdisjoint(cookies)
    assert cookies["clicktocall.state.open"] == "true"

    # The server's clock agrees: the code is refused, with the same answer as a wrong one.
    redeem = httpx.post(
        short_lived.url("/api/ivr/redeem"),
        json={"number": number, "code": code, "caller_id": "+12025550199"},
        headers={"Authorization": f"Bearer {ivr_key(short_lived)}"},
    )
    assert (redeem.status_code, redeem.json()["error"]["code"]) == (404, "not_found")

    # Off the auto-load list, ClickToCall is not loaded again until the visitor asks for it.
    page.reload()
    wait_for_app(page)
    page.wait_for_timeout(500)
    assert root.count() == 0
    page.get_by_role("button", name="Call us").click()
    expect(root.get_by_label("Your phone number")).to_be_visible()
    assert root.locator("#fd-c2c-number").count() == 0
    assert page.page_errors == []


@pytest.fixture
def dana(demo_server: LiveServer) -> Iterator[Dana]:
    """The demo agent over HTTP; calls this test leaves waiting are taken, not left to pop up."""
    agent = Dana(demo_server)
    yield agent
    for call in agent.http.get("/api/agent/calls").json()["calls"]:
        agent.http.post(f"/api/agent/calls/{call['id']}/take")
    agent.http.close()


def test_an_ivr_redeem_pops_up_on_the_desk_with_the_visitors_context(
    page: Any, chromium: Any, demo_server: LiveServer, dana: Dana
) -> None:
    desk_context = chromium.new_context(viewport={"width": 1280, "height": 800})
    desk = desk_context.new_page()
    desk_errors: list[str] = []
    desk.on("pageerror", lambda exc: desk_errors.append(str(exc)))
    try:
        sign_in(desk, demo_server)
        number, code = ask_for_a_number(page, demo_server)
        page.goto(demo_server.url("/demo/product.html", host="shop.example.test"))
        widget(page).locator("#fd-c2c-number").wait_for()

        # The phone system's part, as docs/demo.md shows it.
        redeemed = subprocess.run(
            [
                sys.executable,
                "-m",
                "frontdesk",
                "ivr",
                "redeem",
                "--url",
                demo_server.url(""),
                "--key",
                ivr_key(demo_server),
                "--number",
                number,
                "--code",
                code,
                "--caller-id",
                "+12025550199",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert redeemed.returncode == 0, redeemed.stderr
        assert redeemed.stdout.startswith("redeemed: Vic Tor (default, en)")

        # The visitor's window learns it too: the countdown gives way to "call received".
        received = widget(page).locator("#fd-c2c-received")
        expect(received).to_have_text("Call received — an agent will be with you shortly.")
        expect(widget(page).locator("#fd-c2c-countdown")).to_have_count(0)
        # ... and so does the next page.
        page.goto(demo_server.url("/demo/", host="help.example.test"))
        expect(received).to_be_visible()

        pop = desk.get_by_role("region", name="Call from Vic Tor")
        expect(pop).to_be_visible()
        expect(pop.get_by_text("Calling now", exact=False)).to_be_visible()
        expect(pop.get_by_text("12025550199")).to_be_visible()
        expect(pop.get_by_text("+491711234567")).to_be_visible()
        expect(pop.get_by_role("link", name="Home · Demo Shop")).to_be_visible()
        expect(pop.get_by_role("link", name=re.compile("Standing desk"))).to_be_visible()

        pop.get_by_role("button", name="Take call").click()
        expect(pop.get_by_text("You took this call", exact=False)).to_be_visible()
        taken = dana.http.get("/api/agent/calls", params={"state": "taken"}).json()["calls"]
        assert any(c["visitor"]["name"] == "Vic Tor" and c["agent_id"] == dana.id for c in taken)

        again = subprocess.run(
            [
                sys.executable,
                "-m",
                "frontdesk",
                "ivr",
                "redeem",
                "--url",
                demo_server.url(""),
                "--key",
                ivr_key(demo_server),
                "--number",
                number,
                "--code",
                code,
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert again.returncode == 1
        assert "No active access code matches." in again.stderr
        pop.get_by_role("button", name="Close").click()
        expect(pop).to_have_count(0)
        assert desk_errors == []
        assert page.page_errors == []
    finally:
        desk_context.close()
