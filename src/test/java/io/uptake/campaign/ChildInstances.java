package io.uptake.campaign;

import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.uptake.testsupport.PostgresProcesses;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The kill -9 tests' service instances, each a child JVM running {@link ChildInstance} on one data directory under
 * {@code target/}, with its log beside it: starting them as the run command would (none of this JVM's
 * {@code UPTAKE_*} environment), waiting until one is healthy, reading its log, and clearing up what a test leaves.
 */
final class ChildInstances implements AutoCloseable {
    final Path dir;
    final Path dataDir;
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<HttpClient> clients = new ArrayList<>();

    ChildInstances(String prefix) {
        this.dir = Path.of("target", prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        this.dataDir = dir.resolve("pg");
    }

    /**
     * Starts instance {@code name} on {@code port}, texting through the recorder at {@code recorderUrl} (empty: the
     * child's own {@link SentLog}), with {@code properties} on top of {@link ChildInstance}'s own.
     */
    Process start(String name, int port, String recorderUrl, Map<String, String> properties) throws IOException {
        Files.createDirectories(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only and the serial collector: a JVM that starts sooner on a busy machine and runs a throttled campaign
        // just as well.
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "-Duptake.data-dir=" + dataDir,
                ChildInstance.class.getName(), recorderUrl, name, Integer.toString(port)));
        properties.forEach((k, v) -> command.add(k + "=" + v));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(dir.resolve("child-" + name + ".log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("UPTAKE_") || k.startsWith("DATASOURCES_")
                || k.startsWith("MICRONAUT_") || k.startsWith("NOTIFY_") || k.startsWith("TWILIO_"));
        return pb.start();
    }

    /** Until the instance answers its health check UP; a child that dies fails the wait at once, with its log. */
    void awaitHealthy(Process process, int port, Duration within, String name) {
        await(name + " instance healthy").atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(process.isAlive()).as("%s alive; its log ends:%n%s", name, tail(name)).isTrue();
            try {
                HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && r.body().contains("\"UP\"");
            } catch (IOException e) {
                return false;
            }
        });
    }

    BlockingHttpClient client(int port) throws IOException {
        HttpClient client = HttpClient.create(new URL("http://127.0.0.1:" + port));
        clients.add(client);
        return client.toBlocking();
    }

    String log(String name) throws IOException {
        Path log = dir.resolve("child-" + name + ".log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    String tail(String name) throws IOException {
        String out = log(name);
        return out.substring(Math.max(0, out.length() - 4000));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static boolean isWatchdog(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).contains("uptake-postgres-watchdog");
        } catch (IOException e) {
            return false;
        }
    }

    /** Passed: the data directory and logs go; a failed run keeps them. */
    void deleteDir() throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The clients, and any PostgreSQL a failed run left on this data directory (only processes on it). */
    @Override
    public void close() {
        clients.forEach(HttpClient::close);
        PostgresProcesses.on(dataDir).forEach(ProcessHandle::destroy);
    }
}
