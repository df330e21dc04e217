#!/usr/bin/env bash
# docs/adopt.md followed step by step on one list, in a fresh repository, each step timed.
#
#   bench/adopt_walk.sh LIST.md [NAME] [-- init arguments]
#   bench/adopt_walk.sh ../shared/lists/Zefan-Cai__Awesome-LLM-KV-Cache__README.md kv
#   bench/adopt_walk.sh my-list.md nerf -- --categories cs.CV,cs.GR
#
# In ${TMPDIR:-/tmp}/adopt-walk/NAME: git init, the list as README.md, then init, validate-config,
# lint, poll --dry-run (the shipped recorded day), a commit, score and the first poll in local-git
# mode on the recorded full day of arXiv (FEED, default ../shared/fixtures/arxiv's), the same poll
# again (nothing new), new-topics --dry-run on it, stats, site, and check-links (offline here: it
# must fail cleanly, within LINKS_TIMEOUT seconds, default 300; 0 skips it). It runs this
# checkout's bot (PYTHONPATH), never one installed elsewhere.
# Prints one line per step (exit code, seconds); each step's output is in logs/NAME/STEP.out.
# Figures of a reference run: bench/RESULTS-adopt.md.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
usage() { sed -n '2,15p' "$0"; exit "${1:-0}"; }
[ $# -ge 1 ] && [ "$1" != "-h" ] && [ "$1" != "--help" ] || usage 0
LIST="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; shift
NAME="$(basename "$LIST" .md)"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then NAME="$1"; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
FEED="${FEED:-$ROOT/../shared/fixtures/arxiv/arxiv_rss2_feed_all-archives_2024-11-28.xml}"
WORK="${TMPDIR:-/tmp}/adopt-walk"
REPO="$WORK/$NAME"
LOGS="$WORK/logs/$NAME"
rm -rf "$REPO" "$LOGS" && mkdir -p "$REPO" "$LOGS"
export PYTHONPATH="$ROOT"
unset CATALOG_BOT_CONFIG

step() {  # step NAME command...: run it in the repository, timed, its output logged
  local name="$1" start end rc
  shift
  start=$(date +%s.%N)
  (cd "$REPO" && "$@") > "$LOGS/$name.out" 2>&1
  rc=$?
  end=$(date +%s.%N)
  printf '%-18s exit %s %6.1f s\n' "$name" "$rc" "$(echo "$end - $start" | bc)"
}

git -C "$REPO" init -q -b main
cp "$LIST" "$REPO/README.md"
git -C "$REPO" add README.md && git -C "$REPO" -c user.name=a -c user.email=a@example.org commit -qm list
step init python -m bot init --from README.md "$@"
step validate-config python -m bot validate-config
step lint python -m bot lint catalog.md
step poll-dry-run python -m bot poll --dry-run
git -C "$REPO" add -A && git -C "$REPO" -c user.name=a -c user.email=a@example.org commit -qm "adopt catalog-bot"
step score python -m bot score --input "$FEED" --output "$LOGS/scored.jsonl"
step poll python -m bot poll --feed "$FEED"
step poll-again python -m bot poll --feed "$FEED"
step new-topics python -m bot new-topics --feed "$FEED" --dry-run
step stats python -m bot stats
step site python -m bot site --output _site/
LINKS_TIMEOUT="${LINKS_TIMEOUT:-300}"
[ "$LINKS_TIMEOUT" = 0 ] || step check-links timeout "$LINKS_TIMEOUT" python -m bot check-links
echo "bot branches: $(git -C "$REPO" branch --list 'bot/*' | wc -l); logs: $LOGS; site: $REPO/_site/index.html"
