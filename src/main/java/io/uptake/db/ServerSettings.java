package io.uptake.db;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedded server's settings, passed on its command line. {@code durable} (always, but for the test switch)
 * means a commit the service was told about is on disk: fsync makes PostgreSQL wait for the disk, synchronous
 * commit makes a commit wait for its WAL record, full-page writes let recovery repair pages torn by a power cut.
 */
record ServerSettings(boolean durable) {
    /**
     * The tests' switch for the old speed (fsync and synchronous commit off): a system property only, set by the
     * build's test runner (pom.xml, surefire), never read from the environment or a configuration file, so the
     * service cannot run with it by accident.
     */
    static final String TEST_SWITCH = "uptake.test.database-not-durable";

    static ServerSettings fromSystemProperties() {
        return new ServerSettings(!Boolean.getBoolean(TEST_SWITCH));
    }

    Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("listen_addresses", "127.0.0.1");
        // No Unix socket: the only way in is a password login over loopback.
        m.put("unix_socket_directories", "");
        m.put("password_encryption", "scram-sha-256");
        m.put("fsync", durable ? "on" : "off");
        m.put("synchronous_commit", durable ? "on" : "off");
        m.put("full_page_writes", "on");
        m.put("max_connections", "200");
        // zonky's default, which the service has always run with.
        m.put("timezone", "UTC");
        // Its own log files in the data directory's log/, one per weekday, each overwritten a week later.
        m.put("logging_collector", "on");
        m.put("log_directory", "log");
        m.put("log_filename", "postgresql-%a.log");
        m.put("log_truncate_on_rotation", "on");
        m.put("log_rotation_age", "1d");
        m.put("log_rotation_size", "0");
        return m;
    }
}
