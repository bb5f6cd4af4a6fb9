package io.uptake.report;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.uptake.bench.RawCopyLoader;
import io.uptake.demo.SyntheticDataset;
import io.uptake.outcome.RecipientOutcomes;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Benchmark, not a test: the report of a 100,000-recipient campaign and the overview of 200 campaigns over
 * the ICB-scale synthetic data set (909,091 patients, 10,000,000 events), through HTTP, against the bare
 * SQL of the same query run over JDBC. Run it with the command in BENCHMARKS.md. The database is kept in
 * target/report-bench-db (or -Dbench.data-dir) and loaded only once.
 */
public final class ReportBenchmark {
    static final LocalDate AS_OF = LocalDate.of(2026, 6, 30);
    static final int BIG = 100_000;
    static final int OVERVIEW_CAMPAIGNS = 200;
    static final int PER_OVERVIEW_CAMPAIGN = 2_500;
    static final int RUNS = 7;
    static final String PASSWORD = "bench-bootstrap-passphrase";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getProperty("bench.data-dir", "target/report-bench-db"));
        System.setProperty("uptake.data-dir", dir.toString());
        try (ApplicationContext context = ApplicationContext.builder()
                .properties(Map.of("micronaut.server.port", -1, "uptake.admin-password", PASSWORD))
                .start()) {
            EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
            DataSource dataSource = io.micronaut.data.connection.jdbc.advice.DelegatingDataSource
                    .unwrapDataSource(context.getBean(DataSource.class));
            try (Connection c = dataSource.getConnection()) {
                load(c);
                long big = campaigns(c);
                List<Long> overview = overviewIds(c);
                try (Statement st = c.createStatement()) {
                    // As autovacuum would leave a settled database: visibility map set, statistics current.
                    st.execute("VACUUM (ANALYZE) event, patient, recipient, message, campaign");
                }
                RecipientOutcomes outcomes = context.getBean(RecipientOutcomes.class);
                ReportSettings settings = context.getBean(ReportSettings.class);
                String token = login(server);
                // As the service runs it: inside a read-only transaction (so that bind's SET LOCAL applies).
                c.setAutoCommit(false);
                c.setReadOnly(true);

                double httpReport = median(() -> get(server, token, "/api/campaigns/" + big + "/report"));
                long backend = count(c, "SELECT pg_backend_pid()");
                c.commit();
                double[] cpuReport = new double[1];
                double sqlReport = median(() -> bare(c, outcomes.sql(CampaignReports.AGGREGATE), ps -> {
                    outcomes.bind(ps, big);
                    ps.setArray(RecipientOutcomes.PARAMETERS + 1,
                            c.createArrayOf("integer", settings.getAgeBandStarts().toArray()));
                }), backend, cpuReport);
                String range = "/api/reports/uptake?from=2026-01-01&to=2026-06-30";
                double httpOverview = median(() -> get(server, token, range));
                long[] ids = overview.stream().mapToLong(Long::longValue).toArray();
                double[] cpuOverview = new double[1];
                double sqlOverview = median(() -> bare(c, outcomes.sql(UptakeOverviews.PER_CAMPAIGN),
                        ps -> outcomes.bind(ps, ids)), backend, cpuOverview);
                String body = get(server, token, "/api/campaigns/" + big + "/report");
                System.out.println("report check: " + body.substring(0, Math.min(240, body.length())));
                System.out.printf("%nReport of one %,d-recipient campaign: HTTP median %.0f ms, bare SQL median %.0f ms, ratio %.2f%n",
                        BIG, httpReport, sqlReport, httpReport / sqlReport);
                System.out.printf("Overview of %d campaigns (%,d recipients): HTTP median %.0f ms, bare SQL median %.0f ms, ratio %.2f%n",
                        overview.size(), (long) overview.size() * PER_OVERVIEW_CAMPAIGN, httpOverview, sqlOverview,
                        httpOverview / sqlOverview);
                if (cpuReport[0] >= 0 && cpuOverview[0] >= 0) {
                    System.out.printf("Bare SQL, CPU time of the database backend (median; less sensitive to other load): "
                            + "report %.0f ms, overview %.0f ms%n", cpuReport[0], cpuOverview[0]);
                }
            }
            server.stop();
        }
    }

    /** The ICB-scale data set through the imports feature's raw COPY loader, once. */
    private static void load(Connection c) throws Exception {
        if (count(c, "SELECT count(*) FROM patient") > 0) {
            System.out.printf("Data set present: %,d patients, %,d events%n", count(c, "SELECT count(*) FROM patient"),
                    count(c, "SELECT count(*) FROM event"));
            return;
        }
        SyntheticDataset data = new SyntheticDataset(SyntheticDataset.icbScale(AS_OF));
        RawCopyLoader loader = new RawCopyLoader(c);
        long t0 = System.nanoTime();
        loader.loadPractices(data, Instant.parse("2026-06-30T12:00:00Z"));
        long patients = loader.copyPatients(data, Instant.parse("2026-06-30T12:00:00Z"));
        long events = loader.copyEvents(data, Instant.parse("2026-06-30T12:00:00Z"));
        System.out.printf("Loaded %,d patients and %,d events in %.0f s%n", patients, events, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The campaigns, set-based: one of 100,000 recipients (10% control) texted 60 to 56 days before the data
     * set's as-of date, and 200 of 2,500 recipients each started through the first half of 2026. One text
     * per texted recipient, most delivered. Returns the big campaign's id.
     */
    private static long campaigns(Connection c) throws Exception {
        long existing = count(c, "SELECT coalesce(max(id), 0) FROM campaign WHERE name = 'bench-100k'");
        if (existing > 0) {
            return existing;
        }
        long t0 = System.nanoTime();
        try (Statement st = c.createStatement()) {
            st.execute("""
                    INSERT INTO campaign (pcn_id, name, programme, source, status, as_of, start_at, control_fraction,
                                          attribution_days, created_by, created_at, launched_at)
                    SELECT (SELECT min(id) FROM pcn), 'bench-100k', 'fit-non-returners', 'SMS', 'COMPLETED',
                           DATE '2026-05-01', TIMESTAMPTZ '2026-05-01 09:00+01', 0.1, 90, 'bench', now(), now()""");
            st.execute("""
                    INSERT INTO campaign (pcn_id, name, programme, source, status, as_of, start_at, control_fraction,
                                          attribution_days, created_by, created_at, launched_at)
                    SELECT (SELECT min(id) FROM pcn), 'bench-overview-' || k,
                           (ARRAY['fit-non-returners', 'breast-non-attenders', 'psa-eligible'])[1 + k % 3],
                           'SMS', 'COMPLETED', DATE '2026-01-01' + k * 180 / 200,
                           TIMESTAMPTZ '2026-01-01 09:00+00' + (k * 180 / 200) * INTERVAL '1 day', 0.1, 90, 'bench', now(), now()
                    FROM generate_series(0, 199) AS k""");
            st.execute("""
                    INSERT INTO recipient (campaign_id, patient_id, arm, language, mobile, index_date, created_at)
                    SELECT (SELECT id FROM campaign WHERE name = 'bench-100k'), p.id,
                           CASE WHEN p.id % 10 = 0 THEN 'CONTROL' ELSE 'TEXTED' END, p.language, p.mobile,
                           DATE '2026-05-01' + (p.id % 5)::int, now()
                    FROM patient p WHERE p.id <= 100000""");
            st.execute("""
                    INSERT INTO recipient (campaign_id, patient_id, arm, language, mobile, index_date, created_at)
                    SELECT c.id, p.id, CASE WHEN p.id % 10 = 0 THEN 'CONTROL' ELSE 'TEXTED' END, p.language, p.mobile,
                           c.as_of, now()
                    FROM campaign c
                    JOIN patient p ON p.id > 100000 + (substring(c.name FROM 16)::int) * 2500
                                  AND p.id <= 100000 + (substring(c.name FROM 16)::int + 1) * 2500
                    WHERE c.name LIKE 'bench-overview-%'""");
            st.execute("""
                    INSERT INTO message (campaign_id, recipient_id, patient_id, wave, template_key, to_number, language,
                                         segments, status, due_at, sent_at, status_at, created_at)
                    SELECT r.campaign_id, r.id, r.patient_id, 1, 'initial', '+447700900' || lpad((r.patient_id % 1000)::text, 3, '0'),
                           r.language, 1 + (r.patient_id % 3)::int,
                           CASE WHEN r.patient_id % 17 = 0 THEN 'FAILED' ELSE 'DELIVERED' END,
                           r.index_date + TIME '09:00', r.index_date + TIME '09:00', r.index_date + TIME '09:05', now()
                    FROM recipient r WHERE r.arm = 'TEXTED'""");
            st.execute("ANALYZE");
        }
        System.out.printf("Created %,d recipients and %,d messages in %.0f s%n", count(c, "SELECT count(*) FROM recipient"),
                count(c, "SELECT count(*) FROM message"), (System.nanoTime() - t0) / 1e9);
        return count(c, "SELECT id FROM campaign WHERE name = 'bench-100k'");
    }

    private static List<Long> overviewIds(Connection c) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM campaign WHERE name LIKE 'bench-overview-%' ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static String login(EmbeddedServer server) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.getURI().resolve("/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        String body = r.body();
        int at = body.indexOf("\"access_token\":\"") + 16;
        return body.substring(at, body.indexOf('"', at));
    }

    private static String get(EmbeddedServer server, String token, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.getURI().resolve(path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    interface Binder {
        void bind(PreparedStatement ps) throws Exception;
    }

    private static Object bare(Connection c, String sql, Binder binder) throws Exception {
        long rows = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                }
            }
        }
        c.commit();
        return rows;
    }

    interface Run {
        Object run() throws Exception;
    }

    /**
     * As {@link #median(Run)}, and also the median CPU time (user + system) that the database backend
     * {@code backendPid} spent on each run, into {@code cpu[0]} (-1 where /proc cannot tell, e.g. an
     * external database). Wall time on a shared machine mostly measures the other load; CPU time much less.
     */
    private static double median(Run run, long backendPid, double[] cpu) throws Exception {
        Path stat = Path.of("/proc/" + backendPid + "/stat");
        if (!java.nio.file.Files.isReadable(stat)) {
            cpu[0] = -1;
            return median(run);
        }
        double[] cpuMs = new double[RUNS];
        int[] i = {-2};
        double wall = median(() -> {
            long before = cpuTicks(stat);
            Object result = run.run();
            if (i[0] >= 0) {
                cpuMs[i[0]] = (cpuTicks(stat) - before) * 1000.0 / TICKS_PER_SECOND;
            }
            i[0]++;
            return result;
        });
        Arrays.sort(cpuMs);
        System.out.println("  backend CPU (ms): " + Arrays.toString(cpuMs));
        cpu[0] = cpuMs[RUNS / 2];
        return wall;
    }

    /** USER_HZ, 100 on Linux. */
    private static final double TICKS_PER_SECOND = 100.0;

    private static long cpuTicks(Path stat) throws Exception {
        String s = java.nio.file.Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
    }

    /** Two warm-up runs, then the median of {@link #RUNS} timed runs, in milliseconds. */
    private static double median(Run run) throws Exception {
        run.run();
        run.run();
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            run.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        System.out.println("  runs (ms): " + Arrays.toString(Arrays.stream(ms).map(Math::rint).toArray()));
        return ms[RUNS / 2];
    }

    private static long count(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
