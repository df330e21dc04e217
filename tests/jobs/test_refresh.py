"""The refresh job on the fake GitHub: bot PRs stay mergeable however many are merged in a row."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.__main__ import main as bot_main
from bot.core import markers, paper_store
from bot.core.catalog_parse import parse
from bot.forge.protocols import ChangeRequest
from bot.jobs import refresh
from bot.jobs.nightly.model import PR_MARKER
from tests.conftest import PROJECT
from tests.fake_github import (
    BOT_TOKEN,
    FakeGitHub,
    catalog_text,
    fake_github,  # noqa: F401  (fixture)
    forge_for,
    paper_change,
)
from tests.golden_files import assert_shown_in_docs


@pytest.fixture
def fake(fake_github: FakeGitHub, taxonomy) -> FakeGitHub:  # noqa: F811
    fake_github.push("catalog.md", catalog_text(taxonomy), message="Add the catalog")
    fake_github.reset_counts()
    return fake_github


def occurrences(fake: FakeGitHub, arxiv_id: str) -> int:
    return sum(1 for line in fake.file("catalog.md").splitlines() if f"arXiv {arxiv_id}" in line)


def test_ten_bot_prs_merged_one_after_another(fake, taxonomy, capsys):
    """Ten PRs insert one line each at the same place; after each merge (a push to main) the
    refresh job rebuilds the ones whose neighbouring lines the merge changed, so every merge is
    clean. Without it, the second merge already conflicts (see
    test_github.test_merging_conflicting_prs_fails_like_github)."""
    ids = [f"2405.{i:05d}" for i in range(1, 11)]
    opening = forge_for(fake)
    numbers = [
        opening.propose(paper_change(taxonomy, arxiv_id, i)).pull_request.number
        for i, arxiv_id in enumerate(ids)
    ]
    order = numbers[::2] + numbers[1::2]  # not in opening order
    per_run = []
    for merged_so_far, number in enumerate(order, start=1):
        assert fake.merge(number).status_code == 200, f"PR #{number} conflicted"
        fake.reset_counts()
        outcomes = refresh.run(forge_for(fake), taxonomy)
        rebuilt = [o for o in outcomes if o.action == "rebuilt"]
        per_run.append((len(outcomes), len(rebuilt), fake.reads(), fake.writes()))
        assert len(outcomes) == 10 - merged_so_far
        assert {o.action for o in outcomes} <= {"rebuilt", "unchanged"}
        assert {o.cause for o in rebuilt} <= {refresh.NEIGHBOURS_CHANGED}
        assert all(fake._mergeable(p) for p in fake.pulls("open"))  # every open PR merges cleanly
    print("\nrefresh after each merge: (open PRs, rebuilt, reads, writes)", per_run)

    assert all(occurrences(fake, arxiv_id) == 1 for arxiv_id in ids)
    assert len(fake.pulls()) == 10 and all(p.merged for p in fake.pulls())
    assert [b for b in fake.branches() if b.startswith("bot/")] == []
    assert all(
        reads == 1 and writes == 3 * rebuilt for _, rebuilt, reads, writes in per_run
    )  # tree, commit, move
    # the first merge moves everyone's neighbour; later ones only the PRs next to the merged line
    assert per_run[0][1] == 9 and sum(r for _, r, _, _ in per_run) < sum(n for n, _, _, _ in per_run)
    final = parse(fake.file("catalog.md"), taxonomy)
    section = [item.arxiv_ids[0] for item in final.items_in("quantization", "weight-only")]
    assert section == sorted(section, reverse=True)  # newest first, as the catalog wants


def touch_neighbour(fake: FakeGitHub) -> None:
    """A maintainer edits the line next to where the test PRs insert (AWQ, the newest entry)."""
    text = fake.file("catalog.md")
    assert text.count("AWQ: Activation-aware") == 1
    fake.push("catalog.md", text.replace("AWQ: Activation-aware", "AWQ: Activation-Aware"))


def test_a_push_away_from_the_prs_rebuilds_nothing(fake, taxonomy):
    forge = forge_for(fake)
    for i in range(3):
        forge.propose(paper_change(taxonomy, f"2405.0000{i + 1}", i))
    fake.push("catalog.md", fake.file("catalog.md") + "\nA footer line.\n")
    fake.reset_counts()

    outcomes = refresh.run(forge_for(fake), taxonomy)

    assert [(o.action, o.cause) for o in outcomes] == [("unchanged", refresh.NEIGHBOURS_UNCHANGED)] * 3
    assert dict(fake.counts) == {"POST /graphql": 1}
    assert all(fake._mergeable(p) for p in fake.pulls("open"))
    assert fake.merge(outcomes[0].pull_request.number).status_code == 200
    assert fake.file("catalog.md").endswith("A footer line.\n") and occurrences(fake, "2405.00001") == 1


def test_a_pr_github_reports_conflicting_is_rebuilt(fake, taxonomy):
    """A conflict the context cannot see (here: a hand-made commit on the bot branch) is still
    caught, from the mergeable state the pull-request query already reads."""
    change = paper_change(taxonomy, "2405.00001")
    forge_for(fake).propose(change)
    text, mine = fake.file("catalog.md"), fake.file("catalog.md", change.branch)
    message = fake.git.commits[fake.head(change.branch)].message  # with the bot's context trailer
    fake.push("catalog.md", mine.replace("\n## ", "\nA line by hand.\n\n## ", 1), change.branch, message)
    fake.push("catalog.md", text.replace("\n## ", "\nAnother line.\n\n## ", 1))
    [pull] = fake.pulls("open")
    assert fake._mergeable(pull) is False

    fake.mergeable_unknown = True  # right after the push GitHub has not computed it yet
    assert [o.action for o in refresh.run(forge_for(fake), taxonomy, dry_run=True)] == ["unchanged"]
    fake.mergeable_unknown = False
    [outcome] = refresh.run(forge_for(fake), taxonomy)

    assert (outcome.action, outcome.cause) == ("rebuilt", refresh.CONFLICTING)
    assert fake._mergeable(pull) is True and "A line by hand" not in fake.file("catalog.md", change.branch)


def test_a_commit_pushed_by_hand_stays_until_a_rebuild_is_needed(fake, taxonomy):
    """A maintainer fixes the entry in GitHub's editor (a commit of their own on the bot's branch):
    as on local git, the PR is left as it is while the lines around its change are unchanged, and
    replaced only at a rebuild it needs (docs/github.md). It was rebuilt on the next push whatever
    that push changed, as if its commit recorded no context ("built by an older version")."""
    change = paper_change(taxonomy, "2405.00001")
    forge_for(fake).propose(change)
    fixed = fake.file("catalog.md", change.branch).replace("Tiny Draft Heads", "Tiny Draft Heads (ICML)")
    fake.push("catalog.md", fixed, change.branch, message="Update catalog.md")
    fake.push("catalog.md", fake.file("catalog.md") + "\nA footer line.\n")

    [outcome] = refresh.run(forge_for(fake), taxonomy)

    assert (outcome.action, outcome.cause) == ("unchanged", refresh.NEIGHBOURS_UNCHANGED)
    assert fake.file("catalog.md", change.branch) == fixed
    [pull] = fake.pulls("open")
    assert fake._mergeable(pull) and fake.merge(pull.number).status_code == 200
    assert "Tiny Draft Heads (ICML)" in fake.file("catalog.md")


def test_a_commit_pushed_by_hand_is_replaced_at_a_rebuild_it_needs(fake, taxonomy):
    change = paper_change(taxonomy, "2405.00001")
    forge_for(fake).propose(change)
    fixed = fake.file("catalog.md", change.branch).replace("Tiny Draft Heads", "Tiny Draft Heads (ICML)")
    fake.push("catalog.md", fixed, change.branch, message="Update catalog.md")
    touch_neighbour(fake)

    [dry] = refresh.run(forge_for(fake), taxonomy, dry_run=True)
    [outcome] = refresh.run(forge_for(fake), taxonomy)

    assert (outcome.action, outcome.cause) == ("rebuilt", refresh.NEIGHBOURS_CHANGED)
    assert "(ICML)" not in fake.file("catalog.md", change.branch)
    # the summary says that the maintainer's commit is gone, and how to change a section instead
    assert dry.reason == outcome.reason == f"{refresh.NEIGHBOURS_CHANGED}; {refresh.HAND_COMMITS_REPLACED}"
    [again] = refresh.run(forge_for(fake), taxonomy, dry_run=True)
    assert (again.action, again.pull_request.hand_commits) == ("unchanged", False)


def test_a_commit_pushed_while_refresh_runs_is_kept_and_the_pr_skipped(fake, taxonomy):
    """A maintainer's commit pushed between refresh's read and its write (or another run's
    rebuild) is not force-pushed away: that PR is skipped with the reason, the others go on,
    and the next refresh sees the commit and says it replaces it."""
    change = paper_change(taxonomy, "2405.00001")
    forge_for(fake).propose(change)
    touch_neighbour(fake)
    forge = forge_for(fake)
    forge.bot_pull_requests()  # refresh reads the repository
    fixed = fake.file("catalog.md", change.branch).replace("Tiny Draft Heads", "Tiny Draft Heads (ICML)")
    theirs = fake.push("catalog.md", fixed, change.branch, message="Update catalog.md")

    [outcome] = refresh.run(forge, taxonomy)

    assert (outcome.action, outcome.cause) == ("skipped", refresh.MOVED_MEANWHILE)
    assert "moved while this run rebuilt it" in outcome.reason and fake.head(change.branch) == theirs
    [dry] = refresh.run(forge_for(fake), taxonomy, dry_run=True)
    assert dry.action == "would rebuild" and refresh.HAND_COMMITS_REPLACED in dry.reason


def test_a_commit_pushed_by_hand_on_the_local_git_forge(tmp_path, taxonomy):
    from bot.forge.local_git import LocalGitForge
    from tests.gitrepo import git, make_repo

    repo = make_repo(tmp_path / "repo", taxonomy)
    LocalGitForge(repo, branch_prefix="bot/").propose(paper_change(taxonomy, "2405.00001"))
    git(repo, "switch", "-q", "bot/arxiv-2405.00001")
    text = (repo / "catalog.md").read_text()
    (repo / "catalog.md").write_text(
        text.replace("Tiny Draft Heads", "Tiny Draft Heads (ICML)"), encoding="utf-8"
    )
    git(repo, "commit", "-q", "-am", "a maintainer's fix")
    git(repo, "switch", "-q", "main")
    [kept] = refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy)
    assert (kept.action, kept.pull_request.hand_commits) == ("unchanged", True)
    text = (repo / "catalog.md").read_text()
    (repo / "catalog.md").write_text(text.replace("GPTQ: Accurate", "GPTQ: accurate"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "neighbour")

    [outcome] = refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy)

    # a local branch has no PR to comment `/add` on (the GitHub hint, which the walk's local refresh
    # printed): git's reflog keeps the maintainer's commit, and it says so
    assert (outcome.action, outcome.reason) == (
        "rebuilt",
        f"{refresh.NEIGHBOURS_CHANGED}; the commits on top of the bot's are replaced "
        "(`git reflog bot/arxiv-2405.00001` still has them): make the change again after merging the branch",
    )
    assert "(ICML)" not in git(repo, "show", "bot/arxiv-2405.00001:catalog.md")
    assert "(ICML)" in git(repo, "show", "bot/arxiv-2405.00001@{1}:catalog.md")  # what the reflog keeps


def test_refresh_twice_writes_nothing_the_second_time(fake, taxonomy):
    forge = forge_for(fake)
    for i in range(3):
        forge.propose(paper_change(taxonomy, f"2405.0000{i + 1}", i))
    touch_neighbour(fake)
    outcomes = refresh.run(forge_for(fake), taxonomy)
    assert [(o.action, o.cause) for o in outcomes] == [("rebuilt", refresh.NEIGHBOURS_CHANGED)] * 3
    fake.reset_counts()
    assert [o.action for o in refresh.run(forge_for(fake), taxonomy)] == ["unchanged"] * 3
    assert dict(fake.counts) == {"POST /graphql": 1}


def test_a_pr_whose_paper_is_already_in_the_catalog_is_closed(fake, taxonomy):
    change = paper_change(taxonomy, "2405.00001")
    pull = forge_for(fake).propose(change).pull_request
    fake.push("catalog.md", change.edit(fake.file("catalog.md")), message="Added by hand")

    [outcome] = refresh.run(forge_for(fake), taxonomy)
    assert refresh.run(forge_for(fake), taxonomy) == []  # nothing open any more

    assert outcome.action == "closed" and outcome.reason.startswith("already at line")
    assert fake.issues[pull.number].state == "closed" and not fake.issues[pull.number].merged
    assert change.branch not in fake.branches()
    [comment] = fake.issue_comments(pull.number)
    assert "arXiv 2405.00001 is already in `catalog.md` (line" in comment.body
    assert markers.find(comment.body, "closing") == {}


@pytest.mark.parametrize("rebuilt", [False, True])
def test_a_pr_whose_paper_is_only_mentioned_by_another_entry_stays_open(fake, taxonomy, rebuilt):
    """A note under another entry ("compared with arXiv X") does not list paper X: its PR is not
    closed as merged another way (a closed PR is also the poll job's memory of a rejection), and
    a rebuild is not refused as a duplicate of that note."""
    change = paper_change(taxonomy, "2405.00001")
    pull = forge_for(fake).propose(change).pull_request
    text = fake.file("catalog.md")
    gptq = next(line for line in text.splitlines() if "arXiv 2210.17323" in line)
    fake.push("catalog.md", text.replace(gptq, gptq + "\n  - compared with arXiv 2405.00001"))
    if rebuilt:
        touch_neighbour(fake)

    [outcome] = refresh.run(forge_for(fake), taxonomy)

    assert outcome.action == ("rebuilt" if rebuilt else "unchanged"), outcome.reason
    assert fake.issues[pull.number].state == "open" and change.branch in fake.branches()
    assert fake.merge(pull.number).status_code == 200
    merged = parse(fake.file("catalog.md"), taxonomy).find_paper("2405.00001", None)
    assert merged is not None and merged.entry is not None and merged.entry.arxiv_id == "2405.00001"


def test_a_pr_github_refuses_to_close_fails_alone(fake, taxonomy):
    """Closing a PR is a write like a rebuild: when GitHub refuses it, that PR is listed as failed
    and the other open PRs are still refreshed (the run stopped at the refused close)."""
    forge = forge_for(fake)
    done = paper_change(taxonomy, "2405.00001")
    closing = forge.propose(done).pull_request
    other = forge.propose(paper_change(taxonomy, "2405.00002", 1)).pull_request
    text = done.edit(fake.file("catalog.md"))
    fake.push("catalog.md", text.replace("AWQ: Activation-aware", "AWQ: Activation-Aware"), message="By hand")
    fake.fail("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}", 403, message="Resource not accessible")

    outcomes = refresh.run(forge_for(fake), taxonomy)

    assert [(o.pull_request.number, o.action) for o in outcomes] == [
        (closing.number, "failed"),
        (other.number, "rebuilt"),
    ]
    assert "Resource not accessible" in outcomes[0].reason
    assert fake.issues[closing.number].state == "open"
    assert [o.action for o in refresh.run(forge_for(fake), taxonomy)] == ["closed", "unchanged"]


def test_prs_without_a_usable_marker_are_left_alone(fake, taxonomy):
    fake.seed_pull("bot/digest", "catalog.md", "x\n", "Digest", "no marker here")
    gone = markers.make(
        "arxiv",
        {
            "arxiv_id": "2405.00009",
            "section": "gone",
            "subsection": None,
            "line": paper_change(taxonomy, "2405.00009").body.split("```markdown\n")[1].split("\n")[0],
        },
    )
    fake.seed_pull("bot/arxiv-2405.00009", "catalog.md", "y\n", "Old section", f"body\n{gone}")
    fake.seed_pull("feature/x", "README.md", "z\n", "Human PR", "not the bot's")
    fake.reset_counts()

    outcomes = refresh.run(forge_for(fake), taxonomy)

    assert [(o.pull_request.branch, o.action) for o in outcomes] == [
        ("bot/digest", "skipped"),
        ("bot/arxiv-2405.00009", "skipped"),
    ]
    assert "no arxiv marker" in outcomes[0].reason and "gone" in outcomes[1].reason
    assert fake.writes() == 0


def test_dry_run_says_what_a_real_run_does(fake, taxonomy):
    forge_for(fake).propose(paper_change(taxonomy, "2405.00001"))
    forge_for(fake).propose(paper_change(taxonomy, "2305.00002", 1))  # goes between AWQ and GPTQ
    fake.push("catalog.md", fake.file("catalog.md") + "\nfooter\n")
    touch_neighbour(fake)
    fake.reset_counts()

    dry = refresh.run(forge_for(fake), taxonomy, dry_run=True)
    assert fake.writes() == 0
    real = refresh.run(forge_for(fake), taxonomy)
    again = refresh.run(forge_for(fake), taxonomy, dry_run=True)

    assert [(o.label, o.action) for o in dry] == [
        (f"#{o.pull_request.number}", a)
        for o, a in zip(real, ["would rebuild", "would rebuild"], strict=True)
    ]
    assert [o.action for o in real] == ["rebuilt", "rebuilt"]
    assert [o.action for o in again] == ["unchanged", "unchanged"]


def as_in_actions(fake: FakeGitHub, tmp_path, monkeypatch) -> Path:
    """``python -m bot refresh`` will run as in the workflow, on the fake; returns the job summary file."""
    config = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config)
    (config / "github.yml").write_text(
        "seconds_between_requests: 0\nseconds_between_writes: 0\ntimeout_seconds: 5\n"
    )
    summary = tmp_path / "summary.md"
    for key, value in {
        "CATALOG_BOT_CONFIG": str(config),
        "GITHUB_TOKEN": BOT_TOKEN,
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_API_URL": fake.url,
        "GITHUB_STEP_SUMMARY": str(summary),
    }.items():
        monkeypatch.setenv(key, value)
    return summary


def test_python_m_bot_refresh(fake, taxonomy, tmp_path, monkeypatch, capsys):
    summary = as_in_actions(fake, tmp_path, monkeypatch)
    pull = forge_for(fake).propose(paper_change(taxonomy, "2405.00001")).pull_request
    forge_for(fake).propose(paper_change(taxonomy, "2209.00002", 1))  # after GPTQ, away from AWQ
    touch_neighbour(fake)

    assert bot_main(["refresh"]) == 0

    out = capsys.readouterr().out
    assert f"| #{pull.number} | `bot/arxiv-2405.00001` | rebuilt: {refresh.NEIGHBOURS_CHANGED} |" in out
    assert "bot/arxiv-2209.00002" not in out  # left as it is: no row
    assert "1 of 2 open bot PRs rebuilt on the current default branch, 1 left as it is, 0 closed" in out
    assert f"- rebuilt: 1 ({refresh.NEIGHBOURS_CHANGED})" in out
    assert f"- unchanged: 1 ({refresh.NEIGHBOURS_UNCHANGED})" in out
    assert summary.read_text().strip() == out.strip()
    assert fake.git.commits[fake.head("bot/arxiv-2405.00001")].parents == [fake.head()]


# -- batch mode: one digest PR per run ----------------------------------------------------------------


def digest_proposal(taxonomy, index: int):
    from bot.core.paper import Paper
    from bot.core.proposals import Proposal, paper_entry
    from tests.fake_github import TITLES

    paper = Paper(arxiv_id=f"2405.{index:05d}", title=TITLES[index], authors=("Ada Lovelace",))
    return Proposal(paper=paper, entry=paper_entry(paper), section="quantization", subsection="weight-only")


def first_digest(fake: FakeGitHub, taxonomy, indices: tuple[int, ...]):
    """A batch-mode digest of the papers ``2405.<index>`` on the fake's catalog, as a first poll
    run builds it (no digest open yet)."""
    from bot.core import digest

    proposals = [digest_proposal(taxonomy, i) for i in indices]
    catalog = parse(fake.file("catalog.md"), taxonomy)
    return digest.digest_for_run(None, proposals, catalog, taxonomy, "catalog.md", "bot/digest")


def untick(fake: FakeGitHub, number: int, arxiv_id: str) -> None:
    body = fake.issues[number].body.replace(f"- [x] arXiv {arxiv_id}:", f"- [ ] arXiv {arxiv_id}:")
    assert fake.api("PATCH", f"/repos/{fake.repository}/pulls/{number}", {"body": body}).status_code == 200


def test_digest_untick_a_paper_and_rerun(fake, taxonomy):
    from bot.core import digest

    first = first_digest(fake, taxonomy, (1, 2, 3))
    opened = forge_for(fake).propose(first)
    number = opened.pull_request.number
    assert opened.action == "opened" and first.title == "Add 3 papers to the catalog"
    assert all(occurrences_on(fake, "bot/digest", f"2405.{i:05d}") == 1 for i in (1, 2, 3))

    untick(fake, number, "2405.00002")
    forge = forge_for(fake)  # the next poll run, with one new paper
    [previous] = [p for p in forge.bot_pull_requests("open") if p.branch == "bot/digest"]
    second = digest.digest_for_run(
        previous,
        [digest_proposal(taxonomy, 4)],
        parse(forge.read_file("catalog.md"), taxonomy),
        taxonomy,
        "catalog.md",
        "bot/digest",
    )
    result = forge.propose(second)

    assert result.action == "updated" and result.pull_request.number == number and len(fake.pulls()) == 1
    assert [occurrences_on(fake, "bot/digest", f"2405.{i:05d}") for i in (1, 2, 3, 4)] == [1, 0, 1, 1]
    body = fake.issues[number].body
    assert "- [ ] arXiv 2405.00002: [Sparse Mixture Routing under Memory Budgets]" in body
    assert body.count("- [x] arXiv") == 3 and fake.issues[number].title == "Add 3 papers to the catalog"
    assert digest.rejected_ids(result.pull_request) == {"2405.00002"}
    assert [o.action for o in refresh.run(forge_for(fake), taxonomy)] == ["unchanged"]
    assert fake.merge(number).status_code == 200
    assert [occurrences(fake, f"2405.{i:05d}") for i in (1, 2, 3, 4)] == [1, 0, 1, 1]


def test_refresh_closes_a_digest_with_nothing_ticked(fake, taxonomy):
    from bot.core import digest

    change = first_digest(fake, taxonomy, (1, 2))
    number = forge_for(fake).propose(change).pull_request.number
    untick(fake, number, "2405.00001")
    untick(fake, number, "2405.00002")

    [outcome] = refresh.run(forge_for(fake), taxonomy)

    assert outcome.action == "closed" and fake.issues[number].state == "closed"
    [comment] = fake.issue_comments(number)
    assert comment.body.startswith(
        "Closing: no ticked paper is left to add (2 unticked: the bot will not propose them again)."
    )
    closed = forge_for(fake).bot_pull_requests("closed")[0]
    assert digest.rejected_ids(closed) == {"2405.00001", "2405.00002"}


def test_a_digest_paper_only_mentioned_by_another_entry_stays_in_the_digest(fake, taxonomy):
    """A note mentioning a ticked paper's id under another entry does not list it: the paper stays
    ticked in the digest (it was dropped as "in the catalog", and with it the whole digest)."""
    change = first_digest(fake, taxonomy, (1,))
    number = forge_for(fake).propose(change).pull_request.number
    text = fake.file("catalog.md")
    gptq = next(line for line in text.splitlines() if "arXiv 2210.17323" in line)
    fake.push("catalog.md", text.replace(gptq, gptq + "\n  - compared with arXiv 2405.00001"))

    [outcome] = refresh.run(forge_for(fake), taxonomy)

    assert outcome.action in ("unchanged", "rebuilt"), outcome.reason
    assert fake.issues[number].state == "open" and "- [x] arXiv 2405.00001:" in fake.issues[number].body


def test_a_digest_whose_marker_was_edited_out_of_shape_is_left_as_it_is(fake, taxonomy):
    """A hand edit of the digest's hidden marker that leaves an entry without its section (or the
    entries no list) made refresh fail with a traceback (KeyError), every push; a rebuild from
    the entries left would drop that paper. The PR is skipped, untouched, with the reason."""
    import json

    change = first_digest(fake, taxonomy, (1, 2))
    number = forge_for(fake).propose(change).pull_request.number
    body = fake.issues[number].body
    marker = markers.find(body, "digest")
    assert marker is not None
    del marker["entries"][1]["section"]
    start = body.index("<!-- catalog-bot:digest ")
    edited = (
        body[:start]
        + f"<!-- catalog-bot:digest {json.dumps(marker)} -->"
        + body[body.index("-->", start) + 3 :]
    )
    assert fake.api("PATCH", f"/repos/{fake.repository}/pulls/{number}", {"body": edited}).status_code == 200
    head = fake.head("bot/digest")
    touch_neighbour(fake)  # a rebuild would be due

    [outcome] = refresh.run(forge_for(fake), taxonomy)

    assert (outcome.action, outcome.cause) == ("skipped", refresh.NO_MARKER)
    assert "1 paper(s) of its hidden marker are not as the bot wrote them" in outcome.reason
    assert fake.head("bot/digest") == head and fake.issues[number].body == edited


def occurrences_on(fake: FakeGitHub, branch: str, arxiv_id: str) -> int:
    return sum(1 for line in fake.file("catalog.md", branch).splitlines() if f"arXiv {arxiv_id}" in line)


def test_refresh_on_the_local_git_forge(tmp_path, taxonomy):
    """Without a token the same job runs on a local clone (bot.forge.local_git)."""
    from bot.forge.local_git import LocalGitForge
    from tests.gitrepo import git, make_repo

    repo = make_repo(tmp_path / "repo", taxonomy)
    forge = LocalGitForge(repo, branch_prefix="bot/")
    forge.propose(paper_change(taxonomy, "2405.00001"))
    (repo / "catalog.md").write_text((repo / "catalog.md").read_text() + "\nfooter\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "footer")
    tip = git(repo, "rev-parse", "bot/arxiv-2405.00001")

    [away] = refresh.run(
        LocalGitForge(repo, branch_prefix="bot/"), taxonomy
    )  # the footer is far from the new line
    assert (away.action, away.pull_request.mergeable) == ("unchanged", True)
    assert git(repo, "rev-parse", "bot/arxiv-2405.00001") == tip
    text = (repo / "catalog.md").read_text()  # GPTQ is the line after the new one: touch it
    (repo / "catalog.md").write_text(text.replace("GPTQ: Accurate", "GPTQ: accurate"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "neighbour")

    dry = refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy, dry_run=True)
    [outcome] = refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy)

    assert [(o.label, o.action) for o in dry] == [("bot/arxiv-2405.00001", "would rebuild")]  # no "#0"
    assert (outcome.action, outcome.cause) == ("rebuilt", refresh.NEIGHBOURS_CHANGED)
    assert git(repo, "rev-parse", "bot/arxiv-2405.00001~1").strip() == git(repo, "rev-parse", "main").strip()
    assert [
        o.action for o in refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy, dry_run=True)
    ] == ["unchanged"]
    assert [o.action for o in refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy)] == [
        "unchanged"
    ]


def test_remove_and_move_prs_are_rebuilt_and_closed_when_done(tmp_path, taxonomy):
    """/remove and /move PRs (catalog-edit marker) follow the default branch like paper PRs."""
    from bot.core.proposals import EDIT_MARKER_KIND, catalog_edit
    from bot.forge.local_git import LocalGitForge
    from bot.forge.protocols import ChangeRequest
    from tests.gitrepo import git, make_repo

    def edit_pr(action, arxiv_id, placement):
        section, subsection = placement or (None, None)
        body = "why\n\n" + markers.make(
            EDIT_MARKER_KIND,
            {"action": action, "arxiv_id": arxiv_id, "section": section, "subsection": subsection},
        )
        return ChangeRequest(
            branch=f"bot/{action}-{arxiv_id}",
            title=f"{action} {arxiv_id}",
            body=body,
            commit_message=action,
            path="catalog.md",
            edit=catalog_edit(arxiv_id, placement, taxonomy),
        )

    repo = make_repo(tmp_path / "repo", taxonomy)
    forge = LocalGitForge(repo, branch_prefix="bot/")
    forge.propose(edit_pr("remove", "2306.14048", None))
    forge.propose(edit_pr("move", "2211.17192", ("surveys", None)))
    (repo / "catalog.md").write_text((repo / "catalog.md").read_text() + "\nfooter\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "footer")

    outcomes = {
        o.pull_request.branch: o.action
        for o in refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy)
    }
    assert outcomes == {"bot/remove-2306.14048": "unchanged", "bot/move-2211.17192": "unchanged"}
    # the line before H2O (the removed one) and the lines where the moved one goes change
    text = (repo / "catalog.md").read_text(encoding="utf-8").replace("LLM Knows What", "LLM knows what")
    text = text.replace("Surveys, tutorials and benchmarks", "Surveys, tutorials, benchmarks")
    (repo / "catalog.md").write_text(text, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "neighbours")
    outcomes = {
        o.pull_request.branch: o.action
        for o in refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy)
    }
    assert outcomes == {"bot/remove-2306.14048": "rebuilt", "bot/move-2211.17192": "rebuilt"}
    for branch in outcomes:
        assert git(repo, "rev-parse", f"{branch}~1").strip() == git(repo, "rev-parse", "main").strip()

    git(repo, "merge", "-q", "--ff-only", "bot/remove-2306.14048")  # the removal is merged
    outcomes = {
        o.pull_request.branch: o.action
        for o in refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy)
    }
    # the merged one is no longer open; the move's context spans from its old place to its new
    # one (two hunks: one window), and the removal lies in between, so it is rebuilt
    assert outcomes == {"bot/move-2211.17192": "rebuilt"}
    # a maintainer moves the paper by hand: the move PR has nothing left to do and is closed
    text = (repo / "catalog.md").read_text(encoding="utf-8")
    moved = parse(text, taxonomy).move("2211.17192", "surveys").render()
    (repo / "catalog.md").write_text(moved, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "moved by hand")
    [closed] = refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy)
    assert (closed.pull_request.branch, closed.action) == ("bot/move-2211.17192", "closed")
    assert [
        p.state
        for p in LocalGitForge(repo, branch_prefix="bot/").bot_pull_requests("all")
        if p.branch == "bot/move-2211.17192"
    ] == ["closed"]


def test_a_remove_pr_is_closed_once_its_paper_is_only_mentioned(tmp_path, taxonomy):
    """The paper's entry is gone; another entry still mentions its id: done, and that entry stays."""
    from bot.core.proposals import EDIT_MARKER_KIND, catalog_edit
    from bot.forge.local_git import LocalGitForge
    from bot.forge.protocols import ChangeRequest
    from tests.gitrepo import git, make_repo

    repo = make_repo(tmp_path / "repo", taxonomy)
    body = "why\n\n" + markers.make(
        EDIT_MARKER_KIND, {"action": "remove", "arxiv_id": "2306.14048", "section": None, "subsection": None}
    )
    LocalGitForge(repo, branch_prefix="bot/").propose(
        ChangeRequest(
            branch="bot/remove-2306.14048",
            title="remove",
            body=body,
            commit_message="remove",
            path="catalog.md",
            edit=catalog_edit("2306.14048", None, taxonomy),
        )
    )
    lines = (repo / "catalog.md").read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [line for line in lines if "arXiv 2306.14048" not in line]
    at = next(i for i, line in enumerate(lines) if "arXiv 2211.17192" in line)
    lines.insert(at + 1, "  - follows arXiv 2306.14048\n")
    (repo / "catalog.md").write_text("".join(lines), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "removed by hand, mentioned elsewhere")

    [outcome] = refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy)

    assert outcome.action == "closed"
    assert "arXiv 2211.17192" in (repo / "catalog.md").read_text(encoding="utf-8")


