"""LaTeX as arXiv titles and abstracts hold it, read as plain unicode text (pure functions).

``clean_latex`` reads a title's markup (``$H^3$`` -> "H³", ``\\textbf{x}`` -> "x"); ``latex_accents``
an author's name (``V\\'aclav`` -> "Václav"); ``clean_abstract_latex`` the more an abstract holds
(links, footnotes, fractions, roots, symbols). ``bot.core.text`` cleans whole untrusted fields with them."""

from __future__ import annotations

import re
import unicodedata

_LATEX_COMMAND_WITH_ARG = re.compile(r"\\(?:text\w*|math\w*|emph|mbox|operatorname|url)\s*\{([^{}]*)\}")
# $H^3$ -> H³, $x_{12}$ -> x₁₂: scripts that have a unicode form (others keep their ^ or _)
_SUPERSCRIPT = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_LATEX_SCRIPT = re.compile(r"([\^_])(?:\{([0-9+\-=()ni]+)\}|([0-9ni+\-=]))")
_LATEX_SYMBOLS = {
    r"\alpha": "α",
    r"\beta": "β",
    r"\gamma": "γ",
    r"\delta": "δ",
    r"\epsilon": "ε",
    r"\lambda": "λ",
    r"\mu": "μ",
    r"\pi": "π",
    r"\sigma": "σ",
    r"\tau": "τ",
    r"\theta": "θ",
    r"\phi": "φ",
    r"\infty": "∞",
    r"\times": "×",
    r"\approx": "≈",
    r"\leq": "≤",
    r"\geq": "≥",
    r"\le": "≤",
    r"\ge": "≥",
    r"\to": "→",
    r"\rightarrow": "→",
    r"\cdot": "·",
    r"\sim": "~",
    r"\%": "%",
    r"\&": "&",
    r"\_": "_",
    r"\#": "#",
    r"\$": "$",
    r"\{": "{",
    r"\}": "}",
    r"\textasciitilde": "~",
}


# One pass over all symbols, longest command first (\leq before \le); a word command must not
# run on into letters (\toy is not \to), an escaped character (\{, \%) may.
_LATEX_SYMBOL = re.compile(
    "|".join(
        re.escape(command) + (r"(?![A-Za-z])" if command[1:].isalpha() else "")
        for command in sorted(_LATEX_SYMBOLS, key=len, reverse=True)
    )
)


_LATEX_MARK = re.compile(r"[\\${}]")
_MATH = re.compile(r"\$([^$]*)\$")
# LaTeX's other math delimiters, \( x \) inline and \[ x \] displayed, read as $x$
_DELIMITED_MATH = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.DOTALL)
# "<" and ">" of a formula, spaced as LaTeX sets them: "$k<d$ ... $m>2$" is "k < d ... m > 2",
# which no later pass reads as a tag "<d ... m>"
_RELATION = re.compile(r"\s*(<=?|>=?)\s*")


def _scripts(math: str) -> str:
    """Superscripts and subscripts of an inline formula as unicode characters, where they exist."""

    def script(m: re.Match[str]) -> str:
        converted = (m.group(2) or m.group(3)).translate(_SUPERSCRIPT if m.group(1) == "^" else _SUBSCRIPT)
        return m.group(0) if any(c.isascii() for c in converted) else converted

    return _LATEX_SCRIPT.sub(script, math)


# \'e, \"{o}, \v{c}, \c c, {\'\i}: a letter accent (u v H c k b) needs braces or a space, so that
# \beta or \cdot are not read as an accent on "eta" or "dot".
_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "b": "\u0331",
    "d": "\u0323",
    "r": "\u030a",
}
_ACCENT_RE = re.compile(
    r"(\{)?\\(?:([`'^\"~=.])|([uvHckbdr])(?=[\s{]))\s*(\{)?\s*(\\[ij](?![A-Za-z])|[^\W\d_])(?(4)\})(?(1)\})"
)
# Letters of their own: Przemys{\l}aw, S\o{}ren, Kad{\i}o\u{g}lu, Holb{\ae}k, Mar{\aa}k, Stra\ss e.
# A command word ends at a non-letter (\lambda, \omega, \theta stay), and eats the spaces after it.
_LETTERS = {
    "l": "ł",
    "L": "Ł",
    "o": "ø",
    "O": "Ø",
    "i": "ı",
    "j": "ȷ",
    "ss": "ß",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "ng": "ŋ",
    "NG": "Ŋ",
}
_LETTER_RE = re.compile(
    rf"\{{\\({'|'.join(sorted(_LETTERS, key=len, reverse=True))})\}}"
    rf"|\\({'|'.join(sorted(_LETTERS, key=len, reverse=True))})(?:\{{\}}|\s+(?=[A-Za-z])|(?![A-Za-z]))"
)


