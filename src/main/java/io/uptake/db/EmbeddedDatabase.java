package io.uptake.db;

import io.micronaut.context.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One embedded PostgreSQL per JVM: the run command's default database, and the tests' database.
 * It lives outside the application context so that several contexts (a restart, or two service
 * instances in one test JVM) share the same server.
 * <p>
 * What it promises: a commit the service was told about survives a crash of the service, of PostgreSQL or of the
 * machine (fsync, synchronous commit and full-page writes on; only the tests' switch in {@link ServerSettings}
 * turns the first two off). Only the service's user can get in: password logins over loopback, the passwords in a
 * 0600 file in the 0700 data directory, the service connected as a role that is no superuser, PostgreSQL started
 * without the service's environment. It does not outlive the service for long ({@link Watchdog}), and a start
 * stops one that an earlier run left behind ({@link Cluster#stopLeftover}).
 */
public final class EmbeddedDatabase {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static Running server;
    private static boolean hookAdded;
    /** Directories emptied already by {@code fresh} in this JVM: a restart within the JVM finds its data. */
    private static final Set<Path> FRESHENED = new HashSet<>();
    private static final List<LifeCycle<?>> USERS = new ArrayList<>();

    private record Running(Cluster cluster, FileLock lock, int port, Credentials credentials, Watchdog watchdog) {
    }

    private EmbeddedDatabase() {
    }

    /**
     * Starts the server on {@code dir} unless it is already running, and returns its JDBC URL (without
     * credentials: {@link #username()} and {@link #password()}). {@code fresh} empties the directory first, but
     * only at the JVM's first start on it, so that a restart within the JVM finds the data it left.
     */
    public static synchronized String start(Path dir, boolean fresh) {
        if (server == null) {
            Path data = dir.toAbsolutePath().normalize();
            try {
                server = startOn(new Cluster(data, PostgresBinaries.prepare()), fresh && FRESHENED.add(data));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + data + ": "
                        + e.getMessage(), e);
            } catch (SQLException e) {
                throw new IllegalStateException("Could not set up the embedded PostgreSQL in " + data + ": "
                        + e.getMessage(), e);
            }
            LOG.info("Embedded PostgreSQL started on port {} with data in {}", server.port, data);
            if (!hookAdded) {
                Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedDatabase::stopAfterUsers,
                        "embedded-postgres-stop"));
                hookAdded = true;
            }
        }
        return url();
    }

    private static Running startOn(Cluster cluster, boolean fresh) throws IOException, SQLException {
        Path dir = cluster.dir();
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (fresh && cluster.exists()) {
            FileLock lock = lockOrFail(cluster);
            try {
                cluster.stopLeftover();
            } finally {
                lock.release();
                lock.channel().close();
            }
            PostgresBinaries.deleteRecursively(dir);
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (!cluster.exists()) {
            Credentials made = Credentials.generate();
            cluster.create(made);
            made.save(dir);
        }
        FileLock lock = lockOrFail(cluster);
        try {
            cluster.stopLeftover();
            Credentials credentials = Credentials.load(dir).orElse(null);
            if (credentials == null) {
                LOG.warn("{} was made by an earlier version, which let any local user in without a password:"
                        + " setting passwords (kept in {}) and password authentication", dir, Credentials.FILE);
                credentials = Credentials.generate();
                cluster.setSuperuserPassword(credentials.superuserPassword());
                credentials.save(dir);
            }
            cluster.writeHba();
            ServerSettings settings = ServerSettings.fromSystemProperties();
            if (!settings.durable()) {
                LOG.warn("Embedded PostgreSQL with fsync and synchronous commit off (test switch {}): a crash can"
                        + " lose or corrupt its data", ServerSettings.TEST_SWITCH);
            }
            int port = freePort();
            long pid = cluster.start(port, settings);
            Watchdog watchdog = Watchdog.start(pid, dir);
            try {
                AppRole.ensure(port, credentials);
            } catch (SQLException | RuntimeException e) {
                if (watchdog != null) {
                    watchdog.close();
                }
                cluster.stop("fast");
                throw e;
            }
            return new Running(cluster, lock, port, credentials, watchdog);
        } catch (IOException | SQLException | RuntimeException e) {
            lock.release();
            lock.channel().close();
            throw e;
        }
    }

    private static FileLock lockOrFail(Cluster cluster) throws IOException {
        FileLock lock = cluster.lock();
        if (lock == null) {
            throw new IOException(cluster.dir() + " is in use by another running process (another Uptake on the"
                    + " same data directory?): stop it, or give this one another UPTAKE_DATA_DIR");
        }
        return lock;
    }

    /** The JDBC URL of the service's database, without credentials; null when the server is not running. */
    static synchronized String url() {
        return server == null ? null : AppRole.url(server.port, Credentials.APP_DATABASE);
    }

    static String username() {
        return Credentials.APP_ROLE;
    }

    static synchronized String password() {
        return server == null ? null : server.credentials.appPassword();
    }

    static synchronized int port() {
        return server == null ? -1 : server.port;
    }

    static synchronized Credentials credentials() {
        return server == null ? null : server.credentials;
    }

    /**
     * A URL with the service role's credentials in it, for tests and tools of this JVM that connect on their own
     * ({@code DriverManager.getConnection(url)}). It carries a password: never log it.
     */
    public static synchronized String jdbcUrl() {
        return server == null ? null
                : url() + "?user=" + Credentials.APP_ROLE + "&password=" + server.credentials.appPassword();
    }

    public static synchronized Path dataDir() {
        return server == null ? null : server.cluster.dir();
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
        if (server == null) {
            return;
        }
        Running stopping = server;
        server = null;
        if (!stopping.cluster.stop("fast") && !stopping.cluster.stop("immediate")) {
            LOG.warn("Embedded PostgreSQL did not stop cleanly; its watchdog stops it when this JVM ends");
        } else if (stopping.watchdog != null) {
            stopping.watchdog.close();
        }
        try {
            stopping.lock.release();
            stopping.lock.channel().close();
        } catch (IOException e) {
            LOG.warn("Could not release the lock on {}", stopping.cluster.dir(), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
