#!/usr/bin/env bash
# Import benchmark: our CSV import vs raw COPY of the same rows, in the same run, with -Xmx512m.
#   bench/import.sh pcn    # one PCN: 50,000 patients, 550,000 events (a few minutes)
#   bench/import.sh icb    # an ICB: 909,091 patients (the whole 999 test range), 10,000,000 events (about an hour here)
#   bench/import.sh all
# Data files go to target/bench-data/<size> (kept and reused: generation is deterministic); the loaded
# database stays in target/bench-db/<size>: other benchmarks reuse it with UPTAKE_DATA_DIR=target/bench-db/icb.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-}" != "1" ]; then
  # Benchmarks live in src/bench/java, compiled with the tests under the bench profile only (ADR 0016).
  mvn -B -q -Pbench -DskipTests test-compile
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
fi
# Run from a copy so that a later build does not pull the classes from under a long run.
rm -rf target/bench-run && mkdir -p target/bench-run
cp -r target/classes target/bench-run/classes && cp -r target/test-classes target/bench-run/test-classes
exec java -Xmx512m -cp "target/bench-run/classes:target/bench-run/test-classes:$(cat target/bench.classpath)" \
  io.uptake.bench.ImportBenchmark "${1:-all}" "${2:-2026-11-24}" "${@:3}"
