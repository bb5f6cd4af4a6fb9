package io.uptake.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.uptake.db.Credentials.APP_DATABASE;
import static io.uptake.db.Credentials.APP_ROLE;

/**
 * {@code --backup FILE} and {@code --restore FILE} of the embedded database, with PostgreSQL's own pg_dump and
 * pg_restore (custom format). zonky's binaries have neither, so they come from the PostgreSQL client tools
 * (14 or newer) on this machine. A backup may be taken while the service runs: pg_dump reads one consistent
 * snapshot. A restore needs the service stopped; it replaces the whole database, and either finishes or leaves
 * the database as it was.
 */
public final class Backups {
    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
    private static final int OLDEST_SERVER = 14;
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

    private Backups() {
    }

    /** The command line's {@code --backup FILE} / {@code --restore FILE}; returns the exit status. */
    public static int run(String[] args) {
        if (args.length != 2) {
            System.err.println("Usage: --backup FILE | --restore FILE");
            return 2;
        }
        if (DatabaseConfigurer.externalUrl() != null) {
            System.err.println("DATASOURCES_DEFAULT_URL is set: back up and restore an external PostgreSQL with its own"
                    + " pg_dump and pg_restore (README, \"Backup and restore\").");
            return 2;
        }
        DataDirectory dir = DataDirectory.fromEnvironment();
        if (dir.warning() != null) {
            LOG.warn(dir.warning());
        }
        Path file = Path.of(args[1]).toAbsolutePath();
        try {
            if (args[0].equals("--backup")) {
                backup(dir.path(), file);
                System.out.println("Backed up the database in " + dir.path() + " to " + file);
            } else if (args[0].equals("--restore")) {
                restore(dir.path(), file);
                System.out.println("Restored " + file + " into the database in " + dir.path());
            } else {
                System.err.println("Usage: --backup FILE | --restore FILE");
                return 2;
            }
            return 0;
        } catch (IOException | SQLException | RuntimeException e) {
            System.err.println((args[0].equals("--backup") ? "Backup" : "Restore") + " failed: " + e.getMessage());
            LOG.debug("Backup or restore failed", e);
            return 1;
        }
    }

    /**
     * pg_dump of the service's database on {@code dataDir} into {@code file}: from the running service's server
     * if there is one, otherwise from a server started for the purpose. Written beside and moved into place, so
     * a failed backup never leaves a file that looks like one.
     */
    public static void backup(Path dataDir, Path file) throws IOException, SQLException {
        Path pgDump = clientTool("pg_dump");
        Path data = dataDir.toAbsolutePath().normalize();
        if (!Files.exists(data.resolve("PG_VERSION"))) {
            throw new IOException("There is no database in " + data + " (is UPTAKE_DATA_DIR the service's?)");
        }
        if (EmbeddedDatabase.dataDir() != null && !EmbeddedDatabase.dataDir().equals(data)) {
            throw new IllegalStateException("The embedded PostgreSQL of this JVM runs on another directory");
        }
        Optional<PostmasterPid> running = PostmasterPid.read(data).filter(p -> p.runsOn(data) && p.port() > 0);
        boolean ours = running.isEmpty() && !data.equals(EmbeddedDatabase.dataDir());
        if (ours) {
            EmbeddedDatabase.start(data, false);
        }
        try {
            int port = running.map(PostmasterPid::port).orElseGet(EmbeddedDatabase::port);
            Credentials credentials = Credentials.load(data)
                    .orElseThrow(() -> new IOException("No " + Credentials.FILE + " in " + data));
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            // Patient data: readable by the service's user only (pg_dump keeps the mode of a file it overwrites).
            Files.deleteIfExists(partial);
            Files.createFile(partial, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            withPassFile(data, credentials, port, pgpass -> tool(pgpass, pgDump.toString(), "--format=custom",
                    "--host=127.0.0.1", "--port=" + port, "--username=" + APP_ROLE, "--dbname=" + APP_DATABASE,
                    "--no-password", "--file=" + partial));
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (ours) {
                EmbeddedDatabase.stop();
            }
        }
    }

    /**
     * Replaces the service's database on {@code dataDir} (made if there is none) with the backup in {@code file}.
     * The backup goes into a new database first; only when all of it is in (one transaction) does it take the
     * old one's name, and the old one is dropped. The service must be stopped (its lock says whether it runs).
     */
    public static void restore(Path dataDir, Path file) throws IOException, SQLException {
        Path pgRestore = clientTool("pg_restore");
        if (!Files.isReadable(file)) {
            throw new IOException("Cannot read " + file);
        }
        Path data = dataDir.toAbsolutePath().normalize();
        if (EmbeddedDatabase.dataDir() != null) {
            throw new IllegalStateException("The embedded PostgreSQL of this JVM is running: stop it first");
        }
        EmbeddedDatabase.start(data, false);
        try {
            int port = EmbeddedDatabase.port();
            Credentials credentials = EmbeddedDatabase.credentials();
            try (Connection c = AppRole.superuser(port, "template1", credentials); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + AppRole.RESTORING);
                st.execute("DROP DATABASE IF EXISTS " + AppRole.BEFORE_RESTORE);
                st.execute("CREATE DATABASE " + AppRole.RESTORING + " OWNER " + APP_ROLE);
            }
            try (Connection c = AppRole.superuser(port, AppRole.RESTORING, credentials); Statement st = c.createStatement()) {
                AppRole.ownSchema(st);
            }
            withPassFile(data, credentials, port, pgpass -> tool(pgpass, pgRestore.toString(), "--host=127.0.0.1",
                    "--port=" + port, "--username=" + APP_ROLE, "--dbname=" + AppRole.RESTORING, "--no-password",
                    "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", file.toString()));
            try (Connection c = AppRole.superuser(port, "template1", credentials); Statement st = c.createStatement()) {
                // The service is stopped and this JVM's pool does not exist: nobody else is connected.
                st.execute("ALTER DATABASE " + APP_DATABASE + " RENAME TO " + AppRole.BEFORE_RESTORE);
                st.execute("ALTER DATABASE " + AppRole.RESTORING + " RENAME TO " + APP_DATABASE);
                st.execute("DROP DATABASE " + AppRole.BEFORE_RESTORE);
            }
        } finally {
            EmbeddedDatabase.stop();
        }
    }

