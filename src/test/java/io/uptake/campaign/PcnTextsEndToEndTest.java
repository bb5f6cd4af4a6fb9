package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.template.MessageTemplates;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, "Templates a PCN can own", on the real path (cohort, templates, dispatcher, simulated channel): a PCN's
 * own English text is not sent until a LEAD of the PCN approves it (the shipped English goes meanwhile); a campaign
 * launched after the approval sends the PCN's words, and campaign_template records that version; a campaign keeps
 * the words it was launched with whatever is saved or approved afterwards.
 */
@MicronautTest(transactional = false)
@ManualDispatch
@Property(name = TestClock.START, value = PcnTextsEndToEndTest.MONDAY_0900_TEXT)
@Property(name = "spec.name", value = "PcnTextsEndToEndTest")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "0")
@Property(name = "uptake.sms.simulated.callback-delay", value = "50ms")
class PcnTextsEndToEndTest {
    static final String MONDAY_0900_TEXT = "2026-03-02T09:00:00Z";
    static final String OAK = "Hello {givenName}, Oakwood news from {practiceName}: a PSA chat is on offer. Call "
            + "{practicePhone}. {booking} {callBack} {optOut}";
    static final String ELM = OAK.replace("Oakwood", "Elmwood");

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    CampaignHousekeeping housekeeping;
    @Inject
    Dispatcher dispatcher;
    @Inject
    TestClock clock;
    @Inject
    MessageTemplates templates;

