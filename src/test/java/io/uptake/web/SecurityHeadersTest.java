package io.uptake.web;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every response carries the browser protections; patient data is never cacheable; HSTS only behind https. */
@MicronautTest(transactional = false)
@Property(name = "micronaut.http.client.follow-redirects", value = "false")
class SecurityHeadersTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;

    BlockingHttpClient http;
    String ccc;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        Rows rows = new Rows(dataSource);
        rows.practice("P84001", "Oak Surgery", rows.pcn("North PCN"));
        ccc = new Api(http).user("ccc.north", "CCC", "North PCN");
    }

    @Test
    void aPageAnApiAnswerAndACsvCarryTheHeadersAndAreNotStored() {
        assertProtected(exchange(HttpRequest.GET("/ui/patients").bearerAuth(ccc).accept(MediaType.TEXT_HTML_TYPE)), 200);
        assertProtected(exchange(HttpRequest.GET("/api/patients").bearerAuth(ccc)), 200);
        HttpResponse<String> csv = exchange(HttpRequest.GET("/api/cohorts/fit-non-returners/patients.csv").bearerAuth(ccc));
        assertThat(csv.getContentType()).hasValueSatisfying(t -> assertThat(t.getName()).isEqualTo("text/csv"));
        assertProtected(csv, 200);
    }

    @Test
    void refusalsAndTheLoginPageCarryThemToo() {
        assertProtected(exchange(HttpRequest.GET("/ui/login").accept(MediaType.TEXT_HTML_TYPE)), 200);
        assertProtected(exchange(HttpRequest.GET("/api/patients")), 401);
        assertProtected(exchange(HttpRequest.GET("/api/users").bearerAuth(ccc)), 403);
        assertProtected(exchange(HttpRequest.POST("/api/inbox/1/done", "{}").cookie(
                io.micronaut.http.cookie.Cookie.of("UPTAKE_JWT", ccc))), 403); // the CSRF filter's own refusal
    }

    @Test
    void staticAssetsMayBeCachedButAreStillNotSniffed() {
        HttpResponse<String> css = exchange(HttpRequest.GET("/assets/uptake.css"));
        assertThat(css.code()).isEqualTo(200);
        assertThat(css.header("Cache-Control")).isNotEqualTo("no-store");
        assertThat(css.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void noHstsOverPlainHttpButHstsWhenThePublicUrlIsHttps() {
        assertThat(exchange(HttpRequest.GET("/ui/login")).header("Strict-Transport-Security")).isNull();
        // A second instance of the service, told it is published at an https address (TLS ends in front of it).
        EmbeddedServer tls = ApplicationContext.builder().environments("test")
                .properties(Map.of("uptake.public-url", "https://uptake.example.nhs.uk")).run(EmbeddedServer.class);
        try (HttpClient other = tls.getApplicationContext().createBean(HttpClient.class, tls.getURL())) {
            HttpResponse<String> login = other.toBlocking().exchange(HttpRequest.GET("/ui/login"), String.class);
            assertThat(login.header("Strict-Transport-Security")).isEqualTo("max-age=31536000; includeSubDomains");
        } finally {
            tls.getApplicationContext().close();
        }
    }

    private static void assertProtected(HttpResponse<?> response, int status) {
        assertThat(response.code()).isEqualTo(status);
        String csp = response.header("Content-Security-Policy");
        assertThat(csp).contains("default-src 'self'").contains("script-src 'self'").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Referrer-Policy")).isEqualTo("same-origin");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    }

    private HttpResponse<String> exchange(MutableHttpRequest<?> request) {
        try {
            return http.exchange(request, String.class);
        } catch (HttpClientResponseException e) {
            @SuppressWarnings("unchecked")
            HttpResponse<String> response = (HttpResponse<String>) e.getResponse();
            return response;
        }
    }
}
