package io.uptake.bench;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.uptake.cohort.CohortSql;
import io.uptake.cohort.Cohorts;
import io.uptake.cohort.Programme;
import io.uptake.demo.SyntheticDataset;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The cohort benchmark (not a test). Loads the ICB-scale synthetic data set (909,091 patients, the whole 999
 * test range, and 10,000,000 events) with raw COPY unless it is already in {@code target/bench-db/cohort},
 * then for each programme times, over all PCNs (an ADMIN's view, the largest) and for one PCN (a CCC's):
 * <ul>
 *   <li>the bare SQL: the summary statement run straight on a JDBC connection, result read and dropped;</li>
 *   <li>the API: {@code GET /api/cohorts/{programme}?asOf=} over HTTP, as a client, JSON and all.</li>
 * </ul>
 * Each figure is the median of 3 runs after one warm-up. Run with {@code bench/cohorts.sh}.
 */
public final class CohortBenchmark {
    private static final int RUNS = 3;

    private CohortBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        LocalDate asOf = args.length > 0 ? LocalDate.parse(args[0]) : LocalDate.of(2026, 11, 24);
        Path dir = Path.of("target", "bench-db", "cohort");
        boolean loaded = Files.exists(dir.resolve("cohort-bench-loaded"));
        System.setProperty("uptake.data-dir", dir.toString());
        System.setProperty("uptake.data-fresh", Boolean.toString(!loaded));
        System.setProperty("uptake.admin-password", "bench-admin-password");
        System.setProperty("micronaut.server.port", "-1");
        try (EmbeddedServer server = ApplicationContext.builder().environments("bench").run(EmbeddedServer.class)) {
            ApplicationContext context = server.getApplicationContext();
            DataSource dataSource = io.micronaut.data.connection.jdbc.advice.DelegatingDataSource
                    .unwrapDataSource(context.getBean(DataSource.class));
            SyntheticDataset data = new SyntheticDataset(SyntheticDataset.icbScale(asOf));
            if (!loaded) {
                load(dataSource, data, Instant.parse(asOf + "T12:00:00Z"));
                Files.writeString(dir.resolve("cohort-bench-loaded"), asOf.toString());
            }
            Cohorts cohorts = context.getBean(Cohorts.class);
            HttpClient http = HttpClient.newHttpClient();
            String base = server.getURL().toString();
            String admin = token(http, base, "admin", "bench-admin-password");
            long pcnId;
            try (Connection c = dataSource.getConnection(); var st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT min(id) FROM pcn")) {
                rs.next();
                pcnId = rs.getLong(1);
            }
            List<String> lines = new ArrayList<>();
            for (Programme programme : cohorts.programmes()) {
                for (Long scope : new Long[]{null, pcnId}) {
                    String name = programme.name();
                    CohortSql sql = cohorts.summarySql(name, asOf, scope);
                    double bare = median(() -> bare(dataSource, cohorts.sessionSetting(), sql));
                    String url = base + "/api/cohorts/" + name + "?asOf=" + asOf;
                    String token = scope == null ? admin : cccToken(http, base, admin, dataSource, scope);
                    double api = median(() -> get(http, url, token));
                    var summary = cohorts.summary(name, asOf, scope);
                    lines.add(String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %.2f | %.2f | %.2f |", name,
                            scope == null ? "all 30 PCNs" : "one PCN", summary.candidates(), summary.eligible(),
                            bare, api, api / bare));
                    log("%s %s: bare %.2f s, API %.2f s", name, scope == null ? "all" : "one PCN", bare, api);
                }
            }
            System.out.println();
            System.out.println("asOf " + asOf + ", cores " + Runtime.getRuntime().availableProcessors()
                    + ", medians of " + RUNS + " runs after a warm-up");
            System.out.println("| programme | scope | candidates | eligible | bare SQL s | API s | API / bare |");
            System.out.println("|---|---|---|---|---|---|---|");
            lines.forEach(System.out::println);
        }
    }

    private static void load(DataSource dataSource, SyntheticDataset data, Instant stamp) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            RawCopyLoader loader = new RawCopyLoader(c);
            loader.loadPractices(data, stamp);
            long t0 = System.nanoTime();
            long patients = loader.copyPatients(data, stamp);
            c.commit();
            long events = loader.copyEvents(data, stamp);
            c.commit();
            c.setAutoCommit(true);
            try (var st = c.createStatement()) {
                st.execute("VACUUM ANALYZE patient");
                st.execute("VACUUM ANALYZE event");
            }
            log("loaded %,d patients and %,d events in %.0f s", patients, events, (System.nanoTime() - t0) / 1e9);
        }
    }

    private static void bare(DataSource dataSource, String setting, CohortSql sql) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (var st = c.createStatement()) {
                st.execute(setting);
            }
            try (var ps = c.prepareStatement(sql.sql())) {
                sql.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getLong("candidates");
                    }
                }
            }
            c.commit();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void get(HttpClient http, String url, String token) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization",
                    "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String token(HttpClient http, String base, String username, String password) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + username + "\",\"password\":\""
                        + password + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        var m = java.util.regex.Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
        if (!m.find()) {
            throw new IllegalStateException("login failed: " + r.statusCode());
        }
        return m.group(1);
    }

    /** A CCC of the PCN, created once through the API. */
    private static String cccToken(HttpClient http, String base, String admin, DataSource dataSource, long pcnId)
            throws Exception {
        String pcn;
        try (Connection c = dataSource.getConnection(); var ps = c.prepareStatement("SELECT name FROM pcn WHERE id = ?")) {
            ps.setLong(1, pcnId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                pcn = rs.getString(1);
            }
        }
        http.send(HttpRequest.newBuilder(URI.create(base + "/api/users")).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"bench.ccc\",\"password\":\"bench-ccc-password\","
                        + "\"role\":\"CCC\",\"pcn\":\"" + pcn + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        return token(http, base, "bench.ccc", "bench-ccc-password");
    }

    private static double median(Runnable work) {
        work.run();
        double[] seconds = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            work.run();
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(seconds);
        return seconds[RUNS / 2];
    }

    private static void log(String format, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
    }
}
