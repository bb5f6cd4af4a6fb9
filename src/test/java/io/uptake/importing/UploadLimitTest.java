package io.uptake.importing;

import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Browser;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import javax.sql.DataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upload over UPTAKE_MAX_UPLOAD_BYTES, with the server's request limit and the importer's set to the same value
 * as application.yml sets them: refused from its Content-Length with 413 and a sentence a person can read, on the
 * API and on the page's multipart form, even when the client sends the whole body before it reads the answer.
 * A raw socket plays that client: it writes all 8 MB, then reads. Its read time-out only stops a hung test.
 */
@MicronautTest(transactional = false)
@Property(name = "micronaut.server.port", value = "-1")
@Property(name = "micronaut.server.max-request-size", value = "1048576")
@Property(name = "micronaut.server.multipart.max-file-size", value = "1048576")
@Property(name = "uptake.importing.max-upload-bytes", value = "1048576")
class UploadLimitTest {
    static final int BODY_BYTES = 8 * 1024 * 1024;
    @Inject
    EmbeddedServer server;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    String token;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        token = new Api(client.toBlocking()).adminToken();
    }

    @Test
    void anApiUploadOverTheLimitIs413FromItsContentLength() throws Exception {
        List<String> answer = send("POST /api/imports/patients HTTP/1.1", "text/csv", "Authorization: Bearer " + token);
        assertThat(answer.get(0)).startsWith("HTTP/1.1 413");
        assertThat(String.join("\n", answer)).contains("larger than the upload limit of 1 MB").doesNotContain("Exception");
    }

    @Test
    void aPageUploadOverTheLimitIs413FromItsContentLength() throws Exception {
        List<String> answer = send("POST /ui/imports HTTP/1.1", "multipart/form-data; boundary=xyz",
                "Cookie: UPTAKE_JWT=" + token);
        assertThat(answer.get(0)).startsWith("HTTP/1.1 413");
        assertThat(String.join("\n", answer)).contains("larger than the upload limit of 1 MB").doesNotContain("Exception");
    }

    @Test
    void thePageRefusesAFileOverTheLimitBeforeSendingIt() throws Exception {
        new Rows(dataSource).pcn("Upload PCN");
        new Api(client.toBlocking()).user("ccc.upload", "CCC", "Upload PCN");
        Path big = Files.createTempFile("too-large", ".csv");
        WebDriver driver = Browser.open();
        try {
            Files.write(big, new byte[2 * 1024 * 1024]);
            Browser.login(driver, server.getURL().toString(), "ccc.upload", Api.USER_PASSWORD);
            driver.get(server.getURL() + "/ui/imports");
            driver.findElement(By.id("file")).sendKeys(big.toAbsolutePath().toString());
            driver.findElement(By.id("upload")).click();
            assertThat(Browser.waitForText(driver, By.id("file-too-large"),
                    "larger than the upload limit of 1 MB").isDisplayed()).isTrue();
            // Nothing was sent, so nothing was imported.
            assertThat(driver.findElement(By.id("import-result")).getText()).isEmpty();
        } finally {
            driver.quit();
            Files.deleteIfExists(big);
        }
    }

    /** Writes the request line, headers and the whole body, then reads the answer's status line, headers and body. */
    private List<String> send(String requestLine, String contentType, String auth) throws IOException {
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            String head = requestLine + "\r\nHost: localhost\r\n" + auth + "\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: " + BODY_BYTES + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'a');
            try {
                for (int sent = 0; sent < BODY_BYTES; sent += chunk.length) {
                    out.write(chunk);
                }
                out.flush();
            } catch (IOException closedEarly) {
                // The server may refuse and close before the body is all sent: the answer is still there to read.
            }
            List<String> lines = new ArrayList<>();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && lines.size() < 40; line = in.readLine()) {
                lines.add(line);
                if (lines.size() > 1 && line.contains("}")) {
                    break;
                }
            }
            assertThat(lines).as("an answer before the read time-out").isNotEmpty();
            return lines;
        }
    }
}
