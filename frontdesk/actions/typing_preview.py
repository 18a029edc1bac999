"""Typing previews: the visitor's unsent text, shown to agents while the visitor types.

A preview is hostile input that is never stored and never shown to the visitor side; it is
cleaned here once so every agent-side reader gets the same plain, short, single-line text.
"""

from __future__ import annotations

import unicodedata

MAX_PREVIEW_LENGTH = 300
# Line breaks and tabs become spaces: the desk shows the preview on one line.
_SPACES = frozenset("\t\n\r\v\f\x85\u2028\u2029")
# Bidirectional overrides could make the preview read differently from what was typed.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_preview(text: str) -> str:
    """The preview as agents may see it: control characters removed, trimmed, capped."""
    # Bound the work on a huge field before walking it character by character.
    raw = text.strip()[: MAX_PREVIEW_LENGTH * 4]
    kept = []
    for char in raw:
        if char in _SPACES:
            kept.append(" ")
        elif char in _BIDI or unicodedata.category(char) in ("Cc", "Cs"):
            continue
        else:
            kept.append(char)
    return "".join(kept).strip()[:MAX_PREVIEW_LENGTH].rstrip()
