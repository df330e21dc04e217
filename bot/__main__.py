"""``python -m bot <job>``: parse arguments and dispatch to one module per job.

Each job module has ``configure(parser)`` to declare its arguments and ``main(args) -> int``,
which builds what the job needs (config, catalog, forge, sources) and runs it. Expected errors
(``BotError``) print one actionable line and exit 1; anything else is a bug: traceback, exit 3.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

from .errors import BotError

# command -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "poll": ("bot.poll", "read arXiv feeds, score and route new papers, open one PR per paper"),
    "score": ("bot.score", "score a feed or JSONL file of papers (no dedupe, no publishing)"),
    "handle-event": ("bot.commands", "run the /add, /remove, /move, /approve commands of a GitHub event"),
    "refresh": ("bot.refresh", "rebuild open bot PRs on the current default branch"),
    "check-links": ("bot.links", "check every link in the catalog"),
    "check-stars": ("bot.stars", "refresh GitHub star counts, renamed and archived repositories"),
    "nightly": ("bot.nightly", "links + stars, one rolling PR and one tracking issue"),
    "import": ("bot.importer", "build catalog.md from curated lists in other formats"),
    "stats": ("bot.stats", "papers per section and per year, with and without code"),
    "lint": ("bot.lint", "check catalog.md: duplicates, misplaced entries, malformed lines, stale TOC"),
    "validate-config": ("bot.validate_config", "validate every config/*.yml file"),
    "doctor": ("bot.doctor", "check the GitHub token's permissions and repository settings"),
    "site": ("bot.site", "build the searchable catalog site (GitHub Pages) and its chart"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the chosen job's module is imported (to declare its arguments), so
    that ``python -m bot lint`` does not pay for scikit-learn."""
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="catalog-bot: keeps catalog.md, a curated list of "
        "efficient-LLM research, alive.")
    sub = parser.add_subparsers(dest="command", metavar="<job>", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        job = sub.add_parser(name, help=help_text, description=help_text)
        job.set_defaults(module=module_name)
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
    command = next((a for a in argv if not a.startswith("-")), None)
    args = build_parser(command).parse_args(argv)
    if getattr(args, "missing", False):
        print(f"error: the {args.command} job is not part of this version", file=sys.stderr)
        return 2
    module = importlib.import_module(args.module)
    try:
        code: int = module.main(args)
        return code
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `| head`): not an error of the bot
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (no flush error at exit)
        return 0
    except Exception:
        traceback.print_exc()
        print("error: unexpected failure (a bug): please report it with the traceback above",
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
