"""Pure text helpers: clean titles, compare them, escape them for markdown."""

from __future__ import annotations

import difflib
import html
import re
import unicodedata

_LATEX_COMMAND_WITH_ARG = re.compile(r"\\(?:text\w*|math\w*|emph|mbox|operatorname)\s*\{([^{}]*)\}")
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

# \'e, \"{o}, \v{c}, \c c, {\'\i}: a letter accent (u v H c k b) needs braces or a space, so that
# \beta or \cdot are not read as an accent on "eta" or "dot".
_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
            ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
            "b": "\u0331"}
_ACCENT_RE = re.compile(
    r"(\{)?\\(?:([`'^\"~=.])|([uvHckb])(?=[\s{]))\s*(\{)?\s*(\\[ij](?![A-Za-z])|[A-Za-z])(?(4)\})(?(1)\})"
)


def latex_accents(text: str) -> str:
    r"""``V\'aclav Vavry\v{c}uk`` -> ``Václav Vavryčuk``, ``Frol\'{\i}k`` -> ``Frolík``; other LaTeX
    (``\kappa``, ``\cite{x}``) is left alone."""
    def accented(match: re.Match[str]) -> str:
        letter = match.group(5).lstrip("\\")
        return unicodedata.normalize("NFC", letter + _ACCENTS[match.group(2) or match.group(3)])

    return _ACCENT_RE.sub(accented, text)




def clean_latex(text: str) -> str:
    """Turn the LaTeX found in arXiv titles into plain unicode text."""
    if not _LATEX_MARK.search(text):
        return text  # the common case, and a hot path (every title comparison)
    text = latex_accents(text)
    for _ in range(3):  # nested \textbf{\emph{x}}
        text = _LATEX_COMMAND_WITH_ARG.sub(lambda m: m.group(1), text)
    text = _LATEX_SYMBOL.sub(lambda m: _LATEX_SYMBOLS[m.group(0)], text)
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


def unified_diff(path: str, old: str, new: str) -> str:
    """The change from ``old`` to ``new`` as ``git diff`` shows it for ``path`` (a/ and b/ names)."""
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        f"a/{path}", f"b/{path}"))


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
