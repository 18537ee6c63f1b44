#!/usr/bin/env bash
# Runs every test (`make test` calls this, after ruff), in ten groups side by side, and mypy beside them:
#   - the other integration tests (real Asterisk of their own), printed as they run,
#   - routing: the calls through the IVR and the ACD of test_call_routing (half the time of the group above, which
#     was the run's long pole at 23 minutes while the machine had CPU to spare),
#   - slow: the phone-trading calls, and the restart tests (real Asterisk of their own),
#   - front: the README's commands through the real command line (Asterisk instances of their own), a price
#     alert keyed by phone and the live events,
#   - outbound: the calls the hotline makes (voice and fax notifications, a killed sender, survey batches) and
#     the complaints that come in by fax and e-mail,
#   - features: the calls that go beyond the first answer (callbacks, the post-call survey, complaints opened on
#     a call and escalated, the client portal, reminders keyed by phone, routing to the client's own agent,
#     expert three-way calls, callbacks asked for on the portal, a chat through the real service),
#   - web: the browser tier and the unit tests of the console and the portal (a real server each),
#   - cli: the unit tests of the command line (the README's commands each a new interpreter, the others forked from
#     one that imported the project: tests/support/cli.py),
#   - domain and services: the other unit tests (CPU-bound), in two halves of about 100 s of CPU each: domain has
#     crm_core's matching, the ACD, FastAGI, reports and reviews; services everything else (a new folder lands
#     there). As one group they were the run's long pole: last to get the CPU (see the niceness below), they ran
#     alone on one core for the last three and a half minutes while the other core had nothing to do.
# The integration groups' time is the calls' real-time audio, with the CPU mostly idle: one after another
# they took 20 of the 25 minutes the whole run took, on 2 cores used at a fifth. Each group's report is
# printed whole; any group failing fails the run. Arguments after the pytest path go to every group.
set -uo pipefail
pytest="$1"
shift
work=$(mktemp -d "${TMPDIR:-/tmp}/hotline-tests-XXXXXX")
trap 'rm -rf "$work"' EXIT
# The suite starts some hundreds of Python processes (services, `hotline` commands) that import the project.
# Compiled once here, they read its bytecode instead of compiling it each (with PYTHONDONTWRITEBYTECODE set, as
# on these machines, none of them would write it): about 0.8 s of CPU saved per service start. The bytecode goes
# to the __pycache__ folders git ignores; a source changed later is compiled again at import, as always.
"$(dirname "$pytest")/python" -m compileall -q -j 0 crm_core agi ari_apps gateways hotline reports console portal \
  webapi sounds dialplan config tests >/dev/null
routing=(tests/integration/test_call_routing.py)
slow=(tests/integration/test_phone_trading.py tests/integration/test_staying_up.py
      tests/integration/test_summary_e2e.py tests/integration/test_fill_reports_e2e.py)
front=(tests/integration/test_front_door.py tests/integration/test_cli_call.py
       tests/integration/test_ivr_price_alert.py tests/integration/test_live_events_e2e.py)
outbound=(tests/integration/test_notify_voice.py tests/integration/test_notify_fax.py
          tests/integration/test_notify_kill.py tests/integration/test_survey_calls.py
          tests/integration/test_complaint_intake.py)
features=(tests/integration/test_callbacks_e2e.py tests/integration/test_post_call_survey.py
          tests/integration/test_complaint_desk_e2e.py tests/integration/test_complaint_escalation_e2e.py
          tests/integration/test_portal_e2e.py tests/integration/test_ivr_reminder.py
          tests/integration/test_relationship_routing.py tests/integration/test_expert_call.py
          tests/integration/test_portal_callback.py tests/integration/test_chat_e2e.py)
web=(tests/browser tests/unit/console tests/unit/portal)
cli=(tests/unit/cli)
domain=(tests/unit/acd tests/unit/agi tests/unit/crm tests/unit/reports tests/unit/reviews)
services=(tests/unit)
for path in "${web[@]}" "${cli[@]}" "${domain[@]}"; do services+=(--ignore="$path"); done
groups=(routing slow front outbound features web cli domain services)
reported=(mypy "${groups[@]}")

