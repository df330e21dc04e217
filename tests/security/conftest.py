"""The command tests' fixtures: the fake GitHub holding Codertocat/Hello-World, and the local arXiv API."""

from tests.jobs.commands.helpers import arxiv, github  # noqa: F401
