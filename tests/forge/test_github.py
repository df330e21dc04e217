"""GitHubForge against the fake GitHub: the real httpx client, real HTTP on 127.0.0.1, every request
validated against GitHub's REST description and GraphQL schema (see tests/fake_github.py)."""

from __future__ import annotations

import base64
import json
import math
import time
from typing import TYPE_CHECKING

import pytest

from bot.core import markers
from bot.core.catalog_parse import parse
from bot.errors import BranchMovedError, ForgeError
from bot.forge.github import (
    Failure,
    GitHubClient,
    GitHubForge,
    GitHubSettings,
    RetryPolicy,
    git_blob_sha,
    repositories_query,
    retry_delay,
)
from tests.fake_github import (
    BOT_LOGIN,
    BOT_TOKEN,
    MAINTAINER_TOKEN,
    FakeGitHub,
    all_routes_in_description,
    catalog_text,
    fake_github,  # noqa: F401  (fixture)
    forge_for,
    paper_change,
)

if TYPE_CHECKING:
    from pytest_httpserver import HTTPServer

PULLS = "/repos/{owner}/{repo}/pulls"
REFS = "/repos/{owner}/{repo}/git/refs"
COMMENTS = "/repos/{owner}/{repo}/issues/{issue_number}/comments"
ISSUES = "/repos/{owner}/{repo}/issues"


@pytest.fixture
def fake(fake_github: FakeGitHub, taxonomy) -> FakeGitHub:  # noqa: F811
    fake_github.push("catalog.md", catalog_text(taxonomy), message="Add the catalog")
    fake_github.reset_counts()
    return fake_github


def branch_commit(fake: FakeGitHub, branch: str):
    return fake.git.commits[fake.head(branch)]


# -- opening, updating, never duplicating -------------------------------------------------------


def test_opens_one_pr_with_one_commit_on_the_default_branch(fake, taxonomy):
    change = paper_change(taxonomy, "2405.00001")
    result = forge_for(fake).propose(change)

    assert result.action == "opened"
    [pull] = fake.pulls()
    assert (pull.number, pull.head, pull.base, pull.user) == (
        result.pull_request.number,
        change.branch,
        "main",
        BOT_LOGIN,
    )
    assert pull.body == change.body and markers.find(pull.body, "arxiv")["arxiv_id"] == "2405.00001"
    assert pull.labels == ["catalog-bot", "new-paper"]
    commit = branch_commit(fake, change.branch)
    assert commit.parents == [fake.head()]  # exactly one commit on top of main
    assert fake.file("catalog.md", change.branch) == change.edit(fake.file("catalog.md"))
    assert "+- [Speculative Decoding with Tiny Draft Heads]" in result.diff
    assert fake.labels["catalog-bot"]["color"] == "5319e7"  # created with the configured colour


def test_rerun_writes_nothing_and_keeps_the_same_pr(fake, taxonomy):
    changes = [paper_change(taxonomy, f"2405.0000{i}", i) for i in range(1, 4)]
    first = [forge_for(fake).propose(c) for c in changes]
    branches, heads = fake.branches(), {c.branch: fake.head(c.branch) for c in changes}
    fake.reset_counts()

    forge = forge_for(fake)
    again = [forge.propose(c) for c in changes]

    assert [r.action for r in again] == ["unchanged"] * 3
    assert [r.pull_request.number for r in again] == [r.pull_request.number for r in first]
    assert dict(fake.counts) == {"POST /graphql": 1}  # one read, no write at all
    assert fake.branches() == branches and {c.branch: fake.head(c.branch) for c in changes} == heads
    assert len(fake.pulls()) == 3 and not fake.comments


def test_a_new_body_updates_the_pr_in_place(fake, taxonomy):
    change = paper_change(taxonomy, "2405.00001")
    opened = forge_for(fake).propose(change)
    head = fake.head(change.branch)
    fake.reset_counts()

    edited = type(change)(**{**change.__dict__, "body": change.body.replace("Merge to accept", "Merge it")})
    forge = forge_for(fake)
    result = forge.propose(edited)
    again = forge.propose(edited)

    assert result.action == "updated" and result.pull_request.number == opened.pull_request.number
    assert again.action == "unchanged"
    assert fake.pulls()[0].body == edited.body and fake.head(change.branch) == head
    assert fake.writes() == 1 and fake.counts["PATCH /repos/{owner}/{repo}/pulls/{pull_number}"] == 1


def test_an_update_github_refuses_leaves_the_pr_as_it_was(fake, taxonomy):
    """An open PR brought up to date (an /add naming another section, a digest gaining the day's
    papers): the branch was moved first, then the body PATCHed; when GitHub refused the PATCH (a
    digest body over its 65,536 characters, an outage), the branch held a change the PR's marker
    did not, and the next refresh, which rebuilds from the marker, dropped it again. The body goes
    first now: refused, nothing changed; a branch move that fails after it is healed by refresh."""
    from bot.jobs import refresh

    change = paper_change(taxonomy, "2405.00001")
    number = forge_for(fake).propose(change).pull_request.number
    head, body = fake.head(change.branch), fake.issues[number].body
    moved = paper_change(taxonomy, "2405.00001", section="kv-cache", subsection=None)
    fake.fail("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}", status=422, message="Validation Failed")

    with pytest.raises(ForgeError, match="Validation Failed"):
        forge_for(fake).propose(moved)
    assert (fake.head(change.branch), fake.issues[number].body) == (head, body)

    fake.fail("POST", "/graphql", status=502, times=4, when=lambda b: "CatalogBotMoveBranch" in str(b))
    with pytest.raises(ForgeError, match="move branch"):
        forge_for(fake).propose(moved)
    assert fake.issues[number].body == moved.body and fake.head(change.branch) == head
    [outcome] = refresh.run(forge_for(fake), taxonomy)
    assert outcome.action == "rebuilt"
    item = parse(fake.file("catalog.md", change.branch), taxonomy).find_by_id("2405.00001")
    assert item is not None and item.section == "kv-cache"


def test_rebuilt_on_the_new_default_branch_when_it_moves(fake, taxonomy):
    change = paper_change(taxonomy, "2405.00001")
    forge_for(fake).propose(change)
    text = fake.file("catalog.md").replace(
        "Post-training quantization of the weights alone", "Post-training quantization of weights only"
    )
    new_main = fake.push("catalog.md", text, message="Edit a description")

    result = forge_for(fake).propose(change)

    assert result.action == "updated" and len(fake.pulls()) == 1
    assert branch_commit(fake, change.branch).parents == [new_main]
    assert "weights only" in fake.file("catalog.md", change.branch)
    assert fake.merge(result.pull_request.number).status_code == 200


def test_a_branch_moved_while_the_run_rebuilt_it_is_left_as_it_is(fake, taxonomy):
    """The rebuild moves the branch only from the head this run read (updateRefs with
    beforeOid): a maintainer's commit pushed meanwhile is kept, and the run says so. Before, the
    last force-push won and the commit was gone."""
    change = paper_change(taxonomy, "2405.00001")
    forge_for(fake).propose(change)
    text = fake.file("catalog.md").replace(
        "Post-training quantization of the weights alone", "Post-training quantization of weights only"
    )
    fake.push("catalog.md", text, message="Edit a description")
    forge = forge_for(fake)
    forge.bot_pull_requests()  # the run reads the repository: the branch's head as it is now
    theirs = fake.push("NOTE.md", "a maintainer's note\n", branch=change.branch, message="Add a note")

    with pytest.raises(ForgeError, match="moved while this run rebuilt it .* left as it is"):
        forge.propose(change)

    assert fake.head(change.branch) == theirs and fake.file("NOTE.md", change.branch) is not None
    assert not fake.violations
    result = forge_for(fake).propose(change)  # the next run reads it again, and rebuilds it
    assert result.action == "updated" and branch_commit(fake, change.branch).parents == [fake.head()]


def test_a_move_that_landed_before_its_answer_was_lost_is_not_an_error(fake, taxonomy):
    """A retried updateRefs after a server error finds the branch already moved there: done."""
    change = paper_change(taxonomy, "2405.00001")
    forge_for(fake).propose(change)
    fake.push("catalog.md", fake.file("catalog.md") + "\n", message="Touch the catalog")
    forge = forge_for(fake)
    forge.bot_pull_requests()
    fake.fail_after_write("POST", "/graphql", status=502, message="Server Error")  # the move applied
    fake.reset_counts()
    result = forge.propose(change)
    assert result.action == "updated" and branch_commit(fake, change.branch).parents == [fake.head()]
    assert fake.counts["POST /graphql mutation"] == 2 and not fake.violations  # sent again, refused, read


def test_a_github_without_update_refs_still_rebuilds_the_branch(fake, taxonomy, caplog):
    """An older GitHub Enterprise Server lacks the mutation: the branch is force-moved, as before
    compare-and-swap, and the log says so."""
    change = paper_change(taxonomy, "2405.00001")
    forge_for(fake).propose(change)
    fake.push("catalog.md", fake.file("catalog.md") + "\n", message="Touch the catalog")
    fake.missing_mutations.add("updateRefs")
    result = forge_for(fake).propose(change)
    assert result.action == "updated" and branch_commit(fake, change.branch).parents == [fake.head()]
    assert "no updateRefs mutation" in caplog.text and not fake.violations


