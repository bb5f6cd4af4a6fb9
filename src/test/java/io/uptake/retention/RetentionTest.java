package io.uptake.retention;

import io.micronaut.context.annotation.Property;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rows older than their retention setting go, newer ones stay; unprocessed inbound deliveries always stay. */
@MicronautTest(transactional = false)
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = RetentionTest.START_TEXT)
// Small batches, so that a run crosses several of them.
@Property(name = "uptake.retention.batch-size", value = "2")
class RetentionTest {
    static final String START_TEXT = "2026-03-02T10:00:00Z";
    static final Instant START = Instant.parse(START_TEXT);

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TestClock clock;
    @Inject
    Retention retention;
    @Inject
    RetentionSettings settings;

    BlockingHttpClient http;
    String admin;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        clock.set(START);
        http = client.toBlocking();
        admin = new Api(http).adminToken();
    }

    @Test
    void theDefaultsAreThoseOfApplicationYml() {
        assertThat(settings.getRejectedRows()).isEqualTo(Duration.ofDays(30));
        assertThat(settings.getRawInbound()).isEqualTo(Duration.ofDays(90));
        assertThat(settings.getAuditLog()).isEqualTo(Duration.ofDays(2922));
        assertThat(settings.getInterval()).isEqualTo(Duration.ofDays(1));
        assertThat(settings.getBatchSize()).as("set by this test").isEqualTo(2);
    }

    @Test
    void rejectedRowsOlderThanTheSettingAreDeletedAndTheirDownloadSays410() throws Exception {
        post("practices", "practice_code,name,pcn\nY00001,Moss Side,North PCN\n");
        String bad = "nhs_number,given_name,family_name,date_of_birth,practice_code\n"
                + "9434765918,Ann,Able,1960-01-01,Y00001\n9434765918,Bea,Best,1960-01-01,Y00001\n"
                + "9434765918,Cy,Coe,1960-01-01,Y00001\n";
        clock.set(START.minus(Duration.ofDays(30)).minusSeconds(1));
        long old = ((Number) post("patients", bad).get("id")).longValue();
        clock.set(START.minus(Duration.ofDays(30)).plusSeconds(1));
        long recent = ((Number) post("patients", bad).get("id")).longValue();
        clock.set(START);

        Retention.Outcome outcome = retention.run();

        assertThat(outcome.rejectedRows()).isEqualTo(3);
        assertThat(outcome.imports()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM import_rejection WHERE import_id = ?", old)).isZero();
        assertThat(count("SELECT count(*) FROM import_rejection WHERE import_id = ?", recent)).isEqualTo(3);
        assertThat(count("SELECT rejected FROM import_run WHERE id = ?", old)).as("the counts stay").isEqualTo(3);
        assertThatThrownBy(() -> http.retrieve(HttpRequest.GET("/api/imports/" + old + "/rejected.csv").bearerAuth(admin)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(410);
                    assertThat(e.getResponse().getBody(String.class).orElse("")).contains("uptake.retention.rejected-rows");
                });
        assertThat(http.retrieve(HttpRequest.GET("/api/imports/" + recent + "/rejected.csv").bearerAuth(admin), String.class)
                .lines()).hasSize(4);
        assertThat(retention.run().imports()).as("done once").isZero();
    }

    @Test
    void processedRawInboundOlderThanTheSettingGoesButUnprocessedStaysHoweverOld() throws Exception {
        Instant cutoff = START.minus(Duration.ofDays(90));
        long oldProcessed = raw("PROCESSED", cutoff.minusSeconds(3600), cutoff.minusSeconds(1));
        long newProcessed = raw("PROCESSED", cutoff.minusSeconds(3600), cutoff.plusSeconds(1));
        long oldInvalid = raw("INVALID", cutoff.minusSeconds(1), null);
        long oldFailed = raw("FAILED", START.minus(Duration.ofDays(400)), null);
        long oldReceived = raw("RECEIVED", START.minus(Duration.ofDays(400)), null);
        long anotherOld = raw("PROCESSED", cutoff.minus(Duration.ofDays(10)), cutoff.minus(Duration.ofDays(9)));
        long yetAnotherOld = raw("PROCESSED", cutoff.minus(Duration.ofDays(10)), cutoff.minus(Duration.ofDays(9)));

        assertThat(retention.run().rawInbound()).isEqualTo(4);

        assertThat(ids("SELECT id FROM inbound_raw ORDER BY id")).containsExactly(newProcessed, oldFailed, oldReceived);
        assertThat(List.of(oldProcessed, oldInvalid, anotherOld, yetAnotherOld)).doesNotContainAnyElementsOf(
                ids("SELECT id FROM inbound_raw"));
    }

    @Test
    void auditEntriesOlderThanTheSettingGoInBatchesAndTheRunIsItselfAudited() throws Exception {
        Instant cutoff = START.minus(Duration.ofDays(2922));
        List<Long> old = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            old.add(audit(cutoff.minusSeconds(10 + i)));
        }
        long kept = audit(cutoff.plusSeconds(1));

        assertThat(retention.run().auditLog()).isEqualTo(5);

        assertThat(ids("SELECT id FROM audit_log WHERE action = 'TEST'")).containsExactly(kept);
        Map<String, Object> entry = row("SELECT username, action, at, detail FROM audit_log WHERE action = 'RETENTION'");
        assertThat(entry).containsEntry("username", "system").containsEntry("at", Timestamp.from(START));
        assertThat((String) entry.get("detail")).contains("5 audit entries older than 2922 days");
    }

    @Test
    void theAuditLogStaysAppendOnlyForEverythingElse() throws Exception {
        long id = audit(START.minus(Duration.ofDays(5000)));
        assertThatThrownBy(() -> update("DELETE FROM audit_log WHERE id = " + id)).hasMessageContaining("append-only");
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                st.execute("SET LOCAL uptake.retention = 'purge'");
                assertThatThrownBy(() -> st.execute("UPDATE audit_log SET detail = 'x' WHERE id = " + id))
                        .as("an update, even by retention").hasMessageContaining("append-only");
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
        assertThat(ids("SELECT id FROM audit_log WHERE action = 'TEST'")).containsExactly(id);
    }

    private Map<String, Object> post(String kind, String body) {
        return http.exchange(Api.csv(HttpRequest.POST("/api/imports/" + kind, body.getBytes(StandardCharsets.UTF_8)))
                .bearerAuth(admin), Argument.mapOf(String.class, Object.class)).body();
    }

    private long raw(String state, Instant receivedAt, Instant processedAt) throws SQLException {
        return insert("INSERT INTO inbound_raw (message_sid, received_at, body, state, processed_at) "
                        + "VALUES ('SM' || md5(random()::text), ?, ?, ?, ?) RETURNING id",
                Timestamp.from(receivedAt), "Body=x".getBytes(StandardCharsets.US_ASCII), state,
                processedAt == null ? null : Timestamp.from(processedAt));
    }

    private long audit(Instant at) throws SQLException {
        return insert("INSERT INTO audit_log (at, username, action, target) VALUES (?, 'ccc', 'TEST', 't') RETURNING id",
                Timestamp.from(at));
    }

    private long insert(String sql, Object... args) throws SQLException {
        return ((Number) row(sql, args).values().iterator().next()).longValue();
    }

    private long count(String sql, Object... args) throws SQLException {
        return insert(sql, args);
    }

    private List<Long> ids(String sql) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private void update(String sql) throws SQLException {
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private Map<String, Object> row(String sql, Object... args) throws SQLException {
        try (Connection c = Database.raw(dataSource).getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.execute();
            try (ResultSet rs = ps.getResultSet()) {
                assertThat(rs.next()).as(sql).isTrue();
                Map<String, Object> row = new java.util.LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                }
                assertThat(rs.next()).as(sql).isFalse();
                return row;
            }
        }
    }
}
