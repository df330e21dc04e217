"""What a new paper's own text says about it: its code link, its venue, whether it was withdrawn.

``enrich(paper)`` fills ``code_url`` (``bot.core.urls.find_code_url``), ``venue`` and
``withdrawn`` of a paper read from a feed or the API, for the line a PR proposes. The venue here
is read leniently from the journal reference, the comments and an "accepted by ..." sentence of
the abstract, over a fixed table of venues (``VENUES``): it only fills a new line. Rewriting a
line already in the catalog goes through the conservative, configurable ``bot.core.venues``
(an acceptance word and a year are required there), which the nightly enrichment uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.core import urls
from bot.core.paper import Paper


@dataclass(frozen=True)
class Venue:
    name: str  # as displayed, e.g. "NeurIPS"
    acronyms: str  # regex, case-sensitive, matched as a word
    full_names: str = ""  # regex, case-insensitive


# Conservative: the ML, NLP, vision, systems and hardware venues this list's papers appear in.
VENUES = (
    Venue("NeurIPS", r"NeurIPS|NEURIPS|Neurips|NIPS", r"Neural Information Processing Systems"),
    Venue("ICML", r"ICML", r"International Conference on Machine Learning"),
    Venue("ICLR", r"ICLR", r"International Conference on Learning Representations"),
    Venue("AAAI", r"AAAI", r"AAAI Conference on Artificial Intelligence"),
    Venue("IJCAI", r"IJCAI", r"International Joint Conference on Artificial Intelligence"),
    Venue("AISTATS", r"AISTATS", r"Artificial Intelligence and Statistics"),
    Venue("UAI", r"UAI", r"Uncertainty in Artificial Intelligence"),
    Venue("COLM", r"COLM", r"Conference on Language Modeling"),
    Venue("TMLR", r"TMLR", r"Transactions on Machine Learning Research"),
    Venue("JMLR", r"JMLR", r"Journal of Machine Learning Research"),
    Venue("KDD", r"(?:SIG)?KDD", r"Knowledge Discovery and Data Mining"),
    Venue("WWW", r"WWW|TheWebConf", r"The Web Conference"),
    Venue("SIGIR", r"SIGIR"),
    Venue("NAACL", r"NAACL", r"North American Chapter of the Association for Computational Linguistics"),
    Venue("EACL", r"EACL", r"European Chapter of the Association for Computational Linguistics"),
    Venue("EMNLP", r"EMNLP", r"Empirical Methods in Natural Language Processing"),
    Venue("ACL", r"ACL", r"Annual Meeting of the Association for Computational Linguistics"),
    Venue("COLING", r"COLING", r"International Conference on Computational Linguistics"),
    Venue("TACL", r"TACL", r"Transactions of the Association for Computational Linguistics"),
    Venue("Interspeech", r"INTERSPEECH|Interspeech"),
    Venue("ICASSP", r"ICASSP"),
    Venue("CVPR", r"CVPR", r"Computer Vision and Pattern Recognition"),
    Venue("ICCV", r"ICCV", r"International Conference on Computer Vision"),
    Venue("ECCV", r"ECCV", r"European Conference on Computer Vision"),
    Venue("MLSys", r"MLSys|MLSYS", r"Machine Learning and Systems"),
    Venue("OSDI", r"OSDI", r"Operating Systems Design and Implementation"),
    Venue("SOSP", r"SOSP", r"Symposium on Operating Systems Principles"),
    Venue("NSDI", r"NSDI", r"Networked Systems Design and Implementation"),
    Venue("EuroSys", r"EuroSys|EUROSYS"),
    Venue("USENIX ATC", r"USENIX ATC", r"USENIX Annual Technical Conference"),
    Venue("ASPLOS", r"ASPLOS", r"Architectural Support for Programming Languages and Operating Systems"),
    Venue("PPoPP", r"PPoPP|PPOPP", r"Principles and Practice of Parallel Programming"),
    Venue("ISCA", r"ISCA", r"International Symposium on Computer Architecture"),
    Venue("MICRO", r"MICRO", r"International Symposium on Microarchitecture"),
    Venue("HPCA", r"HPCA", r"High[- ]Performance Computer Architecture"),
    Venue("DAC", r"DAC", r"Design Automation Conference"),
    Venue("ICCAD", r"ICCAD", r"International Conference on Computer[- ]Aided Design"),
    Venue("DATE", r"DATE", r"Design, Automation (?:and|&) Test in Europe"),
    Venue("MobiCom", r"MobiCom|MOBICOM"),
    Venue("MobiSys", r"MobiSys|MOBISYS"),
    Venue("SenSys", r"SenSys|SENSYS"),
    Venue("IJCNN", r"IJCNN", r"International Joint Conference on Neural Networks"),
    Venue("IROS", r"IROS", r"Intelligent Robots and Systems"),
    Venue("ICRA", r"ICRA", r"International Conference on Robotics and Automation"),
)

_YEAR = r"(?<![\d.])(?:19[89]\d|20[0-4]\d)(?![\d])"
_SHORT_YEAR = re.compile(r"^(?:\s?['’])?(\d{2})(?!\d)")  # ICML'24, ICML '24, ICML24
_NOT_ACCEPTED = re.compile(
    r"submitted|under review|in submission|rejected|preprint for|extended from", re.IGNORECASE
)
_ACCEPTED = re.compile(
    r"accepted|to appear|published|camera[- ]ready|proceedings|presented at|in proc", re.IGNORECASE
)
_QUALIFIERS = (
    ("Findings", re.compile(r"\bFindings\b", re.IGNORECASE)),
    ("Workshop", re.compile(r"\bworkshops?\b", re.IGNORECASE)),
    ("Datasets and Benchmarks", re.compile(r"Datasets (?:and|&) Benchmarks", re.IGNORECASE)),
)
_ACCEPTED_WORD = re.compile(r"\baccepted\b", re.IGNORECASE)
_WINDOW = 60
_CLAUSE_END = re.compile(r";|\.\s")


def find_venue(journal_ref: str, comment: str, abstract: str = "") -> str | None:
    """A venue such as "ICML 2024" or "EMNLP 2024 Findings" from the journal reference, else the
    comments, else an "accepted by/to ..." sentence of the abstract. Only known venues (VENUES);
    None when unsure (no known venue, or "submitted to"/"under review")."""
    texts = [journal_ref, comment]
    if _ACCEPTED_WORD.search(abstract):
        texts += [s for s in re.split(r"(?<=[.!?])\s+", abstract) if _ACCEPTED_WORD.search(s)]
    for text in texts:
        venue = _venue_in(" ".join(text.split()))
        if venue:
            return venue
    return None


def _venue_patterns(field_name: str, flags: int) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple(
        (re.compile(rf"(?<![A-Za-z])(?:{getattr(v, field_name)})(?![A-Za-z])", flags), v.name)
        for v in VENUES
        if getattr(v, field_name)
    )


# Acronyms (case-sensitive) are tried before spelled-out names (case-insensitive).
_VENUE_PASSES = (_venue_patterns("acronyms", 0), _venue_patterns("full_names", re.IGNORECASE))


def _venue_in(text: str) -> str | None:
    """The earliest known venue mentioned as an acceptance in ``text``."""
    if not text:
        return None
    for patterns in _VENUE_PASSES:
        matches = sorted((m.start(), m.end(), name) for regex, name in patterns for m in regex.finditer(text))
        for start, end, name in matches:
            found = _describe_venue(text, start, end, name)
            if found:
                return found
    return None


def _describe_venue(text: str, start: int, end: int, name: str) -> str | None:
    """``name`` with its year and qualifier, or None when the mention is not an acceptance."""
    before, after = text[max(0, start - _WINDOW) : start], text[end : end + _WINDOW]
    # a qualifier after the venue is its own up to a comma or another venue ("Accepted at ICLR 2025
    # and NeurIPS 2024 workshop" is ICLR 2025)
    other = min(
        (m.start() for p in _VENUE_PASSES for rx, n in p if n != name for m in rx.finditer(text, end)),
        default=len(text),
    )
    own_after = _CLAUSE_END.split(after[: other - end])[0].split(",")[0]
    clause = _CLAUSE_END.split(before)[-1] + " " + own_after
    if _NOT_ACCEPTED.search(_CLAUSE_END.split(before)[-1]):
        return None
    year = _year_near(before, after)
    if year is None and not _ACCEPTED.search(before):
        return None
    qualifier = next((label for label, regex in _QUALIFIERS if regex.search(clause)), "")
    return " ".join(part for part in (name, year, qualifier) if part)


def _year_near(before: str, after: str) -> str | None:
    """The year nearest the venue: "ICML'24", "ICML24", "ICML 2024", "(ICML) 2024", "2023 ... (IJCNN)"."""
    short = _SHORT_YEAR.match(after)
    if short:
        return f"20{short.group(1)}"
    following = [(m.start(), m.group(0)) for m in re.finditer(_YEAR, after)]
    preceding = [(len(before) - m.end(), m.group(0)) for m in re.finditer(_YEAR, before)]
    nearest = sorted(following[:1] + preceding[-1:])
    return nearest[0][1] if nearest else None


_WITHDRAWN = re.compile(
    r"^\s*withdrawn\b|\b(?:paper|article|manuscript|submission|preprint|version|work)\s+"
    r"(?:has\s+been|is|was)\s+withdrawn|\bwithdrawn\s+by\s+(?:the\s+)?(?:authors?|arxiv|admin)",
    re.IGNORECASE,
)


def is_withdrawn(comment: str, abstract: str = "") -> bool:
    """True when the comment (or the abstract, which arXiv replaces on withdrawal) says so."""
    return bool(_WITHDRAWN.search(comment) or _WITHDRAWN.search(abstract[:300]))


def enrich(paper: Paper) -> Paper:
    """The paper with ``code_url``, ``venue`` and ``withdrawn`` filled in from its own text
    (values already set are kept, a code link only if it passes ``bot.core.urls.code_link``)."""
    preset = urls.code_link(paper.code_url)[0] if paper.code_url else None
    code_url = preset or urls.find_code_url(f"{paper.abstract}\n{paper.comment}") or ""
    venue = paper.venue or find_venue(paper.journal_ref, paper.comment, paper.abstract) or ""
    withdrawn = paper.withdrawn or is_withdrawn(paper.comment, paper.abstract)
    return replace(paper, code_url=code_url, venue=venue, withdrawn=withdrawn)
