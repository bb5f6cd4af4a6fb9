package io.uptake.letter;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.apache.pdfbox.Loader;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A programme's sample letters, one page per language, for a synthetic patient: what a LEAD or fluent reader checks
 * before a wave's letters go (H-019). Read back with PDFBox, each page in its own script.
 */
@MicronautTest(transactional = false)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
class LetterSamplesTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;

    @Test
    void aLeadGetsTheLetterInEveryLanguageOnePageEach() throws Exception {
        Database.reset(dataSource);
        var http = client.toBlocking();
        Api api = new Api(http);
        http.exchange(Api.csv(HttpRequest.POST("/api/imports/practices", "practice_code,name,phone,pcn\nY00001,Moss Side Health Centre,0161 496 0001,North PCN\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))).bearerAuth(api.adminToken()), java.util.Map.class);
        String lead = api.user("lead.north", "LEAD", "North PCN");
        HttpResponse<byte[]> response = http.exchange(HttpRequest.GET("/api/letters/sample.pdf?programme=fit-non-returners")
                .bearerAuth(lead), byte[].class);
        assertThat(response.header("X-Letters-Failed-Languages")).isEmpty();
        List<String> languages = List.of(response.header("X-Letter-Languages").split(","));
        assertThat(languages).containsExactlyInAnyOrder("en", "pl", "ro", "ar", "ur", "bn", "gu", "pa");
        byte[] pdf = response.body();
        try (var doc = Loader.loadPDF(pdf)) {
            assertThat(doc.getNumberOfPages()).isEqualTo(8);
        }
        for (int page = 0; page < languages.size(); page++) {
            // Spaces between digits print as no-break spaces, so the numbers keep their order in right-to-left text.
            String text = PdfGlyphs.text(pdf, page).replace('\u00A0', ' ');
            assertThat(text).as(languages.get(page)).contains("999 001 2687").contains("0161 496 0001");
            int from = switch (languages.get(page)) {
                case "ar", "ur" -> 0x0600;
                case "bn" -> 0x0980;
                case "gu" -> 0x0A80;
                case "pa" -> 0x0A00;
                default -> -1;
            };
            if (from > 0) {
                assertThat(text.codePoints().filter(c -> c >= from && c < from + 0x80).count())
                        .as(languages.get(page) + " in its own script").isGreaterThan(50);
            }
        }
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/letters/sample.pdf?programme=nothing")
                .bearerAuth(lead), byte[].class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(404));
    }
}
