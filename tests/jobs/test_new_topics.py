"""``new-topics``: the weekly "near misses and new topics" issue, from the real full-day feed
(plus a few crafted papers), published on the fake GitHub and printed in local-git mode."""

from __future__ import annotations

import dataclasses
import datetime
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot import config
from bot.__main__ import main
from bot.core import markers
from bot.core.branches import BranchNames
from bot.core.catalog import Catalog
from bot.core.catalog_parse import parse
from bot.core.changes import PullRequest
from bot.core.keyword_edits import add_pattern
from bot.core.paper import Paper
from bot.core.taxonomy import Taxonomy
from bot.jobs import new_topics
from bot.jobs.commands.parser import parse_commands
from bot.jobs.commands.section_names import section_named
from bot.scoring import background
from bot.scoring.emerging import rising_terms
from bot.scoring.trainer import make_trainer
from bot.sources import arxiv_rss as feeds
from tests.conftest import FIXTURES, PROJECT
from tests.fake_github import FakeGitHub, fake_github, forge_for  # noqa: F401
from tests.gitrepo import make_repo
from tests.golden_files import UPDATE_HINT, golden

FULL_DAY = FIXTURES / "arxiv" / "arxiv_rss2_feed_all-archives_2024-11-28_trimmed.xml"
HOSTILE = "Pruned sparse CNN kernels @octocat <img src=x onerror=alert(1)> [click](https://evil.example)"
SETTINGS = dataclasses.replace(new_topics.NewTopicsSettings(), min_points=1.0, max_papers=500)


def week() -> list[Paper]:
    """The real day and three papers sharing a term that no keyword or catalog title knows."""
    crafted = [
        Paper(
            f"2411.9999{i}",
            f"Lantern Weaving {name} for efficient LLM inference",
            "Faster large language model inference with lower latency and memory.",
            categories=("cs.CL",),
        )
        for i, name in enumerate(("scaling", "revisited", "in practice"), 1)
    ]
    return feeds.read_papers(FULL_DAY) + crafted


@pytest.fixture(scope="module")
def report(taxonomy: Taxonomy) -> new_topics.NewTopicsReport:
    # module-scoped: set up before the function-scoped fixture that points the config at the
    # fixture project, so it does that itself (else it reads this repository's own config)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CATALOG_BOT_CONFIG", str(PROJECT / "config"))
        keywords = config.load("keywords")
        catalog = parse((PROJECT / "catalog.md").read_text(encoding="utf-8"), taxonomy)
        return report_of(week(), catalog, taxonomy, keywords)


def report_of(
    papers: list[Paper],
    catalog: Catalog,
    taxonomy: Taxonomy,
    keywords: dict[str, Any],
    pulls: Sequence[PullRequest] = (),
) -> new_topics.NewTopicsReport:
    """The report on ``papers`` of the week of the recorded feed, scored as the job scores them."""
    scorer = make_trainer(keywords, taxonomy)(catalog, papers, [])
    return new_topics.build_report(
        papers,
        catalog,
        taxonomy,
        scorer,
        background.load(keywords),
        pulls,
        BranchNames.from_prefix("bot/"),
        SETTINGS,
        "2024-11-22",
        "2024-11-28",
    )


def test_the_report_lists_near_misses_and_the_new_term_with_ready_add_lines(
    report: new_topics.NewTopicsReport,
) -> None:
    assert report.papers > 100 and report.misses and not report.empty
    assert "lantern weaving" in [t.term for t in report.terms]
    _, body = new_topics.issue_text(report, SETTINGS)
    # a maintainer copies a line as rendered (the code span's backticks are not copied)
    commands = parse_commands(body.replace("`", ""))
    adds = [c for c in commands if c.name == "add"]
    assert len(adds) >= len(report.misses) + 3 and all(len(c.ids) == 1 for c in adds)
    listed = {m.paper.arxiv_id: m.placement for m in report.misses}
    assert {c.ids[0]: c.section for c in adds if c.ids[0] in listed} == listed
    assert "\n\n\n" not in body


