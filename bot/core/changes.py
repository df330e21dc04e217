"""What the bot proposes and the pull requests it finds, as plain values, independent of any
forge: core builds and reads them (``bot.core.proposals``, ``digest``, ``candidates``), a forge
(``bot.forge.protocols``) carries them out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.core.markdown import plain_line, plain_text

PullState = Literal["open", "closed", "merged"]


@dataclass(frozen=True)
class ChangeRequest:
    """A pull request the bot wants to exist, described independently of any forge.

    ``edit`` is a pure text transform applied to ``path`` on the *current* default branch, so
    the forge can (re)build the branch from the newest default branch at any time.
    """

    branch: str  # e.g. bot/arxiv-2405.00732
    title: str
    body: str  # contains a hidden marker (bot.core.markers)
    commit_message: str
    path: str
    edit: Callable[[str], str]
    labels: tuple[str, ...] = ()
    # An update of the open PR that changes what the bot labelled it for (an /add moving its paper):
    # the bot's labels of the replaced proposal it no longer wants (``section:<old>``, needs-section),
    # removed if the PR still has them, and this proposal's new ones (``section:<new>``), added if
    # missing. Any other label stays as it is, a maintainer's above all.
    stale_labels: tuple[str, ...] = ()
    fresh_labels: tuple[str, ...] = ()
    # Other files the same commit writes, whole: (path, new text); e.g. the paper store next to the
    # catalog in the nightly PR. A change of one of them alone is still a change to propose.
    extra_files: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        # Titles and commit messages carry arXiv titles: no invisible or bidi characters, no
        # @-mention, bounded length, whoever built the request (bot.core.markdown).
        object.__setattr__(self, "title", plain_line(self.title, 256))
        object.__setattr__(self, "commit_message", plain_text(self.commit_message))


@dataclass(frozen=True)
class PullRequest:
    number: int  # 0 where the forge has no numbers (local git)
    branch: str
    title: str
    body: str
    state: PullState
    url: str = ""
    labels: tuple[str, ...] = ()
    # what the branch's commit records about its change (``bot.core.hunks``): None before the trailer
    context: str | None = None
    # the forge's own merge check: False = conflicts with the default branch, None = not known (yet)
    mergeable: bool | None = None
    # commits someone pushed on top of the bot's own (a fix in GitHub's editor, "Update branch"):
    # a rebuild replaces them
    hand_commits: bool = False
    # who closed it, as the forge read it (``closed_by``: None when unknown, e.g. local git, where
    # closing is the maintainer's own ``update-ref``), and whether GitHub closed it because its head
    # branch was deleted (the deletion just before the close)
    closed_by: str | None = None
    closed_by_branch_deletion: bool = False
    # False for a closed PR no maintainer closed (the bot, a branch deleted, someone without write
    # access: ``bot.forge.github.closers``): its close says no to nothing; a checklist PR's unticked
    # lines still do (``said_no_by_closing``)
    maintainer_closed: bool = True

    @property
    def said_no_by_closing(self) -> bool:
        """Closed unmerged by a maintainer: a rejection of what it proposed."""
        return self.state == "closed" and self.maintainer_closed
