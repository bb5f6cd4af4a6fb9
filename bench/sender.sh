#!/usr/bin/env bash
# Sender benchmark: what TwilioSmsSender (classification, metrics) costs over bare twilio-java calls, both into
# FakeTwilio on localhost, in the same run.
#   bench/sender.sh [messages=20000] [threads=8]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-}" != "1" ]; then
  # Benchmarks live in src/bench/java, compiled with the tests under the bench profile only (ADR 0016).
  mvn -B -q -Pbench -DskipTests test-compile
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
fi
exec java ${JAVA_OPTS:-} -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
  io.uptake.sms.SenderBenchmark "${1:-20000}" "${2:-8}"
