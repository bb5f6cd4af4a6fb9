package io.uptake.importing;

import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.NhsNumbers;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Uploads over the size limit get 413; a request that fails late leaves the database as it was. */
@MicronautTest(transactional = false)
@Property(name = "spec.name", value = "ImportFailureTest")
@Property(name = "uptake.importing.max-upload-bytes", value = "2000")
class ImportFailureTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;

    BlockingHttpClient http;
    String admin;

    /** Fails the audit of an events import: the last write of that request. */
    @Singleton
    @Replaces(AuditLog.class)
    @Requires(property = "spec.name", value = "ImportFailureTest")
    static class FailingAuditLog extends AuditLog {
        FailingAuditLog(JdbcOperations jdbc, Clock clock) {
            super(jdbc, clock);
        }

        @Override
        public void record(CurrentUser user, String action, String target, String detail) {
            if ("IMPORT".equals(action) && "events".equals(target)) {
                throw new IllegalStateException("audit store unavailable");
            }
            super.record(user, action, target, detail);
        }
    }

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        admin = new Api(http).adminToken();
    }

    @Test
    void anUploadOverTheLimitIs413() throws Exception {
        String big = "practice_code,name,phone,pcn\n" + "Y00001,A practice,0161 496 0001,North PCN\n".repeat(60);
        assertThat(big.length()).isGreaterThan(2000);
        assertThatThrownBy(() -> http.exchange(Api.csv(HttpRequest.POST("/api/imports/practices", big)).bearerAuth(admin)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(413);
                    assertThat(e.getResponse().getBody(String.class).orElse("")).contains("larger than the upload limit of 2000 bytes");
                });
        assertThat(count("SELECT count(*) FROM practice")).isZero();
    }

    @Test
    void aFailedImportWritesNothing() throws Exception {
        http.exchange(Api.csv(HttpRequest.POST("/api/imports/practices",
                "practice_code,name,pcn\nY00001,Moss Side,North PCN\n")).bearerAuth(admin));
        String nhs = NhsNumbers.next();
        http.exchange(Api.csv(HttpRequest.POST("/api/imports/patients",
                "nhs_number,given_name,family_name,date_of_birth,practice_code\n" + nhs + ",Ann,Able,1960-01-01,Y00001\n"))
                .bearerAuth(admin));
        long runs = count("SELECT count(*) FROM import_run");
        String events = "nhs_number,event_date,event_type\n" + nhs + ",2024-01-01,SMS_OPT_OUT\n" + nhs
                + ",2024-01-02,FIT_KIT_ISSUED\n" + nhs + ",2024-01-03,NOT_A_TYPE\n";
        assertThatThrownBy(() -> http.exchange(Api.csv(HttpRequest.POST("/api/imports/events", events)).bearerAuth(admin)))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(500));
        assertThat(count("SELECT count(*) FROM event")).isZero();
        assertThat(count("SELECT count(*) FROM opt_out_ledger")).isZero();
        assertThat(count("SELECT count(*) FROM import_rejection")).isZero();
        assertThat(count("SELECT count(*) FROM import_run")).isEqualTo(runs);
    }

    long count(String sql) throws java.sql.SQLException {
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
