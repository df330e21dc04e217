"""Pure text helpers: clean titles, compare them, escape them for markdown."""

from __future__ import annotations

import html
import re
import unicodedata

# \'e, \"{o}, \v{c}, \c c: a letter accent (u v H c k b) needs braces or a space, so that
# \beta or \cdot are not read as an accent on "eta" or "dot".
_LATEX_ACCENTS = re.compile(r"\\(?:[`'^\"~=.]\{?(?P<a>[A-Za-z])\}?"
                            r"|[uvHckb](?:\{(?P<b>[A-Za-z])\}|\s+(?P<c>[A-Za-z])))")
_LATEX_COMMAND_WITH_ARG = re.compile(r"\\(?:text\w*|math\w*|emph|mbox|operatorname|url)\s*\{([^{}]*)\}")
# $H^3$ -> H³, $x_{12}$ -> x₁₂: scripts that have a unicode form (others keep their ^ or _)
_SUPERSCRIPT = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_LATEX_SCRIPT = re.compile(r"([\^_])(?:\{([0-9+\-=()ni]+)\}|([0-9ni]))")
_LATEX_SYMBOLS = {
    r"\alpha": "α", r"\beta": "β", r"\gamma": "γ", r"\delta": "δ", r"\epsilon": "ε",
    r"\lambda": "λ", r"\mu": "μ", r"\pi": "π", r"\sigma": "σ", r"\tau": "τ", r"\theta": "θ",
    r"\phi": "φ", r"\infty": "∞", r"\times": "×", r"\approx": "≈", r"\leq": "≤", r"\geq": "≥",
    r"\le": "≤", r"\ge": "≥", r"\to": "→", r"\rightarrow": "→", r"\cdot": "·", r"\sim": "~",
    r"\%": "%", r"\&": "&", r"\_": "_", r"\#": "#", r"\$": "$", r"\{": "{", r"\}": "}",
    r"\textasciitilde": "~",
}
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# Characters that could end or restyle link text, table cells or inline HTML in markdown.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()<>|#])")
_MARKDOWN_ESCAPED = re.compile(r"\\([\\`*_\[\]()<>|#])")


# One pass over all symbols, longest command first (\leq before \le); a word command must not
# run on into letters (\toy is not \to), an escaped character (\{, \%) may.
_LATEX_SYMBOL = re.compile("|".join(
    re.escape(command) + (r"(?![A-Za-z])" if command[1:].isalpha() else "")
    for command in sorted(_LATEX_SYMBOLS, key=len, reverse=True)))


_LATEX_MARK = re.compile(r"[\\${}]")


_MATH = re.compile(r"\$([^$]*)\$")


def _scripts(math: str) -> str:
    """Superscripts and subscripts of an inline formula as unicode characters, where they exist."""
    def script(m: re.Match[str]) -> str:
        converted = (m.group(2) or m.group(3)).translate(_SUPERSCRIPT if m.group(1) == "^" else _SUBSCRIPT)
        return m.group(0) if any(c.isascii() for c in converted) else converted
    return _LATEX_SCRIPT.sub(script, math)


def clean_latex(text: str) -> str:
    """Turn the LaTeX found in arXiv titles into plain unicode text."""
    if not _LATEX_MARK.search(text):
        return text  # the common case, and a hot path (every title comparison)
    text = _LATEX_ACCENTS.sub(lambda m: m["a"] or m["b"] or m["c"], text)
    for _ in range(3):  # nested \textbf{\emph{x}}
        text = _LATEX_COMMAND_WITH_ARG.sub(lambda m: m.group(1), text)
    text = _LATEX_SYMBOL.sub(lambda m: _LATEX_SYMBOLS[m.group(0)], text)
    text = _MATH.sub(lambda m: _scripts(m.group(1)), text)
    text = text.replace("$", "")
    text = re.sub(r"(?<!\\)[{}]", "", text)
    return text


def clean_title(text: str) -> str:
    """A title as displayed: one line, no HTML, no LaTeX markup, single spaces."""
    text = html.unescape(_HTML_TAG.sub("", text))
    text = clean_latex(text)
    text = unicodedata.normalize("NFC", text)
    text = " ".join(text.split())
    return text.strip()


def clean_inline(text: str) -> str:
    """Any one-line field (authors, venue, description): no HTML, single spaces, no ' · '."""
    text = html.unescape(_HTML_TAG.sub("", text))
    return " ".join(text.replace("·", "-").split())


_NOT_WORD = re.compile(r"[^\w\s]|_")


def title_key(text: str) -> str:
    """The form two titles are compared in: lowercase letters and digits, single spaces."""
    text = clean_title(text)
    if not text.isascii():  # strip accents (é -> e); ASCII titles, the most, skip the work
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = _NOT_WORD.sub(" ", text.lower().replace("^", ""))  # E^2 and E² (NFKD: E2) alike
    return " ".join(text.split())


def escape_markdown(text: str) -> str:
    """Backslash-escape everything that would break a one-line markdown entry."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def unescape_markdown(text: str) -> str:
    return _MARKDOWN_ESCAPED.sub(r"\1", text)


def no_mentions(text: str) -> str:
    """A zero-width space after each @, so that text from arXiv or a comment notifies nobody."""
    return text.replace("@", "@\u200b")


def slugify(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")