# -- what docs/github.md shows ----------------------------------------------------------------------------


def without_marker(body: str) -> str:
    """A comment or PR body as a maintainer reads it: without the bot's hidden marker."""
    shown = re.sub(r"\s*<!-- catalog-bot:[a-z0-9-]+(?: \{.*?\})? -->\s*", "\n\n", body, flags=re.S)
    return shown.strip() + "\n"


def test_the_docs_show_a_refresh_after_a_merge_and_a_paper_added_by_hand(
    fake, taxonomy, tmp_path, monkeypatch, capsys
):
    """docs/github.md and docs/refresh.md include the job summary of ``python -m bot refresh``
    after one of four bot PRs was merged and the third paper added by hand: the second PR is
    rebuilt, the third closed, the fourth (another section) left as it is
    (tests/golden/github-refresh-summary.md); github.md also shows the comment closing the third
    PR (github-refresh-closed.md)."""
    as_in_actions(fake, tmp_path, monkeypatch)
    changes = [paper_change(taxonomy, f"2405.0000{i}", i) for i in (1, 2, 3)]
    changes.append(paper_change(taxonomy, "2405.00004", 4, section="kv-cache", subsection=None))
    numbers = [forge_for(fake).propose(change).pull_request.number for change in changes]
    assert fake.merge(numbers[0]).status_code == 200
    fake.push("catalog.md", changes[2].edit(fake.file("catalog.md")), message="Added by hand")

    assert bot_main(["refresh"]) == 0

    summary = capsys.readouterr().out
    assert f"| #{numbers[1]} | `bot/arxiv-2405.00002` | rebuilt: " in summary
    assert f"| #{numbers[2]} | `bot/arxiv-2405.00003` | closed: already at line " in summary
    assert "1 of 3 open bot PRs rebuilt on the current default branch, 1 left as it is, 1 closed" in summary
    assert_shown_in_docs("github.md", "github-refresh-summary.md", summary)
    assert_shown_in_docs("refresh.md", "github-refresh-summary.md", summary)
    [comment] = fake.issue_comments(numbers[2])
    closed = without_marker(comment.body)
    assert closed.startswith("Closing: arXiv 2405.00003 is already in `catalog.md` (line ")
    assert_shown_in_docs("github.md", "github-refresh-closed.md", closed)


