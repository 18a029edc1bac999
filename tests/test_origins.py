from __future__ import annotations

import pytest

from frontdesk.origins import AllowedOrigins


@pytest.mark.parametrize(
    ("patterns", "origin", "allowed"),
    [
        (["https://shop.example.com"], "https://shop.example.com", True),
        (["https://shop.example.com"], "https://SHOP.example.com", True),
        (["https://shop.example.com"], "http://shop.example.com", False),
        (["https://shop.example.com"], "https://shop.example.com:8443", False),
        (["https://*.example.com"], "https://help.example.com", True),
        (["https://*.example.com"], "https://a.b.example.com", True),
        (["https://*.example.com"], "https://example.com", False),
        (["https://*.example.com"], "https://evilexample.com", False),
        (["https://*.example.com"], "https://example.com.evil.net", False),
        (["https://*.example.com"], "http://help.example.com", False),
        (["https://*.example.com:8443"], "https://help.example.com:8443", True),
        (["https://*.example.com:8443"], "https://help.example.com", False),
        (["*"], "https://anything.example", True),
        (["*"], "null", False),
        ([], "https://shop.example.com", False),
        (["https://shop.example.com"], None, False),
        (["https://shop.example.com"], "", False),
        (["https://*.example.com"], "not an origin", False),
    ],
)
def test_allows(patterns: list[str], origin: str | None, allowed: bool) -> None:
    assert AllowedOrigins(patterns).allows(origin) is allowed
