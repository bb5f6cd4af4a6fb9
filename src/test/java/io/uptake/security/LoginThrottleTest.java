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
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing is slowed per (username, address) and per address with growing delays, answered 429 with the wait;
 * nobody is locked out: the right password from another address always works. The addresses come from the header
 * a reverse proxy would set (UPTAKE_CLIENT_ADDRESS_HEADER); time is the settable test clock.
 */
@MicronautTest(transactional = false)
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = "2026-03-02T09:00:00Z")
@Property(name = "uptake.client-address-header", value = LoginThrottleTest.HEADER)
class LoginThrottleTest {
    static final String HEADER = "X-Real-IP";
    private static final String GUESSER = "203.0.113.66";
    private static final String OFFICE = "198.51.100.10";
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TestClock clock;

    @BeforeEach
    void setUp() {
        clock.set(Instant.parse("2026-03-02T09:00:00Z"));
        Database.reset(dataSource);
    }

    @Test
    void guessingAdminFromOneAddressNeverLocksAdminOut() {
        for (int i = 0; i < 5; i++) {
            assertThat(login("admin", "wrong-guess-" + i, GUESSER).code()).isEqualTo(401);
        }
        HttpResponse<?> slowed = login("admin", "wrong-guess-6", GUESSER);
        assertThat(slowed.code()).isEqualTo(429);
        assertThat(slowed.header("Retry-After")).isEqualTo("1");
        assertThat(message(slowed)).isEqualTo("Too many failed logins: try again in 1 second.");
        // The real admin, elsewhere, is not slowed at all.
        assertThat(login("admin", Api.ADMIN_PASSWORD, OFFICE).code()).isEqualTo(200);
        // Even the right password from the guesser's address waits its turn (it is not checked while slowed).
        assertThat(login("admin", Api.ADMIN_PASSWORD, GUESSER).code()).isEqualTo(429);
        clock.advance(Duration.ofSeconds(1));
        assertThat(login("admin", Api.ADMIN_PASSWORD, GUESSER).code()).isEqualTo(200);
    }

    @Test
    void delaysGrowWithEachFailureAndWaitingDoesNotRenewThem() {
        for (int i = 0; i < 5; i++) {
            login("admin", "wrong-guess-" + i, GUESSER);
        }
        assertThat(retryAfter(login("admin", "wrong", GUESSER))).isEqualTo(1);
        assertThat(retryAfter(login("admin", "wrong", GUESSER))).as("a refused attempt does not count").isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(login("admin", "wrong", GUESSER).code()).isEqualTo(401);
        assertThat(retryAfter(login("admin", "wrong", GUESSER))).isEqualTo(2);
        clock.advance(Duration.ofSeconds(2));
        assertThat(login("admin", "wrong", GUESSER).code()).isEqualTo(401);
        assertThat(retryAfter(login("admin", "wrong", GUESSER))).isEqualTo(4);
        clock.advance(Duration.ofSeconds(3));
        assertThat(retryAfter(login("admin", "wrong", GUESSER))).isEqualTo(1);
        // An hour without failures and the count starts again.
        clock.advance(Duration.ofHours(1));
        assertThat(login("admin", "wrong", GUESSER).code()).isEqualTo(401);
        assertThat(login("admin", Api.ADMIN_PASSWORD, GUESSER).code()).isEqualTo(200);
    }

    @Test
    void oneAddressTryingManyUsernamesIsSlowed() {
        int slowedAt = -1;
        for (int i = 0; i < 30; i++) {
            HttpResponse<?> r = login("staff" + i + ".north", "Summer2026!", GUESSER);
            if (r.code() == 429) {
                slowedAt = i;
                break;
            }
            assertThat(r.code()).isEqualTo(401);
        }
        assertThat(slowedAt).as("the attempt that was slowed: the 21st, after 20 free failures").isEqualTo(20);
        // Another address is not.
        assertThat(login("staff99.north", "Summer2026!", OFFICE).code()).isEqualTo(401);
    }

    @Test
    void successDoesNotCountAsAFailure() {
        for (int i = 0; i < 40; i++) {
            assertThat(login("admin", Api.ADMIN_PASSWORD, OFFICE).code()).isEqualTo(200);
        }
        Rows rows = new Rows(dataSource);
        assertThat(rows.queryLong("SELECT failures FROM login_throttle WHERE key = ?", "address:" + OFFICE)).isZero();
    }

    @Test
    void theCountersAreInTheDatabaseSoEveryInstanceSeesThem() {
        for (int i = 0; i < 5; i++) {
            login("admin", "wrong-guess-" + i, GUESSER);
        }
        Rows rows = new Rows(dataSource);
        assertThat(rows.queryLong("SELECT failures FROM login_throttle WHERE key = ?", "user:admin@" + GUESSER))
                .isEqualTo(5);
        assertThat(rows.queryLong("SELECT failures FROM login_throttle WHERE key = ?", "address:" + GUESSER))
                .isEqualTo(5);
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE action = 'LOGIN_FAILED' AND detail LIKE ?",
                "address=" + GUESSER + "%")).isEqualTo(5);
    }

    private HttpResponse<?> login(String username, String password, String address) {
        try {
            return client.toBlocking().exchange(HttpRequest.POST("/login",
                    Map.of("username", username, "password", password)).header(HEADER, address), Map.class);
        } catch (HttpClientResponseException e) {
            return e.getResponse();
        }
    }

    private static long retryAfter(HttpResponse<?> response) {
        assertThat(response.code()).isEqualTo(429);
        return Long.parseLong(response.header("Retry-After"));
    }

    private static String message(HttpResponse<?> response) {
        return String.valueOf(response.getBody(Map.class).orElseThrow().get("message"));
    }
}
