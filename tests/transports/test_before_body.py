"""Chat starts check the site and their rate limit before their body is read."""

from __future__ import annotations

from typing import Any

import pytest

from frontdesk.settings import Settings
from tests.conftest import _client_for
from tests.transports.chat_helpers import BASE as V2
from tests.transports.chat_helpers import SITE_HEADERS

JSON = {"content-type": "application/json"}
STARTS = [
    (V2, {"content": "{nope", "headers": JSON}, 400),
    ("/genesys/2/chat/customer-support", {"data": {"nickname": "x" * 500}}, 422),
]


@pytest.mark.parametrize(("path", "bad", "status"), STARTS)
async def test_a_start_is_counted_and_its_site_checked_before_its_body_is_read(
    embedded_settings: Settings, path: str, bad: dict[str, Any], status: int
) -> None:
    limited = embedded_settings.replace(
        conversation_starts_per_ip=2, conversation_starts_window_seconds=600
    )
    async for client in _client_for(limited):
        headers = {**bad.get("headers", {}), **SITE_HEADERS}
        options = {**bad, "headers": headers}
        for _ in range(2):
            assert (await client.post(path, **options)).status_code == status
        refused = await client.post(path, **options)
        assert refused.status_code == 429, refused.text
        assert refused.json()["error"]["code"] == "rate_limited"
        foreign = {**options, "headers": {**headers, "Origin": "http://evil.example"}}
        refused = await client.post(path, **foreign)
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["code"] == "origin_not_allowed"
