package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import io.uptake.web.PeopleFormats;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The campaign page's messages list, paged on the server with names and readable columns, and delivery per practice. */
@MicronautTest(transactional = false)
@Property(name = "micronaut.server.port", value = "-1")
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
class CampaignMessagesPageTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    Clock clock;
    @Inject
    PeopleFormats people;

    long campaign;
    String ccc;
    String lead;
    String firstNhsNumber;
    String lastName;

    /** 120 messages: Oak Surgery 70 (50 delivered, 15 failed, 5 pending), Elm Surgery 50 (40 sent, 10 undelivered). */
    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        Rows rows = new Rows(dataSource);
        CampaignRows campaigns = new CampaignRows(dataSource, clock);
        long north = rows.pcn("North PCN");
        rows.practice("P84001", "Oak Surgery", north);
        rows.practice("P84003", "Elm Surgery", north);
        campaign = campaigns.campaign(north).name("North FIT").startAt(campaigns.now().minus(Duration.ofDays(2)))
                .asOf(campaigns.today().minusDays(2)).attributionDays(90).createdBy("ccc.north").insert();
        for (int i = 0; i < 120; i++) {
            String practice = i < 70 ? "P84001" : "P84003";
            String status = i < 50 ? "DELIVERED" : i < 65 ? "FAILED" : i < 70 ? "PENDING" : i < 110 ? "SENT" : "UNDELIVERED";
            String mobile = Rows.mobile(600 + i);
            Rows.PatientRow patient = rows.patient(practice).named("Person" + i, "Family" + i).mobile(mobile);
            long patientId = patient.insert();
            if (i == 0) {
                firstNhsNumber = patient.nhsNumber();
            }
            lastName = "Person" + i + " Family" + i;
            long recipient = campaigns.recipient(campaign, patientId).language(i % 2 == 0 ? "en" : "pa").mobile(mobile)
                    .indexDate(campaigns.today().minusDays(2)).insert();
            var message = campaigns.message(campaign, recipient, patientId).to(mobile).language(i % 2 == 0 ? "en" : "pa")
                    .body("Your kit").segments(1).status(status);
            if (!status.equals("PENDING")) {
                message.sentAt(campaigns.now().minus(Duration.ofDays(1)));
            }
            if (status.equals("FAILED")) {
                message.reason("Twilio refused the number");
            }
            message.insert();
        }
        Api api = new Api(client.toBlocking());
        ccc = api.user("ccc.north", "CCC", "North PCN");
        lead = api.user("lead.north", "LEAD", "North PCN");
    }

    private String page(String path, String token) {
        return client.toBlocking().retrieve(HttpRequest.GET(path).accept(MediaType.TEXT_HTML_TYPE).bearerAuth(token));
    }

    private static int rowsOf(String html, String tableId) {
        int start = html.indexOf("id=\"" + tableId + "\"");
        assertThat(start).as("table " + tableId).isNotNegative();
        String table = html.substring(start, html.indexOf("</table>", start));
        String body = table.substring(table.indexOf("<tbody>"));
        return body.split("<tr", -1).length - 1;
    }

    @Test
    void theMessagesListIsPagedOnTheServerWithNamesAndReadableColumns() {
        String first = page("/ui/campaigns/" + campaign, ccc);
        assertThat(rowsOf(first, "messages")).isEqualTo(50);
        assertThat(first).contains("Showing 1 to 50 of 120 messages.")
                .contains("Person0 Family0").contains(people.nhsNumber(firstNhsNumber))
                .contains(people.mobile(Rows.mobile(600))).contains("Oak Surgery").contains("Panjabi")
                .contains("Invitation").doesNotContain(lastName);
        // The NHS pagination: page 1 is current, with links to 2 and 3 and to the next page; no previous page.
        assertThat(first).contains("class=\"nhsuk-pagination nhsuk-pagination--numbered\"")
                .contains("aria-label=\"Page 1\" aria-current=\"page\"")
                .contains("href=\"/ui/campaigns/" + campaign + "?page=2#messages-heading\"")
                .contains("id=\"messages-next\"").doesNotContain("id=\"messages-previous\"");

        String second = page("/ui/campaigns/" + campaign + "?page=2", ccc);
        assertThat(second).contains("Showing 51 to 100 of 120 messages.").contains("Twilio refused the number")
                .contains("aria-label=\"Page 2\" aria-current=\"page\"").contains("id=\"messages-previous\"");

        String last = page("/ui/campaigns/" + campaign + "?page=3", ccc);
        assertThat(rowsOf(last, "messages")).isEqualTo(20);
        assertThat(last).contains("Showing 101 to 120 of 120 messages.").contains(lastName)
                .contains("id=\"messages-previous\"").doesNotContain("id=\"messages-next\"")
                .doesNotContain("Person0 Family0");
        // Past the end, or junk: the last page, or the first, never an error or an empty list.
        assertThat(page("/ui/campaigns/" + campaign + "?page=99", ccc)).contains("Showing 101 to 120 of 120 messages.");
        assertThat(page("/ui/campaigns/" + campaign + "?page=abc", ccc)).contains("Showing 1 to 50 of 120 messages.");
    }

    @Test
    void deliveryIsShownPerPracticeTextedDeliveredAndFailed() {
        String html = page("/ui/campaigns/" + campaign, ccc);
        assertThat(rowsOf(html, "delivery")).isEqualTo(2);
        // Oak: 50 delivered and 15 refused were texted; its 5 waiting texts are not counted.
        assertThat(row(html, "delivery-P84001")).containsSubsequence("Oak Surgery", ">65<", ">50<", ">15<");
        assertThat(row(html, "delivery-P84003")).containsSubsequence("Elm Surgery", ">50<", ">0<", ">10<");
        // Elm before Oak: by practice name.
        assertThat(html.indexOf("delivery-P84003")).isLessThan(html.indexOf("delivery-P84001"));

        // A lead reads delivery per practice (counts only) but no messages list.
        String leads = page("/ui/campaigns/" + campaign, lead);
        assertThat(rowsOf(leads, "delivery")).isEqualTo(2);
        assertThat(leads).doesNotContain("id=\"messages\"").doesNotContain("Person0");
    }

    private static String row(String html, String id) {
        Matcher m = Pattern.compile("<tr id=\"" + id + "\">(.*?)</tr>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("row " + id).isTrue();
        return m.group(1);
    }
}