declare -A pids
# The CPU-bound unit tests (domain, services) run at a lower scheduling priority: the two cores are busy all run
# long, and a real call's prompts, keys, timers and the browser's waits are what a late turn at the CPU makes fail
# (CI and the clean runs lost a phone-trading call, a barge, a click-to-dial and a callback's place that way).
# Lower, not lowest: some have deadlines of their own (a subprocess that imports the service is given 120 s). The
# command line's group is not lowered: every test there is a chain of `hotline` commands with a deadline each, and
# starved (niceness 10 in CI, 5 in a clean run here) a 2-second `hotline staffing` missed its 120 s, and the group,
# a quarter of the run's CPU in one process, became the run's long pole (23 minutes of a 25-minute run). mypy waits
# on nothing: it is lowered too.
declare -A niceness=([domain]=5 [services]=5 [mypy]=5)
launch() {  # name, then the command: run in the background at the name's niceness, its report in $work/<name>.log
  local name=$1
  shift
  (TIMEFORMAT="[tests] $name group: %0R s, CPU %0U s user + %0S s system (with the processes it waited for)"
   time nice -n "${niceness[$name]:-0}" "$@") >"$work/$name.log" 2>&1 &
  pids[$name]=$!
}
run_group() {  # name, then the paths
  local name=$1
  shift
  launch "$name" "$pytest" "$@" --basetemp="$work/$name" "${extra[@]}"
}
extra=("$@")
# mypy (45 s on a fresh clone, half of it waiting) checks beside the tests rather than before them, where the other
# core had nothing to do; its report is printed and counted like a group's.
launch mypy "$(dirname "$pytest")/mypy" crm_core agi ari_apps gateways hotline reports console portal webapi
run_group web "${web[@]}"
run_group cli "${cli[@]}"
run_group domain "${domain[@]}"
run_group services "${services[@]}"
run_group routing "${routing[@]}"
run_group slow "${slow[@]}"
run_group front "${front[@]}"
run_group outbound "${outbound[@]}"
run_group features "${features[@]}"
echo "[tests] the ${groups[*]} groups run beside this group; their reports follow" >&2

ignore=()
for path in "${routing[@]}" "${slow[@]}" "${front[@]}" "${outbound[@]}" "${features[@]}"; do ignore+=(--ignore="$path"); done
TIMEFORMAT="[tests] integration group: %0R s"  # its CPU is not its own: the shell reaps the other groups meanwhile
time "$pytest" tests/integration "${ignore[@]}" --basetemp="$work/integration" "$@" 2>&1 | tee "$work/integration.log"
integration_status=${PIPESTATUS[0]}

declare -A status
failed=$((integration_status != 0))
for group in "${reported[@]}"; do
  wait "${pids[$group]}"
  status[$group]=$?
  ((status[$group] != 0)) && failed=1
done
for group in "${reported[@]}"; do
  echo
  echo "======================================== ${group} ========================================"
  cat "$work/$group.log"
done

times >"$work/times"  # in this shell: a pipe or $(...) would run it in a subshell, which has no children yet
echo "[tests] CPU of the whole run's processes (user, system): $(tail -1 "$work/times")" >&2
if ((failed)); then
  # Each group's report is long and a reader of the run's end (CI shows its end) should see every failure:
  # pytest's one-line summaries of the failed and erroring tests of all groups, again, last.
  grep -h -E '^(FAILED|ERROR) ' "$work"/*.log | sed 's/^/[tests] /' >&2
  ((status[mypy] != 0)) && grep -E ': error: ' "$work/mypy.log" | sed 's/^/[tests] mypy: /' >&2
  summary="integration exit ${integration_status}"
  for group in "${reported[@]}"; do summary+=", ${group} exit ${status[$group]}"; done
  echo "[tests] failed: ${summary}" >&2
  exit 1
fi