def test_a_near_miss_is_a_paper_the_learned_models_read_as_near_the_catalog(
    report: new_topics.NewTopicsReport,
) -> None:
    """The recorded day listed "Fast convolution algorithm for state space models" (a math paper,
    score 0.07) among the near misses: on 2024's months 7-12, 42 of 93 near misses were out of
    scope by SCOPE.md, most of them a technique's word in another field ("Knowledge Distillation"
    for CLIP, "Mamba" for video frames) that the learned models score near 0."""
    assert report.misses
    assert all(m.decision.score >= SETTINGS.min_score for m in report.misses)
    assert "2411.17729" not in {m.paper.arxiv_id for m in report.misses}
    scores = [m.decision.score for m in report.misses]
    assert scores == sorted(scores, reverse=True)  # the nearest the threshold first


def test_a_near_miss_add_line_places_the_paper_where_poll_would(
    report: new_topics.NewTopicsReport, taxonomy: Taxonomy
) -> None:
    """Llama Guard 3-1B-INT4 would go to Quantization › Weight-activation (poll's PR puts it
    there), but its ready line was `/add 2411.17713 quantization`, which lists it at the top of
    Quantization, outside every subsection."""
    _, body = new_topics.issue_text(report, SETTINGS)
    adds = {c.ids[0]: c for c in parse_commands(body.replace("`", "")) if c.name == "add" and c.section}
    assert any(m.decision.subsection for m in report.misses)  # the fixture has one
    for miss in report.misses:
        placed = section_named(adds[miss.paper.arxiv_id].section, taxonomy)
        assert placed == (miss.decision.section, miss.decision.subsection), miss.paper.arxiv_id


def teach_pull(term: str, state: str, number: int = 41) -> PullRequest:
    """A /teach pull request for ``term``, as the command opens it (its marker)."""
    body = f"Teach it.\n\n{markers.make('catalog-teach', {'term': term, 'section': 'serving'})}"
    slug = term.replace(" ", "-")
    url = f"https://github.com/o/r/pull/{number}"
    return PullRequest(number, f"bot/teach-{slug}", f"Teach: {term}", body, state, url)  # type: ignore[arg-type]


def test_a_term_whose_teach_pr_was_closed_is_not_offered_again_and_an_open_one_is_linked(
    taxonomy: Taxonomy,
) -> None:
    """A maintainer closed the /teach PR of "lantern weaving" (not a topic for this list): every
    week the term still rose, the issue offered the same /teach line again. With its PR open, the
    issue offered a second /teach instead of pointing at it."""
    keywords = config.load("keywords", PROJECT / "config")
    catalog = parse((PROJECT / "catalog.md").read_text(encoding="utf-8"), taxonomy)

    def body_with(pulls: list[PullRequest]) -> str:
        report = report_of(week(), catalog, taxonomy, keywords, pulls)
        return new_topics.issue_text(report, SETTINGS)[1]

    assert '/teach "lantern weaving" serving' in body_with([])
    closed = body_with([teach_pull("Lantern Weavings", "closed")])
    assert "lantern weaving" not in closed.lower()
    opened = body_with([teach_pull("lantern weaving", "open")])
    assert '**"lantern weaving"**' in opened and '`/teach "' not in opened
    assert "[#41](https://github.com/o/r/pull/41)" in opened


def test_a_terms_paper_already_proposed_or_rejected_gets_no_add_line(taxonomy: Taxonomy) -> None:
    """A term lists every paper that uses it, and offered an /add line for each, also for a paper
    whose pull request a maintainer had closed (a maintainer's /add opens it again: what they
    close, the bot is to remember) or that an open pull request already proposes."""
    keywords = config.load("keywords", PROJECT / "config")
    catalog = parse((PROJECT / "catalog.md").read_text(encoding="utf-8"), taxonomy)
    closed = PullRequest(7, "bot/arxiv-2411.99991", "Add Lantern Weaving scaling", "", "closed")
    report = report_of(week(), catalog, taxonomy, keywords, [closed])
    [term] = [t for t in report.terms if t.term == "lantern weaving"]
    assert len(term.papers) == 3  # the paper still counts for the term
    body = new_topics.issue_text(report, SETTINGS)[1]
    adds = {i for c in parse_commands(body.replace("`", "")) if c.name == "add" for i in c.ids}
    assert "2411.99991" not in adds and {"2411.99992", "2411.99993"} <= adds
    assert "(arXiv 2411.99991): a maintainer closed its pull request before" in body
    more = tuple(
        Paper(f"2411.8888{i}", f"Lantern Weaving part {i}", "Faster inference.") for i in range(1, 5)
    )
    longer = dataclasses.replace(term, papers=term.papers + more)
    settled = {**report.settled, "2411.88882": "proposed"}
    body = new_topics.issue_text(dataclasses.replace(report, terms=(longer,), settled=settled), SETTINGS)[1]
    assert (
        "  - and 4 more: arXiv 2411.88881, 2411.88882, 2411.88883, 2411.88884 (1 proposed or closed "
        "before: no `/add` line)\n    `/add 2411.88881 2411.88883 2411.88884`\n"
    ) in body


