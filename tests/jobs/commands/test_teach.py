"""``/teach "<term>" <section>``: a maintainer's one comment opens a PR that adds one pattern line to
the section's rules in config/keywords.yml (the fixture project's file, on the fake GitHub)."""

from __future__ import annotations

import difflib
import re

import yaml

from bot import config
from bot.core import markers
from bot.core.taxonomy import Taxonomy
from bot.jobs.commands.parser import parse_commands
from bot.scoring import background
from bot.scoring.patterns import PatternSet
from bot.scoring.rules import RuleScorer
from tests.conftest import PROJECT
from tests.fake_github import FakeGitHub
from tests.jobs.commands.helpers import OUTSIDER, ArxivAPI, handle, pull, status

KEYWORDS = (PROJECT / "config" / "keywords.yml").read_text(encoding="utf-8")


def with_keywords(github: FakeGitHub) -> FakeGitHub:
    github.push("config/keywords.yml", KEYWORDS)
    return github


def finds(text: str, section: str, term: str, taxonomy: Taxonomy, relevant: bool = False) -> bool:
    """Whether a rule of ``section`` finds ``term`` (with ``relevant``, one that adds relevance)."""
    keywords = config.validate("keywords", yaml.safe_load(text), "keywords.yml")
    rules = [
        r.pattern
        for r in RuleScorer(keywords, taxonomy).rules
        if r.group == section and (r.relevance > 0 or not relevant)
    ]
    return bool(PatternSet(rules).find(term))


