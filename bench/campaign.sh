#!/usr/bin/env bash
# Campaign dispatch benchmark (issue 4): the real dispatcher + TwilioSmsSender into a local fake Twilio,
# throttle lifted, vs a bare loop of the same twilio-java call in the same run; then the due->sent delay at
# the default 10/s throttle.
#   bench/campaign.sh [recipients=100000] [workers=8] [throttled-messages=2000] [batch-size=10] [send-concurrency=1] [in-flight=workers*send-concurrency] [provider-latency-ms=0[,ms...]]
# provider-latency-ms: how long the fake Twilio takes to answer each create; a comma-separated list runs each in turn
# (0: at once, so the run measures CPU; with a latency the run is sized to about 15 s of it).
# throttled-messages=0 skips the second part. JAVA_OPTS is passed to the JVM (e.g. a JFR recording).
# The database is created fresh in target/bench-db/campaign at each run. The benchmark lives in src/bench/java,
# compiled with the tests under the bench profile (it uses the FakeTwilio test helper; ADR 0016), so it runs from
# target/classes + target/test-classes.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-}" != "1" ]; then
  mvn -B -q -Pbench -DskipTests test-compile
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
fi
uptime
exec java -Xmx1500m ${JAVA_OPTS:-} -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
  io.uptake.campaign.CampaignBenchmark "${1:-100000}" "${2:-8}" "${3:-2000}" "${4:-10}" "${5:-1}" "${6:-}" "${7:-0}"
