package io.uptake.importing;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Browser;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.NhsNumbers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A CCC logs in, uploads a patients export on the imports page, sees the results and finds the patient. */
@MicronautTest(transactional = false)
class ImportPageBrowserTest {
    @Inject
    EmbeddedServer server;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
    }

    @Test
    void cccUploadsPatientsAndSeesTheResultsTable() throws Exception {
        Api api = new Api(client.toBlocking());
        client.toBlocking().exchange(Api.csv(HttpRequest.POST("/api/imports/practices",
                "practice_code,name,phone,pcn\nY00001,Moss Side Health Centre,0161 496 0001,North PCN\n")).bearerAuth(api.adminToken()));
        api.user("ccc.browser", "CCC", "North PCN");
        String good = NhsNumbers.next();
        Path csv = Files.createTempFile("patients", ".csv");
        Files.writeString(csv, "NHS Number,Forename,Surname,Date of Birth,Gender,Mobile Telephone,Usual GP Practice Code\r\n"
                + good + ",<script>alert(1)</script>,Okafor,01/03/1960,Female,07700 900123,Y00001\r\n"
                + "9434765918,Bad,Number,01/03/1960,F,07700 900124,Y00001\r\n", StandardCharsets.UTF_8);
        WebDriver driver = Browser.open();
        try {
            String base = server.getURL().toString();
            Browser.login(driver, base, "ccc.browser", Api.USER_PASSWORD);
            driver.get(base + "/ui/imports");
            new Select(driver.findElement(By.id("kind"))).selectByValue("patients");
            driver.findElement(By.id("file")).sendKeys(csv.toAbsolutePath().toString());
            // htmx posts the file and swaps the result in: read it once it is there, however long the import takes.
            assertThat(Browser.clickAndWaitForSwap(driver, By.id("upload"), By.id("count-received")).getText()).isEqualTo("2");
            assertThat(driver.findElement(By.id("count-inserted")).getText()).isEqualTo("1");
            assertThat(driver.findElement(By.id("count-rejected")).getText()).isEqualTo("1");
            assertThat(driver.findElement(By.id("import-errors")).getText())
                    .contains("3").contains("nhs_number").contains("Modulus 11");
            assertThat(driver.findElement(By.id("rejected-download")).getAttribute("href")).contains("/rejected.csv");
            Browser.screenshot(driver, "imports");

            driver.get(base + "/ui/patients?q=okafor");
            // The name is shown as text, never run as script.
            assertThat(driver.findElement(By.id("patients")).getText()).contains("Okafor, <script>alert(1)</script>");
            assertThat(driver.findElement(By.id("patient-total")).getText()).isEqualTo("1 patient found");
        } finally {
            driver.quit();
            Files.deleteIfExists(csv);
        }
    }
}
