"""Bad inputs a new maintainer gives: one clear message each, no silent wrong result, no traceback.
The table of docs/bad-inputs.md is these cases (tests/golden/bad-inputs.md, checked below)."""

from __future__ import annotations

import os
import shutil
import socket
import stat
from pathlib import Path

import pytest
import yaml

from bot import __main__ as cli
from bot.config import load_taxonomy
from bot.jobs.check_links import NETWORK_DOWN
from tests.conftest import FIXTURES, PROJECT
from tests.gitrepo import make_repo
from tests.golden_files import UPDATE_HINT, golden

SAMPLE_FEED = FIXTURES / "arxiv" / "arxiv_atom_feed_cs.AI_2025-08-20_PARTLY-SYNTHETIC.xml"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "bad-inputs.md"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, (captured.err + captured.out)


def catalog_with(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "catalog.md"
    text = (PROJECT / "catalog.md").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def symlink_loop(folder: Path) -> Path:
    """``loop.md`` -> ``loop2.md`` -> ``loop.md``: a path every read and write of fails (ELOOP)."""
    (folder / "loop2.md").symlink_to("loop.md")
    (folder / "loop.md").symlink_to("loop2.md")
    return folder / "loop.md"


def first_line(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)


def cases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> list[tuple[str, int, str]]:
    """(input, exit code, the message) for each bad input, run for real."""
    found = []
    misspelled = catalog_with(tmp_path, "\n## Quantization\n", "\n## Quantisation\n")
    code, out = run(["lint", str(misspelled)], capsys)
    assert (
        sum(
            1
            for line in out.splitlines()
            if line.startswith(str(misspelled) + ":") and line[len(str(misspelled)) + 1].isdigit()
        )
        == 1
    )
    found.append(("`lint` of a catalog with `## Quantisation`", code, first_line(out, "did you mean")))

    empty = tmp_path / "empty.md"
    empty.write_text("", encoding="utf-8")
    code, out = run(["lint", str(empty)], capsys)
    assert (
        sum(
            1
            for line in out.splitlines()
            if line.startswith(str(empty) + ":") and line[len(str(empty)) + 1].isdigit()
        )
        == 1
    )
    found.append(("`lint` of an empty file", code, first_line(out, "empty")))

    code, out = run(["stats", str(misspelled)], capsys)
    found.append(("`stats` of that catalog", code, first_line(out, "warning:")))

    loop = symlink_loop(tmp_path)
    code, out = run(["lint", str(loop)], capsys)
    found.append(("`lint` of a catalog that is a symlink loop", code, first_line(out, "cannot be read")))

    prose = tmp_path / "notes.md"
    prose.write_text("# Notes\n\nNo list in here, only prose.\n", encoding="utf-8")
    catalog_path = tmp_path / "out.md"
    code, out = run(["import", str(prose), "--output", str(catalog_path)], capsys)
    assert not catalog_path.exists()
    found.append(("`import` of a file with no list", code, first_line(out, "0 entries read")))

    survey = str(FIXTURES / "lists" / "horseee__Awesome-Efficient-LLM__survey.md")
    assert run(["import", survey, "--output", str(catalog_path)], capsys)[0] == 0
    built = catalog_path.read_text(encoding="utf-8")
    line = next(x for x in built.splitlines() if x.startswith("- ["))
    catalog_path.write_text(built.replace(line, line + " A maintainer's note.", 1), encoding="utf-8")
    code, out = run(["import", survey, "--output", str(catalog_path)], capsys)
    found.append(("`import` over a catalog edited since", code, first_line(out, "would rewrite")))

    rendered = tmp_path / "rendered.txt"  # a rendered page: titles, no links
    shutil.copy(FIXTURES / "lists" / "efficient-llms-survey-rendered.txt", rendered)
    code, out = run(["init", "--from", str(rendered), "--repo", str(tmp_path / "adopter")], capsys)
    assert (
        not (tmp_path / "adopter" / "config").exists() and not (tmp_path / "adopter" / "catalog.md").exists()
    )
    found.append(("`init --from` a rendered page (titles, no links)", code, first_line(out, "entries read")))

    latin1 = tmp_path / "latin1.md"  # a list saved by an older editor: "Résumé" in Latin-1
    latin1.write_bytes(
        "# Awesome\n\n## Pruning\n\n- [Résumé Pruning](https://arxiv.org/abs/2401.00001)\n".encode("latin-1")
    )
    code, out = run(["init", "--from", str(latin1), "--repo", str(tmp_path / "adopter")], capsys)
    found.append(("`init --from` a list that is not UTF-8 (Latin-1)", code, first_line(out, "UTF-8")))

    adopter = tmp_path / "adopter"  # a .gitignore an older editor saved, then an issue form that is a folder
    adopter.mkdir(exist_ok=True)
    (adopter / ".gitignore").write_bytes("# Résumé\n".encode("latin-1"))
    shutil.copy(FIXTURES / "adopt" / "html-list.md", adopter / "README.md")
    code, out = run(["init", "--from", str(adopter / "README.md"), "--repo", str(adopter)], capsys)
    found.append(("`init` with a `.gitignore` that is not UTF-8", code, first_line(out, "UTF-8")))
    (adopter / ".gitignore").unlink()
    form = adopter / ".github" / "ISSUE_TEMPLATE" / "add-paper.yml"
    form.mkdir(parents=True)
    code, out = run(
        ["validate-config", "--config-dir", str(PROJECT / "config"), "--repo", str(adopter)], capsys
    )
    found.append(("`validate-config` with the issue form a folder", code, first_line(out, "a folder")))

    repo = make_repo(tmp_path / "repo", load_taxonomy(PROJECT / "config"))  # a small catalog
    small_feed = tmp_path / "five.jsonl"
    small_feed.write_text(
        "".join(
            f'{{"arxiv_id": "2405.0000{n}", "title": "Quantized KV cache {n}", "abstract": "We quantize."}}\n'
            for n in range(1, 6)
        ),
        encoding="utf-8",
    )

    def score_five(catalog: Path) -> tuple[int, str]:
        argv = ["score", "--input", str(small_feed), "--output", str(tmp_path / "s.jsonl")]
        return run([*argv, "--catalog", str(catalog)], capsys)

    code, out = score_five(repo / "catalog.md")
    found.append(("`score` against a catalog of 4 entries", code, first_line(out, "learned part")))

    code, out = run(
        ["poll", "--dry-run", "--feed", str(SAMPLE_FEED), "--categories", "cs.CL", "--repo", str(repo)],
        capsys,
    )
    found.append(("`poll --feed FILE --categories cs.CL`", code, first_line(out, "--categories")))

    for flag, value in (("--concurrency", "0"), ("--per-host", "-1"), ("--timeout", "-5")):
        code, out = run(["check-links", flag, value, str(empty)], capsys)
        found.append((f"`check-links {flag} {value}`", code, first_line(out, "error:")))
    code, out = run(["check-links", str(tmp_path)], capsys)
    found.append(("`check-links` of a directory", code, first_line(out, "error:")))
    # a folder where a file goes, or a file where a folder goes: one line, not a traceback
    code, out = run(["lint", str(tmp_path)], capsys)
    found.append(("`lint` of a folder", code, first_line(out, "error:")))
    code, out = run(["score", "--input", str(small_feed), "--output", str(tmp_path)], capsys)
    found.append(("`score --output` a folder", code, first_line(out, "error:")))
    code, out = run(["site", "--catalog", str(repo / "catalog.md"), "--output", str(small_feed)], capsys)
    found.append(("`site --output` a file", code, first_line(out, "error:")))
    config = tmp_path / "config"
    shutil.copytree(PROJECT / "config", config)
    (config / "links.yml").write_text("retries:\n  errors: 0\n  timeouts: 0\n", encoding="utf-8")
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(config))
    keywords = yaml.safe_load((config / "keywords.yml").read_text(encoding="utf-8"))
    keywords["scoring"]["background"] = str(small_feed)  # five papers: too few to learn against
    (config / "keywords.yml").write_text(yaml.safe_dump(keywords), encoding="utf-8")
    code, out = score_five(PROJECT / "catalog.md")
    found.append(("`score` with a background of 5 papers", code, first_line(out, "learned part")))
    port = closed_port()
    offline = tmp_path / "offline.md"
    offline.write_text(
        "".join(f"- [Link {n}](http://127.0.0.1:{port}/{n})\n" for n in range(6)), encoding="utf-8"
    )
    code, out = run(["check-links", "--no-resolvers", "--timeout", "2", str(offline)], capsys)
    found.append(
        (
            "`check-links` with no network (every link refused)",
            code,
            first_line(out, "network is probably down").replace(str(port), "PORT"),
        )
    )

    twice = "sections:\n  kv-cache:\n    patterns: [KV cache]\n  kv-cache:\n    patterns: [paged attention]\n"
    (config / "keywords.yml").write_text(twice, encoding="utf-8")
    code, out = run(["validate-config", "--config-dir", str(config)], capsys)
    found.append(
        ("`validate-config` with two `kv-cache:` blocks in keywords.yml", code, first_line(out, "twice"))
    )
    (config / "keywords.yml").write_text(
        "sections:\n  kv-cache:\n    patterns: ['re:(\\w+\\s?)+efficient']\n"
    )
    code, out = run(["validate-config", "--config-dir", str(config)], capsys)
    found.append(
        (
            "`validate-config` with the pattern `re:(\\w+\\s?)+efficient`",
            code,
            first_line(out, "without bound"),
        )
    )
    (config / "keywords.yml").write_text("", encoding="utf-8")
    code, out = run(["validate-config", "--config-dir", str(config)], capsys)
    found.append(("`validate-config` with an empty keywords.yml", code, first_line(out, "keywords.yml")))
    for name in ("GITHUB_TOKEN", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    code, out = run(["doctor"], capsys)
    found.append(
        (
            "`doctor` in a fresh folder, no token",
            code,
            " / ".join(line.strip() for line in out.splitlines() if line.strip()),
        )
    )
    (config / "poll.yml").unlink()
    (config / "poll.yml").mkdir()  # a file the system will not read (its permissions alike)
    code, out = run(["validate-config", "--config-dir", str(config)], capsys)
    found.append(
        ("`validate-config` with a folder named `poll.yml`", code, first_line(out, "cannot be read"))
    )
    repo = make_repo(tmp_path / "resumed", load_taxonomy(PROJECT / "config"))
    (repo / ".backfill-state.json").write_text("[]", encoding="utf-8")  # not the search's state
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(PROJECT / "config"))  # not the emptied one above
    code, out = run(
        ["backfill", "--since", "2025-01-01", "--until", "2025-01-31", "--repo", str(repo)], capsys
    )
    found.append(("`backfill` with a `.backfill-state.json` of `[]`", code, first_line(out, "state file")))
    return [
        (what, code, message.replace(str(tmp_path), "TMP").replace(str(SAMPLE_FEED), "FEED"))
        for what, code, message in found
    ]


