"""The bot's small error hierarchy.

Expected failures raise a ``BotError`` subclass whose message says what was wrong and what to do;
``bot.__main__`` prints it (one line, or one line a problem) and exits 1. Anything else is a bug:
traceback, exit 3.
"""


class BotError(Exception):
    """An expected failure with an actionable message."""


class ConfigError(BotError):
    """A config file is missing, malformed or has a value of the wrong kind."""


class CatalogError(BotError):
    """The catalog cannot be parsed, edited or written safely."""


class DuplicateEntryError(CatalogError):
    """The paper is already in the catalog."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class UnknownSectionError(CatalogError):
    """A section or subsection id that the taxonomy (or the catalog) does not have."""

    def __init__(self, message: str, suggestions: list[str]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


class SourceError(BotError):
    """A paper source (arXiv feed or API) failed or answered with an error."""


class ForgeError(BotError):
    """The forge (GitHub or local git) refused or failed an operation."""


class BranchMovedError(ForgeError):
    """A bot branch moved while a run rebuilt it (another run, or a maintainer's push): the
    branch is left as the other writer left it."""
