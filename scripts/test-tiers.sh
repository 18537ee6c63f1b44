#!/usr/bin/env bash
# Runs every test, in two tiers side by side (`make test` calls this):
#   - the integration tier (real Asterisk): its time is mostly calls' real-time audio, the CPU mostly idle;
#   - the unit and browser tiers beside it, their report printed when they are done.
# Either tier failing fails the run. Arguments after the pytest path go to both tiers.
set -uo pipefail
pytest="$1"
shift
work=$(mktemp -d "${TMPDIR:-/tmp}/hotline-tests-XXXXXX")
trap 'rm -rf "$work"' EXIT

"$pytest" tests/unit tests/browser --basetemp="$work/unit" "$@" >"$work/unit.log" 2>&1 &
unit_pid=$!
echo "[tests] unit and browser tiers running beside the integration tier; their report follows it" >&2

"$pytest" tests/integration --basetemp="$work/integration" "$@"
integration_status=$?

wait "$unit_pid"
unit_status=$?
echo
echo "==================================== unit and browser tiers ===================================="
cat "$work/unit.log"

if ((integration_status != 0 || unit_status != 0)); then
  echo "[tests] failed: integration tier exit ${integration_status}, unit and browser tiers exit ${unit_status}" >&2
  exit 1
fi
