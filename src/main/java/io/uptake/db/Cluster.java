package io.uptake.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One PostgreSQL data directory and the programs that work on it: initdb, single-user mode, pg_ctl. We run them
 * ourselves instead of through zonky's {@code EmbeddedPostgres}, which starts them with the service's whole
 * environment (its secrets included), sets up {@code trust} authentication, and always passes {@code -F}
 * (fsync off); zonky still supplies the binaries.
 */
final class Cluster {
    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
    /** The lock a running service holds on its data directory (zonky's name, so an older service counts too). */
    static final String LOCK = "epg-lock";
    private static final long STOP_SECONDS = 60;

    private final Path dir;
    private final PostgresBinaries binaries;

    Cluster(Path dir, PostgresBinaries binaries) {
        this.dir = dir.toAbsolutePath().normalize();
        this.binaries = binaries;
    }

    Path dir() {
        return dir;
    }

    boolean exists() {
        return Files.exists(dir.resolve("PG_VERSION"));
    }

    /** A new cluster whose superuser has the given password (SCRAM); nothing can log in without one. */
    void create(Credentials credentials) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.anyMatch(p -> !p.getFileName().toString().equals(LOCK))) {
                throw new IOException(dir + " is neither empty nor a PostgreSQL data directory: choose another"
                        + " UPTAKE_DATA_DIR");
            }
        }
        Files.deleteIfExists(dir.resolve(LOCK));
        Path pwfile = Files.createTempFile("uptake-initdb", ".pw", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(pwfile, credentials.superuserPassword(), StandardCharsets.UTF_8);
            run(binaries.process("initdb", List.of("-D", dir.toString(), "-U", Credentials.SUPERUSER,
                    "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF-8")), null, "initdb");
        } finally {
            Files.deleteIfExists(pwfile);
        }
        LOG.info("Created a PostgreSQL cluster in {}", dir);
    }

    /**
     * Takes the directory's lock, which the service holds while it runs: null when another live process holds
     * it (another service on the same directory). The lock goes with the process that holds it, however it ends.
     */
    FileLock lock() throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
        }
        return lock;
    }

    /**
     * A postmaster left running by an earlier run on this directory (its service was killed, and its watchdog
     * too) is stopped, as pg_ctl stops one: a fast shutdown, then an immediate one if that does not end it.
     * A postmaster.pid whose process is gone, or is not a postgres on this directory, is removed. Only called
     * while holding the lock, so no live service of ours uses that postmaster.
     */
    void stopLeftover() throws IOException {
        var pid = PostmasterPid.read(dir);
        if (pid.isEmpty()) {
            return;
        }
        if (!pid.get().runsOn(dir)) {
            LOG.info("Removed a stale {} (pid {} is not a PostgreSQL of this directory) from {}", PostmasterPid.FILE,
                    pid.get().pid(), dir);
            Files.deleteIfExists(dir.resolve(PostmasterPid.FILE));
            return;
        }
        LOG.warn("PostgreSQL pid {} is still running on {}, left by an earlier run of the service that ended without"
                + " stopping it: stopping it (fast shutdown) before starting our own", pid.get().pid(), dir);
        if (!stop("fast") && !stop("immediate")) {
            throw new IOException("Could not stop PostgreSQL pid " + pid.get().pid() + ", left running on " + dir
                    + " by an earlier run; stop it yourself (kill -INT " + pid.get().pid() + ")");
        }
        LOG.warn("Stopped PostgreSQL pid {} left running on {} by an earlier run", pid.get().pid(), dir);
    }

    /**
     * Sets the superuser's password in single-user mode, where nobody can connect: the way into a cluster made
     * by an earlier version, whose pg_hba.conf let anyone on this machine in without a password.
     */
    void setSuperuserPassword(String password) throws IOException {
        run(binaries.process("postgres", List.of("--single", "-D", dir.toString(), "-c", "logging_collector=off",
                        "-c", "log_min_error_statement=panic", Credentials.SUPERUSER)),
                "ALTER ROLE " + Credentials.SUPERUSER + " WITH PASSWORD '" + password + "';\n", "postgres --single");
    }

    /** Password (SCRAM) logins over loopback TCP only; written at every start, so an older or edited file goes. */
    void writeHba() throws IOException {
        Path tmp = dir.resolve("pg_hba.conf.tmp");
        Files.writeString(tmp, """
                # Written by Uptake at every start (io.uptake.db.Cluster): edits here are replaced.
                # Password (SCRAM) logins over loopback only; the server has no Unix socket.
                # TYPE  DATABASE  USER  ADDRESS        METHOD
                host    all       all   127.0.0.1/32   scram-sha-256
                host    all       all   ::1/128        scram-sha-256
                """, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, dir.resolve("pg_hba.conf"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Starts the postmaster with pg_ctl (which puts it in a session of its own, so a Ctrl-C meant for the service
     * does not reach it) and returns its PID. The settings are on its command line, which beats postgresql.conf
     * and ALTER SYSTEM.
     */
    long start(int port, ServerSettings settings) throws IOException {
        Files.createDirectories(dir.resolve("log"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        List<String> options = new ArrayList<>(List.of("-p", Integer.toString(port)));
        settings.asMap().forEach((k, v) -> {
            options.add("-c");
            options.add(k + "=" + v);
        });
        try {
            run(binaries.process("pg_ctl", List.of("-D", dir.toString(), "-l", dir.resolve("log/startup.log").toString(),
                    "-w", "-t", "120", "-s", "-o", String.join(" ", options), "start")), null, "pg_ctl start");
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "\nThe end of PostgreSQL's log in " + dir.resolve("log") + ":\n"
                    + logTail(), e);
        }
        return PostmasterPid.read(dir).map(PostmasterPid::pid)
                .orElseThrow(() -> new IOException("PostgreSQL started on " + dir + " but wrote no " + PostmasterPid.FILE));
    }

    /** A clean stop in the given pg_ctl mode ("fast": transactions rolled back, then a checkpoint). */
    boolean stop(String mode) {
        try {
            run(binaries.process("pg_ctl", List.of("-D", dir.toString(), "-m", mode, "-w", "-t",
                    Long.toString(STOP_SECONDS), "-s", "stop")), null, "pg_ctl stop");
            return true;
        } catch (IOException e) {
            LOG.warn("PostgreSQL on {} did not stop ({} mode): {}", dir, mode, e.getMessage());
            return false;
        }
    }

    /** The last lines of PostgreSQL's logs (startup and server), for a start that failed. */
    String logTail() {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> logs = Files.list(dir.resolve("log"))) {
            List<Path> byTime = logs.sorted(Comparator.comparing(p -> p.toFile().lastModified())).toList();
            for (Path log : byTime.subList(Math.max(0, byTime.size() - 2), byTime.size())) {
                List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
                lines.add("== " + log.getFileName());
                lines.addAll(all.subList(Math.max(0, all.size() - 15), all.size()));
            }
        } catch (IOException | RuntimeException e) {
            lines.add("(no log: " + e.getMessage() + ")");
        }
        return String.join("\n", lines);
    }

    /** Runs a program to its end; its output goes to our log at debug, and into the exception if it fails. */
    private static void run(ProcessBuilder builder, String input, String what) throws IOException {
        builder.redirectErrorStream(true);
        Process process = builder.start();
        try (OutputStream stdin = process.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(what + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted", e);
        }
        LOG.debug("{}: {}", what, output);
        if (process.exitValue() != 0 || output.contains("FATAL:") || output.contains("ERROR:")) {
            throw new IOException(what + " failed (exit " + process.exitValue() + "): " + output.strip());
        }
    }
}
