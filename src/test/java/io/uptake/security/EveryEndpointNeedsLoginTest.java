package io.uptake.security;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walks every route the service has (so new features are covered without editing this test) and
 * checks that an anonymous API client gets 401, except for the few routes that are open on purpose.
 */
@MicronautTest(transactional = false)
@io.micronaut.context.annotation.Property(name = "micronaut.http.client.follow-redirects", value = "false")
class EveryEndpointNeedsLoginTest {
    /** Open on purpose: health, the two login forms, the root redirect, Twilio's signed webhooks, and the booking links patients open from their texts (a random token each, no patient data; BookingLinkEndToEndTest). */
    private static final Pattern OPEN = Pattern.compile(
            "^(/health.*|/login|/ui/login|/|/webhooks/twilio/.*|/b/[^/]+)$");

    @Inject
    Router router;
    @Inject
    @Client("/")
    HttpClient client;

    @Test
    void anonymousCallsAreRefused() {
        List<String> open = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        int checked = 0;
        for (UriRouteInfo<?, ?> route : router.uriRoutes().toList()) {
            String path = route.getUriMatchTemplate().toString()
                    .replaceAll("\\{[?&][^}]*}", "")
                    .replaceAll("\\{/[^}]*}", "/1")
                    .replaceAll("\\{[^}]*}", "1");
            if (OPEN.matcher(path).matches() || path.startsWith("/swagger") || path.startsWith("/webjars")
                    || path.startsWith("/assets")) {
                continue;
            }
            if (!seen.add(route.getHttpMethod() + " " + path)) {
                continue;
            }
            MediaType consumes = route.getConsumes().isEmpty() ? MediaType.APPLICATION_JSON_TYPE
                    : route.getConsumes().get(0);
            int status = statusOf(route.getHttpMethod(), path, consumes);
            checked++;
            if (status != 401 && status != 303) {
                open.add(route.getHttpMethod() + " " + path + " -> " + status);
            }
        }
        assertThat(checked).as("routes checked").isGreaterThan(3);
        assertThat(open).as("routes answering an anonymous caller with something other than 401").isEmpty();
    }

    /** 401 for API calls; a page answers 303 to the login page instead (checked by its Location). */
    private int statusOf(HttpMethod method, String path, MediaType consumes) {
        MutableHttpRequest<?> request = HttpRequest.create(method, path).accept(MediaType.ALL_TYPE);
        if (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH) {
            request = HttpRequest.create(method, path).body(bodyFor(consumes))
                    .contentType(consumes).accept(MediaType.ALL_TYPE);
        }
        try {
            var response = client.toBlocking().exchange(request, String.class);
            if (response.getStatus().getCode() == 303 && !"/ui/login".equals(response.header("Location"))) {
                return -303;
            }
            return response.getStatus().getCode();
        } catch (HttpClientResponseException e) {
            return e.getStatus().getCode();
        }
    }

    /** A minimal body of the route's own content type, so that the refusal comes from security, not decoding. */
    private static Object bodyFor(MediaType consumes) {
        if (consumes.getName().equals(MediaType.MULTIPART_FORM_DATA)) {
            return io.micronaut.http.client.multipart.MultipartBody.builder().addPart("file", "x.csv",
                    MediaType.TEXT_PLAIN_TYPE, new byte[] {'x'}).build();
        }
        if (consumes.getName().equals(MediaType.APPLICATION_FORM_URLENCODED)) {
            return java.util.Map.of("x", "1");
        }
        return consumes.getSubtype().equals("json") ? "{}" : "";
    }
}
