"""Who closed a bot PR decides whether it is a rejection (``bot/forge/github/closers.py``).

Every closed, unmerged bot PR was remembered as a maintainer's "no": never proposed again, a
negative for the scorer. The bot's own closes (refresh, a PR superseded), a branch deleted (which
makes GitHub close its PR) and a close by someone without write access taught it the same. The fake
GitHub records each PR's closing events as GitHub's timeline does, and answers the GraphQL
``timelineItems`` and REST ``closed_by`` of the REST and GraphQL descriptions."""

from __future__ import annotations

import pytest

from bot.core.candidates import rejected_papers, select_candidates
from bot.core.catalog_parse import parse
from bot.core.paper import Paper
from tests.fake_github import (
    BOT_LOGIN,
    BOT_TOKEN,
    MAINTAINER_TOKEN,
    FakeGitHub,
    catalog_text,
    fake_github,  # noqa: F401  (fixture)
    forge_for,
    paper_change,
)

HELPER_TOKEN = "ghp_fakeHelperToken000000000000000000000"  # a triager: may close, may not push
WRITER_TOKEN = "ghp_fakeWriterToken000000000000000000000"
PERMISSION = "GET /repos/{owner}/{repo}/collaborators/{username}/permission"

# how each paper's PR ended, and whether that is a maintainer's "no"
ENDINGS = {
    "2401.00001": ("closed by the admin", True),
    "2401.00002": ("closed by a collaborator with write access", True),
    "2401.00003": ("closed by the admin, who then deleted its branch", True),
    "2401.00004": ("closed by the bot (refresh, superseded)", False),
    "2401.00005": ("its branch deleted by the admin (GitHub closes the PR)", False),
    "2401.00006": ("closed by a triager (no write access)", False),
    "2401.00007": ("closed by its author, the bot's account, by hand", False),
    "2401.00008": ("open", False),
}


@pytest.fixture
def fake(fake_github: FakeGitHub, taxonomy) -> FakeGitHub:  # noqa: F811
    fake_github.push("catalog.md", catalog_text(taxonomy), message="Add the catalog")
    fake_github.collaborators.update({"helper": "triage", "writer": "write"})
    fake_github.tokens.update({HELPER_TOKEN: "helper", WRITER_TOKEN: "writer"})
    forge = forge_for(fake_github)
    for i, arxiv_id in enumerate(ENDINGS):
        forge.propose(paper_change(taxonomy, arxiv_id, i))
    numbers = {p.branch.removeprefix("bot/arxiv-"): p.number for p in forge.bot_pull_requests("open")}

    def close(arxiv_id: str, token: str) -> None:
        path = f"/repos/{fake_github.repository}/pulls/{numbers[arxiv_id]}"
        assert fake_github.api("PATCH", path, {"state": "closed"}, token=token).status_code == 200

    def delete_branch(arxiv_id: str) -> None:
        ref = f"/repos/{fake_github.repository}/git/refs/heads/bot/arxiv-{arxiv_id}"
        assert fake_github.api("DELETE", ref, token=MAINTAINER_TOKEN).status_code == 204

    close("2401.00001", MAINTAINER_TOKEN)
    close("2401.00002", WRITER_TOKEN)
    close("2401.00003", MAINTAINER_TOKEN)
    delete_branch("2401.00003")
    bot_pull = next(p for p in forge.bot_pull_requests("open") if p.number == numbers["2401.00004"])
    forge.close_pull_request(bot_pull, "Superseded.")
    delete_branch("2401.00005")
    close("2401.00006", HELPER_TOKEN)
    close("2401.00007", BOT_TOKEN)
    fake_github.reset_counts()
    return fake_github


def test_only_a_close_by_someone_with_write_access_is_a_rejection(fake, taxonomy):
    papers = [Paper(arxiv_id=i, title=f"Paper {i}") for i in ENDINGS]
    catalog = parse(fake.file("catalog.md"), taxonomy)
    said_no = [i for i, (_, no) in ENDINGS.items() if no]
    forge = forge_for(fake)
    for pulls in (forge.bot_pull_requests("all"), forge.bot_pull_requests_naming(list(ENDINGS))):
        chosen = select_candidates(papers, catalog, pulls, "bot/digest")
        assert [p.arxiv_id for p in chosen.rejected] == said_no
        assert [p.arxiv_id for p in chosen.already_proposed] == ["2401.00008"]
        assert [p.arxiv_id for p in chosen.new] == [i for i in ENDINGS if i not in said_no][:-1]
        assert sorted(p.arxiv_id for p in rejected_papers(pulls, catalog)) == said_no  # the negatives
    # who closed comes with the PRs; each closer's role is one request, once per run
    assert fake.counts[PERMISSION] == 3  # maintainer, writer, helper (not the bot's own account)
    assert not fake.violations


def test_a_closer_whose_role_cannot_be_read_leaves_the_pr_a_rejection(fake, taxonomy, caplog):
    fake.fail("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission", status=500, times=99)
    pulls = forge_for(fake).bot_pull_requests("all")
    rejected = {p.branch.removeprefix("bot/arxiv-") for p in pulls if p.said_no_by_closing}
    assert rejected == {"2401.00001", "2401.00002", "2401.00003", "2401.00006"}
    assert "could not read the role of helper, who closed bot PRs" in caplog.text


def test_the_rest_issue_says_who_closed_it(fake):
    """The REST description's ``closed_by``: one request per issue, which the bot does not make
    (the GraphQL timeline gives it for every PR of the one query); the fake answers it alike."""
    said = {
        p.head: fake.api("GET", f"/repos/{fake.repository}/issues/{p.number}").json()["closed_by"]
        for p in fake.pulls()
    }
    assert said["bot/arxiv-2401.00006"]["login"] == "helper"
    assert said["bot/arxiv-2401.00004"]["login"] == BOT_LOGIN
    assert said["bot/arxiv-2401.00008"] is None  # open


def test_a_checklist_pr_the_bot_closed_keeps_its_unticked_lines_as_rejections(fake_github, taxonomy):  # noqa: F811
    """A digest the bot closed (replaced, or nothing ticked left): the lines a maintainer unticked
    are still rejections; its ticked papers are no one's "no" (closed by a maintainer, all are)."""
    from bot.core import digest
    from tests.jobs.test_refresh import digest_proposal, untick

    fake_github.push("catalog.md", catalog_text(taxonomy), message="Add the catalog")
    catalog = parse(fake_github.file("catalog.md"), taxonomy)
    proposals = [digest_proposal(taxonomy, i) for i in (1, 2)]
    change = digest.digest_for_run(None, proposals, catalog, taxonomy, "catalog.md", "bot/digest")
    forge = forge_for(fake_github)
    number = forge.propose(change).pull_request.number
    untick(fake_github, number, "2405.00002")
    [pull] = forge_for(fake_github).bot_pull_requests("open")
    forge_for(fake_github).close_pull_request(pull, "Replaced.")

    papers = [Paper(arxiv_id=f"2405.0000{i}", title=f"Paper {i}") for i in (1, 2)]
    pulls = forge_for(fake_github).bot_pull_requests("all")
    chosen = select_candidates(papers, catalog, pulls, "bot/digest")
    assert ([p.arxiv_id for p in chosen.rejected], [p.arxiv_id for p in chosen.new]) == (
        ["2405.00002"],
        ["2405.00001"],
    )
    assert [p.arxiv_id for p in rejected_papers(pulls, catalog)] == ["2405.00002"]