def test_a_leftover_branch_without_pr_is_taken_over(fake, taxonomy):
    change = paper_change(taxonomy, "2405.00001")
    fake.git.refs[f"refs/heads/{change.branch}"] = fake.head()  # a failed run's leftover

    result = forge_for(fake).propose(change)

    assert result.action == "opened" and len(fake.pulls()) == 1
    assert branch_commit(fake, change.branch).parents == [fake.head()]
    assert fake.counts["PATCH /repos/{owner}/{repo}/git/refs/{ref}"] == 1  # after a real 422


def test_a_pr_opened_meanwhile_by_another_run_is_reused(fake, taxonomy):
    change = paper_change(taxonomy, "2405.00001")
    slow = forge_for(fake)
    slow.snapshot()  # this run read the repository before the other run opened the PR
    forge_for(fake).propose(change)

    result = slow.propose(change)

    assert len(fake.pulls()) == 1 and result.pull_request.number == fake.pulls()[0].number


def test_closed_pr_and_rerun_of_close_leave_one_comment(fake, taxonomy):
    change = paper_change(taxonomy, "2405.00001")
    pull = forge_for(fake).propose(change).pull_request

    forge_for(fake).close_pull_request(pull, "Closing: already in the catalog.")
    forge_for(fake).close_pull_request(pull, "Closing: already in the catalog.")

    assert fake.pulls()[0].state == "closed" and change.branch not in fake.branches()
    [comment] = fake.issue_comments(pull.number)
    assert (
        comment.body.startswith("Closing: already in the catalog.") and "catalog-bot:closing" in comment.body
    )


def test_a_branch_github_refuses_to_delete_leaves_the_pr_closed_and_says_so(fake, taxonomy, caplog):
    change = paper_change(taxonomy, "2405.00001")
    pull = forge_for(fake).propose(change).pull_request
    fake.fail("DELETE", "/repos/{owner}/{repo}/git/refs/{ref}", status=403, message="Resource not accessible")

    forge_for(fake).close_pull_request(pull, "Closing: already in the catalog.")

    assert fake.pulls()[0].state == "closed" and change.branch in fake.branches()
    assert f"its branch {change.branch} could not be deleted" in caplog.text


def test_reviewers_and_assignees_from_config(fake, taxonomy):
    fake.collaborators["reviewer-1"] = "write"
    forge = forge_for(fake, reviewers=("reviewer-1",), assignees=("maintainer",))
    number = forge.propose(paper_change(taxonomy, "2405.00001")).pull_request.number
    pull = fake.issues[number]
    assert pull.requested_reviewers == ["reviewer-1"] and pull.assignees == ["maintainer"]


def test_a_refused_reviewer_does_not_undo_the_pr(fake, taxonomy, caplog):
    forge = forge_for(fake, reviewers=("not-a-collaborator",))
    result = forge.propose(paper_change(taxonomy, "2405.00001"))
    assert "Reviews may only be requested from collaborators" in caplog.text
    assert result.action == "opened" and fake.pulls()[0].state == "open"


# -- rejection memory ------------------------------------------------------------------------------


def seed(fake: FakeGitHub, taxonomy, count: int, state: str, start: int = 0) -> list[str]:
    ids = []
    for i in range(start, start + count):
        change = paper_change(taxonomy, f"2401.{i:05d}", i)
        fake.seed_pull(
            change.branch,
            "catalog.md",
            change.edit(fake.file("catalog.md")),
            change.title,
            change.body,
            state=state,
            labels=("catalog-bot",),
        )
        ids.append(f"2401.{i:05d}")
    return ids


def test_rejection_memory_in_one_query(fake, taxonomy):
    rejected = seed(fake, taxonomy, 3, "closed")
    merged = seed(fake, taxonomy, 2, "merged", start=10)
    still_open = seed(fake, taxonomy, 2, "open", start=20)
    fake.seed_pull("fix-typo", "README.md", "typo", "Fix a typo", "by a human")  # not a bot PR

    pulls = forge_for(fake).bot_pull_requests("all")

    by_state = {
        s: sorted(markers.find(p.body, "arxiv")["arxiv_id"] for p in pulls if p.state == s)
        for s in ("open", "closed", "merged")
    }
    assert by_state == {"open": still_open, "closed": rejected, "merged": merged}
    # and the role of the one person who closed them (a maintainer's close is a rejection: closers.py)
    permission = "GET /repos/{owner}/{repo}/collaborators/{username}/permission"
    assert dict(fake.counts) == {"POST /graphql": 1, permission: 1}
    assert all(p.said_no_by_closing for p in pulls if p.state == "closed")


def test_a_closed_pr_whose_marker_was_edited_out_is_still_a_rejection(fake, taxonomy):
    """A maintainer deleted the hidden marker while closing the PR: the paper was proposed again
    at the next run. Its branch names it; a fork's PR of the same branch name names nothing."""
    from bot.core.candidates import select_candidates
    from bot.core.paper import Paper

    [edited] = seed(fake, taxonomy, 1, "closed")
    fake.pulls()[0].body = "Not for this list, sorry."
    for arxiv_id, title in (("2401.00007", "Forged by a fork"), ("2401.00008", "A fork's own paper")):
        fake.seed_pull(
            f"bot/arxiv-{arxiv_id}",
            "catalog.md",
            "x\n",
            title,
            markers.make("arxiv", {"arxiv_id": "2401.00009"}) if arxiv_id.endswith("7") else "",
            state="closed",
            user="stranger",
            cross_repository=True,
        )

    pulls = forge_for(fake).bot_pull_requests("all")
    papers = [
        Paper(arxiv_id=i, title=f"Paper {i}") for i in (edited, "2401.00007", "2401.00008", "2401.00009")
    ]
    chosen = select_candidates(papers, parse(fake.file("catalog.md"), taxonomy), pulls, "bot/digest")
    assert [p.arxiv_id for p in chosen.rejected] == [edited]
    assert [p.arxiv_id for p in chosen.new] == ["2401.00007", "2401.00008", "2401.00009"]


def test_a_forks_closed_copy_of_a_bot_pr_teaches_the_scorer_nothing(fake, taxonomy):
    """Anyone may open a PR from a fork and close it: one with the bot's branch name, title, body
    and hidden marker (a copy of a real proposal's), or outside the prefix with the sentence the
    search of renamed paper PRs looks for, would be a negative for the scorer and a rejection
    forever if it counted. Only the bot's own closed PR does."""
    from bot.core.candidates import lessons
    from bot.forge.github.queries import PAPER_PR_SENTENCE

    [own] = seed(fake, taxonomy, 1, "closed")
    for arxiv_id, branch in (("2401.00005", "bot/arxiv-2401.00005"), ("2401.00006", "renamed-copy")):
        change = paper_change(taxonomy, arxiv_id, 5)
        assert PAPER_PR_SENTENCE in change.body and markers.find(change.body, "arxiv")
        fake.seed_pull(
            branch,
            "catalog.md",
            change.edit(fake.file("catalog.md")),
            change.title,
            change.body,
            state="closed",
            user="stranger",
            cross_repository=True,
        )
    catalog = parse(fake.file("catalog.md"), taxonomy)
    forge = forge_for(fake)
    for pulls in (
        forge.bot_pull_requests("all"),
        forge.bot_pull_requests_naming(["2401.00005", "2401.00006"]),
    ):
        assert [p.arxiv_id for p in lessons(pulls, catalog).rejected] == [own]


def test_a_bot_pr_renamed_out_of_the_prefix_is_still_a_proposal_and_never_rebuilt(fake, taxonomy):
    """A maintainer renamed the bot's branch (to keep the bot from rebuilding it): the PR was no
    longer the bot's, and the next poll proposed the paper again, a second PR. The bot's own open
    PR with its marker still counts as the paper's proposal; refresh ("open") leaves it alone; a
    maintainer's PR with a copied marker counts for nothing."""
    from bot.core.candidates import select_candidates
    from bot.core.paper import Paper

    for arxiv_id, branch, user in (
        ("2401.00001", "review/kv", BOT_LOGIN),
        ("2401.00002", "copy", "maintainer"),
    ):
        change = paper_change(taxonomy, arxiv_id, 1)
        fake.seed_pull(
            branch, "catalog.md", change.edit(fake.file("catalog.md")), change.title, change.body, user=user
        )

    forge = forge_for(fake)
    assert forge.bot_pull_requests("open") == [] and forge.bot_pull_requests("closed") == []
    papers = [Paper(arxiv_id=i, title=f"Paper {i}") for i in ("2401.00001", "2401.00002")]
    chosen = select_candidates(
        papers, parse(fake.file("catalog.md"), taxonomy), forge.bot_pull_requests(), "bot/digest"
    )
    assert ([p.arxiv_id for p in chosen.already_proposed], [p.arxiv_id for p in chosen.new]) == (
        ["2401.00001"],
        ["2401.00002"],
    )