    private interface WithPassFile {
        void run(Path pgpass) throws IOException;
    }

    private static void withPassFile(Path dataDir, Credentials credentials, int port, WithPassFile work) throws IOException {
        Path pgpass = credentials.pgpass(dataDir, port);
        try {
            work.run(pgpass);
        } finally {
            Files.deleteIfExists(pgpass);
        }
    }

    private static void tool(Path pgpass, String... command) throws IOException {
        ProcessBuilder builder = PostgresBinaries.withCleanEnvironment(new ProcessBuilder(command)).redirectErrorStream(true);
        builder.environment().put("PGPASSFILE", pgpass.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(1, TimeUnit.HOURS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException(Path.of(command[0]).getFileName() + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted", e);
        }
    }

    /**
     * The newest pg_dump or pg_restore of major version 14 or later: on PATH, or where Debian, Red Hat and
     * Homebrew put them.
     */
    static Path clientTool(String name) throws IOException {
        List<Path> candidates = new ArrayList<>();
        for (String dir : Optional.ofNullable(System.getenv("PATH")).orElse("").split(java.io.File.pathSeparator)) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, name));
            }
        }
        for (String parent : List.of("/usr/lib/postgresql", "/usr/local/opt", "/opt/homebrew/opt")) {
            try (Stream<Path> versions = Files.list(Path.of(parent))) {
                versions.forEach(v -> candidates.add(v.resolve("bin").resolve(name)));
            } catch (IOException e) {
                // Not on this system.
            }
        }
        try (Stream<Path> redHat = Files.list(Path.of("/usr"))) {
            redHat.filter(p -> p.getFileName().toString().startsWith("pgsql-"))
                    .forEach(p -> candidates.add(p.resolve("bin").resolve(name)));
        } catch (IOException e) {
            // Not on this system.
        }
        record Tool(Path path, int major) {
        }
        return candidates.stream().filter(Files::isExecutable).distinct()
                .map(p -> new Tool(p, major(p)))
                .filter(t -> t.major() >= OLDEST_SERVER)
                .max(Comparator.comparingInt(Tool::major))
                .map(Tool::path)
                .orElseThrow(() -> new IOException(name + " (PostgreSQL " + OLDEST_SERVER + " or newer) not found: install"
                        + " the PostgreSQL client tools (Debian/Ubuntu: apt-get install postgresql-client; macOS: brew"
                        + " install libpq) or put their bin folder on PATH"));
    }

    private static int major(Path tool) {
        try {
            Process p = PostgresBinaries.withCleanEnvironment(new ProcessBuilder(tool.toString(), "--version"))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            Matcher m = VERSION.matcher(out);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