def test_the_docs_show_a_digest_pr_with_a_paper_unticked(fake, taxonomy):
    """docs/github.md includes the body of a batch-mode digest PR of three papers, one of them
    unticked by a maintainer and the PR rebuilt by the refresh job (tests/golden/github-digest.md)."""
    from bot.core import digest

    change = first_digest(fake, taxonomy, (1, 2, 3))
    number = forge_for(fake).propose(change).pull_request.number
    untick(fake, number, "2405.00002")

    assert [o.action for o in refresh.run(forge_for(fake), taxonomy)] == ["rebuilt"]

    body = fake.issues[number].body
    assert digest.rejected_ids(forge_for(fake).bot_pull_requests("open")[0]) == {"2405.00002"}
    assert [occurrences_on(fake, "bot/digest", f"2405.{i:05d}") for i in (1, 2, 3)] == [1, 0, 1]
    shown = without_marker(body)
    assert "The bot found 3 papers for the catalog; this PR adds the 2 ticked ones." in shown
    assert_shown_in_docs("github.md", "github-digest.md", shown)


def test_a_pr_whose_section_was_removed_is_skipped_and_left_as_it_is(tmp_path, taxonomy):
    """docs/refresh.md: the section a PR inserts into is gone from the catalog; the PR stays open,
    untouched, listed with the reason."""
    from bot.forge.local_git import LocalGitForge
    from tests.gitrepo import git, make_repo

    repo = make_repo(tmp_path / "repo", taxonomy)
    LocalGitForge(repo, branch_prefix="bot/").propose(
        paper_change(taxonomy, "2405.00001", section="kv-cache", subsection=None)
    )
    tip = git(repo, "rev-parse", "bot/arxiv-2405.00001")
    lines = (repo / "catalog.md").read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("## KV Cache"))
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith("## "))
    (repo / "catalog.md").write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "KV cache papers moved elsewhere")

    for _ in range(2):
        [outcome] = refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy)
        assert (outcome.action, outcome.cause) == ("skipped", refresh.NOT_APPLICABLE)
        assert "no section 'kv-cache'" in outcome.reason
        assert git(repo, "rev-parse", "bot/arxiv-2405.00001") == tip
    assert [p.state for p in LocalGitForge(repo, branch_prefix="bot/").bot_pull_requests("all")] == ["open"]


