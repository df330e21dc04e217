"""The jobs that read the configured catalog, run from a folder inside the list (docs/): they read
the config of the nearest config/ up (round 29), and the catalog and paper store at that folder's
root, as the config's paths mean, not a file of the same name in the folder they run from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.__main__ import main as bot_main
from bot.core import catalog_io
from tests.conftest import PROJECT

DOCS_PAGE = "# The catalog\n\nThis page explains the catalog's format.\n"


@pytest.fixture
def in_docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A list (config/, catalog.md, data/) with a docs/ page of the catalog's name; the run is in docs/."""
    repo = tmp_path / "list"
    shutil.copytree(PROJECT / "config", repo / "config")
    shutil.copy(PROJECT / "catalog.md", repo / "catalog.md")
    shutil.copytree(PROJECT / "data", repo / "data")
    (repo / "docs").mkdir()
    (repo / "docs" / "catalog.md").write_text(DOCS_PAGE, encoding="utf-8")
    monkeypatch.delenv("CATALOG_BOT_CONFIG")
    monkeypatch.chdir(repo / "docs")
    return repo


def entries(repo: Path) -> int:
    from bot import config

    return len(catalog_io.read_catalog(repo / "catalog.md", config.load_taxonomy()).entries())


def test_lint_and_stats_read_the_lists_catalog(in_docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """lint found docs/catalog.md (the docs page: 27 problems, 'missing heading ...') and stats
    counted 0 papers in it."""
    bot_main(["lint"])
    out = capsys.readouterr()
    assert "missing heading" not in out.out + out.err
    assert bot_main(["stats", "--json"]) == 0
    counted = json.loads(capsys.readouterr().out)
    assert counted["file"] == str(Path("..") / "catalog.md") and counted["papers"] > 1_000


def test_site_reads_the_lists_catalog_and_paper_store(
    in_docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """site published the docs page (0 entries) and looked for the store in docs/data/."""
    record = {"arxiv_id": "2404.14469", "title": "SnapKV", "abstract": "KV cache compression."}
    (in_docs / "data" / "papers.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert bot_main(["site", "--output", str(in_docs.parent / "_site")]) == 0
    out = capsys.readouterr().out
    assert f"site: {entries(in_docs)} entries" in out
    assert f"1 abstract from {Path('..') / 'data' / 'papers.jsonl'}" in out


def test_enrich_reads_and_writes_the_lists_files(in_docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """enrich (--repo ., the default) read docs/catalog.md, and would have written a new paper
    store in docs/data/ beside the list's."""
    (in_docs / "data" / "papers.jsonl").write_bytes('{"title": "Caf\xe9"}\n'.encode("latin-1"))
    (in_docs / "config" / "sources.yml").write_text("api:\n  query_url: http://127.0.0.1:9/api/query\n")

    assert bot_main(["enrich", "--dry-run"]) == 1

    err = capsys.readouterr().err
    assert f"{in_docs / 'data' / 'papers.jsonl'} is not UTF-8 text" in err
    assert sorted(p.name for p in (in_docs / "docs").iterdir()) == ["catalog.md"]


FEED = PROJECT.parent / "arxiv" / "arxiv_rss2_feed_all-archives_2024-11-28_trimmed.xml"
CACHE = ".catalog-bot-cache"  # cache_dir of the fixture's config/poll.yml


def committed(repo: Path) -> Path:
    """``repo`` as a git repository with its files committed (the local-git forge reads them there)."""
    from tests.gitrepo import git

    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "list")
    return repo


def in_docs_only(repo: Path) -> list[str]:
    return sorted(p.name for p in (repo / "docs").iterdir())


def test_new_topics_caches_its_scorer_at_the_lists_root(
    in_docs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--repo defaulted to the current folder: from docs/ the trained scorer was cached in
    docs/.catalog-bot-cache, beside the list's (trained again every week, and a folder in docs/)."""
    committed(in_docs)
    monkeypatch.delenv("CATALOG_BOT_CACHE_DIR", raising=False)

    assert bot_main(["new-topics", "--feed", str(FEED), "--dry-run"]) == 0

    assert "Near misses and new topics" in capsys.readouterr().out
    assert (in_docs / CACHE).is_dir() and in_docs_only(in_docs) == ["catalog.md"]


def test_poll_on_github_caches_its_scorer_at_the_lists_root(
    in_docs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a token the forge is GitHub's, so --repo (the current folder) was never corrected to
    the clone's top: from docs/ the scorer's cache (and the paper store that replacements mark) were
    docs/'s."""
    from tests.fake_github import BOT_TOKEN, FakeGitHub

    (in_docs / "config" / "github.yml").write_text(
        "seconds_between_requests: 0\nseconds_between_writes: 0\n", encoding="utf-8"
    )
    monkeypatch.delenv("CATALOG_BOT_CACHE_DIR", raising=False)
    with FakeGitHub(files={"catalog.md": (in_docs / "catalog.md").read_text(encoding="utf-8")}) as fake:
        for key, value in {
            "GITHUB_TOKEN": BOT_TOKEN,
            "GITHUB_REPOSITORY": fake.repository,
            "GITHUB_API_URL": fake.url,
        }.items():
            monkeypatch.setenv(key, value)

        assert bot_main(["poll", "--feed", str(FEED), "--dry-run"]) == 0

    assert not fake.violations
    assert "would open" in capsys.readouterr().out
    assert (in_docs / CACHE).is_dir() and in_docs_only(in_docs) == ["catalog.md"]


def test_site_writes_its_default_output_at_the_lists_root(
    in_docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --output the site went to docs/_site/ (a folder the docs build would then read)."""
    assert bot_main(["site"]) == 0

    assert f"-> {Path('..') / '_site' / 'index.html'}" in capsys.readouterr().out
    assert (in_docs / "_site" / "index.html").is_file() and in_docs_only(in_docs) == ["catalog.md"]


def test_import_writes_and_learns_from_the_lists_catalog(
    in_docs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --output, import wrote docs/catalog.md (here the docs page: refused as a rewrite),
    and --suggest-mapping's router learned from that page instead of the list's catalog."""
    from bot.jobs.import_lists import suggest

    learned: list[list[Path]] = []
    routing = suggest.catalog_for_routing
    monkeypatch.setattr(
        suggest, "catalog_for_routing", lambda paths, *rest: learned.append(paths) or routing(paths, *rest)
    )
    source = in_docs / "other.md"
    source.write_text(
        "# Other\n\n## Odd Heading\n\n- [SnapKV: LLM Knows What You are Looking for Before Generation]"
        "(https://arxiv.org/abs/2404.14469)\n",
        encoding="utf-8",
    )

    assert bot_main(["import", str(source), "--dry-run"]) == 0
    assert f"dry run: {Path('..') / 'catalog.md'} not written" in capsys.readouterr().out

    command = ["import", str(source), "--output", "new.md", "--suggest-mapping", "--confident", "1.01"]
    assert bot_main([*command, "--dry-run"]) == 0
    assert learned == [[Path("..") / "catalog.md"]]


def test_doctor_reads_the_lists_catalog_and_workflows(
    in_docs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """doctor looked for docs/catalog.md and docs/.github/workflows: from docs/ of a list with
    both it said the workflows were missing."""
    (in_docs / "docs" / "catalog.md").unlink()
    workflows = in_docs / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "poll.yml").write_text(
        "on: {schedule: [{cron: '0 1 * * *'}]}\njobs:\n  poll:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: python -m bot poll\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)

    assert bot_main(["doctor"]) == 1

    err = capsys.readouterr().err
    assert "no GitHub token" in err
    assert "does not exist" not in err and "no workflow" not in err


def test_init_scaffolds_the_lists_root(in_docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """init (--repo ., the default) run from docs/ of an adopted list scaffolded a second list in
    docs/ (docs/config/, docs/.github/); it keeps the root's config, as a rerun there does."""
    assert bot_main(["init", "--from", str(in_docs / "catalog.md")]) == 0

    out = capsys.readouterr().out
    assert f"kept {in_docs / 'config' / 'taxonomy.yml'}" in out
    assert in_docs_only(in_docs) == ["catalog.md"]