    String ccc;
    String lead;
    Rows rows;
    List<Rows.Patient> men;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        clock.set(Instant.parse(MONDAY_0900_TEXT));
        dispatcher.forgetSenderPause();
        rows = new Rows(dataSource);
        List<Rows.Patient> all = rows.patients("North PCN", "N00001", 2);
        men = all;
        for (int i = 0; i < all.size(); i++) {
            rows.execute("""
                    UPDATE patient SET sex = 'M', ethnicity_group = 'BLACK', date_of_birth = DATE '1970-01-01',
                                       language = 'en', mobile = ? WHERE id = ?""", "+447700900" + (640 + i), all.get(i).id());
        }
        Api api = new Api(client.toBlocking());
        ccc = api.user("ccc.north", "CCC", "North PCN");
        lead = api.user("lead.north", "LEAD", "North PCN");
    }

    @Test
    void theShippedTextGoesUntilALeadApprovesThenThePcnsWordsAndEachCampaignKeepsItsOwn() throws Exception {
        Map<String, Object> draft = client.toBlocking().retrieve(HttpRequest.PUT("/api/templates/psa-eligible/en",
                Map.of("message", "initial", "text", OAK)).bearerAuth(ccc), Json.OBJECT);
        String pcnVersion = (String) draft.get("version");
        assertThat(draft.get("state")).isEqualTo("draft");

        // Each campaign texts one of the two men (the other left out), so no number gets two texts at once.
        long before = launch("Before approval", men.get(1));
        assertThat(rows.queryString("SELECT version FROM campaign_template WHERE campaign_id = ? AND language = 'en'",
                before)).isEqualTo(templates.version("psa-eligible", "en"));
        assertThat(rows.queryLong("SELECT count(*) FROM campaign_text WHERE campaign_id = ?", before)).isZero();

        client.toBlocking().retrieve(HttpRequest.POST("/api/templates/psa-eligible/en/approve?version=" + pcnVersion, "")
                .bearerAuth(lead), Map.class);
        long after = launch("After approval", men.get(0));
        assertThat(rows.queryString("SELECT version FROM campaign_template WHERE campaign_id = ? AND language = 'en'",
                after)).isEqualTo(pcnVersion);
        assertThat(rows.queryLong("SELECT count(*) FROM campaign_template WHERE campaign_id = ? AND approved", after))
                .isEqualTo(1);
        assertThat(rows.queryLong("SELECT count(*) FROM campaign_text WHERE campaign_id = ?", after)).isEqualTo(1);

        // A new draft after the launch changes nothing the launched campaigns send.
        client.toBlocking().retrieve(HttpRequest.PUT("/api/templates/psa-eligible/en",
                Map.of("message", "initial", "text", ELM)).bearerAuth(ccc), Json.OBJECT);

        dispatch();
        List<String> shipped = bodies(before);
        List<String> own = bodies(after);
        assertThat(shipped).hasSize(1).allSatisfy(b -> assertThat(b).startsWith("Dear ").doesNotContain("Oakwood"));
        assertThat(own).hasSize(1).allSatisfy(b -> assertThat(b).startsWith("Hello ").contains("Oakwood news from")
                .contains("Reply STOP").doesNotContain("Elmwood"));
    }

    /**
     * Hazard H-026: a CCC changes an approved text; until the lead approves the change, a campaign launched meanwhile
     * sends the words the lead approved (frozen with that version), not the draft, and not the shipped text.
     */
    @Test
    void aCampaignLaunchedWhileANewDraftWaitsSendsTheLastApprovedWords() throws Exception {
        Map<String, Object> first = client.toBlocking().retrieve(HttpRequest.PUT("/api/templates/psa-eligible/en",
                Map.of("message", "initial", "text", OAK)).bearerAuth(ccc), Json.OBJECT);
        client.toBlocking().retrieve(HttpRequest.POST("/api/templates/psa-eligible/en/approve?version="
                + first.get("version"), "").bearerAuth(lead), Map.class);
        Map<String, Object> second = client.toBlocking().retrieve(HttpRequest.PUT("/api/templates/psa-eligible/en",
                Map.of("message", "initial", "text", ELM)).bearerAuth(ccc), Json.OBJECT);
        assertThat(second.get("state")).isEqualTo("draft");

        // The review says which words go and why.
        String review = review();
        assertThat(review).contains("Oakwood news from").doesNotContain("Elmwood")
                .contains("the version approved by lead.north is sent until then");

        long campaign = launch("While the draft waits", men.get(1));
        assertThat(rows.queryString("SELECT version FROM campaign_template WHERE campaign_id = ? AND language = 'en'",
                campaign)).isEqualTo(first.get("version"));
        assertThat(rows.queryLong("SELECT count(*) FROM campaign_template WHERE campaign_id = ? AND approved", campaign))
                .isEqualTo(1);
        dispatch();
        assertThat(bodies(campaign)).hasSize(1).allSatisfy(b -> assertThat(b).startsWith("Hello ")
                .contains("Oakwood news from").doesNotContain("Elmwood"));
    }

    @Test
    void theLaunchReviewShowsThePcnsApprovedWords() {
        Map<String, Object> draft = client.toBlocking().retrieve(HttpRequest.PUT("/api/templates/psa-eligible/en",
                Map.of("message", "initial", "text", OAK)).bearerAuth(ccc), Json.OBJECT);
        assertThat(review()).doesNotContain("Oakwood");
        client.toBlocking().retrieve(HttpRequest.POST("/api/templates/psa-eligible/en/approve?version="
                + draft.get("version"), "").bearerAuth(lead), Map.class);
        assertThat(review()).contains("Oakwood news from");
    }

    private String review() {
        return client.toBlocking().retrieve(HttpRequest.POST("/api/campaigns/preview", Map.of("name", "PSA",
                "programme", "psa-eligible", "asOf", "2026-03-02")).bearerAuth(ccc));
    }

    private long launch(String name, Rows.Patient leftOut) {
        try {
            Map<String, Object> created = client.toBlocking().retrieve(HttpRequest.POST("/api/campaigns", Map.of(
                    "name", name, "programme", "psa-eligible", "asOf", "2026-03-02", "leaveOut",
                    List.of(Map.of("nhsNumber", leftOut.nhsNumber(), "reason", "In the other campaign of this test"))))
                    .bearerAuth(ccc), Json.OBJECT);
            return ((Number) created.get("id")).longValue();
        } catch (HttpClientResponseException e) {
            throw new AssertionError("Launch refused: " + e.getResponse().getBody(String.class).orElse(""), e);
        }
    }

    private void dispatch() throws Exception {
        housekeeping.run();
        for (int i = 0; i < 100 && dispatcher.dispatchOnce("pcn-texts-test") > 0; i++) {
            // keep going while there is due work
        }
    }

    private List<String> bodies(long campaign) {
        Map<String, Object> page = client.toBlocking().retrieve(
                HttpRequest.GET("/api/campaigns/" + campaign + "/messages?size=1000").bearerAuth(ccc), Json.OBJECT);
        return Json.objects(page.get("messages")).stream().filter(m -> m.get("body") != null)
                .map(m -> (String) m.get("body")).toList();
    }
}
