#!/usr/bin/env bash
# Import benchmark: our CSV import vs raw COPY of the same rows, with -Xmx512m.
#   bench/import.sh pcn    # one PCN: 50,000 patients, 550,000 events
#   bench/import.sh icb    # an ICB: 909,091 patients (the whole 999 test range), 10,000,000 events
#   bench/import.sh all
# Leaves the loaded database in target/bench-db/<size> (reuse with UPTAKE_DATA_DIR=target/bench-db/icb).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-}" != "1" ]; then
  mvn -B -q -DskipTests package
fi
exec java -Xmx512m -cp target/uptake-0.1.0.jar io.uptake.bench.ImportBenchmark "${1:-all}" "${2:-2026-11-24}"