def test_an_empty_catalog_is_not_called_missing(tmp_path, taxonomy):
    """An empty catalog.md on the default branch was reported as "missing"."""
    from bot.errors import CatalogError
    from bot.forge.local_git import LocalGitForge
    from tests.gitrepo import git, make_repo

    repo = make_repo(tmp_path / "repo", taxonomy, text="\n")
    with pytest.raises(CatalogError, match="catalog.md is empty on the default branch"):
        refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy)
    git(repo, "rm", "-q", "catalog.md")
    git(repo, "commit", "-q", "-m", "gone")
    with pytest.raises(
        CatalogError, match="catalog.md is missing on the default branch.*pass --catalog PATH"
    ):
        refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy)


# -- the nightly job's rolling PR ---------------------------------------------------------------------

NIGHTLY_BRANCH = "bot/nightly-maintenance"
GPTQ_AUTHORS = "Elias Frantar, Saleh Ashkboos"
AWQ_AUTHORS = "Ji Lin, Jiaming Tang"
STORE = '{"arxiv_id": "2210.17323", "authors": ["Elias Frantar", "Saleh Ashkboos", "Dan Alistarh"]}\n'


def nightly_change(store: str = STORE) -> ChangeRequest:
    """A rolling maintenance PR as the nightly job proposes it: lines rewritten in place (here two
    author lists from the paper store), the store beside them, its bare hidden marker."""

    def edit(text: str) -> str:
        return text.replace(GPTQ_AUTHORS, f"{GPTQ_AUTHORS}, Dan Alistarh").replace(
            AWQ_AUTHORS, f"{AWQ_AUTHORS}, Song Han"
        )

    return ChangeRequest(
        branch=NIGHTLY_BRANCH,
        title="Nightly maintenance",
        body=f"Rebuilt every night.\n\n{markers.make(PR_MARKER)}",
        commit_message="Nightly maintenance: 2 author lists",
        path="catalog.md",
        edit=edit,
        labels=(),
        extra_files=((paper_store.DEFAULT_PATH, store),) if store else (),
    )


