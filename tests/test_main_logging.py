"""``python -m bot``: logging is configured once, plain lines on stderr, -v / -q before or after the job."""

from __future__ import annotations

import logging

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