def test_teach_opens_a_pr_adding_one_pattern_line(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    with_keywords(github)
    assert not finds(KEYWORDS, "kv-cache", "lantern weaving", taxonomy)
    outcome = handle(github, arxiv, taxonomy, '/teach "lantern weaving" kv-cache')
    assert [r.kind for r in outcome.replies] == ["teach_done"] and arxiv.asked == []
    taught = github.file("config/keywords.yml", "bot/teach-lantern-weaving")
    assert taught is not None and finds(taught, "kv-cache", "lantern weaving", taxonomy)
    added = [
        line
        for line in difflib.ndiff(KEYWORDS.splitlines(), taught.splitlines())
        if line.startswith(("+ ", "- "))
    ]
    assert len(added) == 1 and added[0].startswith("+       - lantern weaving  # /teach by ")
    assert github.file("catalog.md", "bot/teach-lantern-weaving") == github.file("catalog.md")
    pr = pull(github, "bot/teach-lantern-weaving")
    assert pr.title == "Teach the keyword rules: lantern weaving (kv-cache)"
    assert "keywords" in pr.labels
    assert markers.find(pr.body, "catalog-teach") == {
        "term": "lantern weaving",
        "section": "kv-cache",
        "comment": "/teach by maintainer in https://github.com/Codertocat/Hello-World/issues/1",
    }
    assert f"opened [#{pr.number}]" in status(github) and "KV Cache Compression" in status(github)
    # the same command again: the same PR, nothing to change
    again = handle(github, arxiv, taxonomy, '/teach "lantern weaving" kv-cache', serial=1)
    assert [r.data["result"] for r in again.replies] == ["unchanged"]
    assert len([p for p in github.pulls() if p.head == "bot/teach-lantern-weaving"]) == 1


def test_teach_is_for_maintainers(github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy) -> None:
    with_keywords(github)
    outcome = handle(github, arxiv, taxonomy, '/teach "lantern weaving" kv-cache', user=OUTSIDER)
    assert [r.kind for r in outcome.replies] == ["not_allowed"]
    assert not [b for b in github.branches() if b.startswith("bot/")]


def test_a_term_the_rules_know_or_cannot_hold_opens_nothing(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    with_keywords(github)
    text = "\n".join(
        [
            '/teach "KV eviction" kv-cache',  # a pattern of the section already finds it
            '/teach "re:.*" kv-cache',  # regex syntax: not a plain term
            "/teach lantern weaving kv-cache",  # no quotes: where does the term end?
            '/teach "lantern weaving" kvcache',
        ]
    )
    outcome = handle(github, arxiv, taxonomy, text)
    assert [r.kind for r in outcome.replies] == [
        "teach_known",
        "teach_usage",
        "teach_usage",
        "unknown_section",
    ]
    assert outcome.replies[0].data["pattern"] == "`KV eviction`"
    assert outcome.replies[1].data["given"] and not outcome.replies[2].data["given"]
    assert not [b for b in github.branches() if b.startswith("bot/")]
    assert '`/teach "token eviction" ' in status(github)


def test_an_invalid_keywords_file_on_the_default_branch_is_said_not_proposed(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    github.push("config/keywords.yml", "sections:\n  kv-cache:\n    patterns: 3\n")
    outcome = handle(github, arxiv, taxonomy, '/teach "lantern weaving" kv-cache')
    assert [r.kind for r in outcome.replies] == ["teach_failed"]
    assert "validate-config" in outcome.replies[0].data["reason"]
    assert not [b for b in github.branches() if b.startswith("bot/")]


def test_the_parser_reads_the_quoted_term_and_the_section() -> None:
    [straight, curly, plain, code] = [
        parse_commands(text)
        for text in (
            '/teach "lantern weaving" kv-cache',
            "/teach \u201cKV eviction\u201d KV Cache Compression",
            "/teach lantern weaving kv-cache",
            '`/teach "x y" kv-cache`',
        )
    ]
    assert (straight[0].term, straight[0].section) == ("lantern weaving", "kv-cache")
    assert (curly[0].term, curly[0].section) == ("KV eviction", "KV Cache Compression")
    assert plain[0].term == "" and plain[0].section == "lantern weaving kv-cache"
    assert code == []  # shown as code: not run


def test_refresh_leaves_a_teach_pr_alone(github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy) -> None:
    """A /teach PR does not touch the catalog: a push to the catalog rebuilds paper PRs, never it."""
    from bot.jobs import refresh
    from tests.fake_github import forge_for

    with_keywords(github)
    handle(github, arxiv, taxonomy, '/teach "lantern weaving" kv-cache')
    head = github.head("bot/teach-lantern-weaving")
    github.push("catalog.md", github.file("catalog.md") + "\n")  # the default branch moves on
    github.reset_counts()
    [outcome] = refresh.run(forge_for(github), taxonomy, "catalog.md")
    assert outcome.action == "unchanged" and github.head("bot/teach-lantern-weaving") == head
    assert pull(github, "bot/teach-lantern-weaving").state == "open" and github.writes() == 0


TWO_TERMS = '/teach "lantern weaving" kv-cache\n/teach "moon braiding" kv-cache'


def test_two_teach_prs_of_one_section_both_merge(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """Both append to the kv-cache patterns: merging one left the other conflicting for good, since
    refresh skipped /teach PRs ("no arxiv marker") and refresh.yml did not run on a push to
    config/keywords.yml. The merge's push now rebuilds the other one on the new rules."""
    from bot.jobs import refresh
    from tests.fake_github import forge_for

    with_keywords(github)
    handle(github, arxiv, taxonomy, TWO_TERMS)
    first, second = pull(github, "bot/teach-lantern-weaving"), pull(github, "bot/teach-moon-braiding")
    assert github.merge(first.number).status_code == 200

    [outcome] = refresh.run(forge_for(github), taxonomy, "catalog.md")

    assert (outcome.pull_request.number, outcome.action) == (second.number, "rebuilt")
    assert github.merge(second.number).status_code == 200
    rules = github.file("config/keywords.yml")
    assert finds(rules, "kv-cache", "lantern weaving", taxonomy) and finds(
        rules, "kv-cache", "moon braiding", taxonomy
    )
    assert len([line for line in rules.splitlines() if "# /teach by " in line]) == 2  # comments kept
    assert [o.action for o in refresh.run(forge_for(github), taxonomy, "catalog.md")] == []


def test_a_teach_pr_opened_before_its_marker_kept_the_comment_keeps_it(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    from bot.jobs import refresh
    from tests.fake_github import forge_for

    with_keywords(github)
    handle(github, arxiv, taxonomy, TWO_TERMS)
    first, second = pull(github, "bot/teach-lantern-weaving"), pull(github, "bot/teach-moon-braiding")
    old = markers.make("catalog-teach", {"term": "moon braiding", "section": "kv-cache"})
    github.issues[second.number].body = re.sub(r"<!-- catalog-bot:catalog-teach .*-->", old, second.body)
    line = next(
        x for x in github.file("config/keywords.yml", second.head).splitlines() if "moon braiding" in x
    )
    github.merge(first.number)

    assert [o.action for o in refresh.run(forge_for(github), taxonomy, "catalog.md")] == ["rebuilt"]
    assert line in github.file("config/keywords.yml", second.head).splitlines()


def test_a_teach_pr_whose_pattern_reached_the_rules_is_closed_and_an_edited_one_left_alone(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    from bot.jobs import refresh
    from tests.fake_github import forge_for

    with_keywords(github)
    handle(github, arxiv, taxonomy, TWO_TERMS)
    first, second = pull(github, "bot/teach-lantern-weaving"), pull(github, "bot/teach-moon-braiding")
    taught = github.file("config/keywords.yml", first.head)
    weighed = taught.replace("- lantern weaving", "- {pattern: lantern weaving, weight: 2.0}")
    github.push("config/keywords.yml", weighed, first.head, message="Weigh it")  # as its body invites
    github.push("config/keywords.yml", taught.replace("lantern weaving", "lantern knitting"))  # by hand

    outcomes = refresh.run(forge_for(github), taxonomy, "catalog.md")

    assert [(o.pull_request.number, o.action) for o in outcomes] == [
        (first.number, "skipped"),
        (second.number, "rebuilt"),
    ]
    assert outcomes[0].cause == refresh.EDITED_BY_HAND
    github.push("config/keywords.yml", github.file("config/keywords.yml", second.head))  # merged by hand
    [closed] = [
        o
        for o in refresh.run(forge_for(github), taxonomy, "catalog.md")
        if o.pull_request.number == second.number
    ]
    assert (closed.action, closed.cause) == ("closed", refresh.TAUGHT_ALREADY)
    assert "already have the pattern `moon braiding`" in github.issue_comments(second.number)[-1].body


def test_a_route_only_word_does_not_make_a_term_known(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """ "cache*" only routes to kv-cache (it adds no relevance): "prefix caching" is still taught."""
    with_keywords(github)
    assert not finds(KEYWORDS, "kv-cache", "prefix caching", taxonomy, relevant=True)
    outcome = handle(github, arxiv, taxonomy, '/teach "prefix caching" kv-cache')
    assert [r.kind for r in outcome.replies] == ["teach_done"]
    taught = github.file("config/keywords.yml", "bot/teach-prefix-caching")
    assert taught is not None and finds(taught, "kv-cache", "prefix caching", taxonomy, relevant=True)


def test_the_reply_and_the_pr_say_how_broad_the_term_is(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """How many older papers of the fixed background say the term, and how many of those are known
    to be in scope: a broad one would add points to many papers out of scope."""
    with_keywords(github)
    papers = background.load(config.validate("keywords", yaml.safe_load(KEYWORDS), "keywords.yml"))
    says = re.compile(r"\blong\W+context\b", re.IGNORECASE)
    hits = [p for p in papers if says.search(f"{p.title} {p.abstract}")]
    known = sum(1 for p in hits if p.extra.get("label"))
    assert 0 < known < len(hits)  # the fixture background has both kinds, so a count can be wrong
    outcome = handle(github, arxiv, taxonomy, '/teach "long context" kv-cache')
    assert outcome.replies[0].data["reach"] == (len(papers), len(hits), known)
    said = f"{len(hits)} of the {len(papers):,} older papers of the fixed background say it"
    assert f"{said}, {known} of them known to be in scope." in status(github)
    body = pull(github, "bot/teach-long-context").body
    assert f"{said.replace('say it', 'say it in their title or abstract')}, {known} of them" in body


def test_a_term_in_another_script_is_taught_and_finds_its_papers(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """``/teach "高效 推理" kv-cache`` (a term the weekly issue offers for three Chinese titles) ended
    the run with a traceback: measuring the term (``term_reach``) made ``PatternSet`` raise
    TypeError on a pattern without a Latin letter. A Cyrillic one was taught but, read as an
    exact-case pattern, found no title that starts with a capital."""
    with_keywords(github)
    outcome = handle(
        github, arxiv, taxonomy, '/teach "高效 推理" kv-cache\n/teach "эффективный вывод" kv-cache'
    )
    assert [r.kind for r in outcome.replies] == ["teach_done", "teach_done"]
    for term, title in [("高效 推理", "高效 推理 的 缓存"), ("эффективный вывод", "Эффективный вывод LLM")]:
        [pr] = [
            p
            for p in github.pulls()
            if (markers.find(p.body, "catalog-teach") or {}).items()
            >= {"term": term, "section": "kv-cache"}.items()
        ]
        taught = github.file("config/keywords.yml", pr.head)
        assert taught is not None and finds(taught, "kv-cache", title, taxonomy, relevant=True), term


def test_terms_whose_branch_names_would_be_the_same_get_their_own_prs(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """The branch kept the term's first 40 ASCII letters and digits: two long terms that start
    alike, or two that differ by a letter of another alphabet ("über cache", "ber cache"), shared
    a branch, and the second /teach rebuilt the first's PR to teach only itself."""
    with_keywords(github)
    terms = [
        "efficient long context inference with sparse attention",
        "efficient long context inference with sparse kv",
        "über cache",
        "ber cache",
    ]
    outcome = handle(github, arxiv, taxonomy, "\n".join(f'/teach "{t}" kv-cache' for t in terms))
    assert [r.data["result"] for r in outcome.replies] == ["opened"] * 4
    taught = {markers.find(p.body, "catalog-teach")["term"]: p.head for p in github.pulls()}  # type: ignore[index]
    assert set(taught) == set(terms) and len(set(taught.values())) == 4
    for term, branch in taught.items():
        text = github.file("config/keywords.yml", branch)
        assert text is not None and finds(text, "kv-cache", term, taxonomy, relevant=True), term
    assert taught["ber cache"] == "bot/teach-ber-cache"  # a short plain term keeps its plain name
