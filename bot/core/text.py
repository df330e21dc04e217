"""Pure text helpers: clean titles and other one-line fields, compare them.

Escaping for markdown lives in ``bot.core.markdown``; links in ``bot.core.urls``; the reading of
LaTeX in ``bot.core.latex``."""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from pathlib import Path

import ftfy

from bot.core.latex import clean_abstract_latex, clean_latex

# Words that say nothing about a paper's topic: English glue and the words of every paper title
# ("model", "using", "study"). Starter keywords (``init``) and rising terms (``new-topics``) skip
# them, each with words of its own.
TITLE_GLUE_WORDS = frozenset(
    (
        "a",
        "all",
        "an",
        "and",
        "are",
        "as",
        "at",
        "based",
        "be",
        "beyond",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "model",
        "models",
        "more",
        "new",
        "not",
        "of",
        "on",
        "or",
        "our",
        "over",
        "study",
        "than",
        "that",
        "the",
        "their",
        "this",
        "to",
        "toward",
        "towards",
        "under",
        "using",
        "versus",
        "via",
        "vs",
        "we",
        "what",
        "when",
        "why",
        "with",
        "without",
        "you",
    )
)

# A tag is a name, then a space, "/" or ">" (as HTML reads it): "$k<d$ ... $m>2$" in a title is
# mathematics, not a tag "<d$ ... $m>"
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:[\s/][^<>]*)?>")
MAX_TITLE = 300  # characters; longer titles end with an ellipsis
# Control characters other than tab and newline (which become spaces in one-line fields).
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Unicode categories removed from untrusted text: controls, format characters (bidi overrides
# U+202A-202E and isolates U+2066-2069, zero-width spaces and joiners, BOM, soft hyphen, ...),
# private use and surrogates. Line and paragraph separators become spaces.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs"})
_SEPARATORS = {"\u2028": " ", "\u2029": " ", "\u0085": " "}


_MARKUP = re.compile(r"[\\${}<&]")  # what strip_html or clean_latex may still act on


def clean_abstract(text: str) -> str:
    r"""An abstract as plain unicode text for a PR body: ``clean_latex``, after the LaTeX of
    abstracts it does not read (``\href{URL}{code}`` -> "code (URL)", ``\frac{1}{2}`` -> "(1/2)",
    ``\sqrt{T}`` -> "√T", ``\tilde{O}`` -> "Õ", ``{\em x}`` -> "x", ``\ell`` -> "ℓ", citations dropped)."""
    return clean_abstract_latex(repair_mojibake(text))


def repair_mojibake(text: str) -> str:
    """``text`` as it was written when somewhere upstream its UTF-8 was read as Latin-1 or
    Windows-1252 ("Aurora RamÃ­rez", as arXiv's metadata of some papers reads): ftfy's
    ``fix_encoding``, which leaves text that is not such mojibake as it is."""
    return text if text.isascii() else ftfy.fix_encoding(text)


def strip_unsafe(text: str) -> str:
    """``text`` without invisible or direction-changing characters (bidi overrides and isolates,
    zero-width characters, other control and format characters). Tabs and newlines are kept."""
    if text.isascii():
        return _ASCII_CONTROL.sub("", text)
    text = "".join(_SEPARATORS.get(c, c) for c in text)
    return "".join(c for c in text if c in "\t\n\r" or unicodedata.category(c) not in _UNSAFE_CATEGORIES)


# What a terminal acts on in a line of text: C0 and C1 controls but tab and newline (an ANSI
# escape clears the screen or writes a link, a carriage return prints over the line's start) and
# the bidi marks, overrides and isolates that reorder what is shown.
_TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    """``text`` with nothing a terminal would act on rather than show (the bot's log lines quote
    adopted lists and config files): ``_TERMINAL_CONTROL`` removed, everything else as written."""
    return _TERMINAL_CONTROL.sub("", text)


def strip_html(text: str) -> str:
    """Text from an HTML-ish source (an RSS title): entities decoded *first*, then tags removed,
    so that an entity-escaped ``&lt;img src=...&gt;`` cannot come out as a real tag."""
    previous = None
    while previous != text:  # &amp;lt;img&amp;gt; needs two rounds
        previous = text
        text = _HTML_TAG.sub("", html.unescape(text))
    return text


def cap(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending with an ellipsis when cut: after its
    last whole word when one ends in the last 20 characters kept ("... Without…", not
    "... Without Fine-Tuni…"), else where the limit falls (one long word, a URL)."""
    if len(text) <= limit:
        return text
    kept = text[: limit - 1]
    space = kept.rfind(" ")
    if not text[limit - 1].isspace() and space >= max(1, len(kept) - 20):
        kept = kept[:space]
    return kept.rstrip(" ,;:") + "…"


def _clean_title_once(text: str) -> str:
    if "<" in text or "&" in text:
        text = strip_html(text)
    text = clean_latex(text)
    # after the markup is gone: what its removal uncovers ("¬$Ä" -> "¬Ä", which reads as "€") is
    # repaired now, not on the next pass (a catalog line read back)
    text = repair_mojibake(text)
    text = unicodedata.normalize("NFC", strip_unsafe(text))
    text = " ".join(text.split())
    return cap(text.strip(), MAX_TITLE)


def clean_title(text: str) -> str:
    """A title as displayed: one line, no HTML, no LaTeX markup, no mojibake, no invisible or bidi characters,
    single spaces, at most ``MAX_TITLE`` characters. Idempotent: a catalog line is parsed back
    through it, so what one pass leaves (``\\\\}`` -> ``\\}``, ``&amp;lt;`` inside LaTeX) must not
    change on the next one; a title still changing after a few passes loses its LaTeX and HTML
    marks altogether."""
    text = _clean_title_once(text)
    for _ in range(3):
        if text.isascii() and not _MARKUP.search(text):  # nothing a second pass could change
            return text
        again = _clean_title_once(text)
        if again == text:
            return text
        text = again
    return _clean_title_once(re.sub(r"[\\${}<>&]", "", text))


def clean_inline(text: str) -> str:
    """Any one-line field (authors, venue, description): no HTML, no invisible or bidi characters,
    single spaces, no ' · ', no mojibake (repaired once the HTML is gone, as in titles)."""
    if "<" in text or "&" in text:
        text = strip_html(text)
    for _ in range(3):  # until what one pass removes uncovers no more mojibake
        again = " ".join(strip_unsafe(repair_mojibake(text)).replace("·", "-").split())
        if again == text:
            break
        text = again
    return text


def unified_diff(path: str, old: str, new: str) -> str:
    """The change from ``old`` to ``new`` as ``git diff`` shows it for ``path`` (a/ and b/ names)."""
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}"
        )
    )


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """``number`` and the noun that agrees with it: ``counted(1, "entry", "entries")`` is
    "1 entry", ``counted(3, "paper")`` is "3 papers". (The ``counted`` filter of the templates.)"""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def save_as_utf8(path: Path) -> str:
    """What to do about a file that is not UTF-8 (after ``not_utf8``'s where)."""
    return (
        f"save it as UTF-8 (in its folder: iconv -f windows-1252 -t utf-8 {path.name} > utf8.tmp "
        f"&& mv utf8.tmp {path.name})"
    )


def numbered_lines(text: str) -> list[str]:
    """The lines of ``text`` as git, GitHub and editors number them, without their endings: split
    at "\\n" only. ``str.splitlines`` also splits at a form feed, "\\x1c", "\\x85", "\\u2028",
    a lone "\\r"..., so line numbers counted with it drift from the ones a reader is shown."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the text's final newline ends its last line; it starts no new one
    return [line.removesuffix("\r") for line in lines]


def unreadable(path: object, exc: OSError) -> str:
    """``PATH cannot be read (Permission denied)``: a file the system refuses (a folder, its
    permissions, a symlink loop); the caller says what to do."""
    return f"{path} cannot be read ({exc.strerror or type(exc).__name__})"


def not_utf8(path: object, exc: UnicodeDecodeError) -> str:
    """``PATH:LINE: not UTF-8 text (byte 0xe9, ...)``: where the first byte of a file that is no
    UTF-8 is, and the likely cause (an older encoding); the caller says what to do."""
    line = exc.object[: exc.start].count(b"\n") + 1
    return (
        f"{path}:{line}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}, an older encoding such "
        "as Latin-1 or Windows-1252?)"
    )
