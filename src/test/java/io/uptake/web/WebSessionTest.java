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
        // Plain HTTP (the default public URL): a Secure cookie would never be sent back.
        assertThat(session.isSecure()).isFalse();
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

    @Test
    void theNavLogoutEndsTheSessionAndClearsTheCookie() {
        // The nav's button: a urlencoded htmx post with the cookie and its CSRF token (it was refused with 415,
        // and the token went on working for 8 hours).
        Cookie session = login();
        String token = csrfToken(page("/ui", session));
        HttpResponse<String> out = client.toBlocking().exchange(HttpRequest.POST("/ui/logout", Map.of())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).cookie(session)
                .header("X-CSRF-Token", token).header("HX-Request", "true"), String.class);
        assertThat(out.code()).isEqualTo(200);
        assertThat(out.header("HX-Redirect")).isEqualTo("/ui/login");
        assertThat(out.getCookie(WebSessionTestSupport.COOKIE)).hasValueSatisfying(c -> {
            assertThat(c.getValue()).isEmpty();
            assertThat(c.getMaxAge()).isZero();
        });
        // The old cookie no longer opens anything: a page sends it to the login page, the API refuses it.
        HttpResponse<String> home = client.toBlocking().exchange(HttpRequest.GET("/ui").accept(MediaType.TEXT_HTML)
                .cookie(session), String.class);
        assertThat(home.code()).isEqualTo(303);
        assertThat(home.header("Location")).isEqualTo("/ui/login");
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.GET("/api/users").cookie(session)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(401));
        assertThat(auditCount("LOGOUT", "ui")).isEqualTo(1);
    }

    @Test
    void aLogoutWithoutTheCsrfTokenIsRefused() {
        Cookie session = login();
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/ui/logout", Map.of())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).cookie(session), String.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(403));
        assertThat(client.toBlocking().exchange(HttpRequest.GET("/ui").accept(MediaType.TEXT_HTML).cookie(session),
                String.class).code()).isEqualTo(200);
    }

    @Test
    void aCrossSiteLoginPostIsRefused() {
        var form = Map.of("username", "admin", "password", Api.ADMIN_PASSWORD);
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/ui/login", form)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).header("Origin", "https://evil.example"), String.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.getResponse().getCookie(WebSessionTestSupport.COOKIE)).isEmpty();
                });
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/ui/login", form)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .header("Referer", "https://evil.example/cute-cats"), String.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(403));
        assertThat(auditCount("LOGIN", "ui")).isZero();
    }

    @Test
    void aSameOriginLoginPostWorksAndIsAuditedWithTheAddress() {
        HttpResponse<String> response = client.toBlocking().exchange(HttpRequest.POST("/ui/login",
                        Map.of("username", "admin", "password", Api.ADMIN_PASSWORD))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .header("Origin", server.getURL().toString().replaceAll("/$", "")), String.class);
        assertThat(response.code()).isEqualTo(303);
        assertThat(response.getCookie(WebSessionTestSupport.COOKIE)).isPresent();
        assertThat(auditCount("LOGIN", "ui")).isEqualTo(1);
        assertThat(audit("SELECT detail FROM audit_log WHERE action = 'LOGIN'")).isEqualTo("address=127.0.0.1");
    }

    @Test
    void failedLoginsAreAuditedWithTheAddress() {
        client.toBlocking().exchange(HttpRequest.POST("/ui/login", Map.of("username", "admin", "password", "not-it"))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED), String.class);
        client.toBlocking().exchange(HttpRequest.POST("/ui/login", Map.of("username", "nobody.here", "password", "x"))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED), String.class);
        assertThat(audit("SELECT detail FROM audit_log WHERE action = 'LOGIN_FAILED' AND username = 'admin'"))
                .isEqualTo("address=127.0.0.1; wrong password");
        assertThat(audit("SELECT detail FROM audit_log WHERE action = 'LOGIN_FAILED' AND username = '(unknown)'"))
                .isEqualTo("address=127.0.0.1; unknown username");
    }

    @Test
    void theUsersPageResetsAPasswordAndChangesARoleOrPcn() {
        Cookie session = login();
        String token = csrfToken(page("/ui/users", session));
        post("/ui/users", Map.of("username", "ccc.one", "password", "long-enough-pw", "role", "CCC", "pcn", "North PCN"),
                session, token);
        long id = new io.uptake.testsupport.Rows(dataSource).queryLong("SELECT id FROM app_user WHERE username = 'ccc.one'");
        assertThat(post("/ui/users/" + id + "/password-reset", Map.of("password", "short"), session, token))
                .contains("password: at least 12 characters");
        assertThat(post("/ui/users/" + id + "/password-reset", Map.of("password", "temporary-passphrase"), session, token))
                .contains("Reset the password of ccc.one").contains("must change password");
        assertThat(post("/ui/users/" + id + "/change", Map.of("role", "LEAD", "pcn", "North PCN"), session, token))
                .contains("Changed ccc.one to LEAD of North PCN.");
        assertThat(post("/ui/users/" + id + "/disable", Map.of(), session, token)).contains("Disabled ccc.one");
        assertThat(post("/ui/users/" + id + "/enable", Map.of(), session, token)).contains("Enabled ccc.one.");
        assertThat(auditCount("USER_PASSWORD_RESET", "user:ccc.one")).isEqualTo(1);
        assertThat(auditCount("USER_CHANGED", "user:ccc.one")).isEqualTo(1);
    }

    private String post(String path, Map<String, String> form, Cookie session, String csrf) {
        return client.toBlocking().retrieve(HttpRequest.POST(path, form)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).cookie(session)
                .header("X-CSRF-Token", csrf).header("HX-Request", "true"), String.class);
    }

    @Inject
    io.micronaut.runtime.server.EmbeddedServer server;

    private long auditCount(String action, String target) {
        return new io.uptake.testsupport.Rows(dataSource).queryLong(
                "SELECT count(*) FROM audit_log WHERE action = ? AND target = ?", action, target);
    }

    private String audit(String sql) {
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement();
             var rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
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