def test_the_nightly_pr_is_rebuilt_when_a_paper_lands_next_to_a_line_it_rewrites(fake, taxonomy):
    """The refresh job skipped the rolling PR ("no arxiv marker"): a paper PR merged right above a
    line the night rewrote left it conflicting (GitHub: "This branch has conflicts") until the next
    night, although its body says "merge it whenever you like". Its rewrites are now replayed on
    the default branch as it is, its paper store carried along."""
    nightly = forge_for(fake).propose(nightly_change()).pull_request
    paper = forge_for(fake).propose(paper_change(taxonomy, "2405.00001")).pull_request
    assert fake.merge(paper.number).status_code == 200  # its line lands right above GPTQ's

    [outcome] = refresh.run(forge_for(fake), taxonomy)  # the paper's PR is merged

    assert (outcome.pull_request.branch, outcome.action) == (NIGHTLY_BRANCH, "rebuilt")
    assert outcome.cause == refresh.NEIGHBOURS_CHANGED
    assert fake.merge(nightly.number).status_code == 200
    text = fake.file("catalog.md")
    assert occurrences(fake, "2405.00001") == 1 and f"{GPTQ_AUTHORS}, Dan Alistarh" in text
    assert f"{AWQ_AUTHORS}, Song Han" in text and fake.file(paper_store.DEFAULT_PATH) == STORE


