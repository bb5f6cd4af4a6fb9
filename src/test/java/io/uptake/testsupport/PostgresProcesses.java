package io.uptake.testsupport;

import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The PostgreSQL of a data directory, seen from outside as a test (or an operator) sees it: its processes in
 * /proc, and a connection as the service's role with the passwords from the directory's credentials file.
 */
public final class PostgresProcesses {
    private PostgresProcesses() {
    }

    /**
     * Processes of this data directory's PostgreSQL: the postmaster names it on its command line, and every
     * postgres process works in it (backends rewrite their command line, not their working directory).
     */
    public static List<ProcessHandle> on(Path dataDir) {
        String path = dataDir.toAbsolutePath().normalize().toString();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            String cmdline = Files.readString(p.resolve("cmdline"), StandardCharsets.UTF_8);
                            if (cmdline.contains("postgres") && cmdline.contains(path)) {
                                return true;
                            }
                        } catch (IOException | RuntimeException e) {
                            // Gone, or not ours to read.
                        }
                        try {
                            return Files.readSymbolicLink(p.resolve("cwd")).toString().equals(path);
                        } catch (IOException | RuntimeException e) {
                            return false;
                        }
                    })
                    .map(p -> ProcessHandle.of(Long.parseLong(p.getFileName().toString())))
                    .flatMap(Optional::stream)
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** NAME=value entries of a process's environment (empty if it has gone). */
    public static List<String> environment(ProcessHandle process) {
        try {
            String environ = Files.readString(Path.of("/proc", Long.toString(process.pid()), "environ"),
                    StandardCharsets.ISO_8859_1);
            return Stream.of(environ.split("\0")).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The postmaster's PID from postmaster.pid, if there is one. */
    public static Optional<Long> postmaster(Path dataDir) {
        try {
            return Optional.of(Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The service's database on this data directory's running server, as the service's role. */
    public static DataSource dataSource(Path dataDir) {
        try {
            List<String> pid = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            Properties credentials = new Properties();
            credentials.load(new java.io.StringReader(Files.readString(dataDir.resolve("uptake-credentials.properties"))));
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setServerNames(new String[] {"127.0.0.1"});
            ds.setPortNumbers(new int[] {Integer.parseInt(pid.get(3).trim())});
            ds.setDatabaseName("uptake");
            ds.setUser("uptake");
            ds.setPassword(credentials.getProperty("app-password"));
            return ds;
        } catch (IOException e) {
            throw new IllegalStateException("No running server on " + dataDir, e);
        }
    }
}
