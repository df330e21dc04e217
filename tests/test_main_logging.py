"""``python -m bot``: logging is configured once, plain lines on stderr, -v / -q before or after the job."""

from __future__ import annotations

import logging
import warnings

import pytest

from bot.__main__ import build_parser, configure_logging
from bot.__main__ import main as bot_main


@pytest.fixture(autouse=True)
def _restore_bot_logger():
    logger = logging.getLogger("bot")
    level, handlers = logger.level, list(logger.handlers)
    yield
    logger.setLevel(level)
    logger.handlers = handlers


def test_plain_lines_with_a_level_prefix_for_warnings_and_errors(capsys):
    configure_logging()
    job = logging.getLogger("bot.jobs.example")
    job.debug("not shown by default")
    job.info("… reading the feed")
    job.warning("config/poll.yml: unknown key %r is ignored (typo?)", "cache_dri")
    job.error("the catalog is missing")
    assert capsys.readouterr().err.splitlines() == [
        "… reading the feed",
        "warning: config/poll.yml: unknown key 'cache_dri' is ignored (typo?)",
        "error: the catalog is missing",
    ]


@pytest.mark.parametrize(
    ("argv", "level"),
    [
        (["-q", "lint"], logging.WARNING),
        (["lint", "--quiet"], logging.WARNING),
        (["--verbose", "lint"], logging.DEBUG),
        (["lint"], logging.INFO),
    ],
)
def test_verbose_and_quiet_before_or_after_the_job(argv, level):
    args = build_parser("lint").parse_args(argv)
    configure_logging(args.verbose, args.quiet)
    assert logging.getLogger("bot").level == level


def test_quiet_and_verbose_exclude_each_other(capsys):
    with pytest.raises(SystemExit):
        build_parser("lint").parse_args(["-q", "-v", "lint"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_bot_error_is_one_error_line(tmp_path, capsys):
    assert bot_main(["-q", "lint", str(tmp_path / "missing.md")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


def test_a_log_line_quoting_untrusted_text_holds_nothing_a_terminal_acts_on(capsys):
    """init's dropped-prose warning quoted an adopted list's line as written: an ANSI escape in it
    cleared the maintainer's screen, an OSC 8 escape wrote a link, a carriage return printed over
    the line's "warning:", a bidi override reordered it. The escapes' printable rest stays."""
    configure_logging()
    logging.getLogger("bot.jobs.example").warning(
        'line 9 "%s"', "a\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x1b[2Jb\rc\u202ed\x9be\tf"
    )
    assert capsys.readouterr().err == 'warning: line 9 "a]8;;https://evil.exampleclick]8;; [2Jbcde\tf"\n'


@pytest.mark.parametrize(
    ("raised", "code", "last_line"),
    [
        (KeyboardInterrupt(), 130, None),
        (
            ValueError("no such thing"),
            3,
            "error: unexpected failure (a bug): please report it with the traceback above",
        ),
    ],
)
def test_exit_codes_of_an_interrupt_and_a_bug(monkeypatch, tmp_path, capsys, raised, code, last_line):
    """The exit codes docs/development.md and the README list: 130 when interrupted (Ctrl-C, no
    traceback), 3 for a bug (the traceback, then one line asking for a report)."""
    from bot.jobs import stats

    def fails(args):
        raise raised

    monkeypatch.setattr(stats, "main", fails)
    assert bot_main(["stats", str(tmp_path / "catalog.md")]) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert (err[-1] if err else None) == last_line
    assert ("Traceback (most recent call last):" in err) == (code == 3)


def test_a_usage_error_exits_with_code_2(capsys):
    with pytest.raises(SystemExit) as stopped:
        bot_main(["stats", "--no-such-option"])
    assert stopped.value.code == 2 and "unrecognized arguments: --no-such-option" in capsys.readouterr().err


def test_a_warning_the_bot_raises_is_one_line_without_its_source(capsys):
    """The nightly run, arXiv's feed unreachable, printed enrich's warning as Python formats one:
    ``warning: /…/bot/jobs/enrich.py:262: UserWarning: the daily feed could not be read …`` and,
    on a line of its own, the source line ``start = paper_store.mark_announced(…)``. A library's
    deprecation keeps its file and line (a developer's business)."""
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        configure_logging()
        warnings.warn("the daily feed could not be read, so new versions wait for max_age_days", stacklevel=1)
        warnings.warn("old_api() is deprecated", DeprecationWarning, stacklevel=1)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "warning: the daily feed could not be read, so new versions wait for max_age_days"
    assert lines[1].startswith(f"warning: {__file__}:") and lines[1].endswith(
        "DeprecationWarning: old_api() is deprecated"
    )
    assert len(lines) == 3  # the deprecation's source line, as Python shows it
