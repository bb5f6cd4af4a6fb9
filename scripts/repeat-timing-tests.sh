#!/usr/bin/env bash
# Runs the browser tests and the timing-sensitive tests (kill -9, two instances, SIGTERM, throttle, stop paths)
# N times in a row, each run in a fresh JVM as CI runs them, and counts the runs that failed. It never retries:
# a test that failed once is a bug to fix at its cause (docs/DEVELOPING.md, "Flakiness").
#
#   scripts/repeat-timing-tests.sh [N]          N runs (default 20)
#   LOAD=build scripts/repeat-timing-tests.sh 20   the same while a second build (a clean compile of a copy of this
#                                                  checkout, in a loop) keeps the other core busy, as on a loaded CI box
#   TESTS='CohortPagesBrowserTest' scripts/repeat-timing-tests.sh 50   other tests (surefire -Dtest syntax)
#
# Logs of each run: target/repeat/run-K.log. Exit status 0 only when every run passed.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
tests=${TESTS:-'*BrowserTest,BrowserWaitsTest,CampaignPagesTest,ReplyPagesTest,CampaignKillNineTest,CampaignTwoInstancesTest,GracefulStopTest,SendThrottleTest,CampaignThrottleLeaseTest,DispatcherStopTest'}
out=target/repeat
load_pid=
cleanup() {
  if [ -n "$load_pid" ]; then
    kill -- -"$load_pid" 2>/dev/null
    wait "$load_pid" 2>/dev/null
  fi
}
trap cleanup EXIT

mvn -B -q test-compile || exit 1
mkdir -p "$out"

if [ "${LOAD:-}" = build ]; then
  copy=$(mktemp -d /tmp/uptake-load.XXXXXX)
  git ls-files -z | xargs -0 cp --parents -t "$copy"
  # A process group of its own, so that the whole loop (mvn and its JVM) stops with it.
  setsid bash -c "cd '$copy' && while true; do mvn -B -q -o clean test-compile >/dev/null 2>&1; done" &
  load_pid=$!
  echo "load: a second build in a loop (pid $load_pid, in $copy)"
fi

passed=0
failed=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  if mvn -B -o surefire:test -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false >"$out/run-$i.log" 2>&1; then
    passed=$((passed + 1)); verdict=passed
  else
    failed=$((failed + 1)); verdict=FAILED
  fi
  summary=$(grep -E '^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures' "$out/run-$i.log" | tail -n 1 | sed 's/^\[[A-Z]*\] //')
  echo "run $i: $verdict in $(( $(date +%s) - start )) s (${summary:-no summary}; log $out/run-$i.log)"
  if [ "$verdict" = FAILED ]; then
    grep -E '^\[ERROR\] +[A-Za-z]+Test\.|<<< (FAILURE|ERROR)' "$out/run-$i.log" | head -n 10
  fi
done
echo "repeat: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