def latex_accents(text: str) -> str:
    r"""``V\'aclav Vavry\v{c}uk`` -> ``Václav Vavryčuk``, ``Frol\'{\i}k`` -> ``Frolík``,
    ``Przemys{\l}aw`` -> ``Przemysław``; other LaTeX (``\kappa``, ``\cite{x}``) is left alone."""

    def accented(match: re.Match[str]) -> str:
        letter = match.group(5).lstrip("\\")
        return unicodedata.normalize("NFC", letter + _ACCENTS[match.group(2) or match.group(3)])

    for _ in range(2):  # Nguy{\~{\^e}}n: the inner accent first
        text = _ACCENT_RE.sub(accented, text)
    return _LETTER_RE.sub(lambda m: _LETTERS[m.group(1) or m.group(2)], text) if "\\" in text else text


def clean_latex(text: str) -> str:
    """Turn the LaTeX found in arXiv titles into plain unicode text."""
    if not _LATEX_MARK.search(text):
        return text  # the common case, and a hot path (every title comparison)
    if "\\(" in text or "\\[" in text:
        text = _DELIMITED_MATH.sub(lambda m: f"${m[1] if m[1] is not None else m[2]}$", text)
    text = latex_accents(text)
    if "$" in text and ("\\" in text or "^" in text):
        text = _MATH.sub(lambda m: f"${_math_commands(m[1])}$", text)
    for _ in range(3):  # nested \textbf{\emph{x}}
        text = _LATEX_COMMAND_WITH_ARG.sub(lambda m: m.group(1), text)
    text = _LATEX_SYMBOL.sub(lambda m: _LATEX_SYMBOLS[m.group(0)], text)
    text = _MATH.sub(lambda m: _RELATION.sub(r" \1 ", _scripts(m.group(1))), text)
    text = text.replace("$", "")
    text = re.sub(r"(?<!\\)[{}]", "", text)
    return text


