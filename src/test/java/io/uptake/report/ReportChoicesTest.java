package io.uptake.report;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report counts each numbered choice (issue 15) by arm and breakdown, from replies that came through the signed
 * Twilio webhook: patients, not texts; "not for me" is a decline and never an opt-out; a programme that offers no
 * choices has none.
 */
@MicronautTest(transactional = false)
class ReportChoicesTest {
    private static final String WEBHOOK = "/webhooks/twilio/inbound";
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    Clock clock;
    @Inject
    TwilioSignature signature;

    BlockingHttpClient http;
    Rows rows;
    CampaignRows campaigns;
    String ccc;
    long north;
    int sid;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        rows = new Rows(dataSource);
        campaigns = new CampaignRows(dataSource, clock);
        north = rows.pcn("North PCN");
        rows.practice("P84001", "Oak Surgery", north, Rows.PRACTICE_PHONE);
        ccc = new Api(http).user("ccc.north", "CCC", "North PCN");
    }

    /** A campaign with texted patients (n, language) who had its text yesterday, and two control patients. */
    private long campaign(String programme, Map<Integer, String> texted) {
        Instant sent = campaigns.now().minus(Duration.ofDays(1));
        long id = campaigns.campaign(north).name("Choices " + programme).programme(programme).startAt(sent).insert();
        texted.forEach((n, language) -> {
            long patient = rows.patient("P84001").named("P" + n, "Oak").mobile(Rows.mobile(n)).language(language).insert();
            long recipient = campaigns.recipient(id, patient).language(language).mobile(Rows.mobile(n)).insert();
            campaigns.message(id, recipient, patient).to(Rows.mobile(n)).language(language).body("Reply 1, 2, 3 or 4")
                    .segments(1).status("DELIVERED").sentAt(sent).insert();
        });
        for (int n = 390; n <= 391; n++) {
            long patient = rows.patient("P84001").named("C" + n, "Oak").mobile(Rows.mobile(n)).insert();
            campaigns.recipient(id, patient).arm("CONTROL").insert();
        }
        return id;
    }

    private void reply(int n, String body) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("MessageSid", String.format("SMreport%026d", ++sid));
        form.put("From", Rows.mobile(n));
        form.put("To", "+447700900999");
        form.put("Body", body);
        http.exchange(HttpRequest.POST(WEBHOOK, form).contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                .header(TwilioSignature.HEADER, signature.sign(WEBHOOK, form)), String.class);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> report(long id) {
        return http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/report").bearerAuth(ccc), Map.class);
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachChoiceIsCountedInPatientsByArmAndBreakdown() {
        long id = campaign("fit-non-returners", Map.of(301, "ur", 302, "en", 303, "en", 304, "pl"));
        reply(301, "۲");          // Urdu digit 2: already done
        reply(302, "4");          // not for me
        reply(302, "not for me"); // the same patient again: still one patient
        reply(303, "1");          // call me
        reply(304, "Nie dla mnie");

        Map<String, Object> report = report(id);
        Map<String, Object> choices = (Map<String, Object>) report.get("choices");
        assertThat((List<String>) choices.get("offered")).containsExactly("CALL_ME", "ALREADY_DONE", "NEW_KIT", "NOT_FOR_ME");
        Map<String, Object> texted = (Map<String, Object>) choices.get("texted");
        assertThat(texted.keySet()).containsExactly("CALL_ME", "ALREADY_DONE", "NEW_KIT", "NOT_FOR_ME");
        assertThat(texted).containsEntry("CALL_ME", 1).containsEntry("ALREADY_DONE", 1).containsEntry("NEW_KIT", 0)
                .containsEntry("NOT_FOR_ME", 2);
        assertThat((Map<String, Object>) choices.get("control")).containsEntry("NOT_FOR_ME", 0).containsEntry("CALL_ME", 0);
        // A decline is not an opt-out.
        assertThat(((Number) report.get("optedOut")).intValue()).isZero();

        Map<String, List<Map<String, Object>>> breakdowns = (Map<String, List<Map<String, Object>>>) choices.get("breakdowns");
        Map<String, Map<String, Object>> byLanguage = new LinkedHashMap<>();
        breakdowns.get("language").forEach(g -> byLanguage.put((String) g.get("value"), (Map<String, Object>) g.get("patients")));
        assertThat(byLanguage.get("ur")).containsEntry("ALREADY_DONE", 1).containsEntry("NOT_FOR_ME", 0);
        assertThat(byLanguage.get("en")).containsEntry("NOT_FOR_ME", 1).containsEntry("CALL_ME", 1);
        assertThat(byLanguage.get("pl")).containsEntry("NOT_FOR_ME", 1);
        assertThat(breakdowns.get("practice")).singleElement()
                .satisfies(g -> assertThat((Map<String, Object>) g.get("patients")).containsEntry("NOT_FOR_ME", 2));

        String csv = http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/report.csv").bearerAuth(ccc));
        List<String> header = List.of(csv.lines().findFirst().orElseThrow().split(","));
        int declined = header.indexOf("Chose 4 not for me (declined)");
        int done = header.indexOf("Chose 2 already done");
        assertThat(declined).isPositive();
        String[] total = csv.lines().filter(l -> l.startsWith("Total,Texted,")).findFirst().orElseThrow().split(",", -1);
        assertThat(total[declined]).isEqualTo("2");
        assertThat(total[done]).isEqualTo("1");
        String[] practice = csv.lines().filter(l -> l.startsWith("Practice,")).findFirst().orElseThrow().split(",", -1);
        assertThat(practice[declined]).isEqualTo("2");

        String page = http.retrieve(HttpRequest.GET("/ui/campaigns/" + id + "/report").bearerAuth(ccc));
        assertThat(page).contains("Numbered replies").contains("4 not for me (an informed decline)");
    }

    @Test
    void aProgrammeThatOffersNoChoicesHasNone() {
        long id = campaign("psa-eligible", Map.of(305, "en"));
        reply(305, "4");

        assertThat(report(id).get("choices")).isNull();
    }
}
