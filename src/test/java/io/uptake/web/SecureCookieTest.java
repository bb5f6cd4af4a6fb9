package io.uptake.web;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Served over HTTPS (by its public URL), the session cookie is Secure, with no other setting to remember. */
@MicronautTest(transactional = false)
@Property(name = "micronaut.http.client.follow-redirects", value = "false")
@Property(name = "uptake.public-url", value = "https://uptake.example.nhs.uk")
class SecureCookieTest {
    @Inject
    @Client("/")
    HttpClient client;

    @Test
    void theCookieIsSecureBehindHttps() {
        HttpResponse<String> response = client.toBlocking().exchange(HttpRequest.POST("/ui/login",
                        Map.of("username", "admin", "password", Api.ADMIN_PASSWORD))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED), String.class);
        assertThat(response.code()).isEqualTo(303);
        assertThat(response.getCookie(WebSessionTestSupport.COOKIE))
                .hasValueSatisfying(c -> assertThat(c.isSecure()).isTrue());
    }
}
