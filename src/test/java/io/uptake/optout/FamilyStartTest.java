package io.uptake.optout;

import io.micronaut.context.annotation.Property;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.campaign.CampaignHousekeeping;
import io.uptake.campaign.Dispatcher;
import io.uptake.campaign.Reconciler;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.TestClock;
import io.uptake.testsupport.Json;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, item 6, as it was found: a CCC recorded patient A's opt-out after A phoned the practice; a family
 * member texted START from the mobile A shares; A was back in the cohort. Here through the HTTP API, the signed
 * webhook and the dispatcher, and then every reader: cohort, the dispatcher's check before a send, a later
 * launch, the inbox, campaign counts and the report.
 */
@MicronautTest(transactional = false)
// Dispatcher loops and Quartz off: this test runs the dispatcher itself, at the time it sets.
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = FamilyStartTest.MONDAY_1000)
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "0")
// The simulated channel's status callbacks would arrive after this test; they are not what it is about.
@Property(name = "uptake.sms.simulated.callback-delay", value = "1h")
class FamilyStartTest {
    /** Monday 2 March 2026, 10:00 in London: the default send window is open. */
    static final String MONDAY_1000 = "2026-03-02T10:00:00Z";

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TwilioSignature signature;
    @Inject
    Dispatcher dispatcher;
    @Inject
    CampaignHousekeeping housekeeping;
    @Inject
    Reconciler reconciler;