def test_a_rebuilt_nightly_pr_keeps_a_line_a_maintainer_edited_meanwhile(fake, taxonomy):
    forge_for(fake).propose(nightly_change())
    fake.push("catalog.md", fake.file("catalog.md").replace(GPTQ_AUTHORS, "E. Frantar, S. Ashkboos"))

    [outcome] = refresh.run(forge_for(fake), taxonomy)
    [again] = refresh.run(forge_for(fake), taxonomy)

    assert outcome.action == "rebuilt" and again.action == "unchanged"
    text = fake.file("catalog.md", NIGHTLY_BRANCH)
    assert "E. Frantar, S. Ashkboos · " in text and f"{AWQ_AUTHORS}, Song Han" in text  # the next night's
    assert fake.file(paper_store.DEFAULT_PATH, NIGHTLY_BRANCH) == STORE


def test_a_nightly_pr_whose_store_moved_on_the_default_branch_is_left_to_the_next_night(fake, taxonomy):
    """Its store was built from the default branch's of that night: carried over a store pushed
    since, it would undo that push."""
    forge_for(fake).propose(nightly_change())
    fake.push(paper_store.DEFAULT_PATH, '{"arxiv_id": "2306.00978"}\n')
    fake.push("catalog.md", fake.file("catalog.md").replace(GPTQ_AUTHORS, "E. Frantar, S. Ashkboos"))
    head = fake.head(NIGHTLY_BRANCH)
    fake.reset_counts()

    [outcome] = refresh.run(forge_for(fake), taxonomy)

    assert (outcome.action, outcome.cause) == ("skipped", refresh.STORE_MOVED) and fake.writes() == 0
    assert fake.head(NIGHTLY_BRANCH) == head


