package io.uptake.security;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.TestClock;
import io.uptake.testsupport.Json;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A login is a session on the server: logout ends it at once, an idle one ends after the idle timeout, and every
 * one ends at its absolute lifetime, whatever the token's own expiry says. Time is the settable test clock.
 */
@MicronautTest(transactional = false)
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = SessionsTest.START)
class SessionsTest {
    static final String START = "2026-03-02T09:00:00Z";
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TestClock clock;

    Api api;
    Rows rows;

    @BeforeEach
    void setUp() {
        clock.set(Instant.parse(START));
        Database.reset(dataSource);
        api = new Api(client.toBlocking());
        rows = new Rows(dataSource);
    }

    @Test
    void tokensCarryAnId() {
        String payload = new String(Base64.getUrlDecoder().decode(api.adminToken().split("\\.")[1]));
        assertThat(payload).containsPattern("\"jti\":\"[0-9a-f-]{36}\"");
    }

    @Test
    void logoutEndsABearerTokenAtOnce() {
        String token = api.adminToken();
        assertThat(status(token)).isEqualTo(200);
        HttpResponse<Map<String, Object>> out = client.toBlocking().exchange(HttpRequest.POST("/logout", "").bearerAuth(token), Json.OBJECT);
        assertThat(out.code()).isEqualTo(200);
        assertThat(status(token)).isEqualTo(401);
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE action = 'LOGOUT' AND username = 'admin'"
                + " AND detail LIKE 'address=127.0.0.1%'")).isEqualTo(1);
        // Other sessions of the same user go on.
        assertThat(status(api.adminToken())).isEqualTo(200);
    }

    @Test
    void anIdleSessionEndsAfterTheIdleTimeout() {
        String token = api.adminToken();
        clock.advance(Duration.ofMinutes(29));
        assertThat(status(token)).isEqualTo(200);
        clock.advance(Duration.ofMinutes(29));
        assertThat(status(token)).as("58 minutes after login, 29 after the last request").isEqualTo(200);
        clock.advance(Duration.ofMinutes(30));
        assertThat(status(token)).as("30 minutes after the last request").isEqualTo(401);
    }

    @Test
    void activityIsWrittenAtMostOnceAMinute() {
        String token = api.adminToken();
        Instant login = clock.instant();
        clock.advance(Duration.ofSeconds(40));
        assertThat(status(token)).isEqualTo(200);
        assertThat(lastSeen()).isEqualTo(login);
        clock.advance(Duration.ofSeconds(30));
        assertThat(status(token)).isEqualTo(200);
        assertThat(lastSeen()).isEqualTo(login.plusSeconds(70));
    }

    @Test
    void everySessionEndsAtItsAbsoluteLifetime() {
        String token = api.adminToken();
        for (int i = 0; i < 23; i++) {
            clock.advance(Duration.ofMinutes(20));
            assertThat(status(token)).isEqualTo(200);
        }
        clock.advance(Duration.ofMinutes(20)); // 8 h after login, active all along
        assertThat(status(token)).isEqualTo(401);
    }

    @Test
    void backgroundPollingAndTheStatusCallDoNotKeepASessionAlive() {
        String token = api.adminToken();
        clock.advance(Duration.ofMinutes(20));
        assertThat(client.toBlocking().exchange(HttpRequest.GET("/api/users").bearerAuth(token)
                .header(SessionClaimsValidator.BACKGROUND_HEADER, "true")).code()).isEqualTo(200);
        Map<?, ?> left = client.toBlocking().retrieve(HttpRequest.GET("/ui/session").bearerAuth(token), Map.class);
        assertThat(((Number) left.get("idleSecondsLeft")).longValue()).isEqualTo(600);
        assertThat(((Number) left.get("idleWarningSeconds")).longValue()).isEqualTo(120);
        clock.advance(Duration.ofMinutes(10));
        assertThat(status(token)).isEqualTo(401);
    }

    @Test
    void staySignedInCountsAsActivityAtOnce() {
        String token = api.adminToken();
        clock.advance(Duration.ofSeconds(20));
        Map<?, ?> left = client.toBlocking().retrieve(HttpRequest.POST("/ui/session", "").bearerAuth(token), Map.class);
        assertThat(((Number) left.get("idleSecondsLeft")).longValue()).isEqualTo(1800);
        assertThat(lastSeen()).isEqualTo(clock.instant());
    }

    @Test
    void endedSessionsArePurgedAtTheNextLogin() {
        api.adminToken();
        api.adminToken();
        clock.advance(Duration.ofMinutes(31));
        api.adminToken();
        assertThat(rows.queryLong("SELECT count(*) FROM staff_session")).isEqualTo(1);
    }

    @Test
    void aTokenWithoutASessionIsRefused() {
        String token = api.adminToken();
        rows.execute("DELETE FROM staff_session");
        assertThat(status(token)).isEqualTo(401);
    }

    private int status(String token) {
        try {
            return client.toBlocking().exchange(HttpRequest.GET("/api/users").bearerAuth(token)).code();
        } catch (HttpClientResponseException e) {
            return e.code();
        }
    }

    private Instant lastSeen() {
        return Instant.ofEpochMilli(rows.queryLong(
                "SELECT (extract(epoch FROM max(last_seen_at)) * 1000)::bigint FROM staff_session"));
    }
}
