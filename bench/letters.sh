#!/usr/bin/env bash
# Letters benchmark (issue 14, H-019): a batch of letters printed with openhtmltopdf one at a time (as before
# docs/adr/0024) and with one Chromium run (now), in the same JVM; then Chromium one letter a run (Notify's path).
#   bench/letters.sh [letters=50] [runs=3] [single-letter-runs=8]
# Needs fonts-noto-core and chromium. JAVA_OPTS is passed to the JVM.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-}" != "1" ]; then
  # Benchmarks live in src/bench/java, compiled with the tests under the bench profile only (ADR 0016).
  mvn -B -q -Pbench -DskipTests test-compile
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
fi
uptime
exec java -Xmx1g ${JAVA_OPTS:-} -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
  io.uptake.letter.LetterBenchmark "$@"
