package io.uptake.importing;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The rejected-rows download streams from the database: no file per download, every text cell defused. */
@MicronautTest(transactional = false)
class RejectedRowsDownloadTest {
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
        post("practices", "practice_code,name,pcn\nY00001,Moss Side,North PCN\n");
    }

    @Test
    void downloadingTwiceWritesNoFileAndGivesEveryRowWithFormulaCellsDefused() throws IOException {
        // A marker only these rows hold, to recognise a copy of them anywhere in the temporary directory.
        String marker = "Zq" + UUID.randomUUID().toString().replace("-", "");
        StringBuilder csv = new StringBuilder("given_name,family_name,nhs_number,date_of_birth,practice_code\n");
        csv.append("=1+2,").append(marker).append(",9434765918,1960-01-01,Y00001\n");
        csv.append("+SUM(A1),").append(marker).append(",9434765918,1960-01-01,Y00001\n");
        csv.append("-3,").append(marker).append(",9434765918,1960-01-01,Y00001\n");
        csv.append("@SUM(A1),").append(marker).append(",9434765918,1960-01-01,Y00001\n");
        // Enough rows for the stream to cross several of its chunks.
        int plain = 3000;
        for (int i = 0; i < plain; i++) {
            csv.append("Ann").append(i).append(',').append(marker).append(",9434765918,1960-01-01,Y00001\n");
        }
        Map<String, Object> result = post("patients", csv.toString());
        int rejected = 4 + plain;
        assertThat(((Number) result.get("rejected")).intValue()).isEqualTo(rejected);
        String url = (String) result.get("rejectedCsv");

        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = files(tmp);
        HttpResponse<String> first = http.exchange(HttpRequest.GET(url).bearerAuth(admin), String.class);
        String second = http.retrieve(HttpRequest.GET(url).bearerAuth(admin), String.class);
        Set<Path> after = files(tmp);

        // Other processes share this directory, so new files are checked for our rows rather than only counted.
        Set<Path> added = new HashSet<>(after);
        added.removeAll(before);
        assertThat(added.stream().filter(f -> holds(f, marker)).toList()).as("files in %s holding the rows", tmp).isEmpty();
        assertThat(after.stream().filter(f -> f.getFileName().toString().startsWith("uptake-rejected")).toList()).isEmpty();

        assertThat(first.getContentType().orElseThrow().toString()).startsWith("text/csv");
        assertThat(first.getHeaders().get("Content-Disposition")).contains("import-" + result.get("id") + "-rejected.csv");
        assertThat(second).isEqualTo(first.body());
        List<CSVRecord> records = parse(first.body());
        assertThat(records).hasSize(1 + rejected);
        assertThat(records.get(0).values()).containsExactly("line", "field", "reason", "row");
        assertThat(records.get(1).values()).containsExactly("2", "nhs_number",
                records.get(1).get(2), "'=1+2," + marker + ",9434765918,1960-01-01,Y00001");
        assertThat(records.get(1).get(2)).startsWith("not a valid NHS number");
        assertThat(records.get(2).get(3)).isEqualTo("'+SUM(A1)," + marker + ",9434765918,1960-01-01,Y00001");
        assertThat(records.get(3).get(3)).isEqualTo("'-3," + marker + ",9434765918,1960-01-01,Y00001");
        assertThat(records.get(4).get(3)).isEqualTo("'@SUM(A1)," + marker + ",9434765918,1960-01-01,Y00001");
        assertThat(records.get(5).get(3)).isEqualTo("Ann0," + marker + ",9434765918,1960-01-01,Y00001");
        assertThat(records.get(rejected).values()).startsWith(Integer.toString(rejected + 1), "nhs_number");
        assertThat(records.get(rejected).get(3)).isEqualTo("Ann" + (plain - 1) + "," + marker + ",9434765918,1960-01-01,Y00001");
    }

    private Map<String, Object> post(String kind, String body) {
        return http.exchange(Api.csv(HttpRequest.POST("/api/imports/" + kind, body.getBytes(StandardCharsets.UTF_8)))
                .bearerAuth(admin), Argument.mapOf(String.class, Object.class)).body();
    }

    private static List<CSVRecord> parse(String csv) throws IOException {
        try (CSVParser parser = CSVParser.builder().setReader(new StringReader(csv)).setFormat(CSVFormat.DEFAULT).get()) {
            return parser.getRecords();
        }
    }

    private static Set<Path> files(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return new HashSet<>(list.toList());
        }
    }

    private static boolean holds(Path file, String marker) {
        try {
            return Files.isRegularFile(file) && Files.isReadable(file) && Files.size(file) < 512L * 1024 * 1024
                    && new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(marker);
        } catch (IOException e) {
            return false;  // gone meanwhile, or not ours to read
        }
    }
}