def test_arxiv_text_is_escaped_in_the_issue(report: new_topics.NewTopicsReport) -> None:
    miss = report.misses[0]
    hostile = dataclasses.replace(miss, paper=dataclasses.replace(miss.paper, title=HOSTILE))
    term = dataclasses.replace(report.terms[0], papers=(hostile.paper,))
    _, body = new_topics.issue_text(dataclasses.replace(report, misses=(hostile,), terms=(term,)), SETTINGS)
    assert "<img" not in body and "@octocat" not in body and "](https://evil.example)" not in body
    assert body.count("octocat") == 2  # shown twice, as text


def test_every_paper_of_a_term_is_listed_by_id(report: new_topics.NewTopicsReport) -> None:
    """Only the first three papers of a term were shown: the others could not be added. Three
    keep their title and /add line, the rest are listed by id on one line."""
    more = tuple(
        Paper(f"2411.8888{i}", f"Lantern Weaving part {i}", "Faster inference.") for i in range(1, 5)
    )
    term = dataclasses.replace(report.terms[0], papers=report.terms[0].papers + more)
    _, body = new_topics.issue_text(dataclasses.replace(report, misses=(), terms=(term,)), SETTINGS)
    assert f'**"{term.term}"**: 7 papers' in body
    for paper in term.papers:
        assert paper.arxiv_id in body, paper.arxiv_id
    assert "  - and 4 more: arXiv 2411.88881, 2411.88882, 2411.88883, 2411.88884\n" in body
    assert "/add 2411.88881 2411.88882 2411.88883 2411.88884`" in body
    assert body.count("Lantern Weaving part") == 0  # titles only for the first three
    adds = [c for c in parse_commands(body.replace("`", "")) if c.name == "add"]
    assert {i for c in adds for i in c.ids} == {p.arxiv_id for p in term.papers}


def test_the_teach_line_of_a_term_teaches_it(report: new_topics.NewTopicsReport, taxonomy: Taxonomy) -> None:
    """The issue's ``/teach`` line for a term, commented as it is, asks for the term in the section
    most of its papers would go to; the edit it makes (``add_pattern``, what the command proposes)
    is a valid config that knows the term: its papers get that section's points, and it is no
    longer new."""
    [term] = report.terms
    _, body = new_topics.issue_text(report, SETTINGS)
    [teach] = [c for c in parse_commands(body.replace("`", "")) if c.name == "teach"]
    assert (teach.term, teach.section) == (term.term, term.section)
    text = (PROJECT / "config" / "keywords.yml").read_text(encoding="utf-8")
    taught = config.validate(
        "keywords", yaml.safe_load(add_pattern(text, teach.section, teach.term)), "taught"
    )
    catalog = parse((PROJECT / "catalog.md").read_text(encoding="utf-8"), taxonomy)
    scorer = make_trainer(taught, taxonomy)(catalog, [], [])
    before = make_trainer(config.load("keywords", PROJECT / "config"), taxonomy)(catalog, [], [])
    for paper, now, then in zip(
        term.papers,
        scorer.rules.evaluate_all(term.papers),
        before.rules.evaluate_all(term.papers),
        strict=True,
    ):
        assert now.section_points[teach.section] > then.section_points.get(teach.section, 0.0), paper.title
    patterns = [r.pattern for r in scorer.rules.rules]
    assert term.term not in {t.term for t in rising_terms(list(term.papers), [], patterns, [], min_ratio=0.0)}