def test_a_bot_pr_renamed_out_of_the_prefix_then_closed_is_still_a_rejection(fake, taxonomy):
    """A maintainer renamed the bot's branch (out of the prefix), then closed the PR: the closed-PR
    search reads the prefix only, so the rejection was forgotten and the paper proposed again. A
    second search finds the bot's own closed PRs outside the prefix (by author, ``-head:``); a
    maintainer's closed PR with a copied marker still counts for nothing."""
    from bot.core.candidates import select_candidates
    from bot.core.paper import Paper

    for arxiv_id, branch, user in (
        ("2401.00001", "review/kv", BOT_LOGIN),
        ("2401.00002", "copy", "maintainer"),
        ("2401.00003", "bot/arxiv-2401.00003", BOT_LOGIN),
    ):
        change = paper_change(taxonomy, arxiv_id, 1)
        text = change.edit(fake.file("catalog.md"))
        fake.seed_pull(branch, "catalog.md", text, change.title, change.body, state="closed", user=user)

    forge = forge_for(fake)
    pulls = forge.bot_pull_requests("all")
    papers = [Paper(arxiv_id=i, title=f"Paper {i}") for i in ("2401.00001", "2401.00002", "2401.00003")]
    chosen = select_candidates(papers, parse(fake.file("catalog.md"), taxonomy), pulls, "bot/digest")
    assert ([p.arxiv_id for p in chosen.rejected], [p.arxiv_id for p in chosen.new]) == (
        ["2401.00001", "2401.00003"],
        ["2401.00002"],
    )
    # "closed" stays the prefix's (refresh and the branch clean-up act on those only)
    assert [p.branch for p in forge.bot_pull_requests("closed")] == ["bot/arxiv-2401.00003"]
    assert not fake.violations


def graphql_points(document: str) -> int:
    """GitHub's GraphQL rate-limit score of a query: every connection (a field with ``first`` or
    ``last``) costs one request per node of the connections above it; the sum over 100, rounded,
    at least 1 (docs.github.com, "Calculating a rate limit score")."""
    from graphql import FieldNode, FragmentDefinitionNode
    from graphql import parse as parse_graphql

    ast = parse_graphql(document)
    fragments = {d.name.value: d for d in ast.definitions if isinstance(d, FragmentDefinitionNode)}

    def requests(selections, nodes: int) -> int:
        total = 0
        for node in selections or ():
            inner = fragments[node.name.value] if node.kind == "fragment_spread" else node
            size = next(
                (
                    int(a.value.value)
                    for a in getattr(node, "arguments", ())
                    if a.name.value in ("first", "last")
                ),
                None,
            )
            if isinstance(node, FieldNode) and size is not None:
                total += nodes + requests(node.selection_set and node.selection_set.selections, nodes * size)
            elif inner.selection_set is not None:
                total += requests(inner.selection_set.selections, nodes)
        return total

    query = ast.definitions[0]
    return max(1, round(requests(query.selection_set.selections, 1) / 100))


def test_the_search_of_renamed_prs_costs_the_snapshot_nothing_when_there_are_none(fake, taxonomy):
    """Paper PRs outside the prefix are rare (a maintainer's rename, a changed ``branch_prefix``),
    yet the snapshot read their search's first 100 PRs in every run: 3 of its 9 points. It counts
    them (6 points); the rare run that finds some reads them with the other closed PRs."""
    from bot.forge.github import graphql

    # 6, and 1 for who closed each of the 100 closed PRs (their last two closing events: closers.py)
    assert graphql_points(graphql.SNAPSHOT_QUERY) == 7
    assert graphql_points(graphql.CLOSED_PAGE_QUERY) == 4  # the calculation, on a known query
    change = paper_change(taxonomy, "2401.00001", 1)
    fake.seed_pull(
        "old/arxiv-2401.00001",
        "catalog.md",
        change.edit(fake.file("catalog.md")),
        change.title,
        change.body,
        state="closed",
    )
    fake.reset_counts()
    forge = forge_for(fake)
    assert forge.bot_pull_requests("open") == [] and fake.reads() == 1
    assert [p.branch for p in forge.bot_pull_requests("all")] == ["old/arxiv-2401.00001"]
    assert fake.reads() == 3 and not fake.violations  # and the role of who closed it (closers.py)


def test_the_naming_search_finds_a_paper_as_whole_words_of_the_texts_the_bot_writes(fake, monkeypatch):
    """GitHub's search matches words, not substrings as the fake does. The search of closed PRs
    naming a paper asks for the id as a phrase, ``"2405.00732"``; it finds the bot's texts whether
    GitHub keeps the id as one word (Unicode's word rules keep a number with a dot whole) or splits
    it at the dot, since the bot's titles, bodies and checklist lines show every id between
    characters that end a word: never joined to a version (``v2``), a letter, a digit or ``_``."""
    import re

    from bot.core import digest
    from bot.forge.github.snapshot import ClosedWindow
    from tests.golden_files import GOLDEN

    forge = forge_for(fake)
    forge.view.snapshot().closed_window = ClosedWindow(None)  # not every closed PR read: search
    graphql_data, sent = forge.client.graphql_data, []

    def recorded(action, query, variables):
        sent.extend(v for k, v in variables.items() if k.startswith("q"))
        return graphql_data(action, query, variables)

    monkeypatch.setattr(forge.client, "graphql_data", recorded)
    forge.bot_pull_requests_naming(["2405.00732"])
    assert sent == [f'repo:{fake.repository} is:pr is:closed "2405.00732"']
    texts = [(GOLDEN / name).read_text(encoding="utf-8") for name in ("pr-body.md", "github-digest.md")]
    ids = {i for text in texts for i in re.findall(r"\b\d{4}\.\d{4,5}\b", text)}
    assert len(ids) >= 4 and digest.checklist_ids(texts[1])
    for text in texts:
        for found in re.finditer("|".join(map(re.escape, sorted(ids))), text):
            before, after = text[found.start() - 1], text[found.end() : found.end() + 2]
            assert not re.match(r"\w", before) and not re.match(r"\w|[.,:]\w", after), found[0]


@pytest.mark.parametrize("closed_before", [0, 120], ids=["read-whole", "past-the-first-100"])
def test_a_bot_pr_renamed_and_closed_with_its_body_edited_is_still_a_rejection(fake, taxonomy, closed_before):
    """Renaming a PR changes its title; GitHub never changes a PR's head branch (renaming the
    branch itself closes the PR, which keeps the bot's branch name). So a paper PR retitled, its
    marker and closing sentence edited out, then closed, and a checklist PR retitled and closed
    with its marker gone, are still found by their branch and remembered: by poll, which reads
    every closed PR, and by the issue commands, which read those naming the run's papers."""
    from bot.core.candidates import select_candidates
    from bot.core.paper import Paper

    change = paper_change(taxonomy, "2401.00001", 1)
    text = change.edit(fake.file("catalog.md"))
    fake.seed_pull(change.branch, "catalog.md", text, "Not this one", "Off topic, sorry.", state="closed")
    checklist = "Older papers\n\n- [x] arXiv 2401.00002: A\n- [ ] arXiv 2401.00003: B\n"
    fake.seed_pull(
        "bot/backfill-quantization", "catalog.md", "x\n", "Backfill, later", checklist, state="closed"
    )
    seed(fake, taxonomy, closed_before, "closed", start=200)  # newer: these two past the first 100
    ids = ["2401.00001", "2401.00002", "2401.00003", "2401.00004"]
    papers = [Paper(arxiv_id=i, title=f"Paper {i}") for i in ids]
    catalog = parse(fake.file("catalog.md"), taxonomy)

    for pulls in (forge_for(fake).bot_pull_requests("all"), forge_for(fake).bot_pull_requests_naming(ids)):
        chosen = select_candidates(papers, catalog, pulls, "bot/digest")
        assert ([p.arxiv_id for p in chosen.rejected], [p.arxiv_id for p in chosen.new]) == (ids[:3], ids[3:])
    assert not fake.violations


def test_more_than_a_hundred_closed_prs_page_through_the_search(fake, taxonomy):
    seed(fake, taxonomy, 130, "closed")
    forge = forge_for(fake)
    assert forge.bot_pull_requests("open") == [] and fake.counts["POST /graphql"] == 1
    closed = forge.bot_pull_requests("closed")
    assert len(closed) == 130 and fake.counts["POST /graphql"] == 2


def test_more_closed_prs_than_a_search_gives_are_all_remembered(fake, taxonomy, monkeypatch):
    """GitHub answers a search with 1,000 results at most: a bot with more closed PRs forgot the
    oldest rejections (proposed again by backfill, no longer negatives for the scorer). Past the
    limit, the next search reads the PRs created up to the oldest one read. (The limit is 200 here,
    in the fake and the bot alike, so that the test seeds 450 PRs, not 2,250.)"""
    from bot.forge.github import queries

    monkeypatch.setattr(queries, "SEARCH_LIMIT", 200)
    fake.search_limit = 200
    rejected = seed(fake, taxonomy, 450, "closed")
    closed = forge_for(fake).bot_pull_requests("closed")
    assert sorted(markers.find(p.body, "arxiv")["arxiv_id"] for p in closed) == sorted(rejected)
    # 2 pages of each search of 200, 1 of the last (the 51 PRs up to the oldest read, one again)
    assert fake.counts["POST /graphql"] == 2 + 2 + 1


# -- faults: no duplicate, nothing half-made, a clear error or a clean retry --------------------------


