"""Words, not syntax: how article text and visitors' queries become plain search terms.

A visitor's query never reaches the database as query syntax. It is cut into words (letters and
digits only), so FTS5 operators, tsquery operators, quotes, parentheses, regex characters and NUL
are simply not there any more; the search then builds its own query from those words.
"""

from __future__ import annotations

import html
import re
import unicodedata

from markdown_it import MarkdownIt

from frontdesk.errors import InvalidInput

MAX_QUERY_CHARS = 500
MAX_TERMS = 12
MAX_TERM_CHARS = 64
# Vocabulary words shorter than this are not worth correcting.
MIN_VOCABULARY_CHARS = 3
# What the search index puts around matches; article text never holds these (see plain_text).
MARK_START = "\x02"
MARK_END = "\x03"

_WORD = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_CODE_FENCE = re.compile(r"^\s*(```|~~~).*$", re.MULTILINE)
_MD_LINE_MARKS = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", re.MULTILINE)
_MD_INLINE_MARKS = re.compile(r"(\*\*|__|\*|`|~~)")
_MD_HTML_TAG = re.compile(r"<[^>\n]{1,200}>")
_SPACES = re.compile(r"[ \t]+")
# CommonMark with tables; raw HTML in an article is shown as text, and markdown-it's link check
# drops javascript:, vbscript: and data: (except images) links, so the HTML is safe to show.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")

# Words that carry no meaning in a question; never searched for.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)

# PostgreSQL's text search configurations, by the primary language subtag.
POSTGRES_CONFIGS = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "nb": "norwegian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}


def checked_language(value: str, *, field: str = "lang") -> str:
    """A language tag in lower case (``en``, ``pt-br``); ``InvalidInput`` for anything else."""
    tag = value.strip().lower().replace("_", "-")
    if len(tag) > 35 or not _LANGUAGE.fullmatch(tag):
        raise InvalidInput(
            f"{field} must be a language tag such as en or pt-BR.",
            fields=[{"field": field, "problem": "not a language tag"}],
        )
    return tag


def primary_language(tag: str) -> str:
    """``en`` for ``en-GB``: articles and searches meet on the primary subtag."""
    return tag.split("-", 1)[0]


def postgres_config(language: str) -> str:
    """The stemming configuration for an article's language; ``simple`` when none fits."""
    return POSTGRES_CONFIGS.get(primary_language(language), "simple")


def words(text: str) -> list[str]:
    """Every word of ``text``, case-folded and in NFKC form, in order."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def query_terms(query: str) -> list[str]:
    """The search terms of a visitor's query: at most 12 words, stop words dropped.

    Refuses a query longer than 500 characters (``InvalidInput``), so huge input costs nothing.
    """
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidInput(
            f"A search query may have at most {MAX_QUERY_CHARS} characters.",
            fields=[{"field": "query", "problem": "too long"}],
        )
    seen: dict[str, None] = {}
    for word in words(query):
        seen.setdefault(word[:MAX_TERM_CHARS])
    # A query of stop words only ("how to") matches every article and says nothing: it finds
    # nothing, rather than ranking the whole knowledge base.
    return [term for term in seen if term not in STOP_WORDS][:MAX_TERMS]


def plain_text(markdown: str) -> str:
    """Readable text of a Markdown body: what is indexed and what snippets are cut from."""
    text = _CONTROL.sub(" ", markdown)
    text = _MD_CODE_FENCE.sub("", text)
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HTML_TAG.sub(" ", text)
    text = _MD_LINE_MARKS.sub("", text)
    text = _MD_INLINE_MARKS.sub("", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def clean_line(text: str) -> str:
    """A title or tag: one line, no control characters, trimmed."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", text).replace("\n", " ").replace("\r", " ")).strip()


def vocabulary(*texts: str) -> set[str]:
    """The words worth offering as typo corrections: 3 to 64 letters, no digits."""
    found: set[str] = set()
    for text in texts:
        found.update(
            word
            for word in words(text)
            if MIN_VOCABULARY_CHARS <= len(word) <= MAX_TERM_CHARS and word.isalpha()
        )
    return found


def highlighted_html(marked: str) -> str:
    """Escape a marked snippet as HTML, then turn the index's markers into ``<mark>`` tags.

    Escaping first means the article's own text can never become markup; only the markers,
    which plain_text keeps out of every article, turn into tags.
    """
    escaped = html.escape(marked, quote=True)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of neighbours counts once), or ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1] if previous[-1] <= limit else limit + 1


def allowed_typos(term: str) -> int:
    """How many edits a word of this length may be away from the word meant."""
    if len(term) < 4:
        return 0
    return 1 if len(term) < 8 else 2


def article_html(markdown: str) -> str:
    """An article's Markdown as HTML that is safe to put into a page."""
    rendered: str = _MARKDOWN.render(markdown)
    return rendered