def test_the_issue_is_opened_once_edited_in_place_and_closed_when_nothing_is_left(
    report: new_topics.NewTopicsReport, fake_github: FakeGitHub
) -> None:  # noqa: F811
    forge = forge_for(fake_github)
    assert new_topics.publish(forge, report, SETTINGS, dry_run=True)[0] == "would open"
    assert not [i for i in fake_github.issues.values() if not i.is_pull]
    assert new_topics.publish(forge, report, SETTINGS, dry_run=False)[0] == "opened"
    [issue] = [i for i in fake_github.issues.values() if not i.is_pull]
    assert issue.title == SETTINGS.issue_title and issue.labels == list(SETTINGS.issue_labels)
    writes = fake_github.writes()
    assert new_topics.publish(forge, report, SETTINGS, dry_run=False)[0] == "unchanged"
    assert fake_github.writes() == writes  # a rerun writes nothing
    fewer = dataclasses.replace(report, terms=())
    assert new_topics.publish(forge, fewer, SETTINGS, dry_run=False)[0] == "updated"
    assert "lantern weaving" not in fake_github.issues[issue.number].body
    empty = dataclasses.replace(report, misses=(), terms=())
    assert new_topics.publish(forge, empty, SETTINGS, dry_run=False)[0] == "closed"
    assert fake_github.issues[issue.number].state == "closed"
    assert new_topics.publish(forge, report, SETTINGS, dry_run=False)[0] == "reopened"
    assert len([i for i in fake_github.issues.values() if not i.is_pull]) == 1


def test_a_rerun_leaves_the_report_a_maintainer_closed_closed(
    report: new_topics.NewTopicsReport, fake_github: FakeGitHub
) -> None:  # noqa: F811
    """A maintainer read the week's report and closed the issue; the job run again on the same
    papers (a re-run of the workflow, on demand) reopened it, though "a rerun on the same papers
    writes nothing". Next week's report, a new one, reopens it."""
    forge = forge_for(fake_github)
    assert new_topics.publish(forge, report, SETTINGS, dry_run=False)[0] == "opened"
    [issue] = [i for i in fake_github.issues.values() if not i.is_pull]
    issue.state = "closed"  # by the maintainer
    writes = fake_github.writes()
    assert new_topics.publish(forge_for(fake_github), report, SETTINGS, dry_run=False)[0] == "unchanged"
    assert fake_github.writes() == writes and issue.state == "closed"
    later = dataclasses.replace(report, since="2024-11-29", until="2024-12-05")
    assert new_topics.publish(forge_for(fake_github), later, SETTINGS, dry_run=False)[0] == "reopened"
    assert issue.state == "open" and "2024-11-29" in issue.body


def test_a_renamed_label_still_finds_the_one_issue(
    report: new_topics.NewTopicsReport, fake_github: FakeGitHub, caplog: pytest.LogCaptureFixture
) -> None:  # noqa: F811
    """A maintainer renamed the label "new-topics" to "topics": the next run, looking for the issue
    by its label, found none and opened a second one. The marker finds it; the log says why."""
    forge = forge_for(fake_github)
    assert new_topics.publish(forge, report, SETTINGS, dry_run=False)[0] == "opened"
    [issue] = [i for i in fake_github.issues.values() if not i.is_pull]
    label = SETTINGS.issue_labels[0]
    fake_github.labels["topics"] = {**fake_github.labels.pop(label.lower()), "name": "topics"}
    issue.labels = ["topics" if n == label else n for n in issue.labels]
    for number in range(3):  # newer issues and a human's one with the marker are passed over
        fake_github.add_issue(f"Question {number}", f"text <!-- catalog-bot:{new_topics.MARKER} -->")

    fewer = dataclasses.replace(report, terms=())
    assert new_topics.publish(forge_for(fake_github), fewer, SETTINGS, dry_run=False)[0] == "updated"
    assert [i.number for i in fake_github.issues.values() if i.user == issue.user and not i.is_pull] == [
        issue.number
    ]
    assert "lantern weaving" not in issue.body and issue.labels[0] == "topics"
    assert f"not by its label {label!r} (labels: topics" in caplog.text


def test_an_issue_whose_label_a_maintainer_took_off_is_still_the_one_issue(
    report: new_topics.NewTopicsReport, fake_github: FakeGitHub, caplog: pytest.LogCaptureFixture
) -> None:  # noqa: F811
    """A maintainer took the label "new-topics" off the issue (to triage it under another one); the
    label stayed in the repository, so the marker was not looked for and the next week opened a
    second issue beside the first, which kept last week's report."""
    forge = forge_for(fake_github)
    assert new_topics.publish(forge, report, SETTINGS, dry_run=False)[0] == "opened"
    [issue] = [i for i in fake_github.issues.values() if not i.is_pull]
    issue.labels = ["triage"]
    assert SETTINGS.issue_labels[0].lower() in fake_github.labels  # the label is still there

    fewer = dataclasses.replace(report, terms=())
    assert new_topics.publish(forge_for(fake_github), fewer, SETTINGS, dry_run=False)[0] == "updated"
    assert [i.number for i in fake_github.issues.values() if not i.is_pull] == [issue.number]
    assert "lantern weaving" not in issue.body
    assert f"not by its label {SETTINGS.issue_labels[0]!r} (labels: triage)" in caplog.text


