"""``poll --dry-run`` rehearses each change on the text the run read, as the forge applies it: it
says what the real run then does (a paper failed, with the same words; the PR opened, with the same
added line), on the local-git forge and on the fake GitHub. It printed "would open" for every
accepted paper, and the real run then failed some of them.

The scorer here routes each paper where the test says (``Routed``): what is rehearsed is the forge's
side, and a trained scorer would route the papers of an edited catalog elsewhere."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.core import catalog_document, catalog_parse
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.forge.local_git import LocalGitForge
from bot.forge.protocols import Forge
from bot.jobs.poll import run
from bot.jobs.poll.plan import PollReport, PollSettings
from bot.scoring.scorer import Decision
from tests.fake_github import FakeGitHub, forge_for
from tests.gitrepo import SMALL_CATALOG, make_repo

PAPERS = [
    Paper("2411.00001", "Paged Eviction for Long-Context KV Caches", "We evict KV cache pages.", ("A. One",)),
    Paper("2411.00002", "A Toolkit for Serving Quantized Models", "A toolkit.", ("B. Two",)),
    Paper("2411.00003", "Disaggregated Prefill for LLM Serving", "We split prefill.", ("C. Three",)),
]
ROUTES = {"2411.00001": "kv-cache", "2411.00002": "tools", "2411.00003": "serving"}


class Routed:
    """Accepts every paper, in the section ``ROUTES`` names."""

    def score(self, papers: Sequence[Paper]) -> list[Decision]:
        return [
            Decision(p.arxiv_id, 0.9, True, 0.5, ROUTES[p.arxiv_id], None, None, 0.9, False, [], [])
            for p in papers
        ]


def train(*args: Any, **kwargs: Any) -> Routed:
    return Routed()


def catalog_text(taxonomy: Taxonomy, fault: str) -> str:
    """The small test catalog with one fault the real run trips on:

    - ``fence``: Toolkits and Frameworks ends in a code fence left open (an example pasted by
      hand), so a line inserted there is code, not an entry (the edit's read-back refuses it);
    - ``heading``: the Serving Systems heading deleted by hand.
    """
    text = catalog_document.render_document(taxonomy, SMALL_CATALOG)
    if fault == "fence":
        text = text.replace(
            "## Toolkits and Frameworks\n", "## Toolkits and Frameworks\n\n```text\npip install x\n"
        )
    elif fault == "heading":
        text = text.replace("## Serving Systems\n", "")
    return text


@contextmanager
def forge_on(kind: str, text: str, taxonomy: Taxonomy, tmp_path: Path) -> Iterator[Callable[[], Forge]]:
    if kind == "github":
        with FakeGitHub() as fake:
            fake.push("catalog.md", text, message="the catalog")
            yield lambda: forge_for(fake)
    else:
        repo = make_repo(tmp_path / "repo", taxonomy, text)
        yield lambda: LocalGitForge(repo, branch_prefix="bot/")


def added_lines(diff: str) -> list[str]:
    return [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]


@pytest.mark.parametrize("kind", ["local", "github"])
@pytest.mark.parametrize("fault", ["fence", "heading"])
def test_the_dry_run_says_what_the_real_run_then_does(
    kind: str, fault: str, taxonomy: Taxonomy, tmp_path: Path
) -> None:
    text = catalog_text(taxonomy, fault)
    with forge_on(kind, text, taxonomy, tmp_path) as make_forge:

        def once(dry_run: bool) -> tuple[PollReport, str]:
            forge, out = make_forge(), io.StringIO()
            catalog = catalog_parse.parse(forge.read_file("catalog.md"), taxonomy)
            report = run(PAPERS, catalog, taxonomy, forge, train, PollSettings(dry_run=dry_run), out)
            return report, out.getvalue()

        (dry, said), (real, _) = once(dry_run=True), once(dry_run=False)
        assert len(dry.failures) == 1 and real.failures == dry.failures
        failed = dry.failures[0][0]
        assert failed == {"fence": "2411.00002", "heading": "2411.00003"}[fault]
        opened = sorted(r.pull_request.branch for r in real.results)
        assert sorted(f"bot/arxiv-{p.paper.arxiv_id}" for p in dry.would_propose) == opened
        assert f"would open: bot/arxiv-{failed}" not in said
        assert said.count("==> would open: ") == len(opened) == 2
        for result in real.results:  # the entry line: the dry run shows the line the PR adds
            shown = said.split(f"would open: {result.pull_request.branch} ")[1].split("==>")[0]
            entry = [line for line in added_lines(result.diff) if line.strip("+")]
            assert len(entry) == 1 and f"    + {entry[0][1:]}\n" in shown
            assert result.pull_request.branch.removeprefix("bot/arxiv-") in entry[0]