# Abstracts (shown in PR bodies, never matched or scored) hold more LaTeX than titles: links,
# footnotes, fractions, roots, font switches and symbols. Read before clean_latex, which drops
# braces: "\href{URL}{here}" would read "\hrefURLhere", "\tilde{O}(n)" "\tildeO(n)".
_ARG = r"\{((?:[^{}]|\{[^{}]*\})*)\}"  # one {argument}, itself holding at most one level of braces
_HREF = re.compile(rf"\\href\s*{_ARG}\s*{_ARG}")
_FOOTNOTE = re.compile(rf" ?\\footnote\s*{_ARG}")
_CITE = re.compile(rf" ?\\(?:cite[tp]?|citealt|citeauthor|ref|eqref|label)\s*{_ARG}")
_FRAC = re.compile(rf"\\[dt]?frac\s*{_ARG}\s*{_ARG}")
# a fraction that is all a pair of parentheses holds: O(\frac{1}{\sqrt{K}}) is "O(1/√K)", not "O((1/√K))"
_FRAC_ALONE = re.compile(rf"(?:\\left\s*)?\(\s*{_FRAC.pattern}\s*(?:\\right\s*)?\)")
_SQRT = re.compile(rf"\\sqrt\s*{_ARG}")
# \tilde{O}, and \widetilde P: an accent on one letter written without braces
_MATH_ACCENT = re.compile(
    rf"\\(tilde|widetilde|hat|widehat|bar|overline|vec|dot)(?:\s*{_ARG}|\s+([A-Za-z])(?![A-Za-z]))"
)
_MATH_ACCENTS = {"tilde": "\u0303", "hat": "\u0302", "bar": "\u0304", "vec": "\u20d7", "dot": "\u0307"}
_FONT_LETTER = re.compile(r"\\(?:math\w*|boldsymbol|bm)\s+([A-Za-z0-9])")  # $\mathcal T$
_FONT_SWITCH = re.compile(
    r"\\(?:em|it|bf|rm|sf|tt|sc|small|large|Large|footnotesize|left|right|displaystyle)(?![A-Za-z])\s*"
)
_OTHER_WITH_ARG = re.compile(r"\\[A-Za-z]+\s*\{([^{}]*)\}")  # \underline{x}, \textsc{x}: the text
_ABSTRACT_SYMBOLS = dict(
    re.findall(
        r"(\w+)=(\S+)",
        "ell=ℓ kappa=κ eta=η rho=ρ omega=ω Omega=Ω varepsilon=ε varphi=φ Sigma=Σ Lambda=Λ Delta=Δ "
        "Theta=Θ Gamma=Γ Phi=Φ Psi=Ψ psi=ψ chi=χ xi=ξ zeta=ζ nu=ν varsigma=ς in=∈ notin=∉ pm=± mp=∓ "
        "neq=≠ ne=≠ propto=∝ subseteq=⊆ subset=⊂ cup=∪ cap=∩ equiv=≡ lesssim=≲ gtrsim=≳ ll=≪ gg=≫ "
        "circ=∘ nabla=∇ partial=∂ sum=∑ prod=∏ ldots=… cdots=⋯ dots=… star=⋆ forall=∀ exists=∃ "
        "Rightarrow=⇒ Leftrightarrow=⇔ leftarrow=← mapsto=↦ odot=⊙ otimes=⊗ oplus=⊕ dagger=† "
        "emptyset=∅ lfloor=⌊ rfloor=⌋ lceil=⌈ rceil=⌉ langle=⟨ rangle=⟩ log=log exp=exp min=min "
        "max=max deg=deg sqrt=√ uparrow=↑ downarrow=↓ mid=| vert=| top=⊤ bullet=• triangle=△ "
        "sharp=♯ sin=sin cos=cos tanh=tanh copyright=© textemdash=— textendash=– ie=i.e. eg=e.g. "
        "leftrightarrow=↔ longleftrightarrow=⟷ longrightarrow=⟶ Longrightarrow=⟹ Leftarrow=⇐ neg=¬ "
        "lnot=¬ vee=∨ wedge=∧ ln=ln Pi=Π Xi=Ξ Upsilon=Υ upsilon=υ iota=ι vartheta=ϑ varrho=ϱ",
    )
)
# spacing and sizing: "U.S.\\ stock", a line break "\\\\", "x \\, y", "(\\uparrow\\!17%)",
# "\\big(": a space or nothing;
# "\\|x\\|" is a norm; "Application\\-wise" (a discretionary hyphen) keeps its hyphen
_SPACING = {"\\": " ", " ": " ", ",": " ", ";": " ", ":": " ", "!": "", "-": "-", "|": "‖"}
_LATEX_SPACING = re.compile(r"\\(\\|[ ,;:!|-])|\\[Bb]ig+[lr]?(?![A-Za-z])")
_ABSTRACT_SYMBOL = re.compile(
    r"\\(" + "|".join(sorted(_ABSTRACT_SYMBOLS, key=len, reverse=True)) + r")(?![A-Za-z])"
)


# in a title's formula: 360$^\circ$ or $360^o$ is "360°", $2^{nd}$ "2nd"; "x\thinspace y" a space
_DEGREES = re.compile(
    r"\^\s*(?:\\circ(?![A-Za-z])|\{\s*\\circ\s*\})|(?<=\d)\^\s*(?:o|\{\s*o\s*\})(?![A-Za-z])"
)
_ORDINAL = re.compile(r"(?<=\d)\^\s*\{?(st|nd|rd|th)\}?")
_MATH_SPACING = re.compile(r"\\(?:thinspace|quad|qquad|enspace|[ ,;:!])(?![A-Za-z])\s*")
_COMMAND_WITH_GROUP = re.compile(rf"\\[A-Za-z]+\s*{_ARG}")  # \mathbf{exp(R_{max})}: the text


