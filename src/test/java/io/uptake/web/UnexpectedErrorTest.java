package io.uptake.web;

import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.views.View;
import io.uptake.testsupport.LogCapture;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A failure nothing else handles answers 500 with a reference, never the driver's text; the log has the reference. */
@MicronautTest(transactional = false)
@Property(name = "spec.name", value = "UnexpectedErrorTest")
class UnexpectedErrorTest {
    @Inject
    @Client("/")
    HttpClient client;

    /** Fails as a real query does: the PostgreSQL driver's own exception, quoting the SQL it refused. */
    @Controller("/test/failing")
    @Secured(SecurityRule.IS_ANONYMOUS)
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Requires(property = "spec.name", value = "UnexpectedErrorTest")
    static class FailingController {
        private final DataSource pool;

        FailingController(DataSource dataSource) {
            this.pool = DelegatingDataSource.unwrapDataSource(dataSource);
        }

        @Get(produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
        String fail() throws SQLException {
            try (Connection c = pool.getConnection(); var st = c.createStatement()) {
                st.executeQuery("SELECT secret_column FROM no_such_patient_table WHERE nhs = '9990000018'");
            }
            return "unreachable";
        }
    }

    /** A page whose template fails while it is rendered, after the controller has returned its model. */
    @Controller("/test/broken-page")
    @Secured(SecurityRule.IS_ANONYMOUS)
    @Requires(property = "spec.name", value = "UnexpectedErrorTest")
    static class BrokenPageController {
        @Get(produces = MediaType.TEXT_HTML)
        @View("test-broken-view")
        Map<String, Object> page() {
            return Map.of("patient", Map.of("givenName", "Zebedee"));
        }
    }

    /** Without RenderedBeforeSending the template's failure is only logged and this request never answers. */
    @Test
    void aPageWhoseTemplateFailsAnswersWithAReferenceInsteadOfNeverAnswering() {
        HttpResponse<?> response = failing(HttpRequest.GET("/test/broken-page").accept(MediaType.TEXT_HTML_TYPE));
        String body = response.getBody(String.class).orElseThrow();
        assertThat(response.getStatus().getCode()).isEqualTo(500);
        assertThat(body).doesNotContain("noSuchProperty").doesNotContain("Thymeleaf").doesNotContain("Zebedee");
        reference(body, "<code id=\"error-reference\">([0-9a-f-]{36})</code>");
    }

    @Test
    void anApiClientGetsJsonWithAReferenceAndNoDriverText() {
        try (LogCapture logs = new LogCapture()) {
            HttpResponse<?> response = failing(HttpRequest.GET("/test/failing").accept(MediaType.APPLICATION_JSON_TYPE));
            String body = response.getBody(String.class).orElseThrow();
            assertThat(response.getStatus().getCode()).isEqualTo(500);
            assertThat(response.getContentType().orElseThrow().toString()).startsWith("application/json");
            assertNoDriverText(body);
            String reference = reference(body, "\"reference\":\"([0-9a-f-]{36})\"");
            assertThat(logs.text()).contains(reference).contains("SQLState 42P01").contains("/test/failing")
                    .doesNotContain("no_such_patient_table").doesNotContain("9990000018");
        }
    }

    @Test
    void aBrowserGetsAPageWithAReferenceAndNoDriverText() {
        HttpResponse<?> response = failing(HttpRequest.GET("/test/failing").accept(MediaType.TEXT_HTML_TYPE));
        String body = response.getBody(String.class).orElseThrow();
        assertThat(response.getStatus().getCode()).isEqualTo(500);
        assertThat(response.getContentType().orElseThrow().toString()).startsWith("text/html");
        assertNoDriverText(body);
        reference(body, "<code id=\"error-reference\">([0-9a-f-]{36})</code>");
    }

    @Inject
    DataSource dataSource;

    /** datasources.default.data-source-properties.logServerErrorDetail=false: no DETAIL quoting the row. */
    @Test
    void theDriversMessagesDoNotQuoteTheRow() throws SQLException {
        try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection(); var st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE refused (given_name TEXT, nhs TEXT NOT NULL)");
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                    () -> st.execute("INSERT INTO refused VALUES ('Zebedee', NULL)"));
            assertThat(thrown).isInstanceOf(SQLException.class).hasMessageContaining("nhs")
                    .hasMessageNotContaining("Zebedee");
        }
    }

    private static void assertNoDriverText(String body) {
        assertThat(body).doesNotContain("no_such_patient_table").doesNotContain("secret_column")
                .doesNotContain("relation").doesNotContain("SELECT").doesNotContain("PSQL")
                .doesNotContain("postgresql").doesNotContain("9990000018");
    }

    private static String reference(String body, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return m.group(1);
    }

    private HttpResponse<?> failing(HttpRequest<?> request) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> client.toBlocking().exchange(request, String.class));
        assertThat(thrown).isInstanceOf(HttpClientResponseException.class);
        return ((HttpClientResponseException) thrown).getResponse();
    }
}
