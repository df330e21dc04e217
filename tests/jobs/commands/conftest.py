"""The fixtures of the issue-command tests (defined in helpers.py, shared with tests/security):
a local arXiv API (``arxiv``) and the fake GitHub holding the payloads' repository with a
small catalog (``github``)."""

from tests.jobs.commands.helpers import arxiv, github  # noqa: F401
