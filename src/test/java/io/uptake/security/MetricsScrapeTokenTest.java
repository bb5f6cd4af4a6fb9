package io.uptake.security;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A Prometheus server scrapes with the configured token; the token opens nothing else, and a wrong one nothing. */
@MicronautTest(transactional = false)
@Property(name = "uptake.metrics.scrape-token", value = MetricsScrapeTokenTest.TOKEN)
// The dispatcher and Quartz run here (the test environment keeps them off): the backlog gauge and the
// readiness check are theirs.
@Property(name = "uptake.campaign.dispatcher.enabled", value = "true")
@Property(name = "uptake.campaign.quartz.auto-start", value = "true")
class MetricsScrapeTokenTest {
    static final String TOKEN = "test-scrape-token-0123456789abcdef0123456789";
    @Inject
    @Client("/")
    HttpClient client;

    @Test
    void theScraperReadsMetricsWithItsToken() {
        HttpResponse<String> response = client.toBlocking().exchange(
                HttpRequest.GET("/prometheus").bearerAuth(TOKEN), String.class);
        assertThat(response.code()).isEqualTo(200);
        assertThat(response.body()).contains("uptake_dispatcher_backlog");
    }

    @Test
    void aWrongTokenOrAnotherEndpointIsRefused() {
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.GET("/prometheus")))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(401));
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.GET("/prometheus/")
                        .bearerAuth(TOKEN)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isIn(401, 404));
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.GET("/prometheus").bearerAuth(TOKEN + "x")))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(401));
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.GET("/api/audit").bearerAuth(TOKEN)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(401));
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.GET("/api/campaigns").bearerAuth(TOKEN)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(401));
    }

    @Test
    void adminsStillReadMetricsWithTheirLogin() {
        String admin = new Api(client.toBlocking()).adminToken();
        assertThat(client.toBlocking().exchange(HttpRequest.GET("/prometheus").bearerAuth(admin), String.class).code())
                .isEqualTo(200);
    }

    @Test
    void aShortTokenIsRefusedAtStart() {
        assertThatThrownBy(() -> new MetricsScrapeToken("too-short"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least 32");
    }
}
