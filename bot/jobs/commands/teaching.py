"""``/teach "<term>" <section>``: a PR that adds one pattern to a section's keyword rules
(config/keywords.yml), so the rules know a topic newer than the catalog (the weekly new-topics
issue offers a ready line for each rising term). Maintainers only; the file's text on the
default branch is edited in place (``bot.core.keyword_edits``) and must validate before anything
is proposed; the reply and the PR say how broad the term is in the fixed background
(``bot.scoring.emerging.term_reach``)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import yaml

from bot import config
from bot.core import markers, templates
from bot.core.keyword_edits import TEACH_MARKER_KIND, KeywordEditError, add_pattern, clean_term, yaml_problem
from bot.errors import BotError
from bot.forge.protocols import ChangeRequest
from bot.jobs.commands.parser import Command
from bot.jobs.commands.replies import code_span, mention, safe_text
from bot.jobs.commands.work import (
    AddRequest,
    Run,
    example_section,
    propose,
    refuse_unless_maintainer,
    resolve_placement,
)
from bot.scoring import background
from bot.scoring.emerging import Reach, term_reach
from bot.scoring.patterns import PatternSet
from bot.scoring.rules import FIELDS, RuleScorer


def teach(index: int, command: Command, work: Run) -> list[AddRequest]:
    if refuse_unless_maintainer(index, command, work):
        return []
    cmd = code_span(command.text)
    term = clean_term(command.term)
    if term is None:
        work.reply(
            (index, 0), "teach_usage", cmd, section=example_section(work.taxonomy), given=bool(command.term)
        )
        return []
    placement = resolve_placement(index, command, work)
    if placement is None:
        return []
    section = placement[0]  # a subsection's rules are its section's
    facts: dict[str, Any] = dict(
        term=code_span(term, 80), where=work.where(section, None), path=work.settings.keywords_path
    )
    try:
        current = work.forge.read_file(work.settings.keywords_path)
    except BotError as exc:
        work.transient_failure = True
        work.reply((index, 0), "forge_failed", cmd, reason=safe_text(str(exc)), **facts)
        return []
    try:
        keywords = _validated(current, work)
        known = _known_by(keywords, section, term, work)
    except BotError as exc:  # the file on the default branch is not a valid config
        work.reply((index, 0), "teach_failed", cmd, reason=safe_text(str(exc)), **facts)
        return []
    if known:
        work.reply((index, 0), "teach_known", cmd, pattern=code_span(known, 80), **facts)
        return []
    # where it was asked (the issue, not the comment: the same request again changes nothing)
    issue = work.event.issue_url
    comment = f"/teach by {work.author}" + (f" in {issue}" if issue else "")
    breadth = facts["reach"] = reach(term, keywords)
    change = _teach_request(term, section, comment, work, breadth)
    try:  # the edit is checked before any branch is written
        change.edit(current)
    except BotError as exc:
        work.reply((index, 0), "teach_failed", cmd, reason=safe_text(str(exc)), **facts)
        return []
    propose((index, 0), cmd, change, "teach", term, work, facts)
    return []


def reach(term: str, keywords: dict[str, Any]) -> Reach | None:
    """How broad the term is in the fixed background (``term_reach``); None without a readable
    background."""
    try:
        papers = background.load(keywords)
    except (OSError, ValueError, BotError):
        return None
    return term_reach(term, papers)


def _known_by(keywords: dict[str, Any], section: str, term: str, work: Run) -> str:
    """The pattern of ``section`` that already finds ``term`` wherever a paper says it and adds
    relevance for it ("" when none does): a route-only word ("cache") or a title-only pattern
    does not teach what a pattern does."""
    rules = [
        r
        for r in RuleScorer(keywords, work.taxonomy).rules
        if r.group == section and r.relevance > 0 and set(r.fields) == set(FIELDS)
    ]
    found = PatternSet([r.pattern for r in rules]).find(term) if rules else set()
    return rules[min(found)].pattern if found else ""


def _validated(text: str, work: Run) -> dict[str, Any]:
    """``text`` as a keywords config, read and checked as every job reads config/keywords.yml."""
    try:
        data = config.read_yaml(text)
    except yaml.YAMLError as exc:
        path = work.settings.keywords_path
        raise KeywordEditError(f"{path} is not valid YAML: {yaml_problem(exc)}") from exc
    return config.validate("keywords", data, work.settings.keywords_path)


def _teach_request(
    term: str, section: str, comment: str, work: Run, breadth: Reach | None = None
) -> ChangeRequest:
    """The PR of a /teach, on branch ``<prefix>teach-<term as a slug>``."""

    def edit(text: str) -> str:
        new_text = add_pattern(text, section, term, comment)
        _validated(new_text, work)  # the new file must be a valid config, or nothing is proposed
        return new_text

    plain = re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")
    slug = plain
    if len(plain) > 40 or not term.isascii():  # cut, or letters dropped: the name needs the term's hash
        digest = hashlib.sha256(term.lower().encode("utf-8")).hexdigest()[:10]
        slug = "-".join(part for part in (plain[:30].strip("-"), digest) if part)
    context: dict[str, Any] = dict(
        term=code_span(term, 80),
        where=work.where(section, None),
        section=section,
        path=work.settings.keywords_path,
        requester=mention(work.author),
        request_url=work.event.issue_url,  # the issue: the same request again changes nothing
        # what refresh rebuilds the PR from once the default branch moved (another /teach merged)
        marker=markers.make(TEACH_MARKER_KIND, {"term": term, "section": section, "comment": comment}),
        reach=breadth,
    )
    title = f"Teach the keyword rules: {term} ({section})"
    return ChangeRequest(
        branch=f"{work.settings.branches.prefix}teach-{slug}",
        title=title,
        body=templates.render("teach_pr_body.md.j2", **context),
        commit_message=title,
        path=work.settings.keywords_path,
        edit=edit,
        labels=work.settings.teach_labels,
    )
