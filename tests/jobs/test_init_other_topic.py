"""`init` on a list of another field (robot learning): nothing of the efficient-LLM list the bot
was built for leaks into the adopter's config, issue form, requests or site."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot import __main__ as cli
from bot import config
from bot.core.catalog_io import read_catalog
from bot.jobs import init
from bot.sources.arxiv_api import ApiSettings
from bot.sources.arxiv_rss import FeedSettings
from bot.sources.lists.intro import MAX_INTRO, list_intro
from bot.sources.lists.scaffold import scaffold
from tests.conftest import FIXTURES

ROBOTS = FIXTURES / "adopt" / "awesome-robot-learning.md"


# init rewriting the README as the catalog itself
KEEP_README = ["init", "--from", "README.md", "--catalog", "README.md", "--force", "--categories", "cs.LG"]


def list_repo(repo: Path, readme: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding ``readme`` as its README, the current folder."""
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "README.md").write_text(readme, encoding="utf-8")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(repo / "config"))
    return repo


def robot_list_repo(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding the robot-learning list as its README, the current folder."""
    return list_repo(repo, ROBOTS.read_text(encoding="utf-8"), monkeypatch)


@pytest.fixture
def robots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repository of a robot-learning list, scaffolded by `init`."""
    repo = robot_list_repo(tmp_path / "awesome-robot-learning", monkeypatch)
    assert cli.main(["init", "--from", "README.md"]) == 0
    return repo


def test_the_issue_form_asks_why_the_paper_belongs_in_this_list(robots: Path) -> None:
    form = (robots / init.FORM_PATH).read_text(encoding="utf-8")
    assert "efficien" not in form.lower()
    assert "why the paper belongs in this list" in form


def test_requests_to_arxiv_name_no_other_list(robots: Path) -> None:
    sources = config.load("sources")
    for agent in (FeedSettings.from_config(sources).user_agent, ApiSettings.from_config(sources).user_agent):
        assert agent.startswith("catalog-bot/") and "efficient" not in agent.lower()


def test_categories_of_the_field_go_to_the_feed_the_gate_and_backfill(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without them the robot-learning list's best papers of the recorded day (cs.CV, cs.RO)
    were near misses, "outside the required categories" of efficient-LLM research."""
    robot_list_repo(tmp_path / "robots", monkeypatch)
    assert cli.main(["init", "--from", "README.md", "--categories", "cs.RO, cs.CV,cs.LG"]) == 0
    out = capsys.readouterr().out
    assert "the bot's defaults" not in out
    cats = ["cs.RO", "cs.CV", "cs.LG"]
    assert config.load("sources")["feed"]["categories"] == cats
    assert config.load("keywords")["categories"]["require_any"] == cats
    assert config.load("papers")["backfill"]["categories"] == cats
    assert cli.main(["validate-config"]) == 0
    assert cli.main(["poll", "--dry-run"]) == 0
    accepted = capsys.readouterr().out.split("### Accepted")[1].split("### Near misses")[0]
    assert "2411.17820" in accepted  # CityWalker (cs.CV, cs.RO): embodied navigation


def test_without_categories_init_says_which_it_used_and_how_to_change_them(
    robots: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert config.load("sources")["feed"]["categories"] == list(init.DEFAULT_CATEGORIES)
    assert cli.main(["init", "--from", "README.md"]) == 0  # a rerun keeps every file
    out = capsys.readouterr().out
    assert "arXiv categories: cs.CL, cs.LG, cs.AI, cs.DC, cs.AR, cs.PF (the bot's defaults" in out
    assert "--categories cs.RO,cs.CV --force" in out
    # the kept catalog is said to be kept, not "dry run: not written"
    assert f"kept {robots / 'catalog.md'} as it is: it exists (`--force` rewrites it)" in out
    assert "dry run" not in out
    assert "init: 5 sections, 0 subsections from 25 entries" in out


def test_a_rerun_tells_the_categories_of_the_kept_files_truly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rerun (after a title edit) keeps the files: it does not call the list's own categories
    "the bot's defaults", and says when --categories reached none of them."""
    robot_list_repo(tmp_path / "robots", monkeypatch)
    assert cli.main(["init", "--from", "README.md", "--categories", "cs.RO,cs.CV"]) == 0
    assert cli.main(["init", "--from", "README.md"]) == 0
    assert "the bot's defaults" not in capsys.readouterr().out
    assert cli.main(["init", "--from", "README.md", "--categories", "cs.RO,cs.CV"]) == 0
    assert "warning: --categories" not in capsys.readouterr().out  # what the files hold already
    assert cli.main(["init", "--from", "README.md", "--categories", "cs.RO,cs.AI"]) == 0
    out = capsys.readouterr().out
    assert (
        "warning: --categories cs.RO,cs.AI is not in config/keywords.yml, config/sources.yml, "
        "config/papers.yml, kept as they are: set the categories there, or rerun with `--force`"
    ) in out
    assert config.load("sources")["feed"]["categories"] == ["cs.RO", "cs.CV"]


@pytest.mark.parametrize("bad", ["cs.RO,robotics!", " , "])
def test_bad_categories_are_a_usage_error_naming_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROBOTS, tmp_path / "README.md")
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["init", "--from", "README.md", "--categories", bad])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "pass names such as cs.RO,cs.CV" in err
    assert ("robotics!" in err) if "!" in bad else ("no category given" in err)
    assert not (tmp_path / "config").exists()


