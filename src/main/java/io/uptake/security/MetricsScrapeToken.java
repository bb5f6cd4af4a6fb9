package io.uptake.security;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import io.micronaut.security.rules.SensitiveEndpointRule;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Lets a Prometheus server scrape /prometheus with a static bearer token (UPTAKE_METRICS_SCRAPE_TOKEN) instead
 * of an ADMIN login, which a scraper cannot do: staff tokens expire and carry patient-data rights it must not
 * have. Unset (the default), only ADMIN users see the metrics. The token opens nothing but /prometheus.
 */
@Singleton
class MetricsScrapeToken implements SecurityRule<HttpRequest<?>> {
    static final int MIN_LENGTH = 32;
    private final byte[] token;

    MetricsScrapeToken(@Nullable @Value("${uptake.metrics.scrape-token:}") String token) {
        if (token != null && !token.isBlank() && token.length() < MIN_LENGTH) {
            throw new IllegalStateException("uptake.metrics.scrape-token (UPTAKE_METRICS_SCRAPE_TOKEN) must be at least "
                    + MIN_LENGTH + " characters, e.g. from `openssl rand -hex 32`");
        }
        this.token = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Publisher<SecurityRuleResult> check(@Nullable HttpRequest<?> request, @Nullable Authentication authentication) {
        if (token == null || request == null || !"/prometheus".equals(request.getPath())) {
            return Publishers.just(SecurityRuleResult.UNKNOWN);
        }
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.startsWith("Bearer ")) {
            return Publishers.just(SecurityRuleResult.UNKNOWN);
        }
        byte[] offered = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        // Constant-time comparison: the token must not be guessable a byte at a time from response timings.
        return Publishers.just(MessageDigest.isEqual(offered, token) ? SecurityRuleResult.ALLOWED : SecurityRuleResult.UNKNOWN);
    }

    @Override
    public int getOrder() {
        return SensitiveEndpointRule.ORDER - 1;
    }
}
