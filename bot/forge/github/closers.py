"""Which closed bot PRs are a maintainer's "no": the rejection memory's input on GitHub.

Any closed, unmerged bot PR used to count as a rejection, whoever closed it. It is one only when
someone with write access (admin, maintain, write) closed it by hand. Not when the bot's own account
closed it (refresh closing a PR whose paper reached the catalog, a PR superseded, a digest replaced),
not when GitHub closed it because its head branch was deleted or renamed (the deletion comes just
before the close in the PR's timeline; as ``git branch -D`` in local-git mode: forgotten), and not
when someone without write access closed it (GitHub lets a PR's author and a triager close it).
Such a PR is reported with ``maintainer_closed=False``: its paper is forgotten (the next feed that
lists it may propose it again), except the lines of a checklist PR a maintainer unticked.

Who closed each PR comes with the PRs themselves (``timelineItems`` in the same GraphQL query: no
request more; REST gives ``closed_by`` only one issue at a time); each closer's role is one REST
request (``collaborators/{user}/permission``), once per person and run. A PR whose closer is unknown
(a deleted account, a close older than its timeline shows) stays a rejection, as before, and so does
one whose closer's role cannot be read (a warning says so).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.errors import ForgeError
from bot.forge.protocols import WRITE_PERMISSIONS, Permission, PullRequest

log = logging.getLogger(__name__)


class Closers:
    def __init__(self, own_login: Callable[[], str], permission: Callable[[str], Permission]) -> None:
        self._own_login = own_login
        self._permission = permission
        self._roles: dict[str, Permission | None] = {}

    def maintainers_no(self, pull: PullRequest) -> bool:
        """Whether a closed PR is a rejection (True for any other PR: it is not filtered)."""
        if pull.state != "closed" or pull.closed_by is None:
            return True
        if pull.closed_by_branch_deletion:
            return False
        closer = pull.closed_by.removesuffix("[bot]")  # GraphQL names an app "name", REST "name[bot]"
        if closer == self._own_login().removesuffix("[bot]"):
            return False
        if closer not in self._roles:
            try:
                self._roles[closer] = self._permission(closer)
            except ForgeError as exc:
                log.warning(
                    "could not read the role of %s, who closed bot PRs (%s): those PRs count as "
                    "rejections this run",
                    closer,
                    exc,
                )
                self._roles[closer] = None
        role = self._roles[closer]
        return role is None or role in WRITE_PERMISSIONS

    def mark(self, pulls: Sequence[PullRequest]) -> list[PullRequest]:
        """``pulls``, the closed ones no maintainer closed marked so (``maintainer_closed``)."""
        return [
            pull if self.maintainers_no(pull) else replace(pull, maintainer_closed=False) for pull in pulls
        ]