def test_the_site_search_example_is_the_lists_own_topic(
    robots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["site", "--output", str(tmp_path / "site")]) == 0
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'placeholder="e.g. vision-language-action models, or 2405.00732"' in page
    assert "kv cache" not in page.lower() and "efficient" not in page.lower()


def test_no_starter_rule_from_a_name_that_says_nothing(robots: Path) -> None:
    """ "Others" gave the rule "others" (in countless abstracts), a list without headings the rule
    "awesome-llm-prune" (its title, in no paper), "Trending Inference Topics" the rule "trending"."""
    sections = config.load("keywords")["sections"]
    assert "others" not in sections  # its entries teach the learned router; no rule
    assert set(sections) == {
        "vision-language-action-models",
        "imitation-learning",
        "reinforcement-learning",
        "planning-with-language-models",
    }
    text = "# Awesome-LLM-Prune\n\n" + "".join(
        f"- [{t}](https://arxiv.org/abs/2401.0000{i})\n"
        for i, t in enumerate(["Structured pruning of LLMs", "Pruning and sparsity", "Sparsity at scale"])
    )
    plan = scaffold("README.md", text)
    assert plan.keywords()["sections"]["awesome-llm-prune"]["patterns"] == ["pruning", "sparsity"]
    trending = "# L\n\n## Trending Topics\n\n- [A](https://arxiv.org/abs/2401.00001)\n\n## B\n\n" + (
        "- [B](https://arxiv.org/abs/2401.00002)\n"
    )
    assert "trending-topics" not in scaffold("README.md", trending).keywords()["sections"]


