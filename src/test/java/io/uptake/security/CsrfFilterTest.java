package io.uptake.security;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.cookie.Cookie;
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

/**
 * The session cookie authenticates whatever else a request carries, so a request with it needs the page's CSRF
 * token even when it also has an Authorization header: a made-up "Basic" header once let a forged request launch
 * a campaign and create an ADMIN. Only a request without the cookie (a bearer API client) skips the check.
 */
@MicronautTest(transactional = false)
class CsrfFilterTest {
    private static final String MADE_UP_BASIC = "Basic " + java.util.Base64.getEncoder().encodeToString("x:y".getBytes());

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    Csrf csrf;

    BlockingHttpClient http;
    Rows rows;
    String adminToken;
    String cccToken;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        rows = new Rows(dataSource);
        rows.pcn("North PCN");
        Api api = new Api(http);
        adminToken = api.adminToken();
        cccToken = api.user("ccc.north", "CCC", "North PCN");
    }

    @Test
    void aMadeUpAuthorizationHeaderDoesNotExcuseTheCookieFromTheToken() {
        int created = status(HttpRequest.POST("/api/users", newAdmin("forged.admin"))
                .cookie(session(adminToken)).header("Authorization", MADE_UP_BASIC));
        assertThat(created).isEqualTo(403);
        assertThat(rows.queryLong("SELECT count(*) FROM app_user WHERE username = 'forged.admin'")).isZero();

        // The same forgery against the launch of a campaign, with the CCC's cookie: refused before it is read.
        assertThat(status(HttpRequest.POST("/api/campaigns", "{}").cookie(session(cccToken))
                .header("Authorization", MADE_UP_BASIC))).isEqualTo(403);
        // A real bearer token next to the cookie does not excuse it either: the cookie still rides along.
        assertThat(status(HttpRequest.POST("/api/users", newAdmin("forged.two")).cookie(session(adminToken))
                .bearerAuth(adminToken))).isEqualTo(403);
        assertThat(rows.queryLong("SELECT count(*) FROM app_user WHERE username LIKE 'forged.%'")).isZero();
    }

    @Test
    void theCookieWithItsTokenAndABearerClientWithoutACookieAreServed() {
        assertThat(status(HttpRequest.POST("/api/users", newAdmin("page.admin")).cookie(session(adminToken))
                .header(Csrf.HEADER, csrf.tokenFor(adminToken)))).isEqualTo(201);
        assertThat(status(HttpRequest.POST("/api/users", newAdmin("api.admin")).bearerAuth(adminToken))).isEqualTo(201);
    }

    /** The page's session cookie holds the same JWT the API hands out. */
    private static Cookie session(String token) {
        return Cookie.of("UPTAKE_JWT", token);
    }

    private static Map<String, String> newAdmin(String username) {
        return Map.of("username", username, "password", "Correct-horse-battery-staple-7", "role", "ADMIN", "pcn", "");
    }

    private int status(MutableHttpRequest<?> request) {
        try {
            return http.exchange(request, String.class).code();
        } catch (HttpClientResponseException e) {
            return e.code();
        }
    }
}