def render(rows: list[tuple[str, int, str]]) -> str:
    lines = ["| input | exit | message |", "|---|---|---|"]
    lines += [
        f"| {what} | {code} | `{message.replace('|', '/').replace('`', '')}` |"
        for what, code, message in rows
    ]
    return "\n".join(lines) + "\n"


def test_every_bad_input_gets_one_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    rows = cases(tmp_path, capsys, monkeypatch)
    for what, _code, message in rows:
        assert "Traceback" not in message and message, what
    by_input = {what: (code, message) for what, code, message in rows}
    assert by_input["`lint` of a catalog with `## Quantisation`"][0] == 1
    assert "did you mean '## Quantization'" in by_input["`lint` of a catalog with `## Quantisation`"][1]
    assert "not counted" in by_input["`stats` of that catalog"][1]
    assert by_input["`import` of a file with no list"][0] == 1
    assert by_input["`init --from` a rendered page (titles, no links)"][0] == 1
    assert (
        "latin1.md:5: not UTF-8 text (byte 0xe9"
        in by_input["`init --from` a list that is not UTF-8 (Latin-1)"][1]
    )
    assert "learned part is weak" in by_input["`score` against a catalog of 4 entries"][1]
    assert all(by_input[k][0] == 1 for k in by_input if k.startswith("`validate-config"))
    assert by_input["`lint` of a catalog that is a symlink loop"][0] == 1
    assert by_input["`init` with a `.gitignore` that is not UTF-8"][0] == 1  # a traceback (3) before round 32
    assert "learned part is off" in by_input["`score` with a background of 5 papers"][1]
    offline = "`check-links` with no network (every link refused)"
    assert all(by_input[k][0] == 1 for k in by_input if k.startswith("`check-links") and k != offline)
    assert by_input[offline][0] == NETWORK_DOWN == 1  # the expected-failure code, kept stable
    assert all(
        by_input[k][0] == 1
        for k in ("`lint` of a folder", "`score --output` a folder", "`site --output` a file")
    )
    text = render(rows)
    assert text == golden("bad-inputs.md", text), UPDATE_HINT
    assert text in DOCS.read_text(encoding="utf-8"), (
        "docs/bad-inputs.md must include tests/golden/bad-inputs.md"
    )


