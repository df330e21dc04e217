#!/usr/bin/env bash
# check-links against the anchor link checkers on the loopback test web of ../shared/bench/linkcheck.
#
#   bench/linkcheck.sh                                  # N=2000 and 5000, anchors + bot, 1 run each
#   bench/linkcheck.sh --sizes 2000 --repeats 3 --tools lychee,linkinator-retry
#   bench/linkcheck.sh --tools none --repeats 3 --label bot-only   # the bot alone
#
# Copies the harness to a scratch folder (it installs the anchors there and writes results there),
# runs its setup.sh once (npm + a venv), then for each size runs the anchors and
# `python -m bot check-links {file} --json` from this checkout, in the same run.
# Tables: <workdir>/results/<label>-n<N>/summary.md (label: bot). Figures of a reference run: bench/RESULTS-linkcheck.md.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="$ROOT/../shared"
WORKDIR="${TMPDIR:-/tmp}/linkbench"
SIZES="2000 5000"
REPEATS=1
TOOLS="lychee,linkinator,linkinator-retry,linkchecker"
LABEL=bot
EXTRA_ARGS=()

usage() { sed -n '2,12p' "$0"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --shared) SHARED="$2"; shift 2 ;;
    --workdir) WORKDIR="$2"; shift 2 ;;
    --sizes) SIZES="$2"; shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    --tools) TOOLS="$2"; shift 2 ;;
    --label) LABEL="$2"; shift 2 ;;
    --) shift; EXTRA_ARGS=("$@"); break ;;   # passed on to run.sh, e.g. -- --no-netns
    -h|--help) usage 0 ;;
    *) echo "unknown option $1" >&2; usage 2 ;;
  esac
done

HARNESS="$SHARED/bench/linkcheck"
[ -f "$HARNESS/run.py" ] || { echo "no harness at $HARNESS: pass --shared DIR (the folder holding bench/linkcheck)" >&2; exit 2; }
if [ ! -f "$WORKDIR/run.py" ]; then
  mkdir -p "$(dirname "$WORKDIR")"
  cp -r "$HARNESS" "$WORKDIR"
  chmod -R u+w "$WORKDIR"
fi
if [ ! -x "$WORKDIR/.venv/bin/lychee" ] || [ ! -x "$WORKDIR/node_modules/.bin/linkinator" ]; then
  (cd "$WORKDIR" && ./setup.sh)
fi

cd "$ROOT"   # --extra commands run from where run.sh is started: `python -m bot` needs this checkout
# the `python` on PATH must run the bot (its venv activated): else its trial fails at once and the
# table counts every dead link as missed (0.6 s, 0 requests, 325 FN at N=2000, round 33)
python -m bot --version >/dev/null || { echo "python -m bot does not run here: activate the bot's venv first" >&2; exit 2; }
for N in $SIZES; do
  "$WORKDIR/run.sh" --n "$N" --repeats "$REPEATS" --tools "$TOOLS" \
    --extra 'bot=python -m bot check-links {file} --json' \
    --outdir "$WORKDIR/results/$LABEL-n$N" "${EXTRA_ARGS[@]}"
done
