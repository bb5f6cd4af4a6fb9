package io.uptake.db;

import io.uptake.Application;
import io.uptake.testsupport.PostgresProcesses;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The service as it is run (its own JVM, {@link Application#main}, the embedded PostgreSQL on a fresh data
 * directory) gets SIGTERM while its dispatcher, Quartz and an API client are using the database. It stops the
 * service before the database: nothing loses its connection mid-stop (08006, "This connection has been closed",
 * "Connection is closed"), the pool and Quartz shut down, the JVM exits, and PostgreSQL stops cleanly (its
 * postmaster.pid gone, no process of it left). With zonky's own shutdown hook stopping the database at the same
 * time as Micronaut's hook stops the service, the log showed those connection errors (the dispatcher's idle
 * polls alone hit them most of the time; the API requests in flight make it every time in practice).
 * If the child does not exit in time it is sent SIGQUIT, so its log holds a thread dump (and any deadlock).
 * While it runs, its database is checked to be the run command's: durable, and without the service's secrets.
 */
class GracefulStopTest {
    private static final String ADMIN_PASSWORD = "graceful-stop-passphrase";
    private static final List<String> LOST_DATABASE = List.of("08006", "57P01",
            "terminating connection due to administrator command", "This connection has been closed",
            "Connection is closed", "Dispatcher round failed", "Found one Java-level deadlock", "did not stop cleanly");
    /** The service started on its embedded database, and Quartz and the connection pool shut down. */
    private static final List<Pattern> STOPPED = Stream.of("Embedded PostgreSQL started", "Quartz scheduler stopped",
            "Scheduler \\S+ shutdown complete", "HikariPool-\\d+ - Shutdown completed").map(Pattern::compile).toList();
    private static final Pattern TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path dir = Path.of("target", "graceful-stop-" + UUID.randomUUID().toString().substring(0, 8))
            .toAbsolutePath();
    private final Path dataDir = dir.resolve("pg");
    private final Path log = dir.resolve("child.log");
    private Process child;

    @AfterEach
    void cleanUp() {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
        }
        // A failed run may leave the child's PostgreSQL behind: stop it (only processes on this data directory).
        PostgresProcesses.on(dataDir).forEach(ProcessHandle::destroy);
    }

    @Test
    void sigtermStopsTheServiceBeforeItsDatabase() throws Exception {
        Files.createDirectories(dir);
        int port = freePort();
        child = startChild(port);
        String base = "http://127.0.0.1:" + port;

        await("the child to be UP").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    assertThat(child.isAlive()).as("child alive; its log, %s, ends:%n%s", log, tail()).isTrue();
                    return health(base);
                });
        String token = login(base);
        theDatabaseIsTheRunCommands();

        // Keep the database busy when the signal comes: API requests in flight (the dispatcher polls and
        // Quartz's housekeeping run on their own).
        AtomicBoolean busy = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> {
                while (busy.get()) {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/users"))
                                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            answered.incrementAndGet();
                        }
                    } catch (IOException e) {
                        // The service has gone: that is the point.
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "api-client-" + i);
            t.setDaemon(true);
            t.start();
        }
        await("API requests answered").atMost(Duration.ofSeconds(30)).until(() -> answered.get() >= 20);

        long signalled = System.nanoTime();
        child.destroy(); // SIGTERM
        try {
            await("the child to exit after SIGTERM").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !child.isAlive());
        } catch (ConditionTimeoutException e) {
            // Still running: a thread dump (SIGQUIT) into its log shows where it hangs, deadlocks included.
            new ProcessBuilder("kill", "-QUIT", Long.toString(child.pid())).inheritIO().start().waitFor();
            await().atMost(Duration.ofSeconds(10)).until(() -> output().contains("Full thread dump"));
            String out = output();
            fail("The child did not exit within 40 s of SIGTERM%s; its thread dump is in %s",
                    out.contains("Found one Java-level deadlock") ? " (Found one Java-level deadlock)" : "", log);
        } finally {
            busy.set(false);
        }
        Duration stopping = Duration.ofNanos(System.nanoTime() - signalled);
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);

        String where = "child log " + log + " (exited " + stopping.toMillis() + " ms after SIGTERM)";
        assertThat(STOPPED.stream().filter(p -> lines.stream().noneMatch(l -> p.matcher(l).find())).toList())
                .as("lines missing from the %s", where).isEmpty();
        // What a database stopped under the service's feet looks like.
        assertThat(lines.stream().filter(l -> LOST_DATABASE.stream().anyMatch(l::contains)).limit(20))
                .as("lines of a service that lost its database while stopping, in the %s", where).isEmpty();
        assertThat(PostgresProcesses.on(dataDir)).as("postgres processes on %s", dataDir).isEmpty();
        assertThat(dataDir.resolve("postmaster.pid")).as("PostgreSQL stopped cleanly").doesNotExist();

        // Passed: the data directory (about 45 MB) goes; a failed run keeps it and the log.
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * The run command's database, as it runs: durable (fsync, synchronous commit, full-page writes; zonky passed
     * {@code -F} and synchronous_commit=off), its data where the banner says, and its processes without the
     * service's secrets in their environment (this child has UPTAKE_JWT_SECRET and UPTAKE_ADMIN_PASSWORD).
     */
    private void theDatabaseIsTheRunCommands() throws Exception {
        try (Connection c = PostgresProcesses.dataSource(dataDir).getConnection(); var st = c.createStatement()) {
            for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
                try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
                    rs.next();
                    assertThat(rs.getString(1)).as(setting).isEqualTo("on");
                }
            }
        }
        assertThat(output()).contains("Database: embedded PostgreSQL, data in " + dataDir);
        List<ProcessHandle> postgres = PostgresProcesses.on(dataDir);
        assertThat(postgres).isNotEmpty();
        for (ProcessHandle p : postgres) {
            assertThat(PostgresProcesses.environment(p)).as("environment of postgres pid %d", p.pid())
                    .noneMatch(v -> v.startsWith("UPTAKE_") || v.startsWith("TWILIO_"));
        }
    }

    private Process startChild(int port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The service's own logging (the test classpath's logback-test.xml would hide Hikari's lines).
        Path logback = Path.of("target", "classes", "logback.xml").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m",
                "-Dlogback.configurationFile=" + logback,
                // Bounds the dispatcher's wait for a round in flight, well inside the exit bound below.
                "-Duptake.campaign.dispatcher.stop-grace=5s",
                "-cp", System.getProperty("java.class.path"), Application.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        var env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("UPTAKE_") || k.startsWith("DATASOURCES_") || k.startsWith("MICRONAUT_"));
        env.put("UPTAKE_DATA_DIR", dataDir.toString());
        env.put("UPTAKE_DATA_FRESH", "true");
        env.put("UPTAKE_PORT", Integer.toString(port));
        env.put("UPTAKE_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("UPTAKE_JWT_SECRET", "graceful-stop-test-secret-of-at-least-32-characters");
        env.put("UPTAKE_PUBLIC_URL", "http://127.0.0.1:" + port);
        return pb.start();
    }

    private boolean health(String base) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String login(String base) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("login: %s", r.body()).isEqualTo(200);
        Matcher m = TOKEN.matcher(r.body());
        assertThat(m.find()).as("access_token in %s", r.body()).isTrue();
        return m.group(1);
    }

    private String tail() throws IOException {
        String out = output();
        return out.substring(Math.max(0, out.length() - 4000));
    }

    private String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