def test_server_error_on_opening_the_pr_is_checked_then_retried(fake, taxonomy):
    fake.fail("POST", PULLS, status=502)
    sleeps: list[float] = []
    result = forge_for(fake, sleeps).propose(paper_change(taxonomy, "2405.00001"))
    assert result.action == "opened" and len(fake.pulls()) == 1
    assert sleeps == [2.0] and fake.counts["GET " + PULLS] == 1 and fake.counts["POST " + PULLS] == 2


def test_timeout_after_the_pr_was_created_is_not_repeated(fake, taxonomy):
    fake.timeout_after_write("POST", PULLS)
    result = forge_for(fake, timeout_seconds=1).propose(paper_change(taxonomy, "2405.00001"))
    assert result.action == "opened" and len(fake.pulls()) == 1
    assert fake.counts["POST " + PULLS] == 1  # found by its branch, not posted twice
    assert fake.pulls()[0].labels == ["catalog-bot", "new-paper"]


def test_timeout_after_a_comment_was_posted_is_not_repeated(fake):
    issue = fake.add_issue("Please add our paper", "/add 2405.00001")
    fake.timeout_after_write("POST", COMMENTS)
    comment = forge_for(fake, timeout_seconds=1).upsert_comment(issue.number, "status", "Working on it.")
    assert [c.id for c in fake.issue_comments(issue.number)] == [comment.id]
    assert fake.counts["POST " + COMMENTS] == 1


def test_secondary_rate_limit_waits_retry_after_then_succeeds(fake, taxonomy, caplog):
    fake.rate_limit("POST", REFS, retry_after=3)
    sleeps: list[float] = []
    with caplog.at_level("INFO", logger="bot"):
        forge_for(fake, sleeps).propose(paper_change(taxonomy, "2405.00001"))
    assert sleeps == [3.0] and len(fake.pulls()) == 1 and fake.counts["POST " + REFS] == 2
    assert (
        "could not create branch bot/arxiv-2405.00001 (" in caplog.text
        and "trying again in 3 s" in caplog.text
    )


def test_secondary_rate_limit_without_retry_after_waits_a_minute(fake, taxonomy):
    fake.rate_limit("POST", PULLS, retry_after=None)
    sleeps: list[float] = []
    forge_for(fake, sleeps).propose(paper_change(taxonomy, "2405.00001"))
    assert sleeps == [60.0] and len(fake.pulls()) == 1


def test_primary_rate_limit_waits_until_the_reset(fake):
    fake.rate_limit("POST", "/graphql", retry_after=None, primary=True)
    fake.clock = lambda: 1_800_000_000.0  # the reset is 30 s after this; the forge's clock says the same
    sleeps: list[float] = []
    forge_for(fake, sleeps, clock=lambda: 1_800_000_000.0).bot_pull_requests()
    assert sleeps == [31.0]  # until the reset, plus a second


def test_requests_and_writes_are_paced_on_the_injected_clock(fake):
    now, sleeps = [100.0], []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    settings = GitHubSettings(seconds_between_requests=1, seconds_between_writes=3, timeout_seconds=5)
    client = GitHubClient(
        fake.repository, BOT_TOKEN, api_url=fake.url, settings=settings, sleep=sleep, monotonic=lambda: now[0]
    )
    client.rest("GET", client.repo_path, "read the repository")
    client.rest("POST", f"{client.repo_path}/labels", "create a label", body={"name": "one"})
    client.rest("POST", f"{client.repo_path}/labels", "create a label", body={"name": "two"})
    assert sleeps == [1.0, 3.0]  # a second after the read; three seconds between the two writes


def test_a_rate_limit_longer_than_allowed_fails_cleanly(fake, taxonomy):
    fake.rate_limit("POST", PULLS, retry_after=3600)
    change = paper_change(taxonomy, "2405.00001")
    with pytest.raises(ForgeError, match=r"wait 3600 s .*max_wait_seconds=900"):
        forge_for(fake).propose(change)
    assert fake.pulls() == [] and change.branch not in fake.branches()  # nothing half-made


def test_reference_already_exists_from_a_concurrent_run(fake, taxonomy):
    fake.fail_after_write("POST", REFS, status=422, message="Reference already exists")
    change = paper_change(taxonomy, "2405.00001")
    result = forge_for(fake).propose(change)
    assert result.action == "opened" and len(fake.pulls()) == 1
    assert branch_commit(fake, change.branch).parents == [fake.head()]


def test_timeout_after_the_branch_was_created(fake, taxonomy):
    fake.timeout_after_write("POST", REFS)
    change = paper_change(taxonomy, "2405.00001")
    forge_for(fake, timeout_seconds=1).propose(change)
    assert fake.counts["POST " + REFS] == 1 and fake.counts["GET /repos/{owner}/{repo}/git/ref/{ref}"] == 1
    assert len(fake.pulls()) == 1


def test_github_down_while_opening_leaves_no_branch(fake, taxonomy):
    fake.fail("POST", PULLS, status=503, times=10)
    change = paper_change(taxonomy, "2405.00001")
    with pytest.raises(ForgeError, match=r"open a PR for bot/arxiv-2405.00001: GitHub failed 4 time"):
        forge_for(fake).propose(change)
    assert fake.pulls() == [] and change.branch not in fake.branches()


def test_when_even_the_cleanup_fails_the_first_error_is_raised(fake, taxonomy, caplog):
    fake.fail("POST", PULLS, status=503, times=10)
    fake.fail("GET", PULLS, status=503, times=10)
    with pytest.raises(ForgeError, match="open a PR for bot/arxiv-2405.00001"):
        forge_for(fake).propose(paper_change(taxonomy, "2405.00001"))
    assert "left behind without a PR" in caplog.text
    assert fake.pulls() == []
    fake.faults.clear()  # GitHub is back: the next run takes the leftover branch over
    assert forge_for(fake).propose(paper_change(taxonomy, "2405.00001")).action == "opened"
    assert len(fake.pulls()) == 1


def test_labels_github_failed_to_add_are_added_by_the_rerun(fake, taxonomy, caplog):
    """Labelling failed after the PR was opened: the run said "PR #1 opened, but could not label
    PR #1 ... rerun later", and every rerun found the PR current and left it without labels, where
    a clean run labels it (a poll never proposes it again: the warning names the labels to add). A
    label a maintainer removed (the PR keeps another) stays removed."""
    fake.fail("PATCH", ISSUES + "/{issue_number}", status=500, times=10)
    change = paper_change(taxonomy, "2405.00001")
    assert forge_for(fake).propose(change).action == "opened"
    assert "PR #1 opened, but could not label PR #1" in caplog.text and fake.pulls()[0].labels == []
    assert "Add its labels by hand (catalog-bot, new-paper)" in caplog.text
    fake.faults.clear()

    assert forge_for(fake).propose(change).action == "updated"
    assert fake.pulls()[0].labels == ["catalog-bot", "new-paper"]
    assert forge_for(fake).propose(change).action == "unchanged"

    fake.pulls()[0].labels.remove("new-paper")  # a maintainer's choice
    fake.reset_counts()
    assert forge_for(fake).propose(change).action == "unchanged"
    assert fake.pulls()[0].labels == ["catalog-bot"] and fake.writes() == 0


def test_an_update_that_moves_the_paper_swaps_the_bots_labels_and_keeps_the_others(fake, taxonomy):
    """An /add moving a paper rewrote its open PR's body and commit but kept ``section:<old>`` and
    needs-section. The change's stale labels go (one a maintainer removed meanwhile, GitHub's 404:
    done), its fresh ones come, a maintainer's stay; the same update again writes nothing."""
    from dataclasses import replace

    doubt = ("new-paper", "section:quantization", "needs-section")
    fake.add_issue("unrelated", "b", labels=("needs-section",))  # the label exists on the repository
    forge_for(fake).propose(replace(paper_change(taxonomy, "2405.00001"), labels=doubt))
    fake.pulls()[0].labels.append("Hand-Picked")  # a maintainer's
    moved = replace(
        paper_change(taxonomy, "2405.00001", section="kv-cache", subsection=None),
        labels=("new-paper", "section:kv-cache"),
        stale_labels=("section:quantization", "needs-section"),
        fresh_labels=("section:kv-cache",),
    )
    forge = forge_for(fake)
    assert "needs-section" in forge.bot_pull_requests("open")[0].labels  # read by this run
    fake.pulls()[0].labels.remove("needs-section")  # then removed by hand
    fake.reset_counts()

    result = forge.propose(moved)
    assert result.action == "updated"
    assert fake.pulls()[0].labels == ["catalog-bot", "new-paper", "Hand-Picked", "section:kv-cache"]
    assert result.pull_request.labels == tuple(fake.pulls()[0].labels)
    assert fake.counts["DELETE " + ISSUES + "/{issue_number}/labels/{name}"] == 2  # one answered 404
    assert not fake.violations

    fake.reset_counts()
    assert forge_for(fake).propose(moved).action == "unchanged" and fake.writes() == 0
    assert fake.pulls()[0].labels == ["catalog-bot", "new-paper", "Hand-Picked", "section:kv-cache"]