def test_writes_keep_the_files_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lists = FIXTURES / "lists"
    catalog_path = tmp_path / "catalog.md"
    assert (
        cli.main(
            [
                "import",
                str(lists / "horseee__Awesome-Efficient-LLM__survey.md"),
                "--output",
                str(catalog_path),
            ]
        )
        == 0
    )
    os.chmod(catalog_path, 0o644)
    assert (
        cli.main(
            [
                "import",
                str(lists / "horseee__Awesome-Efficient-LLM__survey.md"),
                str(lists / "horseee__Awesome-Efficient-LLM__tuning.md"),
                "--output",
                str(catalog_path),
                "--replace",  # a rebuild of an existing catalog
            ]
        )
        == 0
    )
    assert stat.S_IMODE(catalog_path.stat().st_mode) == 0o644
    os.chmod(catalog_path, 0o664)
    assert (
        cli.main(
            [
                "import",
                str(lists / "horseee__Awesome-Efficient-LLM__survey.md"),
                str(lists / "horseee__Awesome-Efficient-LLM__tuning.md"),
                str(lists / "horseee__Awesome-Efficient-LLM__efficient_moe.md"),
                "--output",
                str(catalog_path),
                "--replace",  # a rebuild of an existing catalog
            ]
        )
        == 0
    )
    assert stat.S_IMODE(catalog_path.stat().st_mode) == 0o664
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.md"
        assert (
            cli.main(
                ["import", str(lists / "horseee__Awesome-Efficient-LLM__survey.md"), "--output", str(fresh)]
            )
            == 0
        )
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # not mkstemp's 600
    finally:
        os.umask(umask)
    capsys.readouterr()


