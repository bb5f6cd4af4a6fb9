package io.uptake.web;

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

import javax.sql.DataSource;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The probes of issue 11 that answered HTTP 500, some with SQL or driver text: each is now a 400 that names the
 * field, and no answer carries what the database said.
 */
@MicronautTest(transactional = false)
class BadInputTest {
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
        new Rows(dataSource).pcn("North PCN");
        ccc = new Api(http).user("ccc.north", "CCC", "North PCN");
    }

    @Test
    void aNulInAPatientPathIsABadNhsNumber() {
        assertBadRequest(() -> http.exchange(HttpRequest.GET("/api/patients/%00").bearerAuth(ccc), String.class), "nhsNumber");
        // A number that fails Modulus 11 is refused the same way; a valid one nobody has is still 404.
        assertBadRequest(() -> http.exchange(HttpRequest.GET("/api/patients/9434765918").bearerAuth(ccc), String.class), "nhsNumber");
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/patients/9990000018").bearerAuth(ccc), String.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(404));
    }

    @Test
    void aStartAtTheEndOfTimeAndAFarCohortDateAreRefusedByName() {
        assertBadRequest(() -> http.exchange(HttpRequest.POST("/api/campaigns", Map.of("name", "x", "programme",
                "fit-non-returners", "startAt", "+1000000000-12-31T23:59:59Z")).bearerAuth(ccc), String.class), "startAt");
        assertBadRequest(() -> http.exchange(HttpRequest.POST("/api/campaigns", Map.of("name", "x", "programme",
                "fit-non-returners", "startAt", "0001-01-01T00:00:00Z")).bearerAuth(ccc), String.class), "startAt");
        assertBadRequest(() -> http.exchange(HttpRequest.POST("/api/campaigns", Map.of("name", "x", "programme",
                "fit-non-returners", "asOf", "9999-12-31")).bearerAuth(ccc), String.class), "asOf");
    }

    private static void assertBadRequest(Supplier<?> call, String field) {
        assertThatThrownBy(call::get).isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(400);
            String body = e.getResponse().getBody(String.class).orElse("");
            assertThat(body).contains(field).doesNotContainIgnoringCase("sql").doesNotContain("org.postgresql")
                    .doesNotContain("Exception");
        });
    }
}
