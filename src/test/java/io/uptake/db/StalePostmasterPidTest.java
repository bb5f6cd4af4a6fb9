package io.uptake.db;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A postmaster.pid left by a postmaster that is gone (a kill -9, a power cut) does not stop the next start,
 * whether its PID is free or has been given to another program meanwhile; and that other program is left alone.
 * (PostgreSQL itself refuses to start while the PID in the file is alive: "lock file already exists".)
 * On this JVM's shared server, stopped and started again.
 */
class StalePostmasterPidTest {
    private Process unrelated;

    @AfterEach
    void cleanUp() {
        if (unrelated != null) {
            unrelated.destroyForcibly();
        }
    }

    @Test
    void aStalePidFileIsRemovedAndItsPidLeftAlone() throws Exception {
        DataDirectory data = DataDirectory.fromEnvironment();
        EmbeddedDatabase.start(data.path(), Boolean.getBoolean("uptake.data-fresh"));
        Path dir = EmbeddedDatabase.dataDir();
        EmbeddedDatabase.stop();

        // A PID that has gone.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(30, TimeUnit.SECONDS);
        assertThat(new PostmasterPid(gone.pid(), 5432).runsOn(dir)).isFalse();
        writePidFile(dir, gone.pid());
        EmbeddedDatabase.start(dir, false);
        assertConnects();
        EmbeddedDatabase.stop();

        // A PID that another program has now, working in the data directory even.
        unrelated = new ProcessBuilder("sleep", "600").directory(dir.toFile()).start();
        assertThat(new PostmasterPid(unrelated.pid(), 5432).runsOn(dir)).isFalse();
        writePidFile(dir, unrelated.pid());
        EmbeddedDatabase.start(dir, false);
        assertConnects();
        assertThat(unrelated.isAlive()).as("the program that has the stale PID now").isTrue();
        long postmaster = PostmasterPid.read(dir).orElseThrow().pid();
        assertThat(new PostmasterPid(postmaster, 0).runsOn(dir)).as("the real postmaster is recognised").isTrue();
    }

    /** Its first lines as a postmaster writes them: pid, directory, start time, port, socket folder, address. */
    private static void writePidFile(Path dir, long pid) throws Exception {
        Files.writeString(dir.resolve(PostmasterPid.FILE), pid + "\n" + dir + "\n1700000000\n5432\n\n127.0.0.1\n");
    }

    private static void assertConnects() throws Exception {
        try (Connection c = DriverManager.getConnection(EmbeddedDatabase.jdbcUrl()); var st = c.createStatement();
             var rs = st.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
        }
    }
}
