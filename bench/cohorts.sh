#!/usr/bin/env bash
# Cohort benchmark: the three programmes on 909,091 patients and 10,000,000 events, bare SQL vs the API.
#   bench/cohorts.sh [asOf]     (default 2026-11-24; the data set's dates are relative to it)
# The first run loads the data set with raw COPY into target/bench-db/cohort (several minutes); later runs
# reuse it. Delete target/bench-db/cohort to reload.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-}" != "1" ]; then
  # Benchmarks live in src/bench/java, compiled with the tests under the bench profile only (ADR 0016).
  mvn -B -q -Pbench -DskipTests test-compile
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
fi
exec java -Xmx1g -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" io.uptake.bench.CohortBenchmark "${1:-2026-11-24}"
