"""``python -m bot <job>``: parse arguments and dispatch to one module per job.

Each job module has ``configure(parser)`` to declare its arguments and ``main(args) -> int``,
which builds what the job needs (config, catalog, forge, sources) and runs it. Expected errors
(``BotError``) print one actionable message and exit 1; anything else is a bug: traceback, exit 3.

Logging is configured here and nowhere else: plain human lines on stderr ("warning: ...",
"error: ..."; progress and notes without a prefix), ``--verbose`` for debug detail, ``--quiet``
for warnings and errors only. Jobs log through ``logging.getLogger(__name__)``; what a job
prints on stdout (reports, JSON, JSONL) is its output and is not logging.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback
import warnings
from collections.abc import Sequence
from types import ModuleType
from typing import TextIO

from bot.core.text import terminal_text
from bot.errors import BotError
from bot.forge.workflow_log import guarded_output

# command -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "poll": ("bot.jobs.poll", "read arXiv feeds, score and route new papers, open one PR per paper"),
    "score": ("bot.jobs.score", "score a feed or JSONL file of papers (no dedupe, no publishing)"),
    "handle-event": (
        "bot.jobs.commands",
        "run the /add, /remove, /move, /approve, /teach, /help commands of a GitHub event",
    ),
    "refresh": ("bot.jobs.refresh", "rebuild open bot PRs on the current default branch"),
    "check-links": ("bot.jobs.check_links", "check every link in the catalog"),
    "check-stars": ("bot.jobs.check_stars", "refresh GitHub star counts, renamed and archived repositories"),
    "nightly": ("bot.jobs.nightly", "links, stars and arXiv facts: one rolling PR and one tracking issue"),
    "enrich": ("bot.jobs.enrich", "arXiv facts into data/papers.jsonl, catalog lines updated from them"),
    "backfill": ("bot.jobs.backfill", "search arXiv by category and dates; one checklist PR per section"),
    "import": ("bot.jobs.import_lists", "build catalog.md from curated lists in other formats"),
    "stats": ("bot.jobs.stats", "papers per section and per year, with and without code"),
    "lint": ("bot.jobs.lint", "check catalog.md: duplicates, misplaced entries, malformed lines, stale TOC"),
    "validate-config": ("bot.jobs.validate_config", "validate every config/*.yml file"),
    "doctor": ("bot.jobs.doctor", "check the GitHub token's permissions and repository settings"),
    "init": ("bot.jobs.init", "adopt the bot on an existing awesome list: scaffold config/ and import it"),
    "site": ("bot.jobs.site", "build the searchable catalog site (GitHub Pages) and its chart"),
    "new-topics": ("bot.jobs.new_topics", "the weekly issue of near misses and rising terms"),
}

# Jobs that check the whole config (validate-config's checks) before they start; the ones that
# score papers also need the keyword rules.
PREFLIGHT = {
    "poll": True,
    "score": True,
    "backfill": True,
    "handle-event": True,
    "refresh": False,
    "import": False,
    "stats": False,
    "lint": False,
    "nightly": False,
    "enrich": False,
    "check-stars": False,
    "new-topics": True,
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("catalog-bot")
    except PackageNotFoundError:
        return "(not installed)"


log = logging.getLogger("bot")


class _HumanFormatter(logging.Formatter):
    """``warning: message`` and ``error: message``; info and debug lines as they are. A message
    quotes untrusted text (an adopted list's line, a config file's key): no control character
    reaches the terminal (``terminal_text``; under Actions the guarded stream drops them too)."""

    def format(self, record: logging.LogRecord) -> str:
        message = terminal_text(super().format(record))
        return message if record.levelno < logging.WARNING else f"{record.levelname.lower()}: {message}"


class _StderrHandler(logging.StreamHandler):
    """Writes to ``sys.stderr`` as it is when a record is emitted: under GitHub Actions, the
    guarded stream (bot.forge.workflow_log), which is put in place after logging is set up."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


class _SaidOnce(logging.Filter):
    """A warning is printed once a run: several readers of one config file (poll.yml is loaded
    by four in `validate-config`) would each repeat its "unknown key" line."""

    def __init__(self) -> None:
        super().__init__()
        self.said: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.WARNING:
            return True
        text = record.getMessage()
        if text in self.said:
            return False
        self.said.add(text)
        return True


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """``warnings.warn`` through the bot's handler. A ``UserWarning`` is the bot telling a
    maintainer what to check (``enrich``'s "the daily feed could not be read ..."): one
    ``warning: message`` line like a logged one, not Python's ``/path/bot/jobs/enrich.py:262:
    UserWarning: ...`` with the source line under it. Other kinds (a library's deprecation) keep
    their file and line, which is what a developer needs."""
    if issubclass(category, UserWarning):
        text = str(message)
    else:
        text = warnings.formatwarning(message, category, filename, lineno, line).rstrip()
    if file is not None:  # showwarning(..., file=f): written where the caller asked
        file.write(text + "\n")
        return
    logging.getLogger("py.warnings").warning("%s", text)


def configure_logging(verbose: bool = False, quiet: bool = False) -> None:
    """One stderr handler on the ``bot`` logger: INFO by default, DEBUG with ``--verbose``,
    WARNING with ``--quiet``. Warnings of Python itself (``warnings.warn``) go there too
    (``_show_warning``)."""
    handler = _StderrHandler()
    handler.setFormatter(_HumanFormatter("%(message)s"))
    handler.addFilter(_SaidOnce())
    for existing in [h for h in log.handlers if getattr(h, "_bot_handler", False)]:
        log.removeHandler(existing)
    handler._bot_handler = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    logging.captureWarnings(True)
    warnings.showwarning = _show_warning
    logging.getLogger("py.warnings").handlers = [handler]


def _logging_flags(parser: argparse.ArgumentParser, default: object) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="also log debug detail (requests, retries, timings) on stderr; "
        "poll also prints each PR body and diff",
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", default=default, help="log only warnings and errors on stderr"
    )


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the chosen job's module is imported (to declare its arguments), so
    that ``python -m bot lint`` does not pay for scikit-learn."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="catalog-bot: keeps a curated list of papers (catalog.md) alive: arXiv to pull requests, "
        "issue commands, nightly checks.",
    )
    _logging_flags(parser, False)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="<job>", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        job = sub.add_parser(name, help=help_text, description=help_text)
        job.set_defaults(module=module_name)
        _logging_flags(job, argparse.SUPPRESS)  # also accepted after the job's name
        if name != command:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            job.set_defaults(missing=True)
            continue
        module.configure(job)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)  # -v/-q may come first
    args = build_parser(command).parse_args(argv)
    configure_logging(args.verbose, args.quiet)
    if getattr(args, "missing", False):
        log.error("the %s job is not part of this version", args.command)
        return 2
    module = importlib.import_module(args.module)
    # Under GitHub Actions nothing printed can be read as a workflow command (bot.forge.workflow_log).
    with guarded_output(os.environ):
        return _run(module, args)


def _run(module: ModuleType, args: argparse.Namespace) -> int:
    try:
        if args.command in PREFLIGHT:
            from bot.config_checks import preflight

            preflight(keywords_required=PREFLIGHT[args.command])
        code: int = module.main(args)
        return code
    except BotError as exc:
        log.error("%s", exc)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `| head`): not an error of the bot
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (no flush error at exit)
        return 0
    except Exception:
        traceback.print_exc()
        log.error("unexpected failure (a bug): please report it with the traceback above")
        return 3


if __name__ == "__main__":
    sys.exit(main())