@pytest.mark.parametrize("name", [".", "..", "needs section? #1/2 100% é+x", "%2E"])
def test_a_stale_label_is_removed_by_its_name_however_written(fake, taxonomy, name):
    """The label's name is one segment of the DELETE's path: "/", "#", "?" and "%" encoded, and a
    name of dots too, which the HTTP client read as a dot segment: removing the label "." sent
    ``DELETE .../issues/1/labels`` (GitHub: remove every label of the PR), ".." ``DELETE .../issues/1``."""
    from dataclasses import replace

    fake.add_issue("unrelated", "b", labels=(name,))  # the label exists on the repository
    forge_for(fake).propose(replace(paper_change(taxonomy, "2405.00001"), labels=("new-paper", name)))
    fake.pulls()[0].labels.append("Hand-Picked")  # a maintainer's
    moved = replace(
        paper_change(taxonomy, "2405.00001", section="kv-cache", subsection=None),
        labels=("new-paper",),
        stale_labels=(name,),
    )
    assert forge_for(fake).propose(moved).action == "updated"
    assert fake.pulls()[0].labels == ["catalog-bot", "new-paper", "Hand-Picked"]
    assert not fake.violations


def test_missing_permission_is_explained(fake, taxonomy):
    fake.fail("POST", REFS, status=403, message="Resource not accessible by integration")
    change = paper_change(taxonomy, "2405.00001")
    with pytest.raises(ForgeError, match=r"may not create branch .*permissions block.*doctor"):
        forge_for(fake).propose(change)
    assert fake.pulls() == [] and change.branch not in fake.branches()


def test_actions_not_allowed_to_create_prs_is_explained(fake, taxonomy):
    fake.fail(
        "POST",
        PULLS,
        status=403,
        message="GitHub Actions is not permitted to create or approve pull requests.",
    )
    change = paper_change(taxonomy, "2405.00001")
    with pytest.raises(ForgeError, match="Allow GitHub Actions to create and approve pull requests"):
        forge_for(fake).propose(change)
    assert change.branch not in fake.branches()


def test_bad_token(fake):
    forge = GitHubForge(
        fake.repository,
        "ghs_wrong",
        api_url=fake.url,
        settings=GitHubSettings(seconds_between_requests=0, seconds_between_writes=0),
    )
    with pytest.raises(ForgeError, match="rejected the token .*401 Bad credentials"):
        forge.read_file("catalog.md")


def test_a_read_is_retried_after_server_errors(fake):
    fake.fail("POST", "/graphql", status=502, times=2)
    sleeps: list[float] = []
    assert "## Quantization" in forge_for(fake, sleeps).read_file("catalog.md")
    assert sleeps == [2.0, 4.0]


def test_a_query_github_timed_out_on_its_side_is_retried(fake, taxonomy):
    """github.com answers a GraphQL query that ran out of time on its side with HTTP 200, no data
    and "Something went wrong while executing your query. This may be the result of a timeout":
    the snapshot read (every bot PR's body and head) failed at once, and with it the whole run,
    although docs/github.md says reads are retried after timeouts."""
    fake.graphql_error(times=2)
    sleeps: list[float] = []
    forge = forge_for(fake, sleeps)
    assert "## Quantization" in forge.read_file("catalog.md")
    assert sleeps == [2.0, 4.0]

    fake.graphql_error(times=4)  # every attempt: a clear error that says what happened
    with pytest.raises(ForgeError, match="GitHub failed 4 time.*Something went wrong.*rerun later"):
        forge_for(fake, sleeps).read_file("catalog.md")


def forge_behind(httpserver: HTTPServer) -> GitHubForge:
    """A GitHub forge whose API URL is ``httpserver`` (what a proxy or a wrong URL answers)."""

    return GitHubForge(
        "o/r",
        "token",
        api_url=httpserver.url_for("/"),
        settings=GitHubSettings(seconds_between_requests=0, seconds_between_writes=0),
        sleep=lambda _: None,
    )


def test_a_page_that_is_not_githubs_api_is_a_clear_error(httpserver, tmp_path):
    """A wrong GITHUB_API_URL (a GitHub Enterprise Server's web address without /api/v3) or a
    company proxy's sign-in page answers HTTP 200 with HTML: the bot read it as GitHub's answer and
    ended in a traceback ("'str' object has no attribute 'get'"), exit 3."""
    httpserver.expect_request("/graphql").respond_with_data(
        "<html><body>Sign in to Example Corp</body></html>", content_type="text/html"
    )
    forge = forge_behind(httpserver)
    with pytest.raises(ForgeError, match="not GitHub's API .*Sign in to Example Corp.*check GITHUB_API_URL"):
        forge.read_file("catalog.md")
    assert len(httpserver.log) == 1  # an answer, not an outage: not retried


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ({"status": 302, "headers": {"Location": "/graphql"}}, "TooManyRedirects"),
        ({"response_data": "{}", "headers": {"Content-Encoding": "gzip"}}, "DecodingError"),
    ],
)
def test_an_answer_that_cannot_be_read_is_a_clear_error(httpserver, answer, said):
    """A proxy in between that loops on a redirect, or labels a plain body as gzip: httpx raises
    errors that are no transport errors, which went past the retry loop as a traceback (exit 3)."""
    httpserver.expect_request("/graphql").respond_with_data(**answer)
    forge = forge_behind(httpserver)
    with pytest.raises(
        ForgeError, match=rf"could not read the repository .*could not be read \({said}.*GITHUB_API_URL"
    ):
        forge.read_file("catalog.md")


def _trickling(body: bytes, pause: float):
    """A JSON answer sent ten bytes at a time, ``pause`` seconds apart (chunked, as a generator)."""
    from werkzeug import Response

    def handler(request):
        def parts():
            for start in range(0, len(body), 10):
                yield body[start : start + 10]
                time.sleep(pause)

        return Response(parts(), content_type="application/json")

    return handler


def test_a_server_trickling_its_answer_is_cut_at_the_timeout(threaded_httpserver):
    """httpx's timeout bounds each read, not the answer: a proxy sending a few bytes now and then
    held a job for as long as the answer lasted (here 540 bytes over 11 s, a 1 s timeout). Each
    attempt now ends at ``timeout_seconds`` and is retried as any timeout."""
    body = json.dumps({"full_name": "o/r", "description": "x" * 500}).encode()
    threaded_httpserver.expect_request("/repos/o/r").respond_with_handler(_trickling(body, 0.2))
    settings = GitHubSettings(
        seconds_between_requests=0,
        seconds_between_writes=0,
        timeout_seconds=1,
        retry=RetryPolicy(max_attempts=2),
    )
    client = GitHubClient(
        "o/r", "token", api_url=threaded_httpserver.url_for("/"), settings=settings, sleep=lambda _: None
    )
    started = time.monotonic()
    with pytest.raises(ForgeError, match=r"GitHub failed 2 time\(s\) \(no answer: no answer in time\)"):
        client.rest("GET", "/repos/o/r", "read the repository")
    # two attempts of 1 s; the bound leaves a loaded machine 4 s, far below one whole answer (11 s)
    assert time.monotonic() - started < 6
    assert len(threaded_httpserver.log) == 2


def test_an_answer_in_chunks_within_the_timeout_is_read_whole(httpserver):
    body = json.dumps({"full_name": "o/r", "description": "x" * 60}).encode()
    httpserver.expect_request("/repos/o/r").respond_with_handler(_trickling(body, 0))
    settings = GitHubSettings(seconds_between_requests=0, seconds_between_writes=0, timeout_seconds=1)
    client = GitHubClient(
        "o/r", "token", api_url=httpserver.url_for("/"), settings=settings, sleep=lambda _: None
    )
    assert client.rest("GET", "/repos/o/r", "read the repository")["full_name"] == "o/r"