    Rows rows;
    String ccc;
    String familyMobile = Rows.mobile(501);
    Rows.PatientRow a;
    long aId;
    long bId;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        long pcn = rows.pcn("North PCN");
        rows.practice("P84001", "Oak Surgery", pcn, Rows.PRACTICE_PHONE);
        // Two higher-risk men on one family mobile, both in the PSA cohort. B first, so that A, the newer record,
        // is the patient a text from the mobile is matched to.
        bId = rows.patient("P84001").named("Ben", "Family").sex("M").born(LocalDate.of(1966, 5, 1))
                .ethnicityGroup("BLACK").mobile(familyMobile).insert();
        a = rows.patient("P84001").named("Ade", "Family").sex("M").born(LocalDate.of(1970, 5, 1))
                .ethnicityGroup("BLACK").mobile(familyMobile);
        aId = a.insert();
        ccc = new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
    }

    @Test
    void aStartFromTheFamilyMobileDoesNotUndoTheObjectionACccRecorded() throws Exception {
        long campaign = launch("PSA conversations");
        // A's invitation was being sent when A phoned: its outcome unknown, out of reach of the cancellation of
        // queued texts, so the dispatcher's own check before it sends is what must stop it.
        rows.execute("UPDATE message SET status = 'UNKNOWN', attempted_at = due_at WHERE campaign_id = ? AND patient_id = ?",
                campaign, aId);

        Map<String, Object> recorded = client.toBlocking().retrieve(HttpRequest.POST(
                "/api/patients/" + a.nhsNumber() + "/opt-out", Map.of("reason", "phoned the practice")).bearerAuth(ccc),
                Argument.mapOf(String.class, Object.class));
        assertThat(recorded).containsEntry("optedOut", true);

        String answer = text(familyMobile, "START");
        // Matched to A, who is still opted out: no "you will get our texts again", a CCC calls instead.
        assertThat(answer).contains("will call you");

        assertThat(eligibility()).containsEntry(aId, List.of("opted-out")).containsEntry(bId, List.of());

        // What the Quartz job and the dispatcher loop do, run until nothing is due.
        housekeeping.run();
        // The unknown text is the reconciler's: it finds it never went and makes it PENDING again, so the
        // dispatcher's checks (the opt-out among them) run on it before anything is sent.
        for (int i = 0; i < 10 && reconciler.reconcileOnce("test") > 0; i++) {
            // keep going while there is due work
        }
        for (int i = 0; i < 10 && dispatcher.dispatchOnce("test") > 0; i++) {
            // keep going while there is due work
        }
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ? AND patient_id = ?"
                + " AND status = 'CANCELLED' AND reason = 'opted out'", campaign, aId)).isEqualTo(1);
        assertThat(rows.queryLong("SELECT count(*) FROM simulated_sms s JOIN message m ON m.id = s.message_id"
                + " WHERE m.patient_id = ?", aId)).as("texts to A").isZero();
        assertThat(rows.queryLong("SELECT count(*) FROM simulated_sms s JOIN message m ON m.id = s.message_id"
                + " WHERE m.patient_id = ?", bId)).as("B never objected").isEqualTo(1);

        long later = launch("PSA conversations, again");
        assertThat(rows.queryLong("SELECT count(*) FROM recipient WHERE campaign_id = ? AND patient_id = ?", later, aId))
                .as("A in a later campaign").isZero();

        List<Map<String, Object>> inbox = client.toBlocking().retrieve(HttpRequest.GET("/api/inbox").bearerAuth(ccc),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
        assertThat(inbox).singleElement().satisfies(item -> {
            assertThat(item).containsEntry("classification", "OPT_IN").containsEntry("status", "OPEN");
            assertThat(Json.object(item.get("patient"))).containsEntry("nhsNumber", a.nhsNumber())
                    .containsEntry("optedOut", true);
        });

        Map<String, Object> view = client.toBlocking().retrieve(HttpRequest.GET("/api/campaigns/" + campaign)
                .bearerAuth(ccc), Argument.mapOf(String.class, Object.class));
        assertThat(Json.object(view.get("counts"))).containsEntry("optedOut", 1);
        Map<String, Object> report = client.toBlocking().retrieve(HttpRequest.GET("/api/campaigns/" + campaign
                + "/report").bearerAuth(ccc), Argument.mapOf(String.class, Object.class));
        assertThat(((Number) report.get("optedOut")).intValue()).isEqualTo(1);
    }

    @Test
    void aTextIsNotSentToANumberThatTextedStopEvenWhenThePatientsRecordHasMovedOn() throws Exception {
        long campaign = launch("PSA conversations");
        // B's invitation to the family mobile, frozen at launch, had an unknown outcome; since then B's record got
        // a mobile of his own, and the family mobile texted STOP.
        rows.execute("UPDATE message SET status = 'UNKNOWN', attempted_at = due_at WHERE campaign_id = ? AND patient_id = ?",
                campaign, bId);
        rows.execute("UPDATE patient SET mobile = ? WHERE id = ?", Rows.mobile(502), bId);
        text(familyMobile, "STOP");

        housekeeping.run();
        // The unknown text is the reconciler's: it finds it never went and makes it PENDING again, so the
        // dispatcher's checks (the opt-out among them) run on it before anything is sent.
        for (int i = 0; i < 10 && reconciler.reconcileOnce("test") > 0; i++) {
            // keep going while there is due work
        }
        for (int i = 0; i < 10 && dispatcher.dispatchOnce("test") > 0; i++) {
            // keep going while there is due work
        }
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ? AND patient_id = ?"
                + " AND status = 'CANCELLED' AND reason = 'opted out'", campaign, bId)).isEqualTo(1);
        assertThat(rows.queryLong("SELECT count(*) FROM simulated_sms")).as("texts to the number").isZero();
    }

    private long launch(String name) {
        HttpResponse<Map<String, Object>> response = client.toBlocking().exchange(HttpRequest.POST("/api/campaigns",
                Map.of("name", name, "programme", "psa-eligible")).bearerAuth(ccc), Json.OBJECT);
        assertThat(response.code()).isEqualTo(201);
        return ((Number) response.body().get("id")).longValue();
    }

    /** Patient id to exclusions, in this PCN's PSA cohort today. */
    private Map<Long, Object> eligibility() {
        Map<String, Object> page = client.toBlocking().retrieve(HttpRequest.GET(
                "/api/cohorts/psa-eligible/patients?asOf=2026-03-02&size=100").bearerAuth(ccc),
                Argument.mapOf(String.class, Object.class));
        Map<Long, Object> out = new LinkedHashMap<>();
        for (Map<String, Object> p : Json.objects(page.get("patients"))) {
            out.put(((Number) p.get("patientId")).longValue(), p.get("exclusions"));
        }
        return out;
    }

    /** A text from the handset, as Twilio delivers it (signed); returns our TwiML answer's message. */
    private String text(String from, String body) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("MessageSid", "SM" + "a".repeat(32));
        form.put("AccountSid", "ACfake-test-account");
        form.put("From", from);
        form.put("To", "+447700900999");
        form.put("Body", body);
        String twiml = client.toBlocking().retrieve(HttpRequest.POST("/webhooks/twilio/inbound", form)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                .header(TwilioSignature.HEADER, signature.sign("/webhooks/twilio/inbound", form)), String.class);
        return twiml;
    }
}
