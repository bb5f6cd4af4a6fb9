package io.uptake.security;

import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An unknown username costs the same password check as a real one, so the answer's speed does not tell which
 * usernames exist. Tested as logic (the hash check happens); the speed itself belongs in a benchmark.
 */
@MicronautTest(transactional = false)
@Property(name = "spec.name", value = "LoginTimingTest")
class LoginTimingTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    CountingHasher hasher;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
    }

    @Test
    void anUnknownUsernameIsCheckedAgainstAHashToo() {
        int before = hasher.checks.get();
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/login",
                Map.of("username", "nobody.at.all", "password", "some-guess-here"))))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(401));
        assertThat(hasher.checks.get() - before).isEqualTo(1);
        // The dummy hash costs what a real user's does (bcrypt 10 in service; PasswordHasherTest).
        assertThat(hasher.lastHash).startsWith(hasher.hashPrefix());
    }

    @Test
    void aRealUsernameWithAWrongPasswordCostsTheSame() {
        int before = hasher.checks.get();
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/login",
                Map.of("username", "admin", "password", "some-guess-here"))))
                .isInstanceOf(HttpClientResponseException.class);
        assertThat(hasher.checks.get() - before).isEqualTo(1);
    }

    /** The real hasher, counting its checks. */
    @Singleton
    @Replaces(PasswordHasher.class)
    @Requires(property = "spec.name", value = "LoginTimingTest")
    static class CountingHasher extends PasswordHasher {
        final AtomicInteger checks = new AtomicInteger();
        volatile String lastHash;

        @Override
        public boolean matches(String password, String hash) {
            checks.incrementAndGet();
            lastHash = hash;
            return super.matches(password, hash);
        }
    }
}
