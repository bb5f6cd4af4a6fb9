#!/usr/bin/env bash
# Report benchmark: the report of a 100,000-recipient campaign and the overview of 200 campaigns on the ICB-scale
# data set, through HTTP, against the bare SQL of the same query (BENCHMARKS.md, "Report").
#   bench/report.sh
# The first run loads the data set into target/report-bench-db (or -Dbench.data-dir=... in JAVA_OPTS; 6 to 15
# minutes); later runs reuse it. JAVA_OPTS is passed to the JVM.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-}" != "1" ]; then
  # Benchmarks live in src/bench/java, compiled with the tests under the bench profile only (ADR 0016).
  mvn -B -q -Pbench -DskipTests test-compile
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
fi
uptime
exec java -Xmx2g ${JAVA_OPTS:-} -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
  io.uptake.report.ReportBenchmark "$@"
