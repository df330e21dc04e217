from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.catalog_parse import parse
from bot.core.taxonomy import Taxonomy
from bot.errors import BranchMovedError, ForgeError
from bot.forge.local_git import LocalGitForge
from bot.forge.protocols import ChangeRequest, propose_redone_once
from tests.gitrepo import git, make_repo, paper_entry


def change(taxonomy: Taxonomy, arxiv_id: str = "2405.00001", body: str = "body") -> ChangeRequest:
    entry = paper_entry(arxiv_id, f"A new paper about KV cache eviction number {arxiv_id}")
    return ChangeRequest(
        branch=f"bot/arxiv-{arxiv_id}",
        title=f"Add {arxiv_id}",
        body=body,
        commit_message=f"Add {arxiv_id}",
        path="catalog.md",
        edit=lambda text: parse(text, taxonomy).insert(entry, "kv-cache").render(),
    )


def test_propose_creates_one_commit_branch_without_touching_the_worktree(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    repo = make_repo(tmp_path / "repo", taxonomy)
    before = (repo / "catalog.md").read_text(encoding="utf-8")
    result = LocalGitForge(repo, branch_prefix="bot/").propose(change(taxonomy))
    assert result.action == "opened"
    assert git(repo, "rev-list", "--count", "main..bot/arxiv-2405.00001").strip() == "1"
    assert git(repo, "status", "--porcelain") == ""
    assert (repo / "catalog.md").read_text(encoding="utf-8") == before
    added = [line for line in result.diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert len(added) == 1 and "2405.00001" in added[0]


def test_a_crlf_catalog_keeps_its_line_endings_and_gets_a_one_line_diff(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    """git's output was read in text mode, which turns CRLF into LF: a catalog written on Windows
    got a branch rewriting every line."""
    repo = make_repo(tmp_path / "repo", taxonomy)
    crlf = (repo / "catalog.md").read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8")
    (repo / "catalog.md").write_bytes(crlf)
    git(repo, "commit", "-q", "-am", "catalog with CRLF line endings")
    forge = LocalGitForge(repo, branch_prefix="bot/")
    assert forge.read_file("catalog.md").encode("utf-8") == crlf
    result = forge.propose(change(taxonomy))
    changed = [
        line for line in result.diff.split("\n") if line[:1] in ("+", "-") and line[:3] not in ("+++", "---")
    ]
    assert len(changed) == 1 and changed[0].startswith("+") and changed[0].endswith("\r")
    committed = git(repo, "show", "bot/arxiv-2405.00001:catalog.md")
    assert "2405.00001" in committed


def test_propose_twice_is_unchanged_and_rebuilds_when_main_moves(tmp_path: Path, taxonomy: Taxonomy) -> None:
    repo = make_repo(tmp_path / "repo", taxonomy)
    forge = LocalGitForge(repo, branch_prefix="bot/")
    first = forge.propose(change(taxonomy))
    tip = git(repo, "rev-parse", "bot/arxiv-2405.00001")
    assert forge.propose(change(taxonomy)).action == "unchanged"
    assert git(repo, "rev-parse", "bot/arxiv-2405.00001") == tip
    # main moves: another paper is merged; the bot branch is rebuilt on top, one commit again
    forge.propose(change(taxonomy, "2405.00002"))
    git(repo, "merge", "-q", "--ff-only", "bot/arxiv-2405.00002")
    again = forge.propose(change(taxonomy))
    assert first.action == "opened" and again.action == "updated"
    assert git(repo, "rev-list", "--count", "main..bot/arxiv-2405.00001").strip() == "1"
    git(repo, "merge", "-q", "--no-edit", "bot/arxiv-2405.00001")  # merges cleanly
    text = (repo / "catalog.md").read_text(encoding="utf-8")
    assert "2405.00001" in text and "2405.00002" in text


def test_an_update_that_swaps_labels_is_an_update_without_labels(tmp_path: Path, taxonomy: Taxonomy) -> None:
    """Local branches have no labels: an /add moving a paper (stale and fresh labels) updates the
    PR's body as ever, and its labels are a no-op."""
    from dataclasses import replace

    forge = LocalGitForge(make_repo(tmp_path / "repo", taxonomy), branch_prefix="bot/")
    forge.propose(replace(change(taxonomy), labels=("section:kv-cache", "needs-section")))
    moved = replace(
        change(taxonomy, body="moved"),
        labels=("section:decoding",),
        stale_labels=("section:kv-cache", "needs-section"),
        fresh_labels=("section:decoding",),
    )
    result = forge.propose(moved)
    assert result.action == "updated" and result.pull_request.labels == ()
    assert forge.propose(moved).action == "unchanged"


class RacedForge(LocalGitForge):
    """The real local-git forge, with another writer committing on the branch while it builds its
    commit (the moment between reading the branch's tip and moving it), ``races`` times."""

    races = 1_000

    def _commit_with_file(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        commit = super()._commit_with_file(*args, **kwargs)
        if self.races == 0:
            return commit
        self.races -= 1
        theirs = git(
            self.repo, "commit-tree", "-m", "another writer", "-p", "bot/arxiv-2405.00001", "main^{tree}"
        ).strip()
        git(self.repo, "update-ref", "refs/heads/bot/arxiv-2405.00001", theirs)
        return commit


def test_a_branch_moved_while_it_is_rebuilt_is_left_to_the_other_writer(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    """The branch moves only from the tip the forge read (git update-ref with the old value):
    another run's or a maintainer's commit made meanwhile is kept, and the run says so."""
    repo = make_repo(tmp_path / "repo", taxonomy)
    LocalGitForge(repo, branch_prefix="bot/").propose(change(taxonomy))
    LocalGitForge(repo, branch_prefix="bot/").propose(change(taxonomy, "2405.00002"))
    git(repo, "merge", "-q", "--ff-only", "bot/arxiv-2405.00002")  # main moves: a rebuild is due
    with pytest.raises(ForgeError, match="moved while this run rebuilt it .* left as it is"):
        RacedForge(repo, branch_prefix="bot/").propose(change(taxonomy))
    assert git(repo, "log", "-1", "--format=%s", "bot/arxiv-2405.00001").strip() == "another writer"


def test_a_branch_moved_once_while_it_is_rebuilt_is_rebuilt_again_from_there(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    """What /add and the poll do: the refused move is proposed once more, from the tip as it is
    now; a branch that moves again is left to the other writer."""
    repo = make_repo(tmp_path / "repo", taxonomy)
    LocalGitForge(repo, branch_prefix="bot/").propose(change(taxonomy))
    LocalGitForge(repo, branch_prefix="bot/").propose(change(taxonomy, "2405.00002"))
    git(repo, "merge", "-q", "--ff-only", "bot/arxiv-2405.00002")
    raced = RacedForge(repo, branch_prefix="bot/")
    raced.races = 1
    assert propose_redone_once(raced, change(taxonomy)).action == "updated"
    assert git(repo, "rev-parse", "bot/arxiv-2405.00001^").strip() == git(repo, "rev-parse", "main").strip()
    git(repo, "commit", "-q", "--allow-empty", "-m", "main moves again")
    raced.races = 2
    with pytest.raises(BranchMovedError):
        propose_redone_once(raced, change(taxonomy))
    assert git(repo, "log", "-1", "--format=%s", "bot/arxiv-2405.00001").strip() == "another writer"


@pytest.mark.parametrize("blocker", ["stale lock", "branch named like the prefix"])
def test_a_branch_git_cannot_write_is_git_s_error_not_a_move(
    tmp_path: Path, taxonomy: Taxonomy, blocker: str
) -> None:
    """update-ref refused for a reason of its own (a lock file a crashed git left behind, a branch
    `bot` that keeps `bot/...` from being created): the run said the branch "moved while this run
    rebuilt it", which nobody did, and hid the git message that says what to fix."""
    repo = make_repo(tmp_path / "repo", taxonomy)
    if blocker == "stale lock":
        lock = repo / ".git" / "refs" / "heads" / "bot" / "arxiv-2405.00001.lock"
        lock.parent.mkdir(parents=True)
        lock.touch()
        says = "arxiv-2405.00001.lock"
    else:
        git(repo, "branch", "bot")
        says = "refs/heads/bot"
    forge = LocalGitForge(repo, branch_prefix="bot/")
    with pytest.raises(ForgeError) as raised:
        propose_redone_once(forge, change(taxonomy))
    assert not isinstance(raised.value, BranchMovedError)
    assert says in str(raised.value) and "moved" not in str(raised.value)
    assert "\n" not in str(raised.value)  # one line, as the run's error is printed
    assert git(repo, "for-each-ref", "refs/heads/bot/") == ""


def test_a_killed_gits_index_lock_and_a_half_done_edit_do_not_stop_a_proposal(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    """A git killed mid-command leaves `.git/index.lock`, and the maintainer's checkout may hold
    staged and unstaged edits: the bot builds its commit in a temporary index, so it proposes
    anyway and leaves the lock, the index and the working tree as they were."""
    repo = make_repo(tmp_path / "repo", taxonomy)
    (repo / "notes.md").write_text("staged\n", encoding="utf-8")
    git(repo, "add", "notes.md")
    with (repo / "catalog.md").open("a", encoding="utf-8") as catalog:
        catalog.write("\nan unfinished edit\n")
    (repo / ".git" / "index.lock").write_bytes(b"")
    status = git(repo, "status", "--porcelain")

    result = LocalGitForge(repo, branch_prefix="bot/").propose(change(taxonomy))

    assert result.action == "opened" and (repo / ".git" / "index.lock").exists()
    (repo / ".git" / "index.lock").unlink()
    assert git(repo, "status", "--porcelain") == status
    assert "an unfinished edit" not in git(repo, "show", "bot/arxiv-2405.00001:catalog.md")


def test_a_branch_a_crashed_run_left_with_other_content_is_rebuilt(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    """A run that stopped after writing its branch (another paper's line, an older body): the next
    proposal rebuilds it as one commit on the default branch, and a third one changes nothing."""
    repo = make_repo(tmp_path / "repo", taxonomy)
    forge = LocalGitForge(repo, branch_prefix="bot/")
    stale = change(taxonomy, "2405.00002", body="an older body")
    forge.propose(ChangeRequest(**{**stale.__dict__, "branch": "bot/arxiv-2405.00001"}))

    assert forge.propose(change(taxonomy)).action == "updated"
    text = git(repo, "show", "bot/arxiv-2405.00001:catalog.md")
    assert "2405.00001" in text and "2405.00002" not in text
    assert git(repo, "rev-list", "--count", "main..bot/arxiv-2405.00001").strip() == "1"
    assert forge.propose(change(taxonomy)).action == "unchanged"


def test_pull_request_states_and_rejection_memory(tmp_path: Path, taxonomy: Taxonomy) -> None:
    repo = make_repo(tmp_path / "repo", taxonomy)
    forge = LocalGitForge(repo, branch_prefix="bot/")
    forge.propose(change(taxonomy, "2405.00001", body="marker one"))
    forge.propose(change(taxonomy, "2405.00002", body="marker two"))
    forge.propose(change(taxonomy, "2405.00003"))
    git(repo, "merge", "-q", "--ff-only", "bot/arxiv-2405.00003")
    [two] = [p for p in forge.bot_pull_requests("open") if p.branch.endswith("00002")]
    forge.close_pull_request(two, "not in scope")
    states = {p.branch: (p.state, p.body) for p in forge.bot_pull_requests("all")}
    assert states == {
        "bot/arxiv-2405.00001": ("open", "marker one"),
        "bot/arxiv-2405.00002": ("closed", "marker two"),
        "bot/arxiv-2405.00003": ("merged", "body"),
    }
    assert [p.branch for p in forge.bot_pull_requests("open")] == ["bot/arxiv-2405.00001"]


def test_not_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ForgeError, match="not a git repository"):
        LocalGitForge(tmp_path, branch_prefix="bot/")
    with pytest.raises(ForgeError, match="is not a folder: pass --repo"):  # a mistyped --repo
        LocalGitForge(tmp_path / "missing", branch_prefix="bot/")


def test_a_repository_git_refuses_to_open_is_git_s_error(tmp_path: Path, taxonomy: Taxonomy) -> None:
    """git refusing the repository (an extension this git does not know; "detected dubious
    ownership" for a clone owned by another user, as in a container) was reported as "HEAD is
    detached", with advice to check out a branch that was checked out all along."""
    repo = make_repo(tmp_path / "repo", taxonomy)
    git(repo, "config", "core.repositoryformatversion", "1")
    git(repo, "config", "extensions.catalogbotunknown", "true")
    with pytest.raises(ForgeError) as raised:
        LocalGitForge(repo, branch_prefix="bot/")
    assert "unknown repository extension" in str(raised.value) and "detached" not in str(raised.value)
    assert "\n" not in str(raised.value)


def test_without_git_on_the_path_the_local_mode_says_so(
    tmp_path: Path, taxonomy: Taxonomy, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A machine without git (a fresh Windows, a slim container): poll and refresh ended in a
    traceback, "unexpected failure (a bug)", exit 3."""
    from bot.__main__ import main

    repo = make_repo(tmp_path / "repo", taxonomy)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ForgeError, match="needs git, which is not on PATH: install git"):
        LocalGitForge(repo, branch_prefix="bot/")
    assert main(["refresh", "--repo", str(repo)]) == 1
    assert "a bug" not in capsys.readouterr().err


def test_pr_body_escapes_untrusted_paper_text(taxonomy: Taxonomy) -> None:
    from bot.core import markers
    from bot.core.branches import BranchNames
    from bot.core.paper import Paper
    from bot.core.proposals import Proposal, change_request, paper_entry, proposal_marker
    from bot.forge.protocols import PullRequest

    forged = markers.make("arxiv", {"arxiv_id": "9999.99999", "section": "surveys", "line": "x"})
    paper = Paper(
        arxiv_id="2405.00001",
        title="<img src=x onerror=alert(1)> Title",
        authors=(f"Eve {forged}", "Bob"),
        abstract="<script>alert(1)</script>",
    )
    proposal = Proposal(
        paper=paper,
        entry=paper_entry(paper),
        section="kv-cache",
        reasons=["<b>reason</b>"],
        neighbours=[("<i>n</i>", "2401.00001", 3, 0.5)],
    )
    body = change_request(proposal, taxonomy, "catalog.md", BranchNames.from_prefix("bot/")).body
    assert "<img" not in body and "<script>" not in body and "<b>" not in body and "<i>" not in body
    marker = proposal_marker(PullRequest(0, "b", "t", body, "open"))
    assert marker is not None and marker["arxiv_id"] == "2405.00001"


def test_extra_files_go_into_the_same_commit_and_count_for_currency(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    import dataclasses

    repo = make_repo(tmp_path / "repo", taxonomy)
    forge = LocalGitForge(repo, branch_prefix="bot/")
    with_store = dataclasses.replace(change(taxonomy), extra_files=(("data/papers.jsonl", "one\n"),))
    assert forge.propose(with_store).action == "opened"
    assert git(repo, "show", "bot/arxiv-2405.00001:data/papers.jsonl") == "one\n"
    assert git(repo, "rev-list", "--count", "main..bot/arxiv-2405.00001").strip() == "1"
    assert forge.propose(with_store).action == "unchanged"
    newer = dataclasses.replace(with_store, extra_files=(("data/papers.jsonl", "two\n"),))
    assert forge.propose(newer).action == "updated"
    assert git(repo, "show", "bot/arxiv-2405.00001:data/papers.jsonl") == "two\n"


def test_a_file_is_read_on_a_pull_requests_branch_open_or_closed(tmp_path: Path, taxonomy: Taxonomy) -> None:
    import dataclasses

    repo = make_repo(tmp_path / "repo", taxonomy)
    forge = LocalGitForge(repo, branch_prefix="bot/")
    forge.propose(dataclasses.replace(change(taxonomy), extra_files=(("data/papers.jsonl", "one\n"),)))
    [pull] = forge.bot_pull_requests("open")
    assert forge.read_pull_request_file(pull, "data/papers.jsonl") == "one\n"
    assert (
        forge.read_pull_request_file(pull, "missing.md") == "" and forge.read_file("data/papers.jsonl") == ""
    )
    forge.close_pull_request(pull, "not now")
    [closed] = forge.bot_pull_requests("closed")
    assert forge.read_pull_request_file(closed, "data/papers.jsonl") == "one\n"


def test_a_maintainers_commit_on_a_bot_branch_keeps_the_pr_and_its_marker(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    """A maintainer moves the proposed line to another section on the bot's branch, then merges:
    the PR is still the bot's (its title, body and marker are the bot commit's), so the move is
    read as a routing correction, and a closed one as a rejection."""
    from bot.core import markers
    from bot.core.candidates import routing_corrections

    repo = make_repo(tmp_path / "repo", taxonomy)
    forge = LocalGitForge(repo, branch_prefix="bot/")
    marker = markers.make("arxiv", {"arxiv_id": "2405.00001", "section": "kv-cache", "line": "x"})
    forge.propose(change(taxonomy, "2405.00001", body=marker))
    forge.propose(change(taxonomy, "2405.00002", body="two"))
    for arxiv_id in ("2405.00001", "2405.00002"):  # a maintainer's commit on top of each branch
        git(repo, "checkout", "-q", f"bot/arxiv-{arxiv_id}")
        text = parse((repo / "catalog.md").read_text(encoding="utf-8"), taxonomy)
        (repo / "catalog.md").write_text(text.move(arxiv_id, "decoding", None).render(), encoding="utf-8")
        git(repo, "commit", "-q", "-am", "Move it to decoding")
    git(repo, "checkout", "-q", "main")

    pulls = {p.branch: p for p in forge.bot_pull_requests("open")}
    assert pulls["bot/arxiv-2405.00001"].title == "Add 2405.00001"
    assert pulls["bot/arxiv-2405.00001"].body == marker
    forge.close_pull_request(pulls["bot/arxiv-2405.00002"], "no")
    [closed] = forge.bot_pull_requests("closed")
    assert (closed.title, closed.body) == ("Add 2405.00002", "two")

    git(repo, "merge", "-q", "--no-edit", "--no-ff", "bot/arxiv-2405.00001")
    [merged] = [p for p in forge.bot_pull_requests("all") if p.state == "merged"]
    assert merged.body == marker
    catalog = parse(forge.read_file("catalog.md"), taxonomy)
    assert [(p.arxiv_id, s, sub) for p, s, sub in routing_corrections([merged], catalog)] == [
        ("2405.00001", "decoding", None)
    ]


def test_the_documented_git_commands_merge_reject_and_forget(tmp_path: Path, taxonomy: Taxonomy) -> None:
    """docs/poll.md "Reviewing in local-git mode": plain git commands are the review."""
    docs = (Path(__file__).parents[2] / "docs" / "poll.md").read_text(encoding="utf-8")
    table = docs.split("### Reviewing in local-git mode", 1)[1].split("\n## ", 1)[0]
    commands = {row.split("|")[1].strip(): row.split("`")[1] for row in table.splitlines() if "| `git" in row}
    assert set(commands) == {"merge a paper", "reject it", "forget it"}

    repo = make_repo(tmp_path / "repo", taxonomy)
    forge = LocalGitForge(repo, branch_prefix="bot/")
    for name, arxiv_id in zip(commands, ("2405.00001", "2405.00002", "2405.00003"), strict=True):
        forge.propose(change(taxonomy, arxiv_id))
        for command in commands[name].replace("<id>", arxiv_id).split(" && "):
            git(repo, *command.split()[1:])
    states = {p.branch: p.state for p in forge.bot_pull_requests("all")}
    assert states == {"bot/arxiv-2405.00001": "merged", "bot/arxiv-2405.00002": "closed"}


def test_a_catalog_that_is_not_utf8_is_a_clear_error(tmp_path: Path, taxonomy: Taxonomy) -> None:
    """A garbled catalog on the default branch made every local-git job crash with a traceback."""
    repo = make_repo(tmp_path / "repo", taxonomy)
    (repo / "catalog.md").write_bytes(b"\xff\xfe garbled\n")
    git(repo, "commit", "-q", "-am", "garbled")
    with pytest.raises(ForgeError, match=r"catalog.md on main in .* is not UTF-8 text .*save it as UTF-8"):
        LocalGitForge(repo, branch_prefix="bot/").read_file("catalog.md")
    assert LocalGitForge(repo, branch_prefix="bot/").read_file("missing.md") == ""


def _checklist(taxonomy: Taxonomy, arxiv_id: str) -> ChangeRequest:
    """A backfill checklist PR of one paper, on the section's one reused branch."""
    from bot.core.digest import DigestEntry, digest_change
    from bot.core.entry import render_entry

    line = render_entry(paper_entry(arxiv_id, f"A new paper about KV cache eviction number {arxiv_id}"))
    change = digest_change(
        [DigestEntry(arxiv_id, "kv-cache", None, line)], taxonomy, "catalog.md", "bot/backfill-kv-cache"
    )
    assert change is not None
    return change


def test_every_closed_pr_of_a_reused_branch_is_remembered(tmp_path: Path, taxonomy: Taxonomy) -> None:
    """Backfill proposes every checklist of a section on one branch: the second closed checklist
    overwrote the first one's ref, so its papers were proposed again. Each closed PR keeps its own
    record (``<branch>``, then ``<branch>@2``), and a ref written by hand stays readable."""
    from bot.core.candidates import select_candidates
    from bot.core.paper import Paper

    repo = make_repo(tmp_path / "repo", taxonomy)
    forge = LocalGitForge(repo, branch_prefix="bot/")
    for arxiv_id in ("2405.00001", "2405.00002", "2405.00003"):
        forge.propose(_checklist(taxonomy, arxiv_id))
        [pull] = forge.bot_pull_requests("open")
        forge.close_pull_request(pull, "none of these")
    closed = forge.bot_pull_requests("closed")
    assert [p.branch for p in closed] == ["bot/backfill-kv-cache"] * 3
    assert len({p.url for p in closed}) == 3  # each record named apart
    assert git(repo, "for-each-ref", "--format=%(refname)", "refs/catalog-bot/").split() == [
        "refs/catalog-bot/closed/bot/backfill-kv-cache",
        "refs/catalog-bot/closed/bot/backfill-kv-cache@2",
        "refs/catalog-bot/closed/bot/backfill-kv-cache@3",
    ]
    on_branches = [forge.read_pull_request_file(p, "catalog.md") for p in closed]
    assert [[n for n in "123" if f"2405.0000{n}" in text] for text in on_branches] == [["1"], ["2"], ["3"]]
    papers = [Paper(arxiv_id=f"2405.0000{n}", title=f"Paper {n}") for n in (1, 2, 3)]
    catalog = parse(forge.read_file("catalog.md"), taxonomy)
    chosen = select_candidates(papers, catalog, forge.bot_pull_requests("all"), "bot/digest")
    assert ([p.arxiv_id for p in chosen.rejected], chosen.new) == (
        ["2405.00001", "2405.00002", "2405.00003"],
        [],
    )

    # the same commit closed again (a rerun) is one record, not a fourth
    second = git(repo, "rev-parse", "refs/catalog-bot/closed/bot/backfill-kv-cache@2").strip()
    git(repo, "branch", "bot/backfill-kv-cache", second)
    [reopened] = forge.bot_pull_requests("open")
    forge.close_pull_request(reopened, "still no")
    assert len(forge.bot_pull_requests("closed")) == 3

    # docs/poll.md: a record written by hand with any suffix after "@" is one more closed PR
    forge.propose(_checklist(taxonomy, "2405.00004"))
    git(
        repo,
        "update-ref",
        "refs/catalog-bot/closed/bot/backfill-kv-cache@2026-12",
        "bot/backfill-kv-cache",
        "",
    )
    git(repo, "branch", "-D", "bot/backfill-kv-cache")
    assert [p.branch for p in forge.bot_pull_requests("all")] == ["bot/backfill-kv-cache"] * 4


def test_the_default_commit_is_the_one_read_file_reads(tmp_path: Path, taxonomy: Taxonomy) -> None:
    """What a permalink to a catalog line names: the default branch's commit, not the branch."""
    repo = make_repo(tmp_path / "repo", taxonomy)
    forge = LocalGitForge(repo, branch_prefix="bot/")
    assert forge.default_commit() == git(repo, "rev-parse", "main").strip()
    forge.propose(change(taxonomy))  # a bot branch moves nothing of the default branch
    assert forge.default_commit() == git(repo, "rev-parse", "main").strip()
