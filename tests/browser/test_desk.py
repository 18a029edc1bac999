"""The agent desk in a real browser: sign in, stay signed in across a reload, sign out."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import LiveServer


def test_demo_agent_signs_in_and_out(page: Any, demo_server: LiveServer) -> None:
    email, password = demo_server.demo_login()
    page.goto(demo_server.url("/desk/"))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Hello, Dana from Demo Shop").wait_for()

    cookie = next(c for c in page.context.cookies() if c["name"] == "frontdesk_desk")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"

    page.reload()
    page.get_by_role("heading", name="Hello, Dana from Demo Shop").wait_for()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for()
    page.reload()
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.page_errors == []


def test_wrong_password_is_shown_not_thrown(page: Any, demo_server: LiveServer) -> None:
    email, _ = demo_server.demo_login()
    page.goto(demo_server.url("/desk/"))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("definitely-not-it")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").wait_for()
    assert page.get_by_role("heading", name="Agent desk").is_visible()
    assert page.page_errors == []
