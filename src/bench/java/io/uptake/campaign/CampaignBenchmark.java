package io.uptake.campaign;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import io.micronaut.context.ApplicationContext;
import io.uptake.sms.FakeTwilio;
import io.uptake.testsupport.Database;

import javax.sql.DataSource;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Not a test: the campaign benchmark of issue 4 (run with {@code bench/campaign.sh}).
 * <ol>
 *   <li><b>Throughput.</b> A service context (embedded PostgreSQL in {@code target/bench-db/campaign}, fresh) with
 *   the real Twilio adapter pointed at {@link FakeTwilio} on localhost and the throttle lifted
 *   (messages-per-second 0). A campaign of N recipients is written set-based (campaign, patients, recipients and
 *   PENDING wave-1 messages, all with generate_series), switched to SENDING, and the real
 *   {@link DispatcherWorkers} loops drain it: claim, re-check, render, send through {@code TwilioSmsSender},
 *   record. Then, in the same JVM and through the same {@code TwilioRestClient}, a bare loop makes the same
 *   SDK call (same body length, status callback, messaging service) N times on as many threads as the
 *   dispatcher has workers. The ratio dispatcher/bare says whether our bookkeeping is the bottleneck.</li>
 *   <li><b>Due-to-sent delay at the default throttle.</b> A second context on the same database with the
 *   shipped throttle (10/s, shared bucket) and dispatcher settings; M messages due one every 100 ms (the
 *   throttle's rate), and the p50/p99/max of sent_at - due_at.</li>
 * </ol>
 * Synthetic data only: NHS numbers 999xxxxxxC passing Modulus 11 (computed in SQL), Ofcom drama mobiles
 * +447700900100..999 (away from the 001-003 numbers that script failures in the simulated channel).
 * <p>
 * Arguments: {@code [recipients=100000] [workers=8] [throttledMessages=2000] [batchSize=10] [sendConcurrency=1]
 * [inFlight=workers*sendConcurrency] [providerLatencyMs=0]} (the batch size of
 * the throughput part only; the throttled part always runs the shipped settings).
 */
public final class CampaignBenchmark {
    private static final String ACCOUNT = "ACbench0000000000000000000000000000";
    private static final String SERVICE = "MGbench0000000000000000000000000000";
    private static final String PUBLIC_URL = "https://uptake.example";
    private static final Duration DEADLINE = Duration.ofMinutes(60);

    private CampaignBenchmark() {
    }

    private static final int WARM_UP = 20_000;

    public static void main(String[] args) throws Exception {
        int recipients = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int throttled = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        // The shipped batch size is 10; a larger one shows how much of the cost is per batch.
        int batchSize = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        // Texts of one batch in flight at once per worker; workers x this = texts in flight in all.
        int sendConcurrency = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        // Texts in flight in the instance (the send pool), and threads of the bare loop: the same number.
        int inFlight = args.length > 5 && !args[5].isBlank() ? Integer.parseInt(args[5]) : workers * sendConcurrency;
        // The provider's answer time: 0 measures our CPU cost per text against the SDK's; a realistic round
        // trip measures whether the dispatcher keeps as many texts in flight as a bare loop would.
        List<Duration> latencies = java.util.Arrays.stream((args.length > 6 ? args[6] : "0").split(","))
                .map(ms -> Duration.ofMillis(Long.parseLong(ms.trim()))).toList();
        System.setProperty("uptake.data-dir", Path.of("target", "bench-db", "campaign").toString());
        System.setProperty("uptake.data-fresh", "true");
        try (FakeTwilio fake = FakeTwilio.start(Math.max(16, Math.max(workers * 2, inFlight * 2)))) {
            Map<String, Object> common = new HashMap<>();
            common.put("micronaut.server.port", "-1");
            common.put("uptake.admin-password", "bench-bootstrap-passphrase");
            // Nothing but the dispatcher loops may touch the messages: housekeeping would start/complete campaigns.
            common.put("uptake.campaign.quartz.auto-start", "false");
            common.put("uptake.public-url", PUBLIC_URL);
            common.put("twilio.account-sid", ACCOUNT);
            common.put("twilio.auth-token", "bench-token");
            common.put("twilio.messaging-service-sid", SERVICE);
            common.put("twilio.api-base-url", fake.baseUrl());

            Map<String, Object> lifted = new HashMap<>(common);
            lifted.put("uptake.campaign.throttle.messages-per-second", "0");
            lifted.put("uptake.campaign.dispatcher.workers", Integer.toString(workers));
            lifted.put("uptake.campaign.dispatcher.batch-size", Integer.toString(batchSize));
            lifted.put("uptake.campaign.dispatcher.send-concurrency", Integer.toString(sendConcurrency));
            lifted.put("uptake.campaign.dispatcher.sends-in-flight", Integer.toString(inFlight));
            lifted.put("uptake.sms.twilio.max-connections", Integer.toString(Math.max(20, workers * 2)));
            try (ApplicationContext context = ApplicationContext.builder().properties(lifted).start()) {
                DataSource db = Database.raw(context.getBean(DataSource.class));
                load(db, Math.max(recipients, throttled));
                TwilioRestClient client = context.getBean(TwilioRestClient.class);

                // Warm-up of both paths (JIT, connection pools), not measured, with an instant provider. It has to
                // be long enough for the JIT to finish: with 2,000 messages the C2 compiler was still busy during
                // the dispatcher's measured run (which comes first) and idle during the bare loop's.
                int warmUp = Math.min(WARM_UP, recipients);
                Drain warm = dispatch(db, "warm-up", warmUp, Instant.now(), Duration.ZERO);
                String body = sampleBody(db, warm.campaignId());
                bare(client, warmUp, inFlight, body);
                fake.reset();

                List<String> summary = new ArrayList<>();
                for (Duration latency : latencies) {
                    fake.createLatency(latency);
                    // With a provider latency the run waits on the provider: about 15 s of it is enough.
                    int n = latency.isZero() ? recipients : (int) Math.min(recipients,
                            Math.max(2_000, 15_000L * inFlight / latency.toMillis()));
                    summary.add(compare(context, db, fake, client, n, latency, body,
                            String.format(Locale.ROOT, "%d workers x %d sends at a time (at most %d in flight), batch %d",
                                    workers, sendConcurrency, inFlight, batchSize), inFlight));
                }
                fake.createLatency(Duration.ZERO);
                System.out.println("provider latency | messages | dispatcher msg/s | bare SDK loop msg/s | ratio");
                summary.forEach(System.out::println);
            }

            if (throttled == 0) {
                return;
            }
            // Shipped defaults: 10/s shared bucket, 2 workers, batches of 10, idle poll 500 ms.
            try (ApplicationContext context = ApplicationContext.builder().properties(common).start()) {
                DataSource db = Database.raw(context.getBean(DataSource.class));
                Instant first = Instant.now().plusSeconds(2);
                Drain run = dispatch(db, "throttled", throttled, first, Duration.ofMillis(100));
                try (Connection c = db.getConnection(); var ps = c.prepareStatement("""
                        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d), percentile_cont(0.99) WITHIN GROUP (ORDER BY d),
                               max(d), min(d), count(*)
                        FROM (SELECT EXTRACT(EPOCH FROM sent_at - due_at) * 1000 AS d FROM message
                              WHERE campaign_id = ? AND status = 'QUEUED') x""")) {
                    ps.setLong(1, run.campaignId());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        System.out.printf(Locale.ROOT, "throttled 10/s: %,d messages due one per 100 ms, drained in %.1f s"
                                        + " (%.2f messages/s); due->sent delay ms: p50 %.0f, p99 %.0f, max %.0f, min %.0f"
                                        + " (QUEUED %,d)%n", throttled, run.seconds(), throttled / run.seconds(),
                                rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getLong(5));
                    }
                }
                if (run.queued() != throttled) {
                    throw new IllegalStateException("Not every throttled message went out: " + run);
                }
            }
        }
    }

    /** One throughput run of the dispatcher, then of the bare loop, on {@code n} messages; a summary row. */
    private static String compare(ApplicationContext context, DataSource db, FakeTwilio fake, TwilioRestClient client,
                                  int n, Duration latency, String body, String settings, int inFlight) throws Exception {
        CpuUse before = CpuUse.now();
        Drain run = dispatch(db, "throughput", n, Instant.now(), Duration.ZERO);
        CpuUse dispatcherCpu = CpuUse.now().minus(before);
        int createsByDispatcher = fake.creates().size();
        fake.reset();
        before = CpuUse.now();
        double bareSeconds = bare(client, n, inFlight, body);
        CpuUse bareCpu = CpuUse.now().minus(before).with("bare-loop", BARE_LOOP_CPU_NS.getAndSet(0) / 1e6);
        int createsByBare = fake.creates().size();
        fake.reset();
        double dispatcherRate = n / run.seconds();
        double bareRate = n / bareSeconds;
        System.out.printf(Locale.ROOT, "dispatcher: %,d messages, %s, provider latency %d ms: %.1f s,"
                        + " %,.0f messages/s (provider requests %,d, QUEUED %,d)%n",
                n, settings, latency.toMillis(),
                run.seconds(), dispatcherRate, createsByDispatcher, run.queued());
        System.out.printf(Locale.ROOT, "bare SDK loop: %,d messages, %d threads: %.1f s, %,.0f messages/s"
                + " (provider requests %,d)%n", n, inFlight, bareSeconds, bareRate, createsByBare);
        io.micrometer.core.instrument.MeterRegistry meters = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
        for (String timer : List.of("uptake.dispatcher.claim", "uptake.dispatcher.record", "uptake.sms.send")) {
            for (io.micrometer.core.instrument.Timer t : meters.find(timer).timers()) {
                System.out.printf(Locale.ROOT, "  %s%s: %,d calls, mean %.2f ms, max %.1f ms (warm-up included)%n",
                        timer, t.getId().getTags(), t.count(), t.mean(TimeUnit.MILLISECONDS),
                        t.max(TimeUnit.MILLISECONDS));
            }
        }
        dispatcherCpu.print("dispatcher", n);
        bareCpu.print("bare SDK loop", n);
        System.out.printf(Locale.ROOT, "ratio dispatcher / bare SDK loop: %.2f (target >= 0.80)%n",
                dispatcherRate / bareRate);
        if (run.queued() != n || createsByDispatcher != n) {
            throw new IllegalStateException("Not every message went out exactly once: " + run);
        }
        return String.format(Locale.ROOT, "%d ms | %,d | %,.0f | %,.0f | %.2f", latency.toMillis(), n,
                dispatcherRate, bareRate, dispatcherRate / bareRate);
    }

    private record Drain(long campaignId, double seconds, long queued) {
    }

    /**
     * CPU time used, in ms: this JVM's threads grouped by name (sends, dispatcher loops, the fake provider,
     * the bare loop's pool, the rest) and the benchmark's PostgreSQL processes (from /proc, children reaped
     * included). Thread CPU misses what the JVM itself spends (JIT compilers, GC threads): the process total has it.
     * The dispatcher's phase also includes the 1 s progress poll, a few ms.
     */
    private record CpuUse(Map<String, Double> javaMs, double processMs, double postgresMs, double gcMs) {
        static CpuUse now() {
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            Map<String, Double> groups = new java.util.TreeMap<>();
            for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long ns = threads.getThreadCpuTime(info.getThreadId());
                String group = info.getThreadName().replaceAll("[-#]?\\d+", "").replaceAll(":.*", "");
                groups.merge(group, ns / 1e6, Double::sum);
            }
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            double gc = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
            return new CpuUse(groups, os.getProcessCpuTime() / 1e6, postgresCpuMs(), gc);
        }

        /** The benchmark's own PostgreSQL: its postmaster (found by data directory) and that one's children. */
        private static double postgresCpuMs() {
            java.io.File[] procs = new java.io.File("/proc").listFiles((d, n) -> n.chars().allMatch(Character::isDigit));
            Map<String, String[]> stats = new HashMap<>();
            String postmaster = null;
            for (java.io.File proc : procs == null ? new java.io.File[0] : procs) {
                try {
                    String stat = java.nio.file.Files.readString(proc.toPath().resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    if (!stat.substring(stat.indexOf('(') + 1, close).startsWith("postgres")) {
                        continue;
                    }
                    stats.put(proc.getName(), stat.substring(close + 2).split(" "));
                    String cmdline = java.nio.file.Files.readString(proc.toPath().resolve("cmdline"));
                    if (cmdline.contains("bench-db/campaign")) {
                        postmaster = proc.getName();
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    // the process ended meanwhile
                }
            }
            double ticks = 0;
            for (var e : stats.entrySet()) {
                String[] f = e.getValue();
                // from the state field (3rd of stat): ppid is f[1]; utime, stime, cutime, cstime are f[11..14]
                if (e.getKey().equals(postmaster) || f[1].equals(postmaster)) {
                    for (int i = 11; i <= 14; i++) {
                        ticks += Long.parseLong(f[i]);
                    }
                }
            }
            return ticks * 10; // USER_HZ is 100 on Linux
        }

        CpuUse with(String group, double ms) {
            Map<String, Double> more = new java.util.TreeMap<>(javaMs);
            more.put(group, ms);
            return new CpuUse(more, processMs, postgresMs, gcMs);
        }

        CpuUse minus(CpuUse earlier) {
            Map<String, Double> diff = new java.util.TreeMap<>();
            javaMs.forEach((k, v) -> diff.put(k, v - earlier.javaMs.getOrDefault(k, 0.0)));
            return new CpuUse(diff, processMs - earlier.processMs, postgresMs - earlier.postgresMs, gcMs - earlier.gcMs);
        }

        void print(String phase, int messages) {
            StringBuilder groups = new StringBuilder();
            javaMs.entrySet().stream().filter(e -> e.getValue() >= 0.005 * processMs)
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(e -> groups.append(String.format(Locale.ROOT, " %s %.3f,", e.getKey(), e.getValue() / messages)));
            System.out.printf(Locale.ROOT, "  CPU per message, %s: java %.3f ms (%s; GC pauses %.3f), postgres %.3f ms%n",
                    phase, processMs / messages, groups.toString().replaceAll(",$", "").trim(), gcMs / messages,
                    postgresMs / messages);
        }
    }

    /**
     * Patients 999xxxxxxC (Modulus 11 in SQL, check digit 10 skipped), one practice in one PCN, drama mobiles
     * +447700900100..999 (shared: the range has only 1,000 numbers).
     */
    private static void load(DataSource db, int patients) throws SQLException {
        long started = System.nanoTime();
        try (Connection c = db.getConnection(); var st = c.createStatement()) {
            st.execute("INSERT INTO pcn (name, created_at) VALUES ('Bench PCN', now())");
            st.execute("""
                    INSERT INTO practice (code, name, pcn_id, created_at, updated_at)
                    SELECT 'B00001', 'Bench Practice', id, now(), now() FROM pcn WHERE name = 'Bench PCN'""");
            try (var ps = c.prepareStatement("""
                    WITH body AS (
                        SELECT n, '999' || lpad(CAST(n AS TEXT), 6, '0') AS nine FROM generate_series(0, 999999) n),
                    checked AS (
                        SELECT n, nine, 11 - (SELECT sum(CAST(substr(nine, i, 1) AS INT) * (11 - i))
                                              FROM generate_series(1, 9) i) % 11 AS r
                        FROM body),
                    valid AS (
                        SELECT row_number() OVER (ORDER BY n) AS k, nine || CAST(r % 11 AS TEXT) AS nhs
                        FROM checked WHERE r <> 10 ORDER BY n LIMIT ?)
                    INSERT INTO patient (nhs_number, given_name, family_name, date_of_birth, sex, mobile, language,
                                         practice_code, created_at, updated_at)
                    SELECT nhs, 'Bench', 'Patient', DATE '1960-01-01', 'M',
                           '+447700900' || CAST(100 + k % 900 AS TEXT), 'en', 'B00001', now(), now()
                    FROM valid""")) {
                ps.setInt(1, patients);
                ps.executeUpdate();
            }
            st.execute("ANALYZE patient");
        }
        System.out.printf(Locale.ROOT, "loaded %,d synthetic patients in %.1f s%n", patients,
                (System.nanoTime() - started) / 1e9);
    }

    /**
     * Writes a SENDING-ready campaign of {@code n} recipients with one PENDING message each, due from
     * {@code firstDue} one every {@code spacing}; switches it to SENDING and waits (with a deadline) until
     * nothing of it is left to send. The send window is open all day, every day, so the hour of the run
     * does not matter.
     */
    private static Drain dispatch(DataSource db, String name, int n, Instant firstDue, Duration spacing)
            throws SQLException, InterruptedException {
        long campaignId;
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO campaign (pcn_id, name, programme, status, as_of, start_at, send_window,
                                          attribution_days, created_by, created_at, launched_at)
                    SELECT id, ?, 'psa-eligible', 'SCHEDULED', CURRENT_DATE, ?, CAST(? AS JSONB), 90, 'bench', now(), now()
                    FROM pcn WHERE name = 'Bench PCN' RETURNING id""")) {
                ps.setString(1, "Bench " + name);
                ps.setTimestamp(2, Timestamp.from(firstDue));
                ps.setString(3, """
                        {"days":["MON","TUE","WED","THU","FRI","SAT","SUN"],"from":"00:00","to":"23:59",\
                        "skipBankHolidays":false}""");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    campaignId = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO recipient (campaign_id, patient_id, arm, language, mobile, created_at)
                    SELECT ?, id, 'TEXTED', language, mobile, now() FROM patient ORDER BY id LIMIT ?""")) {
                ps.setLong(1, campaignId);
                ps.setInt(2, n);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO message (campaign_id, recipient_id, patient_id, wave, template_key, to_number, language,
                                         status, due_at, created_at)
                    SELECT r.campaign_id, r.id, r.patient_id, 1, 'initial', r.mobile, r.language, 'PENDING',
                           CAST(? AS TIMESTAMPTZ) + (row_number() OVER (ORDER BY r.id) - 1) * CAST(? AS BIGINT) * INTERVAL '1 millisecond',
                           now()
                    FROM recipient r WHERE r.campaign_id = ?""")) {
                ps.setTimestamp(1, Timestamp.from(firstDue));
                ps.setLong(2, spacing.toMillis());
                ps.setLong(3, campaignId);
                ps.executeUpdate();
            }
            c.commit();
        }
        try (Connection c = db.getConnection(); var st = c.createStatement()) {
            st.execute("ANALYZE recipient");
            st.execute("ANALYZE message");
        }
        long started = System.nanoTime();
        sql(db, "UPDATE campaign SET status = 'SENDING' WHERE id = ?", campaignId);
        long deadline = started + DEADLINE.toNanos();
        while (count(db, """
                SELECT count(*) FROM message WHERE campaign_id = ? AND status IN ('PENDING', 'SENDING', 'UNKNOWN')""",
                campaignId) > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": not drained within " + DEADLINE);
            }
            // Counting the campaign's unsent rows costs the database real work: poll gently, since the
            // figure comes from the rows' own timestamps, not from when this loop noticed.
            Thread.sleep(1000);
        }
        // From the first hand-over to the provider to the last result recorded, as the database saw them:
        // the polling above only bounds the wait.
        double seconds;
        try (Connection c = db.getConnection(); var ps = c.prepareStatement("""
                SELECT EXTRACT(EPOCH FROM max(sent_at) - min(attempted_at)) FROM message WHERE campaign_id = ?""")) {
            ps.setLong(1, campaignId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                seconds = rs.getDouble(1);
            }
        }
        long queued = count(db, "SELECT count(*) FROM message WHERE campaign_id = ? AND status = 'QUEUED'", campaignId);
        sql(db, "UPDATE campaign SET status = 'COMPLETED', completed_at = now() WHERE id = ?", campaignId);
        return new Drain(campaignId, seconds, queued);
    }

    private static String sampleBody(DataSource db, long campaignId) throws SQLException {
        try (Connection c = db.getConnection(); var ps = c.prepareStatement(
                "SELECT body FROM message WHERE campaign_id = ? AND body IS NOT NULL LIMIT 1")) {
            ps.setLong(1, campaignId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static final java.util.concurrent.atomic.AtomicLong BARE_LOOP_CPU_NS = new java.util.concurrent.atomic.AtomicLong();

    /** The same SDK call TwilioSmsSender makes, with nothing around it, on {@code threads} threads. */
    private static double bare(TwilioRestClient client, int messages, int threads, String body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "bare-loop"));
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> loops = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            loops.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                    Message.creator(new PhoneNumber("+447700900" + (100 + i % 900)), SERVICE, body)
                            .setStatusCallback(URI.create(PUBLIC_URL + "/webhooks/twilio/status?m=" + i))
                            .create(client);
                }
                // The threads end with the pool: their CPU time is read here, or the breakdown loses it.
                BARE_LOOP_CPU_NS.addAndGet(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
            }));
        }
        for (Future<?> loop : loops) {
            loop.get();
        }
        pool.shutdown();
        return (System.nanoTime() - start) / 1e9;
    }

    private static void sql(DataSource db, String sql, long id) throws SQLException {
        try (Connection c = db.getConnection(); var ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private static long count(DataSource db, String sql, long id) throws SQLException {
        try (Connection c = db.getConnection(); var ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
