from __future__ import annotations

import pytest

from frontdesk.actions.typing_preview import MAX_PREVIEW_LENGTH, clean_preview


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("  Hello there  ", "Hello there"),
        ("line one\nline two\r\n\tend", "line one line two   end"),
        ("bell\x07 null\x00 esc\x1b[31m del\x7f", "bell null esc[31m del"),
        ("left\u202eright\u2066", "leftright"),
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
        ("caf\u00e9 \U0001f600", "caf\u00e9 \U0001f600"),
        ("\x00\x01 \n ", ""),
        ("", ""),
    ],
)
def test_previews_are_plain_trimmed_text(raw: str, shown: str) -> None:
    assert clean_preview(raw) == shown


def test_previews_are_capped() -> None:
    assert clean_preview("x" * 10_000) == "x" * MAX_PREVIEW_LENGTH
    assert clean_preview(" " * 5_000 + "y" * 400) == "y" * MAX_PREVIEW_LENGTH
    # Control characters do not count toward the cap.
    assert clean_preview("\x01" * 100 + "z" * 299) == "z" * 299
