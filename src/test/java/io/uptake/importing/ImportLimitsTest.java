package io.uptake.importing;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.NhsNumbers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11's import probes: a 5,000,000-character given name was stored (a search then returned 5.1 MB), and
 * U+202E, ESC and BEL were stored and merged into texts. Now a value too long for its column is a line error
 * naming the column, the other rows import, and control and bidi characters never reach the record.
 */
@MicronautTest(transactional = false)
class ImportLimitsTest {
    static final String HEADER = "nhs_number,given_name,family_name,date_of_birth,sex,mobile,practice_code\n";
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    BlockingHttpClient http;
    String admin;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        admin = new Api(http).adminToken();
        post("practices", "practice_code,name,phone,pcn\nY00001,Moss Side Health Centre,0161 496 0001,North PCN\n");
    }

    @SuppressWarnings("unchecked")
    @Test
    void aHugeNameIsALineErrorAndControlAndBidiCharactersAreRemoved() {
        String huge = NhsNumbers.next();
        String odd = NhsNumbers.next();
        String fine = NhsNumbers.next();
        Map<String, Object> result = post("patients", HEADER
                + huge + "," + "A".repeat(5_000_000) + ",Okafor,1960-03-01,F,07700 900123,Y00001\n"
                + odd + ",\u202EAda\u001B\u0007,Lovel\u2066ace\u2069,1960-03-01,F,07700 900124,Y00001\n"
                + fine + ",Grace,Hopper,1960-03-01,F,07700 900125,Y00001\n");

        assertThat(((Number) result.get("inserted")).longValue()).isEqualTo(2);
        List<Map<String, Object>> errors = (List<Map<String, Object>>) result.get("errors");
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(((Number) e.get("line")).longValue()).isEqualTo(2);
            assertThat(e.get("field")).isEqualTo("given_name");
            assertThat((String) e.get("message")).contains("5000000 characters").contains("at most 100");
        });
        Map<String, Object> patient = (Map<String, Object>) http.retrieve(HttpRequest.GET("/api/patients/" + odd)
                .bearerAuth(admin), Argument.mapOf(String.class, Object.class)).get("patient");
        assertThat(patient.get("givenName")).isEqualTo("Ada");
        assertThat(patient.get("familyName")).isEqualTo("Lovelace");
    }

    private Map<String, Object> post(String kind, String body) {
        return http.retrieve(Api.csv(HttpRequest.POST("/api/imports/" + kind, body.getBytes(StandardCharsets.UTF_8)))
                .bearerAuth(admin), Argument.mapOf(String.class, Object.class));
    }
}
