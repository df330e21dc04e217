"""What a ``re:`` keyword pattern needs in a text before its regex can match, read from the
regex's parsed form (``re``'s own parser): the words it starts with (``regex_start_words``) and
every literal piece a match holds (``regex_required``). ``bot.scoring.patterns`` runs a regex only
on the texts whose words have them."""

from __future__ import annotations

from re import _parser as regex_parser  # type: ignore[attr-defined]  # re's own parser
from typing import Any


def regex_start_words(source: str) -> tuple[str, ...]:
    """Lowercase word pieces of 3 or more letters or digits, one of which is in every text the
    regex matches, ignoring case: the literal start of each of its first alternatives
    ("(?:efficient|scalable|fast)\\W+..." -> efficient, scalable, fast). Empty when its start is
    not literal (a character class, a repeat...): it may match any text."""
    found = _start_words(regex_parser.parse(source))
    return tuple(sorted(found)) if found else ()


def _start_words(items: Any) -> set[str] | None:
    zero_width = (regex_parser.AT, regex_parser.ASSERT, regex_parser.ASSERT_NOT)  # ^, \b, look-arounds
    items = [(op, av) for op, av in items if op not in zero_width]
    if not items:
        return None
    op, av = items[0]
    if op is regex_parser.SUBPATTERN:
        return _start_words(av[-1])
    if op is regex_parser.BRANCH:
        words: set[str] = set()
        for branch in av[1]:
            start = _start_words(branch)
            if start is None:
                return None
            words |= start
        return words
    literal = ""
    for op, av in items:
        if op is not regex_parser.LITERAL or not chr(av).isascii() or not chr(av).isalnum():
            break
        literal += chr(av).lower()
    return {literal} if len(literal) >= 3 else None


# What a regex needs in a text's words: None (nothing known), a lowercase piece that one word
# holds, or ("and" | "or", parts).
Required = Any
_MIN_PIECE = 2  # shorter literal pieces are in too many words to be worth looking for


def regex_required(source: str) -> Required:
    """What every text the regex matches (ignoring case) holds: a formula of lowercase literal
    pieces of words, each in some word of the text, or starting one ("^rl") where the piece
    follows the text's start or a character that ends words (``\\W``, ``\\s``, ``\\b``, a space);
    ``(?=.*\\bLLMs?\\b).*?efficient\\W+RL`` -> llm, efficient and ^rl. Its look-aheads count,
    its look-aheads that must fail do not."""
    return _required(regex_parser.parse(source), False)[0]


def _all_of(parts: list[Required]) -> Required:
    kept = [p for p in parts if p is not None]
    return None if not kept else kept[0] if len(kept) == 1 else ("and", tuple(kept))


_REPEATS = (regex_parser.MAX_REPEAT, regex_parser.MIN_REPEAT, regex_parser.POSSESSIVE_REPEAT)
_STARTS = (regex_parser.AT_BEGINNING, regex_parser.AT_BEGINNING_STRING, regex_parser.AT_BOUNDARY)
_NOT_WORD = (regex_parser.CATEGORY_NOT_WORD, regex_parser.CATEGORY_SPACE)


def _ends_words(op: Any, av: Any) -> bool:
    """Whether the item always matches one character that is no letter or digit (\\W, \\s, a
    space, a hyphen...)."""
    if op is regex_parser.LITERAL:
        return chr(av).isascii() and not chr(av).isalnum()
    return (
        op is regex_parser.IN and len(av) == 1 and av[0][0] is regex_parser.CATEGORY and av[0][1] in _NOT_WORD
    )


def _required(items: Any, start: bool) -> tuple[Required, bool]:
    """(what ``items`` need, whether they end with a character that ends words); ``start``: the
    text's start or such a character comes right before them."""
    parts: list[Required] = []
    run, run_start = "", False

    def piece() -> Required:
        return None if len(run) < _MIN_PIECE else f"^{run}" if run_start else run

    for op, av in items:
        if op is regex_parser.LITERAL and chr(av).isascii() and chr(av).isalnum():
            run, run_start = (run, run_start) if run else ("", start)
            run += chr(av).lower()
            start = False
            continue
        parts.append(piece())
        run = ""
        if op is regex_parser.SUBPATTERN or op is regex_parser.ATOMIC_GROUP:  # (...), (?>...)
            need, start = _required(av[-1] if op is regex_parser.SUBPATTERN else av, start)
            parts.append(need)
        elif op is regex_parser.ASSERT and av[0] == 1:  # a look-ahead: its text is in the text
            parts.append(_required(av[-1], start)[0])
        elif op in _REPEATS:
            need, _ = _required(av[2], start)
            parts.append(need if av[0] >= 1 else None)
            # after the last repeat (whatever came before it), or none at all
            after = _required(av[2], False)[1]
            start = after if av[0] >= 1 else start and after
        elif op is regex_parser.BRANCH:
            branches = [_required(branch, start) for branch in av[1]]
            needs = [need for need, _ in branches]
            parts.append(None if any(n is None for n in needs) else ("or", tuple(needs)))
            start = all(after for _, after in branches)
        elif op is regex_parser.AT:
            start = av in _STARTS
        elif op is not regex_parser.ASSERT and op is not regex_parser.ASSERT_NOT:  # look-arounds: nothing
            start = _ends_words(op, av)
    parts.append(piece())
    return _all_of(parts), start


def pieces(required: Required) -> list[str]:
    """Every literal piece a ``regex_required`` formula names."""
    if required is None:
        return []
    if isinstance(required, str):
        return [required]
    return [piece for part in required[1] for piece in pieces(part)]
