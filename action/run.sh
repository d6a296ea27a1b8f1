#!/usr/bin/env bash
# The step action.yml runs: termlint on the Markdown files a pull request (or push) changed.
#
# Settings come from the environment (action.yml maps its inputs onto them):
#   TERMLINT_BASE     commit to compare with; empty or all zeros: check everything in PATHS
#   TERMLINT_PATHS    files and folders to check, space-separated (default: .)
#   TERMLINT_FORMAT   output format for the log (default: github annotations)
#   TERMLINT_SARIF    also write a SARIF log to this file, for code scanning (empty: no)
#   TERMLINT_FAIL_ON  lowest severity that fails the step (default: from the configuration)
#   TERMLINT_ARGS     more options for termlint check, space-separated
#   TERMLINT          the termlint command (default: termlint)
# Exit status: termlint check's (0 clean, 1 findings at or above fail-on, 2 input error).
set -uo pipefail

termlint=${TERMLINT:-termlint}
base=${TERMLINT_BASE:-}
format=${TERMLINT_FORMAT:-github}
sarif=${TERMLINT_SARIF:-}
read -r -a paths <<< "${TERMLINT_PATHS:-.}"
((${#paths[@]})) || paths=(.)
read -r -a args <<< "${TERMLINT_ARGS:-}"
[[ -n "${TERMLINT_FAIL_ON:-}" ]] && args+=(--fail-on "$TERMLINT_FAIL_ON")

if [[ -n "$base" && ! "$base" =~ ^0+$ ]]; then
  if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
    # A shallow checkout may lack the base commit: fetch it (and some history for the
    # merge base). actions/checkout with fetch-depth: 0 avoids this.
    git fetch --no-tags --quiet --depth=100 origin "$base" >&2 || true
  fi
  args+=(--changed-since "$base")
  echo "termlint: checking the Markdown files changed since ${base}" >&2
else
  echo "termlint: no base commit to compare with; checking every Markdown file in ${paths[*]}" >&2
fi

status=0
"$termlint" check "${args[@]}" --format "$format" "${paths[@]}" || status=$?
if [[ -n "$sarif" ]]; then
  sarif_status=0
  "$termlint" check "${args[@]}" --format sarif "${paths[@]}" > "$sarif" || sarif_status=$?
  ((sarif_status == 2)) && status=2
  [[ -n "${GITHUB_OUTPUT:-}" ]] && echo "sarif-file=$sarif" >> "$GITHUB_OUTPUT"
fi
exit "$status"