def test_the_first_dry_run_warns_once_that_the_catalog_is_not_committed(
    robots: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert cli.main(["poll", "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert f"warning: {robots / 'catalog.md'} is not committed yet; this dry run reads" in err
    assert "note:" not in err  # it said "warning: note: ..."


def test_the_adopters_site_workflow_runs_the_action_job_site(robots: Path) -> None:
    """docs/site.md's own workflow installs the bot from this repository's files; an adopter's
    site.yml runs the action's `site` job, which the action accepts and which builds `_site`."""
    import yaml

    root = Path(__file__).resolve().parents[2]
    workflow = yaml.safe_load((root / "docs" / "workflows" / "site.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    bot = next(s for s in steps if s["uses"].startswith("catalog-bot/catalog-bot@"))
    assert "|site)" in (root / "action.yml").read_text(encoding="utf-8")  # the action's job list
    assert cli.main([bot["with"]["job"], *bot["with"]["args"].split()]) == 0  # as the action runs it
    upload = next(s for s in steps if s["uses"].startswith("actions/upload-pages-artifact@"))
    assert (robots / upload["with"]["path"] / "index.html").is_file()


def test_a_list_without_a_title_is_named_after_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The KV-cache list has no `#` heading: its catalog and site were titled "Awesome Papers"
    (and the schema's default title was "Awesome Efficient LLMs")."""
    repo = tmp_path / "Awesome-LLM-KV-Cache"
    repo.mkdir()
    text = "\n".join(ROBOTS.read_text(encoding="utf-8").splitlines()[1:])  # no `#` heading
    (repo / "README.md").write_text(text, encoding="utf-8")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(repo / "config"))
    assert cli.main(["init", "--from", "README.md"]) == 0
    assert "title: Awesome-LLM-KV-Cache, the folder's name" in capsys.readouterr().out
    assert (repo / "catalog.md").read_text(encoding="utf-8").startswith("# Awesome-LLM-KV-Cache\n")
    # a rerun keeps config/taxonomy.yml and its title: it said the title was the folder's name
    # again (a clone in another folder: "title: kvt"), which the kept file did not say
    moved = tmp_path / "kvt"
    repo.rename(moved)
    monkeypatch.chdir(moved)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(moved / "config"))
    assert cli.main(["init", "--from", "README.md"]) == 0
    assert "the folder's name" not in capsys.readouterr().out
    assert "title: Awesome-LLM-KV-Cache\n" in (moved / "config" / "taxonomy.yml").read_text(encoding="utf-8")
    moved.rename(repo)
    monkeypatch.chdir(repo)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(repo / "config"))
    assert cli.main(["init", "--from", "README.md", "--title", "Robots", "--force"]) == 0
    assert "the folder's name" not in capsys.readouterr().out
    empty = tmp_path / "empty-config"
    empty.mkdir()
    (empty / "taxonomy.yml").write_text(
        "sections:\n- {id: robots, title: Robots, description: Robots.}\n", encoding="utf-8"
    )
    assert config.load("taxonomy", empty)["title"] == "Awesome Papers"


def test_the_catalog_keeps_the_lists_own_intro(robots: Path) -> None:
    catalog = (robots / "catalog.md").read_text(encoding="utf-8")
    assert catalog.startswith(
        "# Awesome Robot Learning\n\n"
        "A curated list of robot learning papers: policies that map what a robot sees to what it does.\n"
    )
    assert config.load("taxonomy")["intro"].startswith("A curated list of robot learning papers")


@pytest.mark.parametrize(
    ("text", "intro"),
    [
        (
            "# L\n\n<div>badges</div>\n\nA list of **robot** [papers](https://x.org) <br> that\nmatter.\n\n## A\n",
            "A list of robot papers that matter.",
        ),
        ("# L\n\n[![badge](https://b)](https://c)\n\n## Intro\n\nNot before the first section.\n", None),
        ("# L\n\nToo short.\n\n- [A](https://arxiv.org/abs/2401.00001)\n", None),
        ("# L\n\n" + "word " * 200 + "\n", ("word " * 79).strip() + "…"),
    ],
)
def test_list_intro_is_the_first_paragraph_of_prose(text: str, intro: str | None) -> None:
    assert list_intro(text) == intro


def test_a_long_intro_keeps_whole_sentences() -> None:
    """The MoE list's intro is 3 sentences and 470 characters: the catalog keeps the first two,
    not "... The contents of…"."""
    text = (FIXTURES / "lists" / "pprp__Awesome-Efficient-MoE__README.md").read_text(encoding="utf-8")
    intro = list_intro(text)
    assert intro is not None and len(intro) <= MAX_INTRO
    assert intro.startswith("This repository collects research papers and resources about Mixture-of-Experts")
    assert intro.endswith(
        "coordinated by a gating network that decides which expert(s) to use for each input."
    )


def test_a_catalog_elsewhere_is_set_once_and_every_job_finds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`init --catalog docs/list.md` failed (no docs/ folder) after writing the config; and then
    lint, stats and site looked for catalog.md, and poll too until poll.yml said otherwise."""
    repo = robot_list_repo(tmp_path / "robots", monkeypatch)
    assert cli.main(["init", "--from", "README.md", "--catalog", "docs/list.md"]) == 0
    assert config.load("poll")["catalog"] == "docs/list.md"
    assert not (repo / "catalog.md").exists()
    capsys.readouterr()
    for argv in (
        ["validate-config"],
        ["lint"],
        ["stats"],
        ["site", "--output", "_site"],
        ["poll", "--dry-run"],
    ):
        assert cli.main(argv) == 0, argv
    out = capsys.readouterr().out
    assert "docs/list.md: ok (25 papers" in out and "docs/list.md: 25 unique papers" in out
    assert "| would be proposed (dry run) |" in out

    (repo / "config" / "poll.yml").write_text("catalog: other.md\n", encoding="utf-8")
    assert cli.main(["init", "--from", "README.md", "--catalog", "docs/list.md"]) == 0  # poll.yml kept
    assert "says `catalog: other.md`, so the jobs read that file, not docs/list.md" in capsys.readouterr().out


def test_the_scorer_cache_a_local_poll_leaves_is_never_committed(
    robots: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The adopter commits "config/, catalog.md, the form and the workflows"; `git add -A`
    after the dry run of docs/adopt.md also took .catalog-bot-cache/ (20 MB of pickles)."""
    monkeypatch.delenv("CATALOG_BOT_CACHE_DIR")  # the default: poll.yml's cache_dir in the repository
    assert cli.main(["poll", "--dry-run"]) == 0
    assert (robots / ".catalog-bot-cache").is_dir()
    subprocess.run(["git", "add", "-A"], cwd=robots, check=True)
    staged = subprocess.run(
        ["git", "diff", "--cached", "--name-only"], cwd=robots, check=True, capture_output=True, text=True
    ).stdout.split()
    assert "catalog.md" in staged
    assert not [p for p in staged if p.startswith(".catalog-bot-cache")]


def test_validate_config_warns_of_a_gate_the_feed_cannot_reach(
    robots: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An adopter who follows "set the gate to your field's" alone keeps the bot's default feed."""
    keywords = robots / "config" / "keywords.yml"
    text = keywords.read_text(encoding="utf-8")
    keywords.write_text(
        text.replace("  - cs.CL\n", "  - cs.RO\n", 1).replace("  - cs.LG\n", "", 1), encoding="utf-8"
    )
    for name in ("cs.AI", "cs.DC", "cs.AR", "cs.PF"):
        keywords.write_text(
            keywords.read_text(encoding="utf-8").replace(f"  - {name}\n", "", 1), encoding="utf-8"
        )
    assert config.load("keywords")["categories"]["require_any"] == ["cs.RO"]
    capsys.readouterr()
    assert cli.main(["validate-config"]) == 0  # a warning, not an error
    assert "categories.require_any (cs.RO) has no category the feed reads" in capsys.readouterr().out
    sources = robots / "config" / "sources.yml"
    sources.write_text("feed:\n  categories: [cs]\n", encoding="utf-8")  # a whole archive covers cs.RO
    assert cli.main(["validate-config"]) == 0
    assert "warning" not in capsys.readouterr().out


def test_a_near_miss_outside_the_gate_says_so_whatever_its_score(
    robots: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The robot list with the default (efficient-LLM) gate: a paper of no gated category is held
    back by the gate even below the threshold; "below the threshold" hid that a higher score would
    not have helped."""
    from bot.sources.arxiv_rss import PACKAGED_SAMPLE_FEED, read_papers

    gate = set(config.load("keywords")["categories"]["require_any"])
    feed = {p.arxiv_id: p for p in read_papers(PACKAGED_SAMPLE_FEED)}
    assert cli.main(["poll", "--dry-run"]) == 0
    rows = [
        r.split(" | ")
        for r in capsys.readouterr().out.split("### Near misses")[1].splitlines()
        if r.startswith("| 24")
    ]
    assert rows
    gated_why = "outside the required categories"  # (and the paper's: a maintainer sees why at once)
    for arxiv_id, _, _, why, *_ in rows:
        categories = feed[arxiv_id.strip("| ")].categories
        gated = not gate & set(categories)
        assert why == (f"{gated_why} ({', '.join(categories[:3])})" if gated else "below the threshold"), (
            arxiv_id
        )
    assert any(why.startswith(gated_why) and float(s) < float(t) for _, s, t, why, *_ in rows)


def test_score_counts_the_papers_the_gate_holds_back(
    robots: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said "0 at or above the threshold 0.50" over a best-scored list opening with CityWalker
    at 0.921 (cs.CV, cs.RO: outside the default, efficient-LLM gate)."""
    assert cli.main(["score", "--output", "-"]) == 0
    summary = capsys.readouterr().err
    assert (
        ": 0 at or above the threshold 0.50; 2 more at or above it held back by the categories gate "
        "(in none of `categories.require_any` in config/keywords.yml)."
    ) in summary
    assert (
        "CityWalker: Learning Embodied Urban Navigation from Web-Scale Videos  (outside the categories gate)\n"
        in summary
    )


def test_a_readme_kept_as_its_own_catalog_keeps_its_contributing_and_license(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`init --catalog README.md --force` rewrote a graph-learning README without its Contributing
    and License sections; put back by hand, lint failed on them ("unknown heading", "a link that
    is not an entry line"), and so did every rebuild with `import --replace`. They are the
    taxonomy's `footer_headings` now, kept as written below the sections."""
    listed = (FIXTURES / "adopt" / "awesome-graph-learning.md").read_text(encoding="utf-8")
    repo = list_repo(tmp_path / "awesome-graph-learning", listed, monkeypatch)
    footer = listed[listed.index("## Contributing") :]
    assert cli.main(KEEP_README) == 0
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert readme.endswith("[pdf](https://arxiv.org/pdf/2003.00982)\n\n" + footer)
    # and its title's badge and the line of badges under it, which init dropped too
    head = listed[: listed.index("\nA curated list")]
    assert head.startswith("# Awesome Graph Learning [![Awesome](https://awesome.re/badge.svg)]")
    assert readme.startswith(head + "\nA curated list")
    assert config.load_taxonomy(repo / "config").footer_headings == ("Contributing", "License")
    assert cli.main(["lint"]) == 0
    assert cli.main(["import", "README.md", "--output", "README.md", "--replace"]) == 0
    assert (repo / "README.md").read_text(encoding="utf-8") == readme
    assert cli.main(["site", "--output", str(tmp_path / "site")]) == 0
    assert "warning" not in capsys.readouterr().err
    # a catalog beside the list has no footer of its own
    (repo / "config" / "poll.yml").unlink()
    assert cli.main(["init", "--from", "README.md", "--force"]) == 0
    assert config.load_taxonomy(repo / "config").footer_headings == ()


def test_a_readme_kept_as_its_own_catalog_keeps_its_hash_footer_and_html_banners(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """NexaAI's list closes with `#` headings (Join, Cite, License) and shows `<div align="center">`
    and `<p align="center"><img ...></p>` banners under a title with an emoji: `footer_headings`
    took `##` headings only and the rebuild kept lines of badges only, so `init --catalog
    README.md --force` (and every `import --replace` after it) dropped the closing sections, the
    banners and the emoji. A banner's HTML block that runs on into the intro (no blank line) is
    kept without it: the taxonomy's intro follows."""
    listed = (FIXTURES / "adopt" / "awesome-hash-footer.md").read_text(encoding="utf-8")
    repo = list_repo(tmp_path / "awesome-tiny", listed, monkeypatch)
    assert cli.main(KEEP_README) == 0
    # the one line of the banner that is neither a badge nor an image is named, not dropped unsaid
    assert (
        "README.md: 1 line of prose had no place in the rebuilt catalog and is gone (`git diff` shows "
        'it): line 7 "[Model Hub](https://hub.example.org/) / [Docs](https://docs…".'
    ) in capsys.readouterr().err
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert readme.endswith("[pdf](https://arxiv.org/pdf/2301.00774)\n\n" + listed[listed.index("# 🤝") :])
    assert config.load_taxonomy(repo / "config").footer_headings == (
        "🤝 Join Us",
        "📖 Cite Our Work",
        "📄 License",
    )
    banner = listed[listed.index('<p align="center">') : listed.index("\nA list of papers")]
    assert readme.startswith(
        '# 🚀 Awesome Tiny Models\n\n<div align="center">\n\n[![Discord](https://img.shields.io/badge/'
        "chat-discord-blue)](https://discord.gg/example)\n\n</div>\n\n" + banner + "\n\nA list of papers"
    )
    assert cli.main(["lint"]) == 0
    assert cli.main(["import", "README.md", "--output", "README.md", "--replace"]) == 0
    assert (repo / "README.md").read_text(encoding="utf-8") == readme
    assert "warning" not in capsys.readouterr().err
    # a rerun without --force keeps it (the footer's numbered list is no entry it failed to read)
    assert cli.main(KEEP_README[:-3] + KEEP_README[-2:]) == 0
    assert (repo / "README.md").read_text(encoding="utf-8") == readme


def test_a_section_of_links_beside_tools_and_resources_keeps_its_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list with Datasets, Tools and Resources sections of links: init gave each a section, and
    the import then emptied Datasets, its links sent to Tools (a GitHub repository) or Resources
    (any other page), as if every list's sections of links were this repository's two."""
    repo = tmp_path / "awesome-graphs"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    paper = "- [{}](https://arxiv.org/abs/{}) - Ada Lovelace et al. ICLR 2019.\n"
    (repo / "README.md").write_text(
        "# Awesome Graphs\n\n## Graph Neural Networks\n\n"
        + paper.format("Graph Attention Networks", "1710.10903")
        + paper.format("How Powerful are Graph Neural Networks?", "1810.00826")
        + "\n## Datasets\n\n"
        "- [TUDataset](https://chrsmrrs.github.io/datasets/) - Graph classification benchmarks.\n"
        "- [SNAP](https://github.com/snap-stanford/snap) - Stanford Large Network Dataset Collection.\n"
        "\n## Tools\n\n- [DGL](https://github.com/dmlc/dgl) - Deep Graph Library.\n"
        "- [DGL docs](https://docs.dgl.ai/) - How to use DGL.\n"
        "\n## Resources\n\n- [CS224W](https://web.stanford.edu/class/cs224w/) - A course.\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(repo)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(repo / "config"))
    assert cli.main(["init", "--from", "README.md", "--categories", "cs.LG"]) == 0
    taxonomy = config.load_taxonomy(repo / "config")
    catalog = read_catalog(repo / "catalog.md", taxonomy)
    titles = {s: sorted(i.title for i in catalog.items_in(s)) for s in ("datasets", "tools", "resources")}
    assert titles == {
        "datasets": ["SNAP", "TUDataset"],
        "tools": ["DGL"],
        "resources": ["CS224W", "DGL docs"],
    }
    assert cli.main(["lint"]) == 0


def test_a_readme_kept_as_its_own_catalog_keeps_its_sections_of_prose_above_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """NexaAI's README opens with "## 🌟 About This Hub" and "## 🚀 Why This Hub is a Must-Read"
    above its list: `init --catalog README.md --force` replaced them with the default intro. They
    hold no paper, so they stay as written above the table of contents (`header_headings: auto`),
    through rebuilds, lint, the site and an init rerun; its own table of contents (`# 📚 What's
    Inside Our Hub`, around the sections) is not kept beside the bot's."""
    listed = (FIXTURES / "lists" / "NexaAI__Awesome-LLMs-on-device__README.md").read_text(encoding="utf-8")
    repo = list_repo(tmp_path / "awesome-llms-on-device", listed, monkeypatch)
    assert cli.main(KEEP_README) == 0
    readme = (repo / "README.md").read_text(encoding="utf-8")
    about = listed[listed.index("## 🌟 About") : listed.index("- 🤝 Active community")]
    assert "Edit this paragraph in config/taxonomy.yml.\n\n" + about in readme
    assert readme.index(about) < readme.index("## Contents\n") and "What's Inside" not in readme
    said = capsys.readouterr()
    assert (
        "kept as written above the list: 🌟 About This Hub, 🚀 Why This Hub is a Must-Read (sections of prose; "
        "`header_headings` in config/taxonomy.yml names others or none, docs/catalog.md)\n"
    ) in said.out
    # what the rewrite left out is named, line by line (it went without a word)
    assert (
        "README.md: 6 lines of prose had no place in the rebuilt catalog and are gone (`git diff` shows "
        'them): line 7 "[On-device Model Hub](https://model-hub.nexa4ai.com/) / [Ne…", line 9 '
        '"[release-url]: https://github.com/NexaAI/nexa-sdk/releases"'
    ) in said.err
    assert '" and 1 more. Sections of prose above the list' in said.err  # five named, the rest counted
    # docs/import.md quotes it
    page = " ".join((Path(__file__).parents[2] / "docs" / "import.md").read_text(encoding="utf-8").split())
    assert (
        "`README.md: 6 lines of prose had no place in the rebuilt catalog and are gone`, then `line 7 "
        '"[On-device Model Hub](https://model-hub.nexa4ai.com/) / [Ne…"` and four more, `and 1 more`'
    ) in page
    assert cli.main(["lint"]) == 0
    for _ in range(2):
        assert cli.main(["import", "README.md", "--output", "README.md", "--replace"]) == 0
        assert (repo / "README.md").read_text(encoding="utf-8") == readme
    assert cli.main(["site", "--output", str(tmp_path / "site")]) == 0
    assert "warning" not in capsys.readouterr().err
    assert cli.main(KEEP_README[:-3] + KEEP_README[-2:]) == 0  # a rerun without --force keeps it
    assert (repo / "README.md").read_text(encoding="utf-8") == readme
    # header_headings: [] keeps none (and lint names them)
    taxonomy_yml = repo / "config" / "taxonomy.yml"
    taxonomy_yml.write_text(
        taxonomy_yml.read_text(encoding="utf-8") + "header_headings: []\n", encoding="utf-8"
    )
    assert cli.main(["lint"]) == 1
    assert "unknown heading '## 🌟 About This Hub'" in capsys.readouterr().out
    assert cli.main(["import", "README.md", "--output", "README.md", "--replace"]) == 0
    assert "About This Hub" not in (repo / "README.md").read_text(encoding="utf-8")
    gone = capsys.readouterr().err
    assert "lines of prose had no place in the rebuilt catalog and are gone" in gone
    assert 'line 16 "## 🌟 About This Hub", line 17 "Welcome to the ultimate hub' in gone


def test_the_prose_a_rebuild_drops_is_named_without_the_terminal_escapes_it_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An adopted list's second paragraph held ANSI escapes: the warning that names the dropped
    lines printed them as written, clearing the maintainer's terminal, writing a link to
    evil.example over "click" and, after its carriage return, a line starting with "::add-mask::";
    so did the line naming the sections of prose kept above the list."""
    paper = "- [{}](https://arxiv.org/abs/{}) - Ada Lovelace et al. ICLR 2019.\n"
    list_repo(
        tmp_path / "awesome-graphs",
        "# Awesome Graphs\n\nA list of graph papers.\n\n## About \x1b[2Jus\n\nWe read graphs.\n\n"
        "## Graph Neural Networks\n\nNetworks on graphs.\n\n"
        "See \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x1b[2J\x1b[31mnow\x1b[0m\r::add-mask::x\n\n"
        + paper.format("Graph Attention Networks", "1710.10903")
        + paper.format("How Powerful are Graph Neural Networks?", "1810.00826"),
        monkeypatch,
    )
    assert cli.main(KEEP_README) == 0
    out, err = capsys.readouterr()
    assert 'line 13 "See ]8;;https://evil.exampleclick]8;; [2J[31mnow[0m", line 14 "::add-mask::x"' in err
    assert "kept as written above the list: About [2Jus (sections of prose;" in out  # a heading's too
    assert not any(c in out + err for c in "\x1b\x07\r")