def test_a_nightly_pr_whose_every_line_was_edited_meanwhile_is_left_to_the_next_night(fake, taxonomy):
    """docs/refresh.md: with every line it rewrote edited on the default branch (and no store of its
    own), a rebuild would change nothing: skipped, nothing written, the next night redoes it."""
    forge_for(fake).propose(nightly_change(store=""))
    edited = fake.file("catalog.md").replace(GPTQ_AUTHORS, "E. Frantar, S. Ashkboos")
    fake.push("catalog.md", edited.replace(AWQ_AUTHORS, "J. Lin, J. Tang"))
    head = fake.head(NIGHTLY_BRANCH)
    fake.reset_counts()

    [outcome] = refresh.run(forge_for(fake), taxonomy)

    assert outcome.action == "skipped" and "edited on the default branch meanwhile" in outcome.reason
    assert fake.writes() == 0 and fake.head(NIGHTLY_BRANCH) == head


def test_the_nightly_pr_on_the_local_git_forge(tmp_path, taxonomy):
    from bot.forge.local_git import LocalGitForge
    from tests.gitrepo import git, make_repo

    repo = make_repo(tmp_path / "repo", taxonomy, catalog_text(taxonomy))
    LocalGitForge(repo, branch_prefix="bot/").propose(nightly_change(store=""))
    LocalGitForge(repo, branch_prefix="bot/").propose(paper_change(taxonomy, "2405.00001"))
    git(repo, "merge", "-q", "--ff-only", "bot/arxiv-2405.00001")

    outcomes = refresh.run(LocalGitForge(repo, branch_prefix="bot/"), taxonomy)

    assert [(o.pull_request.branch, o.action) for o in outcomes] == [(NIGHTLY_BRANCH, "rebuilt")]
    assert outcomes[0].pull_request.mergeable is not False
    assert LocalGitForge(repo, branch_prefix="bot/").bot_pull_requests("open")[0].mergeable is True