def test_an_empty_week_opens_no_issue(report: new_topics.NewTopicsReport, fake_github: FakeGitHub) -> None:  # noqa: F811
    empty = dataclasses.replace(report, misses=(), terms=())
    assert new_topics.publish(forge_for(fake_github), empty, SETTINGS, dry_run=False)[0] == "none"
    assert fake_github.writes() == 0


def test_local_git_mode_prints_the_issue_and_writes_it_to_a_file(
    tmp_path: Path, taxonomy: Taxonomy, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo", taxonomy, (PROJECT / "catalog.md").read_text(encoding="utf-8"))
    output = tmp_path / "issue.md"
    assert main(["new-topics", "--repo", str(repo), "--feed", str(FULL_DAY), "--output", str(output)]) == 0
    printed = capsys.readouterr().out
    body = output.read_text(encoding="utf-8")
    assert body.strip() in printed and "## Near misses" in body and "## New topics" in body
    assert "Issue: printed (local-git mode: no issue)" in printed
    # a recorded day is reported as that day, not as the week before the test runs
    assert body.startswith("What the bot nearly missed in the papers of 2024-11-28 (")
    assert "**Near misses and new topics**, 2024-11-28:" in printed


def test_the_add_lines_hold_at_most_the_ids_a_comment_may_add(
    tmp_path: Path, taxonomy: Taxonomy, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A term's /add lines held 10 ids whatever config/commands.yml's ``max_ids``: with 4, half of
    each ready line was answered "at most 4 arXiv ids per comment" instead of added."""
    folder = tmp_path / "config"
    shutil.copytree(PROJECT / "config", folder)
    shutil.copytree(PROJECT / "data", tmp_path / "data")  # the fixed background beside the config
    commands = folder / "commands.yml"
    commands.write_text(
        commands.read_text(encoding="utf-8").replace("max_ids: 10", "max_ids: 4"), encoding="utf-8"
    )
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(folder))
    crafted = tmp_path / "week.jsonl"
    crafted.write_text(
        "".join(
            json.dumps(
                {
                    "arxiv_id": f"2411.9990{i}",
                    "title": f"Lantern Weaving study {i} for efficient LLM inference",
                    "abstract": "Faster large language model inference with lower latency and memory.",
                    "categories": ["cs.CL"],
                    "date": "2024-11-28",
                }
            )
            + "\n"
            for i in range(10)
        ),
        encoding="utf-8",
    )
    repo = make_repo(tmp_path / "repo", taxonomy, (PROJECT / "catalog.md").read_text(encoding="utf-8"))
    assert main(["new-topics", "--repo", str(repo), "--feed", str(FULL_DAY), "--feed", str(crafted)]) == 0
    body = capsys.readouterr().out
    adds = [c for c in parse_commands(body.replace("`", "")) if c.name == "add"]
    assert {"2411.99909"} <= {i for c in adds for i in c.ids}
    assert max(len(c.ids) for c in adds) == 4


@pytest.mark.parametrize("where", ["missing folder", "folder"])
def test_an_output_that_cannot_be_written_is_refused_before_the_work(
    tmp_path: Path, taxonomy: Taxonomy, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    """The week used to be read and scored first, and the body then lost to a traceback."""
    repo = make_repo(tmp_path / "repo", taxonomy, (PROJECT / "catalog.md").read_text(encoding="utf-8"))
    output = tmp_path / "no" / "such" / "issue.md" if where == "missing folder" else tmp_path
    assert main(["new-topics", "--repo", str(repo), "--feed", str(FULL_DAY), "--output", str(output)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing read, scored or printed
    expected = "the folder" if where == "missing folder" else "is a folder"
    assert f"error: {output}" in captured.err or f"error: cannot write {output}" in captured.err
    assert expected in captured.err and "--output" in captured.err


def test_an_output_without_write_permission_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.core import catalog_io
    from bot.errors import BotError

    monkeypatch.setattr(catalog_io.os, "access", lambda *_: False)  # the tests may run as root
    with pytest.raises(BotError, match="cannot write .*issue.md: permission denied; pass --output"):
        catalog_io.refuse_unwritable(tmp_path / "issue.md")


DOCS = Path(__file__).resolve().parents[2] / "docs" / "new-topics.md"


def test_the_docs_show_the_issue_as_the_job_renders_it(report: new_topics.NewTopicsReport) -> None:
    """docs/new-topics.md includes this rendering (tests/golden/new-topics.md) of the real day."""
    sample = dataclasses.replace(report, misses=report.misses[:3], terms=report.terms[:1])
    text = new_topics.issue_text(sample, SETTINGS)[1]
    assert text == golden("new-topics.md", text), UPDATE_HINT
    assert text.strip() in DOCS.read_text(encoding="utf-8"), "docs/new-topics.md must include the golden file"


@pytest.mark.parametrize(
    ("misses", "terms", "expected"),
    [(1, 1, "1 near miss, 1 rising term."), (2, 0, "2 near misses, 0 rising terms.")],
)
def test_the_run_summary_counts_in_words(
    report: new_topics.NewTopicsReport, misses: int, terms: int, expected: str
) -> None:
    from bot.core.templates import render

    counted = dataclasses.replace(report, papers=1, misses=report.misses[:misses], terms=report.terms[:terms])
    assert len(counted.misses) == misses and len(counted.terms) == terms
    summary = render("new_topics_summary.md.j2", r=counted, action="printed")
    assert f"1 paper read, {report.scored} scored; {expected}" in summary


def ember_braiding(id_prefix: str, categories: tuple[str, ...], announce_type: str = "new") -> list[Paper]:
    """Three papers in scope by their words whose titles share the made-up term "ember braiding"
    (enough papers to rise): ids ``id_prefix`` + 1, 2, 3."""
    return [
        Paper(
            f"{id_prefix}{i}",
            f"Ember Braiding {name} for efficient LLM inference",
            "Faster large language model inference with lower latency and memory.",
            categories=categories,
            announce_type=announce_type,
        )
        for i, name in enumerate(("scaling", "revisited", "in practice"), 1)
    ]


def test_new_versions_of_older_papers_and_withdrawn_ones_are_no_rising_term(
    report: new_topics.NewTopicsReport, taxonomy: Taxonomy
) -> None:
    """A feed's replace items (more than a third of a full day: v2 of papers from any year) made
    terms "rise this week", and the issue called every one of them "listed, proposed or rejected"
    (281 read, 234 neither...: none of the 47 others was any of those)."""
    keywords = config.load("keywords", PROJECT / "config")
    catalog = parse((PROJECT / "catalog.md").read_text(encoding="utf-8"), taxonomy)
    older = ember_braiding("2301.0777", ("cs.CL",), announce_type="replace")
    papers = [*week(), *older]
    again = report_of(papers, catalog, taxonomy, keywords)
    assert [t.term for t in again.terms] == [t.term for t in report.terms]  # no "ember braiding"
    withdrawn = [dataclasses.replace(p, announce_type="new", withdrawn=True) for p in older]
    gone = report_of([*week(), *withdrawn], catalog, taxonomy, keywords)
    assert "ember braiding" not in [t.term for t in gone.terms]  # withdrawn: its /add is refused
    body = new_topics.issue_text(again, SETTINGS)[1]
    assert (
        f"({len(papers)} read, {again.scored} new: neither listed, proposed, rejected nor a new version"
        in body
    )


def test_papers_outside_the_categories_gate_are_no_rising_term(
    report: new_topics.NewTopicsReport, taxonomy: Taxonomy
) -> None:
    """A feed of every archive (`--feed` of a saved all-archives day) gave a quantization list the
    rising term "black hole" from four astrophysics papers (their "Binary" matched a rule): papers
    the categories gate holds back are never proposed, and their /add lines were refused."""
    keywords = config.load("keywords", PROJECT / "config")
    catalog = parse((PROJECT / "catalog.md").read_text(encoding="utf-8"), taxonomy)
    gated = ember_braiding("2411.8888", ("astro-ph.HE",))
    assert "astro-ph.HE" not in keywords["categories"]["require_any"]
    again = report_of([*week(), *gated], catalog, taxonomy, keywords)
    assert [t.term for t in again.terms] == [t.term for t in report.terms]  # no "ember braiding"
    inside = [dataclasses.replace(p, categories=("cs.CL",)) for p in gated]
    assert "ember braiding" in [
        t.term for t in report_of([*week(), *inside], catalog, taxonomy, keywords).terms
    ]


def test_a_report_longer_than_github_takes_shows_what_fits_and_says_so(
    report: new_topics.NewTopicsReport, fake_github: FakeGitHub
) -> None:  # noqa: F811
    """``max_papers`` and ``max_terms`` have no upper bound: a week of 300 near misses made a body
    of 87,000 characters, which GitHub refuses (HTTP 422), so the job failed every week."""
    miss = report.misses[0]
    many = tuple(
        dataclasses.replace(
            miss,
            paper=dataclasses.replace(miss.paper, arxiv_id=f"2411.{10000 + i}", title="Sparse kernels " * 13),
        )
        for i in range(300)
    )
    big = dataclasses.replace(report, misses=many)
    _, body = new_topics.issue_text(big, SETTINGS)
    shown = body.count("`/add 2411.1")
    assert len(body) <= new_topics.BODY_LIMIT and 100 < shown < 300
    assert (
        f"- and {300 - shown} more near misses, further from the threshold, that this issue has no room for"
        in body
    )
    assert (
        "/add 2411.10000 " in body and f"/add 2411.{10000 + shown} " not in body
    )  # the nearest the threshold first
    assert '"lantern weaving"' in body  # the terms stay
    assert new_topics.publish(forge_for(fake_github), big, SETTINGS, dry_run=False)[0] == "opened"
    [issue] = [i for i in fake_github.issues.values() if not i.is_pull]
    assert issue.body.startswith(body.strip()[:200])


def _announced(submitted: datetime.datetime) -> datetime.datetime:
    """When arXiv announces a paper submitted at ``submitted`` (UTC): at 20:00 US Eastern on the day
    of the next 14:00 deadline (Monday to Friday), Friday's on Sunday evening."""
    eastern = ZoneInfo("America/New_York")
    local, day = submitted.astimezone(eastern), submitted.astimezone(eastern).date()
    while day.weekday() > 4 or datetime.datetime.combine(day, datetime.time(14), eastern) <= local:
        day += datetime.timedelta(days=1)
    day += datetime.timedelta(days=2 if day.weekday() == 4 else 0)
    return datetime.datetime.combine(day, datetime.time(20), eastern).astimezone(datetime.UTC)


@pytest.mark.parametrize("monday", [datetime.date(2025, 1, 6), datetime.date(2025, 7, 7)])  # EST, EDT
@pytest.mark.parametrize("workflow", [".github/workflows/new-topics.yml", "docs/workflows/new-topics.yml"])
def test_every_paper_is_in_exactly_one_weekly_report_and_announced_by_then(
    workflow: str, monday: datetime.date
) -> None:
    """The week ended on the run's day: a Monday run read papers submitted up to that Monday, but
    those from Friday's 14:00 US Eastern deadline on are announced only on Monday evening, and the
    next Monday's week started on Tuesday, so no report ever read them (a weekend's papers, every
    week). Over eight weeks of the workflow's schedule, every hour's papers are in exactly one
    run's week, and announced (so the API finds them) before that run."""
    root = Path(__file__).parents[2]
    data = yaml.safe_load((root / workflow).read_text(encoding="utf-8"))
    [cron] = [entry["cron"] for entry in data[True]["schedule"]]
    minute, hour, _, _, weekday = cron.split()
    first = datetime.datetime.combine(monday, datetime.time(int(hour), int(minute)), datetime.UTC)
    assert weekday == "1" and first.weekday() == 0, cron
    runs = [first + datetime.timedelta(weeks=n) for n in range(8)]
    windows = [new_topics.week_window(run.date(), new_topics.NewTopicsSettings().days) for run in runs]
    start = datetime.datetime.combine(windows[1][0], datetime.time(), datetime.UTC)
    end = datetime.datetime.combine(windows[-2][1], datetime.time(23), datetime.UTC)
    submitted = start
    while submitted <= end:
        reading = [
            run
            for run, (since, until) in zip(runs, windows, strict=True)
            if since <= submitted.date() <= until
        ]
        assert len(reading) == 1, (submitted, reading)
        assert _announced(submitted) <= reading[0], (submitted, _announced(submitted), reading[0])
        submitted += datetime.timedelta(hours=1)
