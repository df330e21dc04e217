"""validate-config checks every file and the files against each other, reports every problem in
one run with the real paths, and jobs run the same checks before they start."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot import __main__ as cli
from bot.config import load_taxonomy
from bot.scoring.patterns import equivalent_patterns
from tests.conftest import PROJECT

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture project (config/, the issue form and the catalog) somewhere else."""
    shutil.copytree(PROJECT / "config", tmp_path / "elsewhere" / "config")
    shutil.copytree(PROJECT / ".github", tmp_path / "elsewhere" / ".github")
    shutil.copy(PROJECT / "catalog.md", tmp_path / "elsewhere" / "catalog.md")
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(tmp_path / "elsewhere" / "config"))
    return tmp_path / "elsewhere"


def edit_yaml(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_the_fixture_project_is_valid(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate-config", "--config-dir", str(project / "config")]) == 0
    assert f"{project / 'config' / 'taxonomy.yml'}: ok" in capsys.readouterr().out


def test_every_problem_of_every_file_in_one_run(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = project / "config"
    edit_yaml(config / "keywords.yml", lambda d: d["sections"].update({"kv-cach": {"patterns": ["kv"]}}))
    edit_yaml(
        config / "keywords.yml",
        lambda d: d["sections"]["quantization"]["subsections"].update({"weight-onyl": ["x"]}),
    )
    edit_yaml(
        config / "import-mapping.yml", lambda d: d["rules"].append({"path": "Foo", "to": "quantisation"})
    )
    edit_yaml(config / "links.yml", lambda d: d.update({"concurrency": "many"}))
    form = project / ".github" / "ISSUE_TEMPLATE" / "add-paper.yml"
    form.write_text(form.read_text(encoding="utf-8").replace("- Surveys\n", "- Survey\n"), encoding="utf-8")

    assert cli.main(["validate-config", "--config-dir", str(config)]) == 1
    out = capsys.readouterr().out
    errors = [line for line in out.splitlines() if line.startswith("error: ")]
    assert len(errors) == 5, out
    assert any(
        f"{config / 'keywords.yml'}: sections.kv-cach" in e and "closest: kv-cache" in e for e in errors
    )
    assert any("subsections.weight-onyl" in e and "closest: weight-only" in e for e in errors)
    assert any(f"{config / 'import-mapping.yml'}:" in e and "'quantisation'" in e for e in errors)
    assert any(f"{config / 'links.yml'}:" in e and "concurrency" in e for e in errors)
    assert any(f"{form}:" in e and "missing ['Surveys']" in e and "'Survey'" in e for e in errors)
    assert all(e.startswith(f"error: {project}/") for e in errors)  # the real paths, not config/...
    assert out.rstrip().endswith(f"5 problem(s) in {config}")


def test_two_patterns_that_find_the_same_texts_are_a_warning(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project / "config"
    edit_yaml(
        config / "keywords.yml",
        lambda d: d["sections"]["fine-tuning"]["route_only"].append({"pattern": "finetuning", "weight": 1.5}),
    )
    assert cli.main(["validate-config", "--config-dir", str(config)]) == 0  # a warning, not an error
    warned = [line for line in capsys.readouterr().out.splitlines() if line.startswith("warning: ")]
    assert len(warned) == 1, warned
    assert "sections.fine-tuning.route_only: 'finetuning' finds what 'fine-tuning' finds" in warned[0]
    # docs/configuration.md shows this very line
    shown = warned[0].replace(str(config), "config")
    assert shown in (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")


def test_a_pattern_in_two_lists_of_a_section_is_a_warning(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A subsection's, a goal's and a route-only pattern count for the section too."""
    config = project / "config"

    def duplicate(d: dict) -> None:
        fine_tuning = d["sections"]["fine-tuning"]
        fine_tuning["patterns"].append("LoRA")  # also in subsections.peft
        fine_tuning["goal"] = [{"pattern": "QLoRA", "weight": 3.0}]  # also in subsections.memory-efficient

    edit_yaml(config / "keywords.yml", duplicate)
    assert cli.main(["validate-config", "--config-dir", str(config)]) == 0
    warned = [line for line in capsys.readouterr().out.splitlines() if line.startswith("warning: ")]
    assert len(warned) == 2, warned
    lora = "sections.fine-tuning.subsections.peft: 'LoRA' is also in sections.fine-tuning.patterns ('LoRA')"
    qlora = "sections.fine-tuning.subsections.memory-efficient: 'QLoRA' is also in sections.fine-tuning.goal"
    assert [any(lora in w for w in warned), any(qlora in w for w in warned)] == [True, True]
    # docs/configuration.md shows the LoRA line
    shown = next(w for w in warned if lora in w).replace(str(config), "config")
    assert shown in (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")


def test_a_pattern_split_between_title_and_abstract_counts_once(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A goal of the title that keeps its pattern for the abstract (``fields``) counts once per
    field: no warning; the same pattern twice in the title is one."""
    config = project / "config"

    def split(d: dict) -> None:
        fine_tuning = d["sections"]["fine-tuning"]
        fine_tuning["goal"] = [{"pattern": "memory-efficient tuning", "weight": 4.0, "fields": ["title"]}]
        fine_tuning["patterns"].append(
            {"pattern": "memory-efficient tuning", "weight": 4.0, "fields": ["abstract"]}
        )
        fine_tuning["route_only"].append({"pattern": "adapter merging", "fields": ["title"]})
        fine_tuning["patterns"].append("adapter merging")  # title and abstract: the title twice

    edit_yaml(config / "keywords.yml", split)
    assert cli.main(["validate-config", "--config-dir", str(config)]) == 0
    warned = [line for line in capsys.readouterr().out.splitlines() if line.startswith("warning: ")]
    assert len(warned) == 1, warned
    expected = "sections.fine-tuning.route_only: 'adapter merging' is also in sections.fine-tuning.patterns"
    assert expected in warned[0]


def test_equivalent_patterns() -> None:
    assert equivalent_patterns(["KV cache", "kv-cache", "KVCache", "key value cache"]) == [
        ("KV cache", "kv-cache"),
        ("KV cache", "KVCache"),
    ]
    assert equivalent_patterns(["fine-tune*", "finetune*", "fine-tuning"]) == [("fine-tune*", "finetune*")]
    # exact-case acronyms and regular expressions are their own
    assert equivalent_patterns(["SLO", "slo", "re:slo", "re:slo"]) == []


@pytest.mark.parametrize("content", [None, "", "# only comments\n"])
def test_a_missing_or_empty_keywords_file_is_an_error(
    project: Path, content: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    keywords = project / "config" / "keywords.yml"
    if content is None:
        keywords.unlink()
    else:
        keywords.write_text(content, encoding="utf-8")
    assert cli.main(["validate-config", "--config-dir", str(project / "config")]) == 1
    out = capsys.readouterr().out
    assert f"error: {keywords}: {'missing' if content is None else 'empty'}" in out


@pytest.mark.parametrize(
    "command",
    [
        ["lint", str(PROJECT / "catalog.md")],
        ["enrich", "--catalog", str(PROJECT / "catalog.md"), "--dry-run"],
        ["check-stars", str(PROJECT / "catalog.md"), "--dry-run"],
    ],
)
def test_jobs_run_the_same_checks_first(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    edit_yaml(
        project / "config" / "import-mapping.yml",
        lambda d: d["rules"].append({"path": "Foo", "to": "nowhere"}),
    )
    edit_yaml(
        project / "config" / "keywords.yml", lambda d: d["sections"].update({"gone": {"patterns": ["x"]}})
    )
    assert cli.main(command) == 1  # before any request (enrich, check-stars: arXiv, GitHub)
    err = capsys.readouterr().err
    assert "2 config problem(s)" in err and "'nowhere'" in err and "sections.gone" in err
    assert "Traceback" not in err


def test_a_config_dir_that_is_not_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate-config", "--config-dir", str(tmp_path / "nope")]) == 1
    assert "is not a folder" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("python -m bot ")


def test_a_pattern_that_is_no_regular_expression_is_found_before_any_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It used to pass validate-config and stop the next scoring run, naming config/keywords.yml
    wherever the file was."""
    config = project / "config"
    edit_yaml(
        config / "keywords.yml", lambda d: d["sections"]["quantization"]["patterns"].append("re:(unclosed")
    )
    assert cli.main(["validate-config", "--config-dir", str(config)]) == 1
    out = capsys.readouterr().out
    assert (
        f"error: {config / 'keywords.yml'}: pattern 're:(unclosed' is not a valid regular expression" in out
    )


def test_a_section_of_keyword_rules_given_twice_is_an_error_with_its_lines(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second ``kv-cache:`` block silently replaced the first (YAML keeps the last key):
    validate-config said ok and the first block's rules were never used."""
    keywords = project / "config" / "keywords.yml"
    lines = keywords.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("sections:")) + 1
    lines[at:at] = ["  kv-cache:\n", "    patterns: [paged attention]\n"]
    keywords.write_text("".join(lines), encoding="utf-8")
    first, again = at + 1, lines.index("  kv-cache:\n", at + 1) + 1
    assert cli.main(["validate-config", "--config-dir", str(project / "config")]) == 1
    assert (
        f"error: {keywords}:{again}: key 'kv-cache' is given twice in one mapping (first at line "
        f"{first}); YAML would keep only the second and ignore the first: merge the two into one"
    ) in capsys.readouterr().out


@pytest.mark.parametrize("name", ["poll.yml", "keywords.yml", "taxonomy.yml"])
def test_a_config_file_that_is_not_utf8_is_named_with_its_line(
    name: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was a traceback (exit 3): a UnicodeDecodeError of the file's reading."""
    path = project / "config" / name
    path.write_bytes(path.read_bytes() + "\n# café\n".encode("latin-1"))
    line = path.read_bytes().count(b"\n")
    assert cli.main(["validate-config", "--config-dir", str(project / "config")]) == 1
    out = capsys.readouterr().out
    assert f"error: {path}:{line}: not UTF-8 text (byte 0xe9, an older encoding" in out
    assert f"iconv -f windows-1252 -t utf-8 {name} > utf8.tmp && mv utf8.tmp {name}" in out


def test_files_the_system_will_not_read_are_a_clear_error(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A config file, the catalog or the paper store the system refuses to read (here a folder of
    its name, or a name too long; its permissions alike) was a traceback, exit 3 ("a bug"), in every
    job: one line naming the file, exit 1."""
    poll = project / "config" / "poll.yml"
    poll.unlink()
    poll.mkdir()
    assert cli.main(["validate-config", "--config-dir", str(project / "config")]) == 1
    assert f"error: {poll} cannot be read (Is a directory): make it a YAML file" in capsys.readouterr().out
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(project / "config"))
    assert cli.main(["lint", str(tmp_path / "catalog.md")]) == 1
    assert f"  {poll} cannot be read (Is a directory)" in capsys.readouterr().err

    long_name = tmp_path / ("x" * 300 + ".md")  # a name the system refuses, as it would a file's mode
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(PROJECT / "config"))
    assert cli.main(["lint", str(long_name)]) == 1
    assert f"error: {long_name} cannot be read (File name too long)" in capsys.readouterr().err

    store = tmp_path / "data" / "papers.jsonl"
    store.mkdir(parents=True)
    shutil.copy(PROJECT / "catalog.md", tmp_path / "catalog.md")
    assert cli.main(["enrich", "--repo", str(tmp_path), "--dry-run"]) == 1
    assert f"error: {store} cannot be read (Is a directory): make it a file" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["keywords.yml", "taxonomy.yml", "papers.yml", "links.yml"])
def test_any_config_file_the_system_will_not_read_is_one_line(
    project: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """Round 30 made a config file the system refuses one line, exit 1; keywords.yml was read a
    second time, to say when it is empty, and a folder of its name was still a traceback (exit 3)
    in validate-config and every job."""
    path = project / "config" / name
    path.unlink()
    path.mkdir()
    assert cli.main(["validate-config", "--config-dir", str(project / "config")]) == 1
    assert f"error: {path} cannot be read (Is a directory): make it a YAML file" in capsys.readouterr().out


def test_a_pattern_that_backtracks_for_hours_is_found_before_any_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``re:(\\w+\\s?)+efficient`` passed validate-config; the next poll spent hours on the first
    abstract without the word, until Actions killed it with no message."""
    config = project / "config"
    pattern = r"re:(\w+\s?)+efficient"
    edit_yaml(config / "keywords.yml", lambda d: d["sections"]["kv-cache"]["patterns"].append(pattern))
    assert cli.main(["validate-config", "--config-dir", str(config)]) == 1
    out = capsys.readouterr().out
    assert f"error: {config / 'keywords.yml'}: pattern '{pattern}' repeats without bound" in out


def _titled(data: dict, section_id: str, title: str) -> None:
    next(s for s in data["sections"] if s["id"] == section_id)["title"] = title


def test_two_sections_with_one_title_are_an_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A copied section block whose title was not changed passed; lint then said both that
    '## Quantization' was missing and that it appeared twice, and stats put every entry of the
    two headings in the first section."""
    config = project / "config"
    edit_yaml(config / "taxonomy.yml", lambda d: _titled(d, "kv-cache", "quantization"))
    assert cli.main(["validate-config", "--config-dir", str(config)]) == 1
    assert (
        f"error: {config / 'taxonomy.yml'}: sections quantization and kv-cache have the same title "
        "'Quantization': a title is the section's heading in the catalog, and one heading cannot be "
        "two sections; rename one"
    ) in capsys.readouterr().out


def test_two_sections_whose_titles_differ_only_by_an_emoji_or_markup_are_an_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A heading is matched by the text it shows, without emoji: `Quantization 🔧` and
    `**Quantization**` are the heading `Quantization`, so they cannot be two sections."""
    config = project / "config"
    edit_yaml(config / "taxonomy.yml", lambda d: _titled(d, "quantization", "Quantization 🔧"))
    edit_yaml(config / "taxonomy.yml", lambda d: _titled(d, "kv-cache", "**Quantization**"))
    assert cli.main(["validate-config", "--config-dir", str(config)]) == 1
    assert (
        "sections quantization and kv-cache have the same title 'Quantization 🔧'" in capsys.readouterr().out
    )


def test_a_section_titled_as_the_table_of_contents_is_an_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project / "config"
    edit_yaml(config / "taxonomy.yml", lambda d: _titled(d, "surveys", "Contents"))
    assert cli.main(["validate-config", "--config-dir", str(config)]) == 1
    assert "section surveys has the title of the table of contents ('Contents', contents_heading)" in (
        capsys.readouterr().out
    )


def test_a_section_titled_as_a_footer_heading_is_an_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A footer heading's text is prose no job reads: a section of that title would lose its entries."""
    config = project / "config"
    edit_yaml(config / "taxonomy.yml", lambda d: d.update(footer_headings=["Contributing", "🔧 Surveys"]))
    assert cli.main(["validate-config", "--config-dir", str(config)]) == 1
    assert "section surveys has the title of a footer heading ('Surveys', footer_headings)" in (
        capsys.readouterr().out
    )


def test_subsections_of_two_sections_may_share_a_title(project: Path) -> None:
    def other(data: dict) -> None:
        for section in data["sections"][1:3]:  # quantization and pruning
            section["subsections"][-1]["title"] = "Other"

    edit_yaml(project / "config" / "taxonomy.yml", other)
    assert load_taxonomy(project / "config").get("pruning", "structured").title == "Other"


def test_a_wrong_value_and_an_unknown_key_name_their_lines(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'key sections.kv-cache.weight: ...' named no line, in a keywords.yml of 1,300 lines."""
    keywords = project / "config" / "keywords.yml"
    lines = keywords.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index("  kv-cache:\n") + 1
    assert lines[at] == "    weight: 5.0\n"
    lines[at : at + 1] = ["    weight: heavy\n", "    patternz: [paged attention]\n"]
    keywords.write_text("".join(lines), encoding="utf-8")
    poll = project / "config" / "poll.yml"
    poll.write_text(poll.read_text(encoding="utf-8") + "lables: [new-paper]\n", encoding="utf-8")
    assert cli.main(["validate-config", "--config-dir", str(project / "config")]) == 1
    captured = capsys.readouterr()
    # the unknown key's own line, not its mapping's, and the keys it was meant to be; two problems
    # of one file are listed one a line (they were joined with "; " after a sentence's full stop),
    # in the file's order (line 728 came before line 727: the mapping's error sorted first)
    assert (
        f"error: {keywords}: 2 problems:\n  - line {at + 1}: key sections.kv-cache.weight: 'heavy' is not of "
        f"type 'number'. Expected: points of a match.\n  - line {at + 2}: key sections.kv-cache: Additional "
        "properties are not allowed ('patternz' was unexpected) (closest: patterns"
    ) in captured.out
    assert (
        ".;" not in captured.out and "\nFix the file and run `python -m bot validate-config`." in captured.out
    )
    # docs/configuration.md quotes this error (it said line 631 of a keywords.yml gone by)
    said = f"line {at + 1}: key sections.kv-cache.weight: 'heavy' is not of type 'number'. Expected: points of a match."
    assert said in captured.out
    page = " ".join((ROOT / "docs" / "configuration.md").read_text(encoding="utf-8").split())
    assert f"(`config/keywords.yml: {said}`)" in page
    assert "(closest: patterns)." in captured.out and "the closest keys: `(closest: patterns)`" in page
    assert "are listed one a line under `FILE: N problems:`" in page
    unknown = len(poll.read_text(encoding="utf-8").splitlines())
    assert f"{poll}: unknown key 'lables' (line {unknown}) is ignored (typo?)" in captured.out + captured.err
    # the count under them is of the problems listed, not of the files ("1 problem(s)" after "2 problems:")
    assert captured.out.rstrip().endswith(f"\n2 problem(s) in {project / 'config'}")
    # a job checks first, and lists them the same way, each under its file
    assert cli.main(["lint", str(project / "catalog.md")]) == 1
    assert (
        "error: 2 config problem(s); fix them, then run `python -m bot validate-config`:\n"
        f"  {keywords}: 2 problems:\n    - line {at + 1}: key sections.kv-cache.weight: "
    ) in capsys.readouterr().err


def test_a_config_file_the_bot_never_reads_is_warned_about(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """poll.yaml (not .yml) or link.yml: every setting in it was silently ignored, with exit 0."""
    config = project / "config"
    (config / "poll.yml").rename(config / "poll.yaml")
    (config / "link.yml").write_text("concurrency: 4\n", encoding="utf-8")
    (config / "notes.yml").write_text("todo: []\n", encoding="utf-8")
    assert cli.main(["validate-config", "--config-dir", str(config)]) == 0
    out = capsys.readouterr().out
    tail = "so its settings are ignored: rename it, or move it out of the config folder"
    assert (
        f"warning: {config / 'poll.yaml'}: the bot reads no such file (did you mean poll.yml?), {tail}" in out
    )
    assert (
        f"warning: {config / 'link.yml'}: the bot reads no such file (did you mean links.yml?), {tail}" in out
    )
    assert f"warning: {config / 'notes.yml'}: the bot reads no such file, {tail}" in out


def test_an_import_mapping_pattern_that_backtracks_for_hours_is_found(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`path: (\\w+\\s?)+Vision` passed; import (and init) hung on the first heading without it."""
    config = project / "config"
    edit_yaml(
        config / "import-mapping.yml",
        lambda d: d["rules"].insert(0, {"path": r"(\w+\s?)+Vision", "to": "surveys"}),
    )
    assert cli.main(["validate-config", "--config-dir", str(config)]) == 1
    assert (
        f"error: {config / 'import-mapping.yml'}: rules[0].path: '(\\w+\\s?)+Vision' repeats without bound"
    ) in capsys.readouterr().out


def test_a_bounded_pattern_that_backtracks_for_hours_is_found_in_both_files(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What "Bound the outer repeat" made of those two, ``{1,5}`` instead of ``+``, passed: the
    same hours on one long word (an abstract's, a heading's)."""
    config = project / "config"
    pattern = r"re:(\w+\s?){1,5}efficient"
    edit_yaml(config / "keywords.yml", lambda d: d["sections"]["kv-cache"]["patterns"].append(pattern))
    assert cli.main(["validate-config", "--config-dir", str(config)]) == 1
    out = capsys.readouterr().out
    assert f"error: {config / 'keywords.yml'}: pattern '{pattern}' repeats a part that can split" in out
    edit_yaml(config / "keywords.yml", lambda d: d["sections"]["kv-cache"]["patterns"].remove(pattern))
    edit_yaml(
        config / "import-mapping.yml",
        lambda d: d["rules"].insert(0, {"path": r"(\w+\s?){1,5}Vision", "to": "surveys"}),
    )
    assert cli.main(["validate-config", "--config-dir", str(config)]) == 1
    assert (
        f"error: {config / 'import-mapping.yml'}: rules[0].path: '(\\w+\\s?){{1,5}}Vision' repeats a part"
    ) in capsys.readouterr().out


def test_a_link_exclusion_that_is_no_regular_expression_is_found_before_the_night(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate-config said ok; the nightly link check then stopped on it."""
    config = project / "config"
    edit_yaml(config / "links.yml", lambda d: d.update({"exclusions": [{"pattern": "(", "reason": "oops"}]}))
    assert cli.main(["validate-config", "--config-dir", str(config)]) == 1
    assert f"error: {config / 'links.yml'}: exclusion pattern '(' is not a valid regular expression" in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize(("text", "what"), [(None, "missing"), ("# sections to come\n", "empty")])
def test_a_missing_or_empty_taxonomy_says_what_it_must_give(
    text: str | None, what: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said "key (top level): 'sections' is a required property. Fix the file" of a file that
    was not there (lint in a folder without config/, a mistyped CATALOG_BOT_CONFIG)."""
    taxonomy = project / "config" / "taxonomy.yml"
    if text is None:
        taxonomy.unlink()
    else:
        taxonomy.write_text(text, encoding="utf-8")
    assert cli.main(["validate-config", "--config-dir", str(project / "config")]) == 1
    assert (
        f"error: {taxonomy}: {what}: it must give sections (docs/configuration.md); `python -m bot init "
        "--from LIST` writes it from your list, or point CATALOG_BOT_CONFIG (or --config-dir) at the "
        "config folder that has it"
    ) in capsys.readouterr().out


def test_a_wrong_value_in_a_list_item_names_the_items_id(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'key sections.1.subsections.2.title' sent an adopter counting list items in taxonomy.yml."""
    taxonomy = project / "config" / "taxonomy.yml"
    edit_yaml(taxonomy, lambda data: data["sections"][1]["subsections"][2].update(title=42))
    assert cli.main(["validate-config", "--config-dir", str(project / "config")]) == 1
    out = capsys.readouterr().out
    assert "key sections.1.subsections.2.title (in the item with id 'qat'): 42 is not of type 'string'" in out


def test_a_catalog_that_does_not_exist_yet_is_a_warning(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate-config said every file was ok, and the first job then stopped on the missing catalog."""
    (project / "catalog.md").unlink()
    assert cli.main(["validate-config", "--config-dir", str(project / "config")]) == 0
    out = capsys.readouterr().out
    assert f"warning: {project / 'catalog.md'} (`catalog` of poll.yml) does not exist yet" in out
    (project / "catalog.md").write_text("# A list\n", encoding="utf-8")
    assert cli.main(["validate-config", "--config-dir", str(project / "config")]) == 0
    assert "does not exist yet" not in capsys.readouterr().out


def test_the_catalog_checked_is_the_one_the_jobs_read_with_catalog_bot_config(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``CATALOG_BOT_CONFIG`` set the jobs read the catalog of the folder they run in
    (docs/configuration.md); validate-config looked beside the config folder instead: "ok" for a
    catalog no job would read, and a warning for the one they would."""
    elsewhere = tmp_path / "run-here"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("CATALOG_BOT_CONFIG", str(project / "config"))
    assert cli.main(["validate-config"]) == 0
    assert "warning: catalog.md (`catalog` of poll.yml) does not exist yet" in capsys.readouterr().out
    (elsewhere / "catalog.md").write_text("# A list\n", encoding="utf-8")
    (project / "catalog.md").unlink()
    assert cli.main(["validate-config"]) == 0
    assert "does not exist yet" not in capsys.readouterr().out
    # --config-dir names a list: its catalog is the folder above it's, wherever the run is
    assert cli.main(["validate-config", "--config-dir", str(project / "config")]) == 0
    assert f"{project / 'catalog.md'} (`catalog` of poll.yml) does not exist yet" in capsys.readouterr().out


@pytest.mark.parametrize("store", ["../../outside.jsonl", "/tmp/papers.jsonl", "data/"])
def test_a_paper_store_path_outside_the_repository_is_an_error(
    project: Path, capsys: pytest.CaptureFixture[str], store: str
) -> None:
    """The catalog's path is checked (inside the repository, named from its root); the paper
    store's, which config/papers.yml documents the same way, was not: validate-config said ok,
    enrich wrote the store outside the repository, and the nightly PR names it as a file of its
    commit (GitHub's tree). Both are checked alike, by validate-config and every job."""
    edit_yaml(project / "config" / "papers.yml", lambda d: d.setdefault("store", {}).update(path=store))
    assert cli.main(["validate-config", "--config-dir", str(project / "config")]) == 1
    said = capsys.readouterr()
    assert f"store.path: {store!r} is not the path of a file inside the repository" in said.out + said.err


def test_a_section_id_that_is_no_id_is_explained_in_words(project: Path) -> None:
    """The schema's description of a section's id read "a lowercase id such as kv-cache, with  in
    it": the words the site's labels got ("with {n} in it") were added to it with no name."""
    from bot.errors import ConfigError

    def spaced(data: dict) -> None:
        data["sections"][0]["id"] = "Surveys Two"
        data["sections"][1]["subsections"][0]["id"] = "Weight Only"

    edit_yaml(project / "config" / "taxonomy.yml", spaced)
    with pytest.raises(ConfigError) as error:
        load_taxonomy(project / "config")
    said = str(error.value)
    assert "key sections.0.id (in the item with id 'Surveys Two'): 'Surveys Two' does not match" in said
    assert "Expected: a lowercase id such as kv-cache (letters, digits and hyphens)." in said
    assert "Expected: a lowercase id such as weight-only (letters, digits and hyphens)." in said


def test_every_schema_description_names_what_its_pattern_requires() -> None:
    """A description that says "with {a}, {b} in it" names the placeholders its pattern requires,
    no more and no fewer, and none says "with  in it"."""
    import re

    def described(node: object) -> list[tuple[str, str | None]]:
        found = []
        if isinstance(node, dict):
            if isinstance(node.get("description"), str):
                found.append((node["description"], node.get("pattern")))
            for value in node.values():
                found += described(value)
        elif isinstance(node, list):
            for value in node:
                found += described(value)
        return found

    checked = 0
    for schema_file in sorted((ROOT / "bot" / "config_schemas").glob("*.yml")):
        for description, pattern in described(yaml.safe_load(schema_file.read_text(encoding="utf-8"))):
            assert not re.search(r"with\s+in it", description), f"{schema_file.name}: {description}"
            required = re.findall(r"\\\{(\w+)\\\}", pattern or "")
            said = re.search(r"with ((?:\{\w+\}(?:, )?)+) in it", description)
            named = re.findall(r"\{(\w+)\}", said.group(1)) if said else []
            assert named == required, f"{schema_file.name}: {description!r} for the pattern {pattern!r}"
            checked += bool(required)
    assert checked >= 20  # the site's labels


def test_a_key_holding_terminal_escapes_is_shown_escaped(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A route named "\\e[2J\\e[31mroute\\rX" (YAML's escapes in a quoted key; routes: is the
    file's last mapping) with a wrong value: the error named the key as written, so printing it
    cleared the terminal, turned it red and printed over the line's start; the key is quoted with
    its escapes, as the values are."""
    mapping = project / "config" / "import-mapping.yml"
    mapping.write_text(
        mapping.read_text(encoding="utf-8") + '  "\\e[2J\\e[31mroute\\rX": 5\n', encoding="utf-8"
    )
    assert cli.main(["validate-config", "--config-dir", str(project / "config")]) == 1
    out = capsys.readouterr().out
    assert "key routes.'\\x1b[2J\\x1b[31mroute\\rX': 5 is not of type 'object'" in out
    assert "\x1b" not in out and "\r" not in out


def test_an_unknown_key_is_warned_once_a_run_with_the_keys_it_was_meant_to_be(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`catalg: docs/list.md` in poll.yml: validate-config said "unknown key 'catalg' (line 1) is
    ignored (typo?)" four times and lint five (each reader of poll.yml loads it again), naming no
    key, while a typo inside a closed block names the closest ones (`(closest: patterns)`)."""
    poll = project / "config" / "poll.yml"
    poll.write_text(poll.read_text(encoding="utf-8") + "catalg: docs/list.md\n", encoding="utf-8")
    line = len(poll.read_text(encoding="utf-8").splitlines())
    said = f"warning: {poll}: unknown key 'catalg' (line {line}) is ignored (typo?) (closest: catalog)\n"
    assert cli.main(["validate-config", "--config-dir", str(project / "config")]) == 0
    assert capsys.readouterr().err.count(said) == 1
    assert cli.main(["lint", str(project / "catalog.md")]) == 0
    assert capsys.readouterr().err.count(said) == 1  # each run says it once
