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
  mvn -B -q -DskipTests package
fi
# Run from a copy so that a later `mvn package` does not pull the jar from under a long run.
cp target/uptake-0.1.0.jar target/bench-uptake.jar
exec java -Xmx512m -cp target/bench-uptake.jar io.uptake.bench.ImportBenchmark "${1:-all}" "${2:-2026-11-24}" "${@:3}"