def _accented(m: re.Match[str]) -> str:
    """A ``_MATH_ACCENT`` match as text: one letter with the accent's combining mark, else its
    argument as written."""
    letter = m[2] if m[2] is not None else m[3]
    mark = _MATH_ACCENTS[m[1].removeprefix("wide").replace("overline", "bar")]
    return letter + mark if len(letter) == 1 else letter


def _math_commands(math: str) -> str:
    r"""The commands of one formula of a title read as text, as in abstracts (``clean_abstract``):
    ``\varepsilon`` -> "ε", ``\widetilde{O}`` -> "Õ", ``\frac{a}{b}`` -> "(a/b)",
    ``\mathbf{x_{i}}`` -> "x_{i}"; left to ``clean_latex`` for its scripts and braces."""
    math = _DEGREES.sub("°", math)
    math = _ORDINAL.sub(r"\1", math)
    math = _roots_fractions_accents(math)
    math = _ABSTRACT_SYMBOL.sub(lambda m: _ABSTRACT_SYMBOLS[m[1]], math)
    math = _MATH_SPACING.sub(" ", math)
    for _ in range(2):  # \underline{\mathbf{x}}
        math = _COMMAND_WITH_GROUP.sub(lambda m: m[1] if not _LATEX_SYMBOL.fullmatch(m[0]) else m[0], math)
    return math


def _roots_fractions_accents(text: str) -> str:
    r"""``\sqrt{T}`` -> "√T", ``\frac{1}{\sqrt{d}}`` -> "(1/√d)", ``\tilde{O}`` -> "Õ",
    ``\mathcal T`` -> "T": what titles' formulas and abstracts read alike."""
    for _ in range(2):  # nested: \frac{1}{\sqrt{d}}
        text = _SQRT.sub(lambda m: "√" + _grouped(m[1]), text)
        text = _FRAC_ALONE.sub(lambda m: f"({_grouped(m[1])}/{_grouped(m[2])})", text)
        text = _FRAC.sub(lambda m: f"({_grouped(m[1])}/{_grouped(m[2])})", text)
    text = _MATH_ACCENT.sub(_accented, text)
    return _FONT_LETTER.sub(r"\1", text)


def _grouped(text: str) -> str:
    r"""``text`` as one operand: as is when it is one letter or number, or already one group in
    parentheses (a fraction read: \sqrt{\frac{a}{b}} is "√(a/b)"), else in parentheses."""
    return text if re.fullmatch(r"[\w√.]+", text.strip()) or _one_group(text.strip()) else f"({text})"


def _one_group(text: str) -> bool:
    """``text`` is "(...)" whose first parenthesis closes at its end."""
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return index == len(text) - 1 and char == ")"
    return False


def clean_abstract_latex(text: str) -> str:
    r"""An abstract's LaTeX as plain unicode text: ``clean_latex``, after the LaTeX of abstracts it
    does not read (``\href{URL}{code}`` -> "code (URL)", ``\frac{1}{2}`` -> "(1/2)",
    ``\sqrt{T}`` -> "√T", ``\tilde{O}`` -> "Õ", ``{\em x}`` -> "x", ``\ell`` -> "ℓ", citations dropped)."""
    if "\\" not in text:
        return clean_latex(text)

    def link(m: re.Match[str]) -> str:
        url, label = m[1].strip(), m[2].strip()
        return url if label in ("", url) else f"{label} ({url})"

    text = latex_accents(text)  # \v{c} is a letter, not a command with an argument
    text = _DEGREES.sub("°", text)  # before \circ becomes "∘"
    text = _HREF.sub(link, text)
    text = _FOOTNOTE.sub(lambda m: f" ({m[1]})", text)
    text = _CITE.sub("", text)
    text = _roots_fractions_accents(text)
    text = _FONT_SWITCH.sub("", text)
    text = _ABSTRACT_SYMBOL.sub(lambda m: _ABSTRACT_SYMBOLS[m[1]], text)
    if "\\" in text:
        text = re.sub(r" {2,}", " ", _LATEX_SPACING.sub(lambda m: _SPACING[m[1]] if m[1] else "", text))
    for _ in range(3):  # nested: \underline{\textsc{x}}
        text = _OTHER_WITH_ARG.sub(r"\1", text)
    return clean_latex(text)
