package io.uptake.db;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.PostgresProcesses;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Nobody but the service gets into the embedded PostgreSQL, and the service itself cannot use it to read the
 * machine. Before: {@code trust} on loopback (any local user in as superuser, no password), the service connected
 * as that superuser ({@code COPY ... FROM PROGRAM 'env'} showed its JWT secret, Twilio token and admin password,
 * which PostgreSQL had in its environment), and the binaries ran from a world-writable {@code /tmp/embedded-pg}.
 * The build puts stand-ins for secrets (UPTAKE_CANARY_SECRET, TWILIO_CANARY_TOKEN) into this JVM's environment.
 */
@MicronautTest(transactional = false)
class EmbeddedDatabasePrivacyTest {
    @Inject
    DataSource dataSource;

    @Test
    void nobodyGetsInWithoutThePassword() {
        String url = EmbeddedDatabase.url();
        for (String user : List.of("postgres", "uptake")) {
            assertThatThrownBy(() -> connect(url, user, null)).as("%s without a password", user)
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connect(url, user, "postgres")).as("%s with a guessed password", user)
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
            assertThatThrownBy(() -> connect(url.replace("/uptake", "/postgres"), user, ""))
                    .as("%s to the database postgres", user).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void theServiceRoleIsNoSuperuserAndCannotRunPrograms() throws SQLException {
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            try (var rs = st.executeQuery("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("uptake");
                assertThat(rs.getBoolean(2)).isFalse();
            }
            st.execute("CREATE TEMP TABLE environment (line text)");
            assertThatThrownBy(() -> st.execute("COPY environment FROM PROGRAM 'env'"))
                    .isInstanceOf(SQLException.class).satisfies(e -> assertThat(((SQLException) e).getSQLState())
                            .as("insufficient privilege").isEqualTo("42501"));
            assertThatThrownBy(() -> st.executeQuery("SELECT pg_read_file('postgresql.conf')"))
                    .isInstanceOf(SQLException.class);
        }
    }

    @Test
    void theServerListensOnLoopbackOnlyWithPasswords() throws Exception {
        try (Connection c = AppRole.superuser(EmbeddedDatabase.port(), "uptake", EmbeddedDatabase.credentials());
             var st = c.createStatement()) {
            assertThat(show(st, "listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(show(st, "unix_socket_directories")).as("no Unix socket").isEmpty();
        }
        List<String> rules = Files.readAllLines(EmbeddedDatabase.dataDir().resolve("pg_hba.conf")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(rules).isNotEmpty().allSatisfy(l -> assertThat(l).endsWith("scram-sha-256").startsWith("host"));
    }

    @Test
    void postgresProcessesGetNoneOfTheServicesSecrets() {
        assertThat(System.getenv("UPTAKE_CANARY_SECRET")).as("the build's stand-in secret in this JVM").isNotBlank();
        assertThat(System.getenv("TWILIO_CANARY_TOKEN")).isNotBlank();
        long postmaster = PostmasterPid.read(EmbeddedDatabase.dataDir()).orElseThrow().pid();
        assertThat(PostgresProcesses.environment(ProcessHandle.of(postmaster).orElseThrow()))
                .as("the postmaster's environment, readable").anyMatch(v -> v.startsWith("PATH="));
        List<ProcessHandle> processes = PostgresProcesses.on(EmbeddedDatabase.dataDir());
        assertThat(processes).as("postgres processes on %s", EmbeddedDatabase.dataDir()).hasSizeGreaterThan(1);
        for (ProcessHandle p : processes) {
            assertThat(PostgresProcesses.environment(p)).as("environment of postgres pid %d", p.pid())
                    .noneMatch(v -> v.startsWith("UPTAKE_") || v.startsWith("TWILIO_") || v.startsWith("DATASOURCES_")
                            || v.startsWith("MICRONAUT_") || v.startsWith("JWT"));
        }
    }

    @Test
    void thePasswordsAndTheProgramsArePrivate() throws Exception {
        Path credentials = EmbeddedDatabase.dataDir().resolve(Credentials.FILE);
        assertThat(Files.getPosixFilePermissions(credentials, LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getOwner(credentials).getName()).isEqualTo(System.getProperty("user.name"));
        Properties p = new Properties();
        p.load(new java.io.StringReader(Files.readString(credentials, StandardCharsets.UTF_8)));
        assertThat(p.getProperty("app-password")).hasSizeGreaterThanOrEqualTo(32);
        assertThat(Files.getPosixFilePermissions(EmbeddedDatabase.dataDir()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));

        // The programs that run are those of the private cache, which nobody else can write to.
        long postmaster = PostmasterPid.read(EmbeddedDatabase.dataDir()).orElseThrow().pid();
        Path program = Path.of(Files.readString(Path.of("/proc", Long.toString(postmaster), "cmdline")).split("\0")[0]);
        Path cache = PostgresBinaries.prepare().dir();
        assertThat(program).startsWith(cache);
        for (Path dir = cache; dir != null; dir = dir.getParent()) {
            int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            boolean sticky = (mode & 01000) != 0;
            assertThat((mode & 0022) == 0 || sticky).as("%s not writable by others (mode %o)", dir, mode & 07777).isTrue();
        }
        assertThat((Integer) Files.getAttribute(cache, "unix:mode") & 0077).as("%s private", cache).isZero();
        assertThat(Files.getOwner(cache).getName()).isEqualTo(System.getProperty("user.name"));
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(url, p);
    }

    private static String show(java.sql.Statement st, String setting) throws SQLException {
        try (var rs = st.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