@pytest.mark.parametrize(
    "command",
    [
        ["lint", "LOOP"],
        ["lint", "--store", "LOOP", "CATALOG"],
        ["stats", "LOOP"],
        ["site", "--catalog", "LOOP", "--output", "SITE"],
        ["site", "--papers", "LOOP", "--catalog", "CATALOG", "--output", "SITE"],
        ["site", "--chart", "LOOP", "--catalog", "CATALOG", "--output", "SITE"],
        ["init", "--from", "LOOP", "--dry-run", "--repo", "TMP"],
        ["import", "LOOP", "--dry-run"],
        ["import", "CATALOG", "--output", "LOOP"],
    ],
)
def test_a_symlink_loop_is_one_line_in_every_job(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path that is a symlink loop was a traceback (exit 3, "a bug") in lint (its catalog's
    folder was resolved first), site (--papers, --chart), init --from and import (a list, or the
    --output): one error line naming the path, exit 1, and nothing written."""
    loop = symlink_loop(tmp_path)
    shutil.copy(PROJECT / "catalog.md", tmp_path / "catalog.md")
    places = {"LOOP": str(loop), "CATALOG": str(tmp_path / "catalog.md"), "SITE": str(tmp_path / "site")}
    places["TMP"] = str(tmp_path)
    code, out = run([places.get(word, word) for word in command], capsys)

    assert code == 1 and "Traceback" not in out
    assert [line for line in out.splitlines() if line.startswith("error:")] == [
        next(line for line in out.splitlines() if str(loop) in line)
    ]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "site") == [
        "catalog.md",
        "loop.md",
        "loop2.md",
    ]
