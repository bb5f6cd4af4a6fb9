package io.uptake.security;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.user.PcnRepository;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@MicronautTest(transactional = false)
// The dispatcher and Quartz run here (the test environment keeps them off): the backlog gauge and the
// readiness check are theirs.
@Property(name = "uptake.campaign.dispatcher.enabled", value = "true")
@Property(name = "uptake.campaign.quartz.auto-start", value = "true")
class LoginAndAccessTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    PcnRepository pcns;
    @Inject
    Clock clock;

    Api api;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        api = new Api(client.toBlocking());
    }

    @Test
    void healthIsOpenAndUp() {
        Map<?, ?> body = client.toBlocking().retrieve(HttpRequest.GET("/health"), Map.class);
        assertThat(body.get("status")).isEqualTo("UP");
    }

    @Test
    void apiNeedsALogin() {
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.GET("/api/users")))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(HttpStatus.UNAUTHORIZED.getCode()));
    }

    @Test
    void adminCreatesACccWhoCannotManageUsers() {
        pcns.ensure("North PCN", clock.instant());
        String ccc = api.user("ccc.north", "CCC", "North PCN");
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.GET("/api/users").bearerAuth(ccc)))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(HttpStatus.FORBIDDEN.getCode()));
    }

    @Test
    void unknownPcnIsExplained() {
        String admin = api.adminToken();
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/api/users",
                        Map.of("username", "lead.x", "password", "long-enough-pw", "role", "LEAD", "pcn", "Nowhere PCN"))
                .bearerAuth(admin), Map.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(HttpStatus.BAD_REQUEST.getCode());
                    assertThat(e.getResponse().getBody(String.class).orElse("")).contains("no PCN named 'Nowhere PCN'");
                });
    }
}
