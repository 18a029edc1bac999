"""``frontdesk numbers`` and ``frontdesk ivr``: the pool, the keys, and a redeem over HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path

import httpx
import pytest

from frontdesk.cli import main
from frontdesk.settings import Settings
from tests.conftest import TEST_ORIGINS, TEST_SECRET_KEY
from tests.transports.live_server import live_server


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("FRONTDESK_"):
            monkeypatch.delenv(name)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_numbers_are_added_listed_and_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = ("--data-dir", str(tmp_path))
    code, out, _ = run(capsys, "numbers", "add", "+1 202 555 0100", "--language", "en", *where)
    assert (code, out.strip()) == (0, "added +12025550100 to queue default (en)")
    run(capsys, "numbers", "add", "+493023125000", "--queue", "sales", "--no-code-in-link", *where)
    code, out, _ = run(capsys, "numbers", "list", *where)
    lines = out.splitlines()
    assert re.fullmatch(r"\+12025550100\s+default\s+en\s+active\s+,,\{code\}#", lines[0])
    assert re.fullmatch(r"\+493023125000\s+sales\s+any\s+active\s*", lines[1])
    code, _, err = run(capsys, "numbers", "add", "+12025550100", *where)
    assert (code, err.strip()) == (1, "error: This number is in the pool already.")
    code, _, err = run(capsys, "numbers", "add", "+1 CALL NOW", *where)
    assert code == 1
    assert "number must be a phone number" in err
    assert run(capsys, "numbers", "remove", "+12025550100", *where)[0] == 0
    assert "+12025550100" not in run(capsys, "numbers", "list", *where)[1]
    assert "removed" in run(capsys, "numbers", "list", "--all", *where)[1]


async def test_keys_are_made_by_the_cli_and_a_redeem_goes_over_http(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = ("--data-dir", str(tmp_path))
    # The CLI runs its own event loop: from this async test, in a thread.
    assert await asyncio.to_thread(main, ["numbers", "add", "+12025550100", *where]) == 0
    assert (
        await asyncio.to_thread(main, ["ivr", "keys", "create", "--name", "asterisk", *where]) == 0
    )
    key = capsys.readouterr().out.splitlines()[-1]
    assert key.startswith("fdivr_")
    assert await asyncio.to_thread(main, ["ivr", "keys", "list", *where]) == 0
    listed = capsys.readouterr().out
    assert "asterisk" in listed
    assert key not in listed

    settings = Settings(data_dir=tmp_path, secret_key=TEST_SECRET_KEY, allowed_origins=TEST_ORIGINS)
    async with live_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.http) as http:
            issued = await http.post(
                "/api/click-to-call",
                data={"_customer_number": "+4917112345", "firstname": "Vic", "lastname": "Tor"},
                headers={"Origin": "http://shop.example.test"},
            )
        code = issued.json()["_access_code"]
        redeem = ["ivr", "redeem", "--url", server.http, "--number", "+12025550100"]
        result = await asyncio.to_thread(main, [*redeem, "--key", key, "--code", code])
        out = capsys.readouterr().out
        assert result == 0
        assert out.splitlines()[0] == "redeemed: Vic Tor (default, any)"
        assert json.loads(out.split("\n", 1)[1])["visitor"]["name"] == "Vic Tor"
        again = await asyncio.to_thread(main, [*redeem, "--key", key, "--code", code])
        assert again == 1
        assert "refused (404): No active access code matches." in capsys.readouterr().err
        assert await asyncio.to_thread(main, [*redeem, "--code", code]) == 2

    assert await asyncio.to_thread(main, ["ivr", "keys", "revoke", "1", *where]) == 0
    assert "revoked key 1 (asterisk)" in capsys.readouterr().out
