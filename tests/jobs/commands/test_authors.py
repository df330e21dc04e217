"""The issue commands as authors write them in the wild and as maintainers answer them: links and
old-style ids, a request for a paper another pull request proposes, a paper arXiv has not
announced yet. Real webhook payloads, the fake GitHub, the local arXiv API with real entries."""

from __future__ import annotations

import io
import re

import pytest

from bot import config
from bot.core.catalog_parse import parse
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.jobs import poll
from bot.jobs.commands import scorer_services
from bot.jobs.commands.section_names import section_named
from bot.jobs.poll.plan import PollSettings
from bot.scoring.trainer import make_trainer
from tests.conftest import PROJECT
from tests.fake_github import FakeGitHub, forge_for
from tests.jobs.commands.helpers import OUTSIDER, ArxivAPI, catalog_on, handle, pull, status


def test_an_old_style_id_with_its_subject_class_is_the_paper_arxiv_knows(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """Papers before 2007 are cited with their subject class ("math.GT/0309136"), which arXiv's
    metadata leaves out ("math/0309136"): asked as written, arXiv answered nothing and the bot
    said it had no such paper."""
    arxiv.copy_as("math/0309136", "2405.13786")
    outcome = handle(github, arxiv, taxonomy, "/add arXiv:math.GT/0309136v1 kv-cache")
    assert [r.kind for r in outcome.replies] == ["add_done"] and arxiv.asked == [["math/0309136"]]
    item = catalog_on(github, pull(github, "bot/arxiv-math-0309136").head, taxonomy).find_by_id(
        "math/0309136"
    )
    assert item is not None and item.section == "kv-cache"
    assert "(arXiv math/0309136) to **KV Cache Compression**" in status(github)
    # merged, the paper is found by either name: /move and /remove said it was not in the catalog
    github.merge(pull(github, "bot/arxiv-math-0309136").number)
    moved = handle(github, arxiv, taxonomy, "/move math.GT/0309136 decoding", serial=1)
    removed = handle(github, arxiv, taxonomy, "/remove math.GT/0309136", serial=2)
    assert [r.kind for r in moved.replies + removed.replies] == ["move_done", "remove_done"]
    assert {p.head for p in github.pulls("open")} == {"bot/move-math-0309136", "bot/remove-math-0309136"}


def test_a_request_for_a_paper_far_from_the_lists_topics_says_so_in_its_preview(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """Anyone may ask for any paper: the preview told the maintainer where it would go, not that
    the poll job would never have proposed it (a paper on software testing in a list of
    efficient-LLM work). It gives the poll job's score and threshold; a paper on the list's
    topics gets no such note."""
    github.push("catalog.md", (PROJECT / "catalog.md").read_text(encoding="utf-8"), message="real catalog")
    arxiv.retitle("2302.03287", "KV Cache Compression by Token Eviction for Long-Context LLM Inference")
    arxiv.recategorize("2302.03287", "cs.CL")  # its cs.SE, cs.HC: the poll job's gate says no too
    router, scope = scorer_services(taxonomy)
    text = "/add 2405.13786 kv-cache\n/add 2302.03287 kv-cache"
    outcome = handle(github, arxiv, taxonomy, text, user=OUTSIDER, router=router, scope=scope)
    assert [r.kind for r in outcome.replies] == ["pending", "pending"] and not github.pulls()
    far, near = [line for line in status(github).splitlines() if line.startswith("- ⏳")]
    note = re.search(
        r"The bot would not have proposed it: it scores (0\.\d\d) for this list's topics, below the poll job's threshold of (0\.\d\d), so check that it belongs\.",
        far,
    )
    assert note is not None and float(note[1]) < float(note[2])
    assert "would not have proposed" not in near


def test_a_request_for_a_paper_outside_the_categories_gate_says_so_in_its_preview(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """A stranger's `/add` of a cs.CV paper on the list's topics (the poll job scores it above its
    threshold, then rejects it: "outside the required categories") got a preview without the note
    that the bot would not have proposed it, which only a low score gave. It names the gate."""
    github.push("catalog.md", (PROJECT / "catalog.md").read_text(encoding="utf-8"), message="real catalog")
    arxiv.retitle("2302.03287", "KV Cache Compression by Token Eviction for Long-Context LLM Inference")
    arxiv.recategorize("2302.03287", "cs.CV", "eess.IV")
    router, scope = scorer_services(taxonomy)
    outcome = handle(
        github, arxiv, taxonomy, "/add 2302.03287 kv-cache", user=OUTSIDER, router=router, scope=scope
    )
    assert [r.kind for r in outcome.replies] == ["pending"] and not github.pulls()
    [preview] = [line for line in status(github).splitlines() if line.startswith("- ⏳")]
    assert (
        "The bot would not have proposed it: none of its arXiv categories (`cs.CV, eess.IV`) is one the "
        "poll job requires (`categories.require_any` in `config/keywords.yml`), whatever its score, so "
        "check that it belongs."
    ) in preview
    assert "it scores" not in preview  # above the threshold: the gate is the reason, not the score


def test_a_preview_scores_a_paper_as_the_poll_job_does_with_what_the_maintainers_taught_it(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """The preview's scorer was trained on the catalog alone: without the fixed background, the
    paper store, and the papers of the pull requests maintainers closed (which the poll job learns
    as negatives), so a preview's score was not the one the poll job gives the same paper: 0.02
    against the poll job's 0.00 for a paper far off topic, and no note at all (0.80) for a paper
    like the one a maintainer closed, which the poll job scores 0.19. It is the poll job's own
    figure now, read off a poll run on the same repository, to the last digit."""
    github.push("catalog.md", (PROJECT / "catalog.md").read_text(encoding="utf-8"), message="real catalog")
    # a maintainer's /add, then closed: the poll job learns its paper as a negative
    arxiv.retitle("2302.03287", "Token Eviction for KV Cache Compression in Long-Context LLM Serving")
    handle(github, arxiv, taxonomy, "/add 2302.03287 kv-cache")
    closed = pull(github, "bot/arxiv-2302.03287").number
    assert github.api("PATCH", f"/repos/Codertocat/Hello-World/pulls/{closed}", {"state": "closed"}).ok
    arxiv.retitle("2204.08348", "KV Cache Compression by Token Eviction for Long-Context LLM Serving")
    arxiv.recategorize("2204.08348", "cs.CL")  # in the categories gate: the score decides
    router, scope = scorer_services(taxonomy, forge_for(github))
    text = "/add 2405.13786 2204.08348 kv-cache"
    outcome = handle(github, arxiv, taxonomy, text, OUTSIDER, serial=1, router=router, scope=scope)
    assert [r.kind for r in outcome.replies] == ["pending", "pending"]
    note = r"it scores (\d\.\d\d) for this list's topics, below the poll job's threshold of (\d\.\d\d)"
    previews = [re.search(note, line) for line in status(github).splitlines() if line.startswith("- ⏳")]
    forge = forge_for(github)
    found = arxiv.lookup().lookup(["2405.13786", "2204.08348"])
    papers = [p for i in ("2405.13786", "2204.08348") if (p := found[i].paper) is not None]
    catalog = parse(forge.read_file("catalog.md"), taxonomy)
    trainer = make_trainer(config.load("keywords"), taxonomy)
    report = poll.run(papers, catalog, taxonomy, forge, trainer, PollSettings(dry_run=True), io.StringIO())
    decisions = [decision for _paper, decision in report.decisions]
    assert [(m[1], m[2]) if m else None for m in previews] == [
        (f"{d.score:.2f}", f"{d.threshold:.2f}") for d in decisions
    ]
    assert scope(catalog, papers) == [
        (d.score, d.threshold, d.in_categories) for d in decisions
    ]  # to the last digit
    # the lesson counts: untaught, the paper like the closed one scored above the threshold (no note)
    assert scorer_services(taxonomy)[1](catalog, papers)[1][0] >= decisions[1].threshold > decisions[1].score


def test_a_scorer_that_fails_leaves_the_preview_without_its_note(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    def broken(catalog: object, papers: object) -> list[tuple[float, float, bool]]:
        raise RuntimeError("model file missing")

    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 kv-cache", user=OUTSIDER, scope=broken)
    assert [r.kind for r in outcome.replies] == ["pending"] and outcome.exit_code == 0
    assert "would not have proposed" not in status(github)


def test_a_request_for_a_listed_paper_is_not_scored(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """Scoring trains the scorer on the catalog (seconds): a paper already listed, withdrawn or
    unknown has nothing for a maintainer to review."""
    scored: list[str] = []

    def scope(catalog: object, papers: list[Paper]) -> list[tuple[float, float, bool]]:
        scored.extend(p.arxiv_id for p in papers)
        return [(0.0, 0.5, True)] * len(papers)

    arxiv.withdraw("1605.08386")
    text = "/add 2404.14469 2405.99999 1605.08386 2405.13786 kv-cache"
    outcome = handle(github, arxiv, taxonomy, text, user=OUTSIDER, scope=scope)
    assert [r.kind for r in outcome.replies] == ["duplicate", "unknown", "withdrawn", "pending"]
    assert scored == ["2405.13786"]


@pytest.mark.parametrize(
    "name, placement",
    [
        # a section then its subsection with only a space between them was no section at all
        ("quantization weight-only", ("quantization", "weight-only")),
        ("Efficient Fine-tuning Parameter-Efficient Fine-tuning", ("fine-tuning", "peft")),
        # and so were the words a sentence puts around a name
        ("the KV cache section", ("kv-cache", None)),
        ("to the quantization weight-only section", ("quantization", "weight-only")),
        # still unknown: a subsection under another section, a section of another name
        ("pruning weight-only", None),
        ("the section", None),
        ("kv-cache thanks", None),
    ],
)
def test_a_section_is_found_as_a_sentence_names_it(
    taxonomy: Taxonomy, name: str, placement: tuple[str, str | None] | None
) -> None:
    assert section_named(name, taxonomy) == placement


def test_words_after_the_section_are_answered_as_such(
    github: FakeGitHub, arxiv: ArxivAPI, taxonomy: Taxonomy
) -> None:
    """Text after the section on the command's line ("kv-cache, thanks!") made an unknown section
    whose answer listed the closest ones, as for a typo: it says the section was found, and that the
    words after it are the problem."""
    outcome = handle(github, arxiv, taxonomy, "/add 2405.13786 KV Cache Compression, thanks a lot!")
    assert [r.kind for r in outcome.replies] == ["unknown_section"] and not github.pulls()
    assert (
        "there is no section `KV Cache Compression, thanks a lot`. `KV Cache Compression` is one: the words after "
        "it on the command's line were read as part of its name. Post the command again with nothing after the "
        "section (other text goes on a line of its own)."
    ) in status(github)
    typo = handle(github, arxiv, taxonomy, "/add 2405.13786 kv cash", serial=1)
    assert [r.kind for r in typo.replies] == ["unknown_section"]
    assert "there is no section `kv cash`. Closest: `kv-cache` (KV Cache Compression)" in status(github)
