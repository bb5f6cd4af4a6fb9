package io.uptake.user;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.sql.DataSource;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The admin manages staff through the API: passwords keep the policy, a disabled user's sessions end at once, a
 * reset password must be changed before anything else, a role or PCN change takes effect at once; all audited.
 */
@MicronautTest(transactional = false)
class UserManagementTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;

    BlockingHttpClient http;
    Api api;
    Rows rows;
    String admin;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        api = new Api(http);
        rows = new Rows(dataSource);
        rows.pcnNamed("North PCN");
        rows.pcnNamed("South PCN");
        admin = api.adminToken();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1234567890               | password: at least 12 characters
            password-ccc.north       | password: must not contain the username
            MyCCC.North-pass         | password: must not contain the username
            qwertyuiop123            | password: this is one of the most common passwords
            """)
    void weakPasswordsAreRefusedAtCreation(String password, String message) {
        assertThat(badRequest(HttpRequest.POST("/api/users",
                Map.of("username", "ccc.north", "password", password, "role", "CCC", "pcn", "North PCN"))
                .bearerAuth(admin))).contains(message);
    }

    @Test
    void aDisabledUsersSessionsEndAtOnceAndTheyCannotLogIn() {
        String ccc = api.user("ccc.north", "CCC", "North PCN");
        assertThat(status("/api/campaigns", ccc)).isEqualTo(200);
        long id = idOf("ccc.north");
        Map<String, Object> view = post("/api/users/" + id + "/disable", Map.of(), admin);
        assertThat(view.get("enabled")).isEqualTo(false);
        assertThat(status("/api/campaigns", ccc)).isEqualTo(401);
        assertThatThrownBy(() -> api.login("ccc.north", Api.USER_PASSWORD))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(401));
        post("/api/users/" + id + "/enable", Map.of(), admin);
        assertThat(status("/api/campaigns", api.login("ccc.north", Api.USER_PASSWORD))).isEqualTo(200);
        assertThat(audited("USER_DISABLED", "user:ccc.north")).isEqualTo(1);
        assertThat(audited("USER_ENABLED", "user:ccc.north")).isEqualTo(1);
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE action = 'LOGIN_FAILED'"
                + " AND username = 'ccc.north' AND detail LIKE '%account disabled'")).isEqualTo(1);
    }

    @Test
    void aResetPasswordMustBeChangedBeforeAnythingElse() {
        String old = api.user("ccc.north", "CCC", "North PCN");
        long id = idOf("ccc.north");
        assertThat(badRequest(HttpRequest.POST("/api/users/" + id + "/password-reset", Map.of("password", "short"))
                .bearerAuth(admin))).contains("password: at least 12");
        post("/api/users/" + id + "/password-reset", Map.of("password", "temporary-passphrase"), admin);
        assertThat(status("/api/campaigns", old)).as("the sessions before the reset").isEqualTo(401);

        Map<String, Object> login = http.retrieve(HttpRequest.POST("/login",
                Map.of("username", "ccc.north", "password", "temporary-passphrase")), Argument.mapOf(String.class, Object.class));
        assertThat(login.get("password_change_required")).isEqualTo(true);
        String temporary = (String) login.get("access_token");
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/campaigns").bearerAuth(temporary), String.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.getResponse().getBody(String.class).orElse("")).contains("choose a new one")
                            .contains("POST /api/me/password");
                });
        assertThat(badRequest(HttpRequest.POST("/api/me/password", Map.of("currentPassword", "temporary-passphrase",
                "newPassword", "ccc.north-forever")).bearerAuth(temporary))).contains("newPassword: must not contain the username");
        assertThat(badRequest(HttpRequest.POST("/api/me/password", Map.of("currentPassword", "not-the-current-one",
                "newPassword", "a brand new passphrase")).bearerAuth(temporary))).contains("currentPassword");

        Map<String, Object> changed = post("/api/me/password", Map.of("currentPassword", "temporary-passphrase",
                "newPassword", "a brand new passphrase"), temporary);
        String fresh = (String) changed.get("access_token");
        assertThat(status("/api/campaigns", fresh)).isEqualTo(200);
        assertThat(status("/api/campaigns", temporary)).as("the temporary session ended").isEqualTo(401);
        assertThat(api.login("ccc.north", "a brand new passphrase")).isNotBlank();
        assertThat(audited("USER_PASSWORD_RESET", "user:ccc.north")).isEqualTo(1);
        assertThat(audited("PASSWORD_CHANGED", "user:ccc.north")).isEqualTo(1);
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE detail LIKE '%passphrase%'"))
                .as("no password in the audit log").isZero();
    }

    @Test
    void aRoleOrPcnChangeTakesEffectAtOnce() {
        String asCcc = api.user("staff.one", "CCC", "North PCN");
        long id = idOf("staff.one");
        Map<String, Object> view = http.retrieve(HttpRequest.PATCH("/api/users/" + id,
                Map.of("role", "LEAD", "pcn", "South PCN")).bearerAuth(admin), Argument.mapOf(String.class, Object.class));
        assertThat(view).containsEntry("role", "LEAD").containsEntry("pcn", "South PCN");
        assertThat(status("/api/campaigns", asCcc)).as("the CCC token, whose claims are stale").isEqualTo(401);
        String asLead = api.login("staff.one", Api.USER_PASSWORD);
        assertThat(claims(asLead)).contains("\"roles\":[\"LEAD\"]");
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE action = 'USER_CHANGED'"
                + " AND detail LIKE 'role CCC -> LEAD, pcn North PCN -> South PCN%'")).isEqualTo(1);
        assertThat(badRequest(HttpRequest.PATCH("/api/users/" + id, Map.of("pcn", "Nowhere PCN")).bearerAuth(admin)))
                .contains("pcn: no PCN named 'Nowhere PCN'");
    }

    @Test
    void theLastEnabledAdminStays() {
        long adminId = idOf("admin");
        assertThat(badRequest(HttpRequest.POST("/api/users/" + adminId + "/disable", Map.of()).bearerAuth(admin)))
                .contains("cannot disable yourself");
        api.user("ops.admin", "ADMIN", "North PCN");
        String other = api.login("ops.admin", Api.USER_PASSWORD);
        post("/api/users/" + adminId + "/disable", Map.of(), other);
        assertThat(badRequest(HttpRequest.PATCH("/api/users/" + idOf("ops.admin"), Map.of("role", "CCC", "pcn", "North PCN"))
                .bearerAuth(other))).contains("last enabled ADMIN");
    }

    @Test
    void onlyAnAdminManagesUsers() {
        String lead = api.user("lead.north", "LEAD", "North PCN");
        long id = idOf("lead.north");
        assertThatThrownBy(() -> http.exchange(HttpRequest.POST("/api/users/" + id + "/disable", Map.of()).bearerAuth(lead)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(403));
        assertThatThrownBy(() -> http.exchange(HttpRequest.POST("/api/users/999999/disable", Map.of()).bearerAuth(admin)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(404));
    }

    private long idOf(String username) {
        return rows.queryLong("SELECT id FROM app_user WHERE username = ?", username);
    }

    private long audited(String action, String target) {
        return rows.queryLong("SELECT count(*) FROM audit_log WHERE action = ? AND target = ?", action, target);
    }

    private int status(String path, String token) {
        try {
            return http.exchange(HttpRequest.GET(path).bearerAuth(token), String.class).code();
        } catch (HttpClientResponseException e) {
            return e.code();
        }
    }

    private Map<String, Object> post(String path, Object body, String token) {
        return http.retrieve(HttpRequest.POST(path, body).bearerAuth(token), Argument.mapOf(String.class, Object.class));
    }

    private String badRequest(HttpRequest<?> request) {
        try {
            HttpResponse<String> r = http.exchange(request, String.class);
            throw new AssertionError("expected 400, got " + r.code() + ": " + r.body());
        } catch (HttpClientResponseException e) {
            assertThat(e.code()).as(e.getResponse().getBody(String.class).orElse("")).isEqualTo(400);
            return e.getResponse().getBody(String.class).orElse("");
        }
    }

    private static String claims(String token) {
        return new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }
}
