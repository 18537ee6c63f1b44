#!/usr/bin/env bash
# Runs every test (`make test` calls this), in four groups side by side:
#   - the other integration tests (real Asterisk of their own), printed as they run,
#   - the phone-trading calls, and the restart tests (real Asterisk of their own),
#   - the front door: the README's commands through the real command line (Asterisk instances of their own),
#     the notifications (voice, fax, a killed sender), a price alert keyed by phone and the live events,
#   - the unit and browser tiers.
# The integration groups' time is the calls' real-time audio, with the CPU mostly idle: one after another
# they took 20 of the 25 minutes the whole run took, on 2 cores used at a fifth. Each group's report is
# printed whole; any group failing fails the run. Arguments after the pytest path go to every group.
set -uo pipefail
pytest="$1"
shift
work=$(mktemp -d "${TMPDIR:-/tmp}/hotline-tests-XXXXXX")
trap 'rm -rf "$work"' EXIT
slow=(tests/integration/test_phone_trading.py tests/integration/test_staying_up.py
      tests/integration/test_summary_e2e.py tests/integration/test_fill_reports_e2e.py)
front=(tests/integration/test_front_door.py tests/integration/test_cli_call.py
       tests/integration/test_notify_voice.py tests/integration/test_notify_fax.py
       tests/integration/test_notify_kill.py tests/integration/test_ivr_price_alert.py
       tests/integration/test_live_events_e2e.py)

"$pytest" tests/unit tests/browser --basetemp="$work/unit" "$@" >"$work/unit.log" 2>&1 &
unit_pid=$!
"$pytest" "${slow[@]}" --basetemp="$work/slow" "$@" >"$work/slow.log" 2>&1 &
slow_pid=$!
"$pytest" "${front[@]}" --basetemp="$work/front" "$@" >"$work/front.log" 2>&1 &
front_pid=$!
echo "[tests] the phone-trading, front-door, unit and browser groups run beside this group; their reports follow" >&2

ignore=()
for path in "${slow[@]}" "${front[@]}"; do ignore+=(--ignore="$path"); done
"$pytest" tests/integration "${ignore[@]}" --basetemp="$work/integration" "$@"
integration_status=$?

wait "$slow_pid"
slow_status=$?
wait "$front_pid"
front_status=$?
wait "$unit_pid"
unit_status=$?
for group in slow front unit; do
  echo
  echo "======================================== ${group} group ========================================"
  cat "$work/$group.log"
done

if ((integration_status != 0 || slow_status != 0 || front_status != 0 || unit_status != 0)); then
  echo "[tests] failed: integration exit ${integration_status}, phone-trading group exit ${slow_status}," \
       "front-door group exit ${front_status}, unit and browser exit ${unit_status}" >&2
  exit 1
fi