def test_retry_delay_follows_githubs_rules():
    policy = RetryPolicy(max_attempts=4, backoff_seconds=2, max_wait_seconds=900)
    assert retry_delay(Failure(403, "secondary rate limit", {"retry-after": "7"}), 1, policy, 0) == 7
    reset = Failure(
        403, "API rate limit exceeded", {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1100"}
    )
    assert retry_delay(reset, 1, policy, now=1000) == 101
    assert retry_delay(Failure(403, "You have exceeded a secondary rate limit"), 3, policy, 0) == 60
    assert retry_delay(Failure(429, "too many"), 6, policy, 0) == 128  # grows past a minute
    assert retry_delay(Failure(502, "bad gateway"), 2, policy, 0) == 4
    assert retry_delay(Failure(403, "Resource not accessible by integration"), 1, policy, 0) is None
    assert retry_delay(Failure(422, "Validation Failed"), 1, policy, 0) is None


# -- reading -------------------------------------------------------------------------------------------


def test_large_files_come_from_the_blob_api(fake, taxonomy):
    fake.graphql_text_limit = 100
    text = forge_for(fake).read_file("catalog.md")
    assert (
        text == catalog_text(taxonomy) and fake.counts["GET /repos/{owner}/{repo}/git/blobs/{file_sha}"] == 1
    )


def test_other_files_are_read_at_the_same_commit(fake):
    fake.push("README.md", "# Read me\n")
    forge = forge_for(fake)
    forge.snapshot()
    fake.push("README.md", "# Changed after the run started\n")
    assert forge.read_file("README.md") == "# Read me\n"
    assert forge.read_file("missing.md") == ""


def test_a_file_is_read_on_a_pull_requests_branch(fake, taxonomy):
    import dataclasses

    change = dataclasses.replace(
        paper_change(taxonomy, "2405.00001"), extra_files=(("data/papers.jsonl", "on the branch\n"),)
    )
    pull = forge_for(fake).propose(change).pull_request
    fake.reset_counts()
    forge = forge_for(fake)
    [listed] = forge.bot_pull_requests("open")
    assert forge.read_pull_request_file(listed, "data/papers.jsonl") == "on the branch\n"
    assert forge.read_pull_request_file(listed, "missing.md") == ""
    assert forge.read_file("data/papers.jsonl") == ""  # the default branch has none
    assert listed.number == pull.number and dict(fake.counts) == {"POST /graphql": 4}


def test_git_blob_sha_matches_git():
    assert git_blob_sha("hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


def test_from_environment(fake, monkeypatch):
    env = {"GITHUB_TOKEN": "ghs_x", "GITHUB_REPOSITORY": "a/b", "GITHUB_API_URL": fake.url}
    forge = GitHubForge.from_environment(env)
    assert (forge.repository, forge.api_url, forge.settings.branch_prefix) == ("a/b", fake.url, "bot/")
    assert [label.name for label in forge.settings.labels] == [
        "catalog-bot",
        "new-paper",
    ]  # config/github.yml
    assert GitHubForge.from_environment(env, repository="c/d").repository == "c/d"
    with pytest.raises(ForgeError, match="set GITHUB_TOKEN"):
        GitHubForge.from_environment({"GITHUB_REPOSITORY": "a/b"})
    with pytest.raises(ForgeError, match="GITHUB_REPOSITORY"):
        GitHubForge.from_environment({"GITHUB_TOKEN": "x"})
    with pytest.raises(ForgeError, match="'owner/name'"):
        GitHubForge.from_environment({"GITHUB_TOKEN": "x", "GITHUB_REPOSITORY": "no-slash"})


def test_branches_outside_the_prefix_are_refused(fake, taxonomy):
    change = paper_change(taxonomy, "2405.00001")
    with pytest.raises(ForgeError, match="outside the bot's prefix"):
        forge_for(fake).propose(type(change)(**{**change.__dict__, "branch": "main"}))


# -- IssueTracker -------------------------------------------------------------------------------------


def test_reactions_are_idempotent(fake):
    issue = fake.add_issue("Add paper", "/add 2405.00001")
    comment = fake.add_comment(issue.number, "/add 2405.00002", user="alice")
    forge = forge_for(fake)
    for _ in range(2):
        forge.add_reaction(issue.number)
        forge.add_reaction(issue.number, comment.id)
    assert sorted(fake.reactions) == [
        ("comment", comment.id, "eyes", BOT_LOGIN),
        ("issue", issue.number, "eyes", BOT_LOGIN),
    ]


def test_one_status_comment_per_issue_edited_in_place(fake):
    issue = fake.add_issue("Add paper", "/add 2405.00001")
    fake.add_comment(issue.number, "I copy the marker <!-- catalog-bot:status -->", user="mallory")
    forge = forge_for(fake)
    first = forge.upsert_comment(issue.number, "status", "Working on it.")
    second = forge_for(fake).upsert_comment(issue.number, "status", "Done: #12.")
    same = forge_for(fake).upsert_comment(issue.number, "status", "Done: #12.")

    mine = [c for c in fake.issue_comments(issue.number) if c.user == BOT_LOGIN]
    assert len(mine) == 1 and first.id == second.id == same.id == mine[0].id
    assert mine[0].body.startswith("Done: #12.") and markers.find(mine[0].body, "status") == {}
    assert [c.body for c in fake.issue_comments(issue.number) if c.user == "mallory"] == [
        "I copy the marker <!-- catalog-bot:status -->"
    ]  # a look-alike is never edited
    assert [c.id for c in forge.list_comments(issue.number)][-1] == first.id


def test_permission_uses_the_collaborator_api(fake):
    fake.collaborators.update({"ada": "maintain", "bob": "triage", "carol": "write"})
    fake.unknown_users.add("ghost")
    forge = forge_for(fake)
    got = {
        u: forge.permission(u)
        for u in ("maintainer", "ada", "bob", "carol", "stranger", "ghost", "dependabot[bot]", "../etc")
    }
    assert got == {
        "maintainer": "admin",
        "ada": "maintain",
        "bob": "triage",
        "carol": "write",
        "stranger": "read",
        "ghost": "none",
        "dependabot[bot]": "none",
        "../etc": "none",
    }


def test_tracking_issue_is_created_edited_closed_and_reopened(fake):
    forge = forge_for(fake)
    assert forge.upsert_issue("nightly", "Nightly", "all green", ("nightly",), close=True) is None
    created = forge.upsert_issue("nightly", "Nightly: 2 dead links", "- a\n- b", ("nightly", "catalog-bot"))
    edited = forge_for(fake).upsert_issue("nightly", "Nightly: 1 dead link", "- a", ("nightly",))
    closed = forge_for(fake).upsert_issue(
        "nightly", "Nightly: all green", "nothing dead", ("nightly",), close=True
    )
    reopened = forge_for(fake).upsert_issue("nightly", "Nightly: 1 dead link", "- c", ("nightly",))

    issues = [i for i in fake.issues.values() if not i.is_pull]
    assert len(issues) == 1 and created.number == edited.number == closed.number == reopened.number
    assert closed.state == "closed" and reopened.state == "open" and issues[0].title == "Nightly: 1 dead link"
    assert sorted(issues[0].labels) == ["catalog-bot", "nightly"]
    fake.reset_counts()
    forge_for(fake).upsert_issue("nightly", "Nightly: 1 dead link", "- c", ("nightly",))
    assert fake.writes() == 0  # nothing changed, nothing written


def test_a_timed_out_issue_creation_is_found_again(fake):
    fake.timeout_after_write("POST", ISSUES)
    forge_for(fake, timeout_seconds=1).upsert_issue("nightly", "Nightly", "body", ("nightly",))
    assert len([i for i in fake.issues.values() if not i.is_pull]) == 1 and fake.counts["POST " + ISSUES] == 1


# -- RepoDirectory ---------------------------------------------------------------------------------


def test_repositories_batches_of_a_hundred(fake):
    names = [f"org{i}/repo{i}" for i in range(250)]
    for i, name in enumerate(names):
        fake.add_remote(name, stars=i)
    fake.rename_remote("org1/repo1", "new-owner/repo1-renamed")
    fake.remote["org2/repo2"].archived = True
    del fake.remote["org3/repo3"]  # deleted

    found = forge_for(fake).repositories(names + ["not a repo name"])

    assert fake.counts["POST /graphql"] == math.ceil(250 / 100) == 3
    assert (
        found["org0/repo0"].exists and found["org0/repo0"].stars == 0 and found["org249/repo249"].stars == 249
    )
    assert found["org1/repo1"].current_name == "new-owner/repo1-renamed"
    assert found["org2/repo2"].archived and found["org0/repo0"].current_name is None
    assert not found["org3/repo3"].exists and not found["not a repo name"].exists
    assert len(found) == 251


def test_a_failing_batch_is_split_in_halves(fake):
    names = [f"org{i}/repo{i}" for i in range(100)]
    for name in names:
        fake.add_remote(name, stars=5)
    fake.fail(
        "POST", "/graphql", status=502, times=99, when=lambda body: body["query"].count("repository(") > 50
    )

    found = forge_for(fake).repositories(names)

    assert len(found) == 100 and all(info.exists and info.stars == 5 for info in found.values())
    assert fake.counts["POST /graphql"] == 3  # 100 failed, then 50 + 50


def test_when_github_gives_no_answer_the_lookups_stop_after_the_first_single_repository():
    """With GitHub unreachable, every batch was split down to single repositories, each waiting
    out its retries: 250 repositories took ~500 lookups of 4 attempts (hours of backoff)."""
    import httpx

    from bot.forge.github.client import GitHubClient
    from bot.forge.github.repos import Repositories

    sent = []

    def refuse(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        raise httpx.ConnectError("connection refused", request=request)

    client = GitHubClient(
        None, "token", http=httpx.Client(transport=httpx.MockTransport(refuse)), sleep=lambda _: None
    )
    names = [f"org{i}/repo{i}" for i in range(250)]
    found = Repositories(client).repositories([*names, "not a repo name"])
    assert found == {"not a repo name": found["not a repo name"]}  # the rest: not checked
    assert len(sent) < 20, len(sent)  # 100, 50, 25, 13, 7, 4, 2, then 1 repository (with retries)


def test_case_only_differences_are_not_renames(fake):
    fake.add_remote("IST-DASLab/gptq", stars=1900)
    info = forge_for(fake).repositories(["ist-daslab/gptq"])["ist-daslab/gptq"]
    assert info.exists and info.current_name is None and info.stars == 1900


def test_repositories_query_passes_names_as_variables():
    query, variables = repositories_query(['evil"/x', "a/b"])
    assert 'evil"' not in query and variables == {"o0": 'evil"', "n0": "x", "o1": "a", "n1": "b"}


# -- the fake itself -----------------------------------------------------------------------------------


def test_the_fake_rejects_what_github_would_reject(fake):
    bad = fake.api("POST", f"/repos/{fake.repository}/git/refs", {"ref": "refs/heads/x"})  # no sha
    bad_graphql = fake.api("POST", "/graphql", {"query": '{ repository(owner: "a", name: "b") { stars } }'})
    bare_labels = fake.api(
        "POST", f"/repos/{fake.repository}/issues/{fake.add_issue('t', 'b').number}/labels", ["bug"]
    )  # PyGithub's add_to_labels: a documented, accepted deviation
    assert bad.status_code == 422 and bad_graphql.status_code == 422 and bare_labels.status_code == 200
    assert len(fake.violations) == 2 and "'sha' is a required property" in fake.violations[0]
    assert "Cannot query field 'stars'" in fake.violations[1]
    fake.violations.clear()


def test_every_route_of_the_fake_is_in_githubs_description():
    assert all_routes_in_description() == []


def test_merging_conflicting_prs_fails_like_github(fake, taxonomy):
    forge = forge_for(fake)
    first = forge.propose(paper_change(taxonomy, "2405.00001", 0)).pull_request
    second = forge.propose(paper_change(taxonomy, "2405.00002", 1)).pull_request
    assert fake.merge(first.number).status_code == 200
    refused = fake.merge(second.number)
    assert refused.status_code == 405 and refused.json()["message"] == "Pull Request is not mergeable"


def test_maintainer_token_sees_scopes(fake):
    response = fake.api("GET", f"/repos/{fake.repository}", token=MAINTAINER_TOKEN)
    assert response.headers["x-oauth-scopes"] == "repo, workflow" and response.json()["permissions"]["admin"]


# -- requests per poll run -------------------------------------------------------------------------


def test_requests_per_poll_run(fake, taxonomy, capsys):
    """A poll run reads once (plus one query per further 100 open PRs) and writes five times per
    new paper (tree, commit, branch, PR, labels), whatever the number of existing bot PRs."""
    forge_for(fake).ensure_labels(["catalog-bot", "new-paper"])  # steady state: labels exist
    rows, next_id, open_prs = [], 1, 0
    for target in (0, 40, 150):
        seeded = (
            seed(fake, taxonomy, target - open_prs, "open", start=open_prs + 1000)
            if target > open_prs
            else []
        )
        open_prs += len(seeded)
        for new in (1, 5, 10):
            fake.reset_counts()
            forge = forge_for(fake)
            forge.bot_pull_requests("all")  # rejection memory and open PRs, as the poll job reads them
            forge.read_file("catalog.md")
            for k in range(new):
                assert forge.propose(paper_change(taxonomy, f"2406.{next_id:05d}", k)).action == "opened"
                next_id += 1
            rows.append((new, open_prs, fake.reads(), fake.writes()))
            assert fake.reads() == max(1, math.ceil(open_prs / 100)) and fake.writes() == 5 * new
            open_prs += new
    # figures for the report: shown with `pytest -rP`, not between the dots
    print("\nrequests per poll run: N new papers, M open bot PRs before the run -> reads, writes")
    for new, existing, reads, writes in rows:
        print(f"  N={new:>2}  M={existing:>3}  reads={reads}  writes={writes}")


def test_the_fakes_search_and_contents_api(fake, taxonomy):
    forge_for(fake).propose(paper_change(taxonomy, "2405.00001"))
    fake.add_issue("Please add our paper", "arXiv 2405.00099 please", user="alice", labels=("add-paper",))
    search = fake.api("GET", f"/search/issues?q=repo:{fake.repository}+is:pr+is:open+head:bot/arxiv-").json()
    issues = fake.api(
        "GET", f"/search/issues?q=repo:{fake.repository}+is:issue+label:add-paper+2405.00099"
    ).json()
    assert [i["number"] for i in search["items"]] == [1] and "pull_request" in search["items"][0]
    assert issues["total_count"] == 1 and issues["items"][0]["user"]["login"] == "alice"
    content = fake.api("GET", f"/repos/{fake.repository}/contents/catalog.md?ref=bot/arxiv-2405.00001").json()
    assert content["sha"] == git_blob_sha(fake.file("catalog.md", "bot/arxiv-2405.00001"))
    put = fake.api(
        "PUT",
        f"/repos/{fake.repository}/contents/notes/todo.md",
        {"message": "Add notes", "content": base64.b64encode(b"- a\n").decode()},
    )
    assert put.status_code == 200 and fake.file("notes/todo.md") == "- a\n"


def test_a_pr_a_concurrent_run_opened_on_the_branch_is_not_taken_over(fake, taxonomy):
    """Two runs propose the same paper at once (an /add and the poll job run in different
    concurrency groups): the second, whose snapshot saw no PR, finds the branch taken by the
    first's open PR and stops with a clear error, leaving that PR's branch and body alone."""
    late = forge_for(fake)
    late.view.snapshot()  # read before the other run wrote anything
    first = forge_for(fake).propose(paper_change(taxonomy, "2405.00001", section="kv-cache", subsection=None))
    before = (fake.head(first.pull_request.branch), fake.pulls()[0].body, fake.pulls()[0].title)
    with pytest.raises(ForgeError, match=r"#\d+ .*was opened on bot/arxiv-2405.00001 meanwhile"):
        late.propose(paper_change(taxonomy, "2405.00001"))
    [pull] = fake.pulls()
    assert (fake.head(pull.head), pull.body, pull.title) == before


def test_a_pr_another_run_opened_between_our_branch_and_our_pr_is_not_rewritten(fake, taxonomy, monkeypatch):
    """The narrower overlap: this run creates the branch, the other run then moves it and opens
    its PR first; this run's "A pull request already exists" finds that PR, which proposes
    something else, and leaves its title and body alone."""
    late = forge_for(fake)
    late.view.snapshot()
    create_branch = late.pulls._create_branch
    other = paper_change(taxonomy, "2405.00001", section="kv-cache", subsection=None)

    def then_the_other_run(branch: str, sha: str, body: str | None = None) -> None:
        create_branch(branch, sha, body)
        forge_for(fake).propose(other)

    monkeypatch.setattr(late.pulls, "_create_branch", then_the_other_run)
    with pytest.raises(ForgeError, match=r"#\d+ .*was opened on bot/arxiv-2405.00001 meanwhile"):
        late.propose(paper_change(taxonomy, "2405.00001"))
    [pull] = fake.pulls()
    assert (pull.body, pull.title) == (other.body, other.title)
    assert fake.file("catalog.md", pull.head) == other.edit(fake.file("catalog.md"))


def test_the_fake_refuses_a_body_longer_than_github_takes(fake):
    """As GitHub does (422, "body is too long (maximum is 65536 characters)"): a job that writes
    more must cut it (nightly's issue, a digest) and the tests see when it does not."""
    path = f"/repos/{fake.repository}/issues"
    assert fake.api("POST", path, {"title": "t", "body": "x" * 65_536}).status_code == 201
    refused = fake.api("POST", path, {"title": "t", "body": "x" * 65_537})
    assert refused.status_code == 422 and "body is too long" in refused.text


def test_a_branch_another_run_moved_before_our_pr_was_opened_is_moved_back(fake, taxonomy):
    """The other overlap: this run creates the branch; the other run (an /add while the poll runs)
    finds it without a PR, takes it for a leftover and moves it to its own commit; this run then
    opens its PR, which showed the other run's line under this run's body and marker (the other
    run's PR then fails: "PR #N was opened ... meanwhile"). The PR GitHub opened names its head:
    not this run's commit, the branch is moved back from there."""
    change = paper_change(taxonomy, "2405.00001")
    other = paper_change(taxonomy, "2405.00001", section="kv-cache", subsection=None)
    main = fake.file("catalog.md")
    fake.meanwhile(
        "POST",
        "/repos/{owner}/{repo}/pulls",
        lambda: fake.push("catalog.md", other.edit(main), change.branch, message="the other run's"),
    )

    result = forge_for(fake).propose(change)

    [pull] = fake.pulls()
    assert result.action == "opened" and pull.body == change.body
    assert fake.file("catalog.md", change.branch) == change.edit(main)
    assert branch_commit(fake, change.branch).parents == [fake.head()] and not fake.violations


def test_a_pr_opened_after_main_moved_is_built_on_main_as_it_is_then(fake, taxonomy):
    """A maintainer merges a bot PR while a poll run trains (or opens its other PRs): the run built
    every later PR on the head it read at its start, so the new PR's line and the merged one, both
    at the top of their section, conflicted (and a paper added meanwhile was added twice). The PR
    GitHub opens names the default branch's head: moved, the PR's branch is rebuilt on it (1 read,
    3 writes), and so is every later PR of the run; nothing more is read when it did not move."""
    first = forge_for(fake).propose(paper_change(taxonomy, "2405.00002")).pull_request
    forge = forge_for(fake)
    forge.bot_pull_requests("all")  # the run's read, before it trains
    assert fake.merge(first.number).status_code == 200  # meanwhile: the default branch moves
    fake.reset_counts()

    second, third = paper_change(taxonomy, "2405.00001", 1), paper_change(taxonomy, "2404.00009", 2)
    results = [forge.propose(second), forge.propose(third)]

    for change, result in zip((second, third), results, strict=True):
        pull = next(p for p in fake.pulls("open") if p.head == change.branch)
        assert result.action == "opened" and branch_commit(fake, change.branch).parents == [fake.head()]
        assert fake.file("catalog.md", change.branch) == change.edit(fake.file("catalog.md"))
        assert fake._mergeable(pull) and result.diff.count("\n+- ") == 1
    assert (fake.reads(), fake.writes()) == (1, 5 + 3 + 5) and not fake.violations


def test_an_update_long_after_the_runs_read_is_built_on_main_as_it_is_then(fake, taxonomy):
    """Batch mode updates the open digest PR after training (minutes after the run's read), and a
    maintainer merged a PR meanwhile: the update was built on the head the run read (its line and
    the merged one at the top of one section conflicted), while a new PR followed the moved head.
    An update built on a read over a minute old reads the head again (2 reads) and is built on it;
    a recent read costs nothing."""
    merged = forge_for(fake).propose(paper_change(taxonomy, "2405.00002")).pull_request
    forge_for(fake).propose(paper_change(taxonomy, "2405.00001", 1, section="kv-cache", subsection=None))
    now = [0.0]
    forge = forge_for(fake, monotonic=lambda: now[0], head_fresh_seconds=60)
    forge.bot_pull_requests("all")  # the run's read, before it trains
    assert fake.merge(merged.number).status_code == 200  # meanwhile: the default branch moves
    now[0] += 61
    fake.reset_counts()

    change = paper_change(taxonomy, "2405.00001", 1)
    result = forge.propose(change)

    pull = next(p for p in fake.pulls("open") if p.head == change.branch)
    assert result.action == "updated" and branch_commit(fake, change.branch).parents == [fake.head()]
    assert fake.file("catalog.md", change.branch) == change.edit(fake.file("catalog.md"))
    assert fake._mergeable(pull) and fake.reads() == 2 and not fake.violations
    fake.reset_counts()
    forge.propose(paper_change(taxonomy, "2405.00001", 1, section="kv-cache", subsection=None))
    assert fake.reads() == 0


@pytest.mark.parametrize("query", ["CatalogBotDefaultHead", "CatalogBotHead"])
def test_an_update_whose_read_of_the_moved_head_fails_is_built_on_the_head_the_run_read(
    fake, taxonomy, caplog, query
):
    """Round 30's read of the head again before an update (``catch_up``) is a refinement: GitHub
    failing it (the head, or the moved head's commit) raised out of ``propose``, and an update
    that worked before failed. It is built on the head the run read, as before round 30 and as
    a new PR whose moved head cannot be read; refresh rebuilds it. The next update reads again."""
    merged = forge_for(fake).propose(paper_change(taxonomy, "2405.00002")).pull_request
    forge_for(fake).propose(paper_change(taxonomy, "2405.00001", 1, section="kv-cache", subsection=None))
    now = [0.0]
    forge = forge_for(fake, monotonic=lambda: now[0], head_fresh_seconds=60)
    forge.bot_pull_requests("all")  # the run's read, before it trains
    read_head = fake.head()
    assert fake.merge(merged.number).status_code == 200  # meanwhile: the default branch moves
    now[0] += 61
    fake.fail("POST", "/graphql", status=502, times=4, when=lambda body: query in str(body))

    change = paper_change(taxonomy, "2405.00001", 1)
    result = forge.propose(change)

    assert result.action == "updated" and branch_commit(fake, change.branch).parents == [read_head]
    assert "built on the head this run read" in caplog.text and not fake.violations
    fake.reset_counts()
    forge.propose(paper_change(taxonomy, "2405.00001", 1, section="kv-cache", subsection=None))
    assert branch_commit(fake, change.branch).parents == [fake.head()] and fake.reads() == 2


def test_a_pr_opened_after_main_moved_is_kept_when_the_new_head_cannot_be_read(fake, taxonomy):
    """The PR is open when the run learns that the default branch moved: a failing read of the new
    head raised out of ``propose``, and poll counted a failure for the paper of a PR it had opened.
    The PR is left as opened, on the head the run read, and the run's later PRs are built there."""
    first = forge_for(fake).propose(paper_change(taxonomy, "2405.00002")).pull_request
    forge = forge_for(fake)
    forge.bot_pull_requests("all")
    read_head = fake.head()
    assert fake.merge(first.number).status_code == 200
    fake.fail("POST", "/graphql", status=502, times=20, when=lambda b: "CatalogBotHead" in str(b))

    second, third = paper_change(taxonomy, "2405.00001", 1), paper_change(taxonomy, "2404.00009", 2)
    results = [forge.propose(second), forge.propose(third)]

    for change, result in zip((second, third), results, strict=True):
        assert result.action == "opened" and branch_commit(fake, change.branch).parents == [read_head]
    assert not fake.violations


def test_a_failed_read_of_the_new_heads_large_catalog_moves_the_run_to_no_part_of_it(fake, taxonomy):
    """A catalog too large for GraphQL's text comes from the blob API; that read failing left the
    run on the new head's tree with the old head's catalog: the next PR, built there, wrote the old
    catalog plus its line, and merged it would have removed the line merged meanwhile."""
    first = forge_for(fake).propose(paper_change(taxonomy, "2405.00002")).pull_request
    forge = forge_for(fake)
    forge.bot_pull_requests("all")
    forge.read_file("catalog.md")
    assert fake.merge(first.number).status_code == 200
    fake.graphql_text_limit = 100
    fake.fail("GET", "/repos/{owner}/{repo}/git/blobs/{file_sha}", status=502, times=1_000)

    second, third = paper_change(taxonomy, "2405.00001", 1), paper_change(taxonomy, "2404.00009", 2)
    for change in (second, third):
        assert forge.propose(change).action == "opened"
        [parent] = branch_commit(fake, change.branch).parents
        assert fake.file("catalog.md", change.branch) == change.edit(fake.git.text(parent, "catalog.md"))
    assert not fake.violations


def test_a_pr_left_on_the_head_the_run_read_is_recorded_there(fake, taxonomy):
    """Its paper added to the default branch meanwhile, the PR just opened cannot be rebuilt on
    the new head and stays on the one the run read; the run's record of it named the new head as
    its commit's parent, so the PR's base file read the new catalog, not the one it was built on."""
    change = paper_change(taxonomy, "2405.00001", 1)
    forge = forge_for(fake)
    forge.bot_pull_requests("all")
    read_catalog = fake.file("catalog.md")
    by_hand = change.edit(read_catalog)
    fake.meanwhile("POST", "/repos/{owner}/{repo}/pulls", lambda: fake.push("catalog.md", by_hand))

    pull = forge.propose(change).pull_request

    assert fake.file("catalog.md") == by_hand and fake.file("catalog.md", change.branch) == by_hand
    assert forge.read_pull_request_base_file(pull, "catalog.md") == read_catalog
    assert not fake.violations


def test_a_branch_deleted_while_the_run_rebuilt_it_is_not_created_again(fake, taxonomy):
    """A maintainer merges a bot PR (GitHub deletes its branch) while a run that read it open
    rebuilds it (refresh after the previous merge, an /add moving its section): the move found
    the branch gone and created it again, a branch without a PR that nothing ever deletes. Gone
    means its PR was merged or closed: the run stops there, as for a branch moved meanwhile."""
    first = forge_for(fake).propose(paper_change(taxonomy, "2405.00001")).pull_request
    late = forge_for(fake)
    late.view.snapshot()  # the PR is open in this run's view
    fake.meanwhile("POST", "/repos/{owner}/{repo}/git/commits", lambda: fake.merge(first.number))
    moved = paper_change(taxonomy, "2405.00001", section="kv-cache", subsection=None)

    with pytest.raises(BranchMovedError, match="deleted"):
        late.propose(moved)

    assert fake.pulls()[0].merged and moved.branch not in fake.branches() and not fake.violations


@pytest.mark.parametrize(
    ("method", "route", "when"),
    [
        ("POST", "/repos/{owner}/{repo}/git/trees", None),
        ("POST", "/repos/{owner}/{repo}/git/commits", None),
        ("POST", "/graphql", "updateRefs"),
    ],
    ids=["tree", "commit", "move"],
)
def test_each_write_of_a_rebuild_on_the_moved_head_failing_leaves_the_pr_as_opened_and_recorded(
    fake, taxonomy, method, route, when
):
    """GitHub failing at each write of the rebuild on the moved head (after its retries): the PR
    stays open on the head the run read, recorded there (its base file is that head's catalog), no
    other branch or PR is left, and the run's next PR is built on the new head, which it read."""
    first = forge_for(fake).propose(paper_change(taxonomy, "2405.00002")).pull_request
    forge = forge_for(fake)
    forge.bot_pull_requests("all")
    read_head = fake.head()
    assert fake.merge(first.number).status_code == 200
    if when is None:
        fake.fail_after(("POST", "/repos/{owner}/{repo}/pulls"), method, route, times=4)
    else:
        fake.fail(method, route, times=4, when=lambda body: when in str(body))

    second, third = paper_change(taxonomy, "2405.00001", 1), paper_change(taxonomy, "2404.00009", 2)
    opened = forge.propose(second)

    assert opened.action == "opened" and branch_commit(fake, second.branch).parents == [read_head]
    assert forge.read_pull_request_base_file(opened.pull_request, "catalog.md") == fake.git.text(
        read_head, "catalog.md"
    )
    assert forge.propose(third).action == "opened"
    assert branch_commit(fake, third.branch).parents == [fake.head()]
    assert fake.file("catalog.md", third.branch) == third.edit(fake.file("catalog.md"))
    assert {p.head for p in fake.pulls("open")} == {second.branch, third.branch}
    assert set(fake.branches()) == {"main", second.branch, third.branch} and not fake.violations
