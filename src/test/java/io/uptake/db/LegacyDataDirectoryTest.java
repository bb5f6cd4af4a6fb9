package io.uptake.db;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Json;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A data directory made by an earlier version, as it made them: zonky's EmbeddedPostgres ({@code trust}, no
 * passwords), and Flyway run as the superuser in the database {@code postgres}. A start migrates it: passwords,
 * pg_hba.conf, the database renamed {@code uptake} and everything in it (Flyway's history and Quartz's tables
 * included) owned by the role {@code uptake}; the service runs on it as that role, Quartz and Flyway too, and
 * the data is all there. The JVM's shared server is stopped meanwhile: one PostgreSQL at a time.
 */
class LegacyDataDirectoryTest {
    private final Path dir = Path.of("target", "legacy-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();

    @Test
    void aDirectoryOfTheEarlierVersionGetsPasswordsAndTheServiceRole() throws Exception {
        Path dataDir = dir.resolve("pg");
        EmbeddedDatabase.stop();
        String previous = System.getProperty("ot.epg.working-dir");
        // zonky's binaries and scratch directories in this test's folder, not in the shared /tmp/embedded-pg.
        System.setProperty("ot.epg.working-dir", dir.resolve("zonky").toString());
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                .start()) {
            Flyway.configure().dataSource(old.getPostgresDatabase()).locations("classpath:db/migration").load().migrate();
            try (Connection c = old.getPostgresDatabase().getConnection(); var st = c.createStatement()) {
                st.execute("INSERT INTO pcn (name, created_at) VALUES ('Legacy PCN', now())");
            }
        } finally {
            if (previous == null) {
                System.clearProperty("ot.epg.working-dir");
            } else {
                System.setProperty("ot.epg.working-dir", previous);
            }
        }
        assertThat(Files.readString(dataDir.resolve("pg_hba.conf"))).contains("trust");

        try {
            EmbeddedDatabase.start(dataDir, false);
            String superuserUrl = AppRole.url(EmbeddedDatabase.port(), "postgres");
            assertThatThrownBy(() -> DriverManager.getConnection(superuserUrl + "?user=postgres"))
                    .as("the superuser without a password").isInstanceOf(SQLException.class);
            assertThat(Files.readString(dataDir.resolve("pg_hba.conf"))).doesNotContain("trust");
            try (Connection c = AppRole.superuser(EmbeddedDatabase.port(), "uptake", EmbeddedDatabase.credentials());
                 var st = c.createStatement()) {
                assertThat(strings(st, """
                        SELECT c.relname || ' ' || pg_get_userbyid(c.relowner) FROM pg_class c
                        WHERE c.relnamespace = 'public'::regnamespace AND c.relowner <> 'uptake'::regrole
                        UNION ALL SELECT p.proname || ' ' || pg_get_userbyid(p.proowner) FROM pg_proc p
                        WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> 'uptake'::regrole""")).isEmpty();
                assertThat(strings(st, """
                        SELECT relname FROM pg_class WHERE relowner = 'uptake'::regrole
                        AND relname IN ('flyway_schema_history', 'qrtz_triggers', 'opt_out_ledger')"""))
                        .containsExactlyInAnyOrder("flyway_schema_history", "qrtz_triggers", "opt_out_ledger");
                assertThat(strings(st, "SELECT name FROM pcn")).containsExactly("Legacy PCN");
            }
            try (Connection c = AppRole.superuser(EmbeddedDatabase.port(), "postgres", EmbeddedDatabase.credentials());
                 var st = c.createStatement()) {
                assertThat(strings(st, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
                        .as("a new, empty database postgres").isEmpty();
            }

            // The service on it, as the role: Flyway validates, Quartz runs on its tables, the API writes.
            try (EmbeddedServer service = ApplicationContext.builder().environments("test")
                    .properties(Map.of("uptake.campaign.quartz.auto-start", true)).run(EmbeddedServer.class);
                 HttpClient client = HttpClient.create(service.getURL())) {
                new Api(client.toBlocking()).user("ccc.legacy", "CCC", "Legacy PCN");
                String health = client.toBlocking().retrieve(HttpRequest.GET("/health"), String.class);
                assertThat(health).contains("\"UP\"");
                List<Map<String, Object>> users = client.toBlocking().retrieve(HttpRequest.GET("/api/users")
                        .bearerAuth(new Api(client.toBlocking()).adminToken()), Json.OBJECTS);
                assertThat(users).anySatisfy(u -> assertThat(u.get("pcn")).isEqualTo("Legacy PCN"));
            }
        } finally {
            EmbeddedDatabase.stop();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static List<String> strings(java.sql.Statement st, String sql) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (var rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
