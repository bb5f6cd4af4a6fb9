package io.uptake.template;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.NhsNumbers;
import io.uptake.testsupport.Json;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@MicronautTest(transactional = false)
class TemplateApiTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;

    BlockingHttpClient http;
    String ccc;
    String urduPatient;
    String otherPcnPatient;

    @BeforeEach
    void setUp() throws SQLException {
        Database.reset(dataSource);
        http = client.toBlocking();
        urduPatient = NhsNumbers.next();
        otherPcnPatient = NhsNumbers.next();
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            st.execute("INSERT INTO pcn (id, name, created_at) VALUES (1, 'North PCN', now()), (2, 'South PCN', now())");
            st.execute("""
                    INSERT INTO practice (code, name, phone, pcn_id, created_at, updated_at) VALUES
                    ('P84001', 'Limehurst Village Surgery', '0161 496 0123', 1, now(), now()),
                    ('P99001', 'Southside Health Centre', '0161 496 0999', 2, now(), now())""");
            st.execute("""
                    INSERT INTO patient (nhs_number, given_name, family_name, date_of_birth, sex, mobile, language,
                                         practice_code, created_at, updated_at) VALUES
                    ('%s', 'Muhammad-Zubair', 'Iqbal', '1970-03-01', 'M', '+447700900101', 'ur', 'P84001', now(), now()),
                    ('%s', 'Agnieszka', 'Nowak', '1970-03-01', 'F', '+447700900102', 'pl', 'P99001', now(), now())"""
                    .formatted(urduPatient, otherPcnPatient));
        }
        ccc = new Api(http).user("ccc.north", "CCC", "North PCN");
    }

    @Test
    void listsSetsLanguagesAndNoProblems() {
        Map<String, Object> body = http.retrieve(HttpRequest.GET("/api/templates").bearerAuth(ccc),
                Argument.mapOf(String.class, Object.class));
        assertThat((List<?>) body.get("problems")).isEmpty();
        assertThat((List<?>) body.get("sets")).hasSize(4);
        assertThat((List<?>) body.get("languages")).hasSize(8);
        assertThat(body.get("maxSegments")).isEqualTo(6);
    }

    @Test
    void previewForAPatientUsesTheirNameLanguageAndPractice() {
        Map<String, Object> p = preview("/api/templates/fit-non-returners/initial/preview?patient=" + urduPatient);
        assertThat(p.get("lang")).isEqualTo("ur");
        assertThat(p.get("encoding")).isEqualTo("UCS-2");
        assertThat(p.get("draft")).isEqualTo(true);
        assertThat((String) p.get("text")).contains("Muhammad-Zubair", "Limehurst Village Surgery", "0161 496 0123", "STOP");
        int characters = (Integer) p.get("characters");
        assertThat(p.get("segments")).isEqualTo(characters <= 70 ? 1 : (characters + 66) / 67);

        Map<String, Object> en = preview("/api/templates/fit-non-returners/initial/preview?lang=en&patient=" + urduPatient);
        assertThat(en.get("lang")).isEqualTo("en");
        assertThat(en.get("encoding")).isEqualTo("GSM-7");
        assertThat(en.get("draft")).isEqualTo(false);

        Map<String, Object> reply = preview("/api/templates/replies/optOutConfirmation/preview?lang=pl");
        assertThat((String) reply.get("text")).contains("START");
    }

    @Test
    void anotherPcnsPatientOrAnUnknownMessageIsNotFound() {
        for (String url : List.of("/api/templates/fit-non-returners/initial/preview?patient=" + otherPcnPatient,
                "/api/templates/fit-non-returners/final/preview", "/api/templates/lung/initial/preview")) {
            assertThatThrownBy(() -> http.exchange(HttpRequest.GET(url).bearerAuth(ccc)))
                    .as(url).isInstanceOfSatisfying(HttpClientResponseException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(404));
        }
    }

    @Test
    void keywordsAreServedPerLanguage() {
        Map<String, Map<String, Object>> all = http.retrieve(HttpRequest.GET("/api/templates/keywords").bearerAuth(ccc),
                Argument.mapOf(Argument.STRING, Argument.mapOf(String.class, Object.class)));
        assertThat(all).containsKeys("en", "ur", "pl", "ro", "pa", "bn", "ar", "gu");
        assertThat(Json.list(all.get("ar").get("call"), Object.class)).contains("CALL", "1", "١");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> preview(String url) {
        return http.retrieve(HttpRequest.GET(url).bearerAuth(ccc), Argument.mapOf(String.class, Object.class));
    }
}
