package io.uptake.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Stops the embedded PostgreSQL when the service's JVM dies without stopping it (kill -9, the OOM killer, a
 * crash): a small shell process whose standard input is a pipe from the JVM. It reads until end of file, which
 * comes when the JVM's end of the pipe closes, and the kernel closes it whatever way the JVM ends; then it sends
 * the postmaster SIGINT (a fast shutdown: open transactions roll back, a checkpoint, a clean stop), if
 * postmaster.pid still names it.
 * <p>
 * Why this way: PostgreSQL cannot watch the JVM itself (pg_ctl detaches the postmaster from the JVM into a session
 * of its own); Linux's parent-death signal is out of Java's reach and fires when the forking <em>thread</em> ends;
 * polling the JVM's PID ({@code kill -0}) can mistake a new process that got the PID for the JVM. End of file on
 * the pipe needs no polling and cannot be mistaken, and checking postmaster.pid first keeps it from signalling a
 * PID reused after a clean stop. It ignores SIGINT and SIGHUP, which a terminal sends to the whole process group:
 * then the service stops the database itself, in order. If the watchdog is killed as well, the next start finds
 * the orphan ({@link Cluster#stopLeftover}).
 */
final class Watchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    static final String NAME = "uptake-postgres-watchdog";
    private static final String SCRIPT = """
            trap '' INT HUP QUIT
            while read -r line; do :; done
            if [ "$(head -n 1 "$2/postmaster.pid" 2>/dev/null)" = "$1" ]; then kill -INT "$1"; fi
            """;

    private final Process process;

    private Watchdog(Process process) {
        this.process = process;
    }

    /** Null where there is no POSIX shell (Windows): there an orphan is only found at the next start. */
    static Watchdog start(long postmasterPid, Path dataDir) {
        if (System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).startsWith("windows")) {
            LOG.warn("No watchdog for the embedded PostgreSQL on Windows: if the service is killed, it keeps running");
            return null;
        }
        ProcessBuilder builder = PostgresBinaries.withCleanEnvironment(new ProcessBuilder(List.of("/bin/sh", "-c",
                SCRIPT, NAME, Long.toString(postmasterPid), dataDir.toString())));
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            return new Watchdog(builder.start());
        } catch (IOException e) {
            LOG.warn("Could not start the embedded PostgreSQL's watchdog: if the service is killed, it keeps running", e);
            return null;
        }
    }

    long pid() {
        return process.pid();
    }

    /** After the service stopped the server itself: the watchdog has nothing left to do. */
    @Override
    public void close() {
        process.destroy();
    }
}
