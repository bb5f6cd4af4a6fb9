package io.uptake.web;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The browser's session: cookie login, CSRF on form posts, escaped output, audit of logins. */
@MicronautTest(transactional = false)
@Property(name = "micronaut.http.client.follow-redirects", value = "false")
class WebSessionTest {
    private static final Pattern CSRF = Pattern.compile("X-CSRF-Token&quot;: &quot;([0-9a-f]+)&quot;");

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;

    @BeforeEach
    void setUp() throws Exception {
        Database.reset(dataSource);
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            st.execute("INSERT INTO pcn (name, created_at) VALUES ('North PCN', now())");
            st.execute("""
                    INSERT INTO practice (code, name, phone, pcn_id, created_at, updated_at)
                    SELECT 'P84001', '<script>alert(1)</script> Surgery', '0161 000 0000', id, now(), now()
                    FROM pcn WHERE name = 'North PCN'""");
        }
    }

    @Test
    void loginPageSetsAnHttpOnlyStrictCookie() {
        Cookie session = login();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).hasValueSatisfying(s -> assertThat(s.name()).isEqualTo("Strict"));
    }

    @Test
    void wrongPasswordShowsTheFormAgainWithoutACookie() {
        HttpResponse<String> response = client.toBlocking().exchange(HttpRequest.POST("/ui/login",
                        Map.of("username", "admin", "password", "not-it"))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED), String.class);
        assertThat(response.getCookie(WebSessionTestSupport.COOKIE)).isEmpty();
        assertThat(response.body()).contains("Wrong username or password.");
    }

    @Test
    void pagesEscapeWhatTheyShow() {
        String home = page("/ui", login());
        assertThat(home).contains("&lt;script&gt;alert(1)&lt;/script&gt; Surgery");
        assertThat(home).doesNotContain("<script>alert(1)</script>");
    }

    @Test
    void formPostsWithoutTheCsrfTokenAreRefused() {
        Cookie session = login();
        var form = Map.of("username", "ccc.one", "password", "long-enough-pw", "role", "CCC", "pcn", "North PCN");
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/ui/users", form)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).cookie(session), String.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(403));

        String token = csrfToken(page("/ui/users", session));
        String panel = client.toBlocking().retrieve(HttpRequest.POST("/ui/users", form)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).cookie(session)
                .header("X-CSRF-Token", token), String.class);
        assertThat(panel).contains("Created ccc.one (CCC).");
        assertThat(new Api(client.toBlocking()).login("ccc.one", "long-enough-pw")).isNotBlank();
    }

    @Test
    void aBearerApiClientNeedsNoCsrfToken() {
        String admin = new Api(client.toBlocking()).adminToken();
        HttpResponse<?> created = client.toBlocking().exchange(HttpRequest.POST("/api/users",
                Map.of("username", "lead.one", "password", "long-enough-pw", "role", "LEAD", "pcn", "North PCN"))
                .bearerAuth(admin));
        assertThat(created.getStatus().getCode()).isEqualTo(201);
    }

    private Cookie login() {
        HttpResponse<String> response = client.toBlocking().exchange(HttpRequest.POST("/ui/login",
                        Map.of("username", "admin", "password", Api.ADMIN_PASSWORD))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED), String.class);
        assertThat(response.getStatus().getCode()).isEqualTo(303);
        return response.getCookie(WebSessionTestSupport.COOKIE).orElseThrow();
    }

    private String page(String path, Cookie session) {
        return client.toBlocking().retrieve(HttpRequest.GET(path).accept(MediaType.TEXT_HTML).cookie(session));
    }

    private static String csrfToken(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("page carries a CSRF token").isTrue();
        return m.group(1);
    }
}
