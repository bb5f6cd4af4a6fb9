package io.uptake.reply;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Browser;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The patient's phone and the inbox pages, through HTTP and a real browser. */
@MicronautTest(transactional = false)
// A random port: application.yml fixes 8080, which parallel test runs on this machine share.
@Property(name = "micronaut.server.port", value = "-1")
class ReplyPagesTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    java.time.Clock clock;
    @Inject
    TwilioSignature signature;

    ReplyFixtures db;
    Api api;
    final String northMobile = ReplyFixtures.mobile(301);
    final String southMobile = ReplyFixtures.mobile(302);
    long northPatient;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        db = new ReplyFixtures(dataSource, client.toBlocking(), signature, clock);
        api = new Api(client.toBlocking());
        northPatient = db.northAndSouth(northMobile, southMobile).northPatient();
    }

    private String reply(String token, String number, String body) {
        return client.toBlocking().retrieve(HttpRequest.POST("/ui/phone/reply", Map.of("number", number, "body", body))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE).accept(MediaType.TEXT_HTML_TYPE)
                .bearerAuth(token));
    }

    @Test
    void aReplyTypedOnThePhoneGoesThroughTheSignedWebhookAndOnlyForOwnPcnNumbers() {
        String north = api.user("ccc.north", "CCC", "North PCN");
        String page = reply(north, northMobile, "STOP");

        Map<String, Object> stored = db.row("SELECT * FROM inbound_message WHERE from_number = ?", northMobile);
        assertThat(stored).containsEntry("classification", "OPT_OUT");
        assertThat(page).contains("Phone received").contains(escape((String) stored.get("auto_reply")));
        assertThat(db.count("SELECT count(*) FROM opt_out_ledger WHERE phone = ?", northMobile)).isEqualTo(1);

        assertThatStatus(() -> reply(north, southMobile, "Hello")).isEqualTo(404);
        assertThatStatus(() -> client.toBlocking().retrieve(HttpRequest.GET("/ui/phone?number=%2B447700900302")
                .accept(MediaType.TEXT_HTML_TYPE).bearerAuth(north))).isEqualTo(404);
        assertThat(db.count("SELECT count(*) FROM inbound_message WHERE from_number = ?", southMobile)).isZero();
    }

    @Test
    void aPolishPatientsReplyOnThePhoneIsUnderstoodAnsweredInPolishAndQueuedForTheCcc() {
        String polishMobile = ReplyFixtures.mobile(303);
        long north = ((Number) db.row("SELECT id FROM pcn WHERE name = 'North PCN'").get("id")).longValue();
        long polish = db.patient("P84001", polishMobile, "pl", "Zofia");
        db.sentMessage(db.campaign(north, "North breast DNA"), polish, polishMobile, "pl", clock.instant());
        String ccc = api.user("ccc.pl", "CCC", "North PCN");

        String page = reply(ccc, polishMobile, "Zadzwoń");

        assertThat(page).contains("Dziękujemy");
        List<Map<String, Object>> open = client.toBlocking().retrieve(HttpRequest.GET("/api/inbox").bearerAuth(ccc),
                io.micronaut.core.type.Argument.listOf(io.micronaut.core.type.Argument.mapOf(String.class, Object.class)));
        assertThat(open).singleElement().satisfies(item -> assertThat(item)
                .containsEntry("classification", "CALL_REQUEST").containsEntry("keywordLanguage", "pl")
                .containsEntry("body", "Zadzwoń"));

        reply(ccc, polishMobile, "WYPISZ");
        // Her own STOP (no one else has the number): opted out as herself and as the number.
        assertThat(db.count("SELECT count(*) FROM opted_out_patient WHERE patient_id = ?", polish)).isEqualTo(2);
    }

    @Test
    void theTakenByPhoneButtonsAreShownToCccsOnly() {
        db.deliver(ReplyFixtures.twilioForm(ReplyFixtures.newSid(), northMobile, "CALL"));
        String ccc = api.user("ccc.north", "CCC", "North PCN");
        String lead = api.user("lead.north", "LEAD", "North PCN");
        java.util.function.Function<String, String> page = token -> client.toBlocking().retrieve(
                HttpRequest.GET("/ui/inbox").accept(MediaType.TEXT_HTML_TYPE).bearerAuth(token));

        assertThat(page.apply(ccc)).contains("Call request").contains("Opt-out taken by phone");
        // An ADMIN reads the inbox but records no patient's opt-out or opt-in (the server refuses it too: 403);
        // a lead does not see the inbox at all (docs/roles.md).
        assertThat(page.apply(api.adminToken())).contains("Call request").doesNotContain("Opt-out taken by phone")
                .doesNotContain("Opt-in taken by phone");
        assertThatStatus(() -> page.apply(lead)).isEqualTo(403);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
                .replace("\"", "&quot;");
    }

    private static org.assertj.core.api.AbstractIntegerAssert<?> assertThatStatus(Runnable call) {
        try {
            call.run();
            return assertThat(200);
        } catch (HttpClientResponseException e) {
            return assertThat(e.getStatus().getCode());
        }
    }

    @Test
    void inTheBrowserACccRepliesFromThePhoneSeesItInTheInboxAndMarksItDone() {
        api.user("ccc.browser", "CCC", "North PCN");
        WebDriver driver = Browser.open();
        try {
            String base = server.getURL().toString();
            Browser.login(driver, base, "ccc.browser", Api.USER_PASSWORD);
            driver.get(base + "/ui/phone");
            new Select(driver.findElement(By.id("number"))).selectByValue(northMobile);
            assertThat(driver.findElement(By.id("number")).getText()).doesNotContain(southMobile);
            Browser.clickAndWaitForPage(driver, By.id("pick"));
            driver.findElement(By.id("body")).sendKeys("Can someone ring me about the kit?");
            String received = Browser.clickAndWaitForSwap(driver, By.id("send"), By.id("received")).getText();
            assertThat(received).isNotBlank();
            assertThat(db.row("SELECT auto_reply FROM inbound_message").get("auto_reply")).isEqualTo(received);
            assertThat(driver.findElement(By.id("screen")).getText()).contains("Can someone ring me about the kit?");

            driver.get(base + "/ui/inbox");
            long id = ((Number) db.row("SELECT id FROM inbound_message").get("id")).longValue();
            By item = By.id("item-" + id);
            assertThat(driver.findElement(item).getText()).contains("Can someone ring me about the kit?")
                    .contains("North FIT").contains("Ada Testperson");
            new Select(driver.findElement(item).findElement(By.name("outcome"))).selectByValue("CALLED");
            driver.findElement(item).findElement(By.name("note")).sendKeys("spoke to her");
            driver.findElement(item).findElement(By.cssSelector(".done-form button")).click();
            Browser.waitForText(driver, item, "Done: Called by ccc.browser");
            assertThat(db.row("SELECT inbox_status, outcome_note FROM inbound_message"))
                    .containsEntry("inbox_status", "DONE").containsEntry("outcome_note", "spoke to her");
        } finally {
            driver.quit();
        }
    }
}
