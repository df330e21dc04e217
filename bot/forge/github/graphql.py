"""The GraphQL documents the bot sends to GitHub: their text and variables only. What the answers
mean to a run is ``RepositoryView`` (``queries.py``); the star counts' batch is ``repos.py``'s."""

from __future__ import annotations

_PULL_FRAGMENT = """
fragment BotPull on PullRequest {
  number title body url state merged isCrossRepository headRefName baseRefName changedFiles mergeable
  createdAt author { login }
  labels(first: 50) { nodes { name } }
  headRef { target { ... on Commit {
    oid message parents(first: 2) { nodes { oid } } file(path: $path) { oid } } } }
  commits(first: 1) { nodes { commit { message } } }
}
"""

# who closed a closed PR, and whether its branch's deletion closed it (``snapshot._closer``): asked
# of the closed PRs only (1 point per 100 of them)
_CLOSER_FRAGMENT = """
fragment Closer on PullRequest {
  timelineItems(itemTypes: [HEAD_REF_DELETED_EVENT, CLOSED_EVENT], last: 2) { nodes {
    __typename ... on ClosedEvent { actor { login } } ... on HeadRefDeletedEvent { actor { login } } } }
}
"""

SNAPSHOT_QUERY = (
    """
query CatalogBotSnapshot(
  $owner: String!, $name: String!, $path: String!, $closed: String!, $renamed: String!
) {
  repository(owner: $owner, name: $name) {
    id
    defaultBranchRef {
      name
      target {
        ... on Commit {
          oid tree { oid } file(path: $path) { oid object { ... on Blob { text isTruncated } } }
        }
      }
    }
    labels(first: 100) { nodes { name } }
    pullRequests(states: [OPEN], first: 100, orderBy: {field: CREATED_AT, direction: ASC}) {
      pageInfo { hasNextPage endCursor }
      nodes { ...BotPull }
    }
  }
  search(query: $closed, type: ISSUE, first: 100) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes { ...BotPull ...Closer }
  }
  renamed: search(query: $renamed, type: ISSUE, first: 1) { issueCount }
  viewer { login }
}
"""
    + _PULL_FRAGMENT
    + _CLOSER_FRAGMENT
)

OPEN_PAGE_QUERY = (
    """
query CatalogBotOpenPulls($owner: String!, $name: String!, $path: String!, $after: String!) {
  repository(owner: $owner, name: $name) {
    pullRequests(states: [OPEN], first: 100, after: $after, orderBy: {field: CREATED_AT, direction: ASC}) {
      pageInfo { hasNextPage endCursor }
      nodes { ...BotPull }
    }
  }
}
"""
    + _PULL_FRAGMENT
)

CLOSED_PAGE_QUERY = (
    """
query CatalogBotClosedPulls($path: String!, $closed: String!, $after: String) {
  search(query: $closed, type: ISSUE, first: 100, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes { ...BotPull ...Closer }
  }
}
"""
    + _PULL_FRAGMENT
    + _CLOSER_FRAGMENT
)

VIEWER_QUERY = "query CatalogBotViewer { viewer { login } }"

FILE_QUERY = """
query CatalogBotFile($owner: String!, $name: String!, $oid: GitObjectID!, $path: String!) {
  repository(owner: $owner, name: $name) {
    object(oid: $oid) {
      ... on Commit { file(path: $path) { oid object { ... on Blob { text isTruncated } } } }
    }
  }
}
"""


# a commit's tree and one file: the default branch's new head, when it moved under a run
DEFAULT_HEAD_QUERY = """
query CatalogBotDefaultHead($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) { defaultBranchRef { target { oid } } }
}
"""

HEAD_QUERY = """
query CatalogBotHead($owner: String!, $name: String!, $oid: GitObjectID!, $path: String!) {
  repository(owner: $owner, name: $name) {
    object(oid: $oid) {
      ... on Commit {
        tree { oid }
        file(path: $path) { oid object { ... on Blob { text isTruncated } } }
      }
    }
  }
}
"""


NAMING_BATCH = 10  # papers per query of ``naming_query``: 20 connections of 10 PRs, about 12 points


def naming_query(count: int) -> str:
    """One query for the closed bot PRs of ``count`` papers: ``b<i>``, those on the paper's branch
    (exact, not a search); ``q<i>``, a search of closed PRs whose title or body names the paper
    (checklist PRs, paper PRs renamed out of the prefix)."""
    params = "".join(f", $b{i}: String!, $q{i}: String!" for i in range(count))
    branches = "".join(
        f"    b{i}: pullRequests(headRefName: $b{i}, states: [CLOSED, MERGED], first: 10) "
        "{ nodes { ...BotPull ...Closer } }\n"
        for i in range(count)
    )
    searches = "".join(
        f"  q{i}: search(query: $q{i}, type: ISSUE, first: 10) {{ nodes {{ ...BotPull ...Closer }} }}\n"
        for i in range(count)
    )
    return (
        f"query CatalogBotPullsNaming($owner: String!, $name: String!, $path: String!{params}) {{\n"
        f"  repository(owner: $owner, name: $name) {{\n{branches}  }}\n{searches}}}\n"
        + _PULL_FRAGMENT
        + _CLOSER_FRAGMENT
    )


def repositories_query(names: list[str]) -> tuple[str, dict[str, str]]:
    """One GraphQL query for up to 100 repositories, one alias each, names passed as variables."""
    params, fields, variables = [], [], {}
    for index, name in enumerate(names):
        owner, repo = name.split("/", 1)
        params.append(f"$o{index}: String!, $n{index}: String!")
        fields.append(f"  r{index}: repository(owner: $o{index}, name: $n{index}) {{ ...RepoFacts }}")
        variables[f"o{index}"], variables[f"n{index}"] = owner, repo
    query = (
        f"query CatalogBotRepositories({', '.join(params)}) {{\n" + "\n".join(fields) + "\n}\n"
        "fragment RepoFacts on Repository { nameWithOwner stargazerCount isArchived url }\n"
    )
    return query, variables
