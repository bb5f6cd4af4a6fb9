package io.uptake.audit;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit trail through the API: ADMIN sees all, a LEAD their PCN; filters; bounded paging with clear 400s. */
@MicronautTest(transactional = false)
class AuditApiTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;

    BlockingHttpClient http;
    Rows rows;
    long north;
    long south;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        rows = new Rows(dataSource);
        north = rows.pcnNamed("North PCN");
        south = rows.pcnNamed("South PCN");
        entry("2026-03-01T10:00:00Z", "ccc.north", north, "IMPORT");
        entry("2026-03-02T10:00:00Z", "ccc.north", north, "EXPORT");
        entry("2026-03-03T10:00:00Z", "ccc.south", south, "IMPORT");
        entry("2026-03-04T10:00:00Z", "admin", null, "USER_CREATED");
    }

    @Test
    void anAdminSeesAllAndALeadTheirOwnPcn() {
        Api api = new Api(http);
        String lead = api.user("lead.north", "LEAD", "North PCN");
        String admin = api.adminToken();
        assertThat(users(read("/api/audit?action=IMPORT", admin))).containsExactly("ccc.south", "ccc.north");
        assertThat(users(read("/api/audit?action=IMPORT", lead))).containsExactly("ccc.north");
        assertThat(read("/api/audit", lead).get("entries").toString()).doesNotContain("ccc.south");
        String ccc = api.user("ccc.other", "CCC", "North PCN");
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/audit").bearerAuth(ccc)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(403));
    }

    @Test
    void filtersByUserActionAndDates() {
        String admin = new Api(http).adminToken();
        assertThat(users(read("/api/audit?user=ccc.north", admin))).containsExactly("ccc.north", "ccc.north");
        assertThat(read("/api/audit?user=ccc.north&action=export", admin).get("total")).isEqualTo(1);
        // London days, both ends included.
        assertThat(users(read("/api/audit?from=2026-03-02&to=2026-03-03", admin))).containsExactly("ccc.south", "ccc.north");
        Map<String, Object> page = read("/api/audit?action=IMPORT&size=1&page=1", admin);
        assertThat(users(page)).containsExactly("ccc.north");
        assertThat(page).containsEntry("page", 1).containsEntry("size", 1).containsEntry("total", 2);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            page=2147483647&size=1000 | page: a whole number from 0 to 100000
            page=2147483647&size=10   | page: a whole number from 0 to 100000
            page=0&size=1000          | size: a whole number from 1 to 200
            size=0                    | size: a whole number from 1 to 200
            page=-1                   | page: a whole number from 0 to 100000
            page=two                  | page: a whole number from 0 to 100000
            from=yesterday            | from: a date as YYYY-MM-DD
            from=2026-03-03&to=2026-03-01 | to: must not be before from
            """)
    void badPagingOrDatesAreA400NamingTheField(String query, String message) {
        String admin = new Api(http).adminToken();
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/audit?" + query).bearerAuth(admin), String.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    String body = e.getResponse().getBody(String.class).orElse("");
                    assertThat(body).contains(message).doesNotContain("SQL").doesNotContain("Exception");
                });
    }

    @Test
    void theLargestAllowedPageIsJustEmpty() {
        String admin = new Api(http).adminToken();
        assertThat(users(read("/api/audit?page=100000&size=200", admin))).isEmpty();
    }

    private void entry(String at, String username, Long pcn, String action) {
        rows.execute("INSERT INTO audit_log (at, username, pcn_id, action, target, detail) VALUES (CAST(? AS TIMESTAMPTZ), ?, ?, ?, 't', 'd')",
                at, username, pcn, action);
    }

    private Map<String, Object> read(String path, String token) {
        return http.retrieve(HttpRequest.GET(path).bearerAuth(token), Argument.mapOf(String.class, Object.class));
    }

    @SuppressWarnings("unchecked")
    private static List<String> users(Map<String, Object> page) {
        return ((List<Map<String, Object>>) page.get("entries")).stream()
                .map(e -> (String) e.get("username"))
                .filter(u -> !u.equals("admin") && !u.equals("lead.north") && !u.equals("ccc.other")
                        && !u.equals("(unknown)"))
                .toList();
    }
}
