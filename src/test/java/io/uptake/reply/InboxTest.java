package io.uptake.reply;

import io.micronaut.context.annotation.Property;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.optout.OptOutLedger;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@MicronautTest(transactional = false)
// A random port: application.yml fixes 8080, which parallel test runs on this machine share.
@Property(name = "micronaut.server.port", value = "-1")
class InboxTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    java.time.Clock clock;
    @Inject
    TwilioSignature signature;
    @Inject
    OptOutLedger ledger;
    @Inject
    ReplyCounts counts;

    ReplyFixtures db;
    Api api;
    long northCampaign;
    long northPatient;
    long southPatient;
    final String northMobile = ReplyFixtures.mobile(201);
    final String southMobile = ReplyFixtures.mobile(202);
    String northCcc;
    String southCcc;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        db = new ReplyFixtures(dataSource, client.toBlocking(), signature, clock);
        api = new Api(client.toBlocking());
        ReplyFixtures.NorthAndSouth rows = db.northAndSouth(northMobile, southMobile);
        northPatient = rows.northPatient();
        southPatient = rows.southPatient();
        northCampaign = rows.northCampaign();
        northCcc = api.user("ccc.north", "CCC", "North PCN");
        southCcc = api.user("ccc.south", "CCC", "South PCN");
    }

    private void text(String from, String body) {
        db.deliver(ReplyFixtures.twilioForm(ReplyFixtures.newSid(), from, body));
    }

    private List<Map<String, Object>> inbox(String token, String status) {
        return client.toBlocking().retrieve(HttpRequest.GET("/api/inbox" + (status == null ? "" : "?status=" + status))
                .bearerAuth(token), Argument.listOf(Argument.mapOf(String.class, Object.class)));
    }

    private static int status(Runnable call) {
        try {
            call.run();
            return 200;
        } catch (HttpClientResponseException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void eachCccSeesOnlyTheirPcnsRepliesNewestFirstAndUnknownNumbersOnlyTheAdmin() {
        text(northMobile, "Is this about my kit?");
        text(northMobile, "CALL");
        text(northMobile, "STOP");
        text(southMobile, "I posted it yesterday");
        text(ReplyFixtures.mobile(777), "Who are you?");

        List<Map<String, Object>> north = inbox(northCcc, "open");
        assertThat(north).extracting(i -> i.get("body")).containsExactly("CALL", "Is this about my kit?");
        assertThat(north.get(0)).containsEntry("classification", "CALL_REQUEST");
        assertThat(Json.object(north.get(1).get("campaign"))).containsEntry("name", "North FIT");
        assertThat(Json.object(north.get(1).get("answered"))).containsKey("body");
        assertThat(Json.object(north.get(1).get("patient"))).containsEntry("name", "Ada Testperson");

        assertThat(inbox(southCcc, null)).extracting(i -> i.get("body")).containsExactly("I posted it yesterday");
        assertThat(inbox(api.adminToken(), "open")).extracting(i -> i.get("body"))
                .containsExactly("Who are you?", "I posted it yesterday", "CALL", "Is this about my kit?");
    }

    @Test
    void aCccRecordsAnOutcomeOnceAndCannotTouchAnotherPcnsItem() {
        text(northMobile, "CALL");
        long id = ((Number) inbox(northCcc, "open").get(0).get("id")).longValue();

        assertThat(status(() -> client.toBlocking().exchange(HttpRequest.POST("/api/inbox/" + id + "/done",
                Map.of("outcome", "CALLED", "note", "left a message")).bearerAuth(southCcc)))).isEqualTo(404);
        assertThat(status(() -> client.toBlocking().exchange(HttpRequest.POST("/api/inbox/" + id + "/done",
                Map.of("outcome", "LUNCH")).bearerAuth(northCcc)))).isEqualTo(400);

        Map<?, ?> done = client.toBlocking().retrieve(HttpRequest.POST("/api/inbox/" + id + "/done",
                Map.of("outcome", "booked test", "note", "kit re-sent")).bearerAuth(northCcc), Map.class);
        assertThat(done.get("status")).isEqualTo("DONE");
        assertThat(done.get("outcome")).isEqualTo("BOOKED_TEST");
        assertThat(done.get("doneBy")).isEqualTo("ccc.north");
        assertThat(inbox(northCcc, "open")).isEmpty();
        assertThat(inbox(northCcc, "done")).extracting(i -> i.get("outcomeNote")).containsExactly("kit re-sent");
        assertThat(status(() -> client.toBlocking().exchange(HttpRequest.POST("/api/inbox/" + id + "/done",
                Map.of("outcome", "CALLED")).bearerAuth(northCcc)))).isEqualTo(409);
    }

    @Test
    void anOptOutOrOptInTakenByPhoneGoesToTheLedgerForThatPatientOnly() {
        assertThat(status(() -> client.toBlocking().exchange(HttpRequest.POST(
                "/api/inbox/patients/" + southPatient + "/opt-out", Map.of("note", "rang us")).bearerAuth(northCcc))))
                .isEqualTo(404);
        assertThat(ledger.isOptedOut(southPatient)).isFalse();

        Map<?, ?> out = client.toBlocking().retrieve(HttpRequest.POST("/api/inbox/patients/" + northPatient + "/opt-out",
                Map.of("note", "rang the surgery")).bearerAuth(northCcc), Map.class);
        assertThat(out.get("optedOut")).isEqualTo(true);
        assertThat(db.row("SELECT patient_id, phone, source, recorded_by FROM opt_out_ledger"))
                .containsEntry("patient_id", northPatient).containsEntry("phone", null)
                .containsEntry("source", "CCC_PHONE").containsEntry("recorded_by", "ccc.north");

        Map<?, ?> in = client.toBlocking().retrieve(HttpRequest.POST("/api/inbox/patients/" + northPatient + "/opt-in",
                Map.of()).bearerAuth(northCcc), Map.class);
        assertThat(in.get("optedOut")).isEqualTo(false);
        assertThat(ledger.isOptedOut(northPatient)).isFalse();
    }

    @Test
    void repliesAreCountedPerCampaign() {
        text(northMobile, "CALL");
        text(northMobile, "What is this?");
        text(northMobile, "please stop texting");
        text(northMobile, "STOP");
        text(southMobile, "STOP");

        ReplyCounts.Counts c = counts.forCampaign(northCampaign);
        assertThat(c.replies()).isEqualTo(4);
        assertThat(c.patientsReplying()).isEqualTo(1);
        assertThat(c.callRequests()).isEqualTo(1);
        assertThat(c.optOuts()).isEqualTo(1);
        assertThat(c.freeText()).isEqualTo(2);
        assertThat(c.likelyOptOuts()).isEqualTo(1);
        assertThat(c.openInInbox()).isEqualTo(3);
    }

    @Test
    void theInboxNeedsALogin() {
        assertThat(status(() -> client.toBlocking().exchange(HttpRequest.GET("/api/inbox")))).isEqualTo(401);
    }

    @Test
    void aReplyNotInEnglishShowsTheOriginalWithAHintAndNoMachineTranslation() {
        String urduMobile = ReplyFixtures.mobile(203);
        long urdu = db.patient("P84001", urduMobile, "ur", "Bushra");
        db.sentMessage(northCampaign, urdu, urduMobile, "ur", clock.instant().minus(1, ChronoUnit.HOURS));
        String body = "براہ کرم مجھے کال کریں، بند نہیں";
        text(urduMobile, body);

        Map<String, Object> item = inbox(northCcc, "open").get(0);
        assertThat(item).containsEntry("body", body).containsEntry("language", "ur")
                .containsEntry("classification", "FREE_TEXT").containsEntry("likelyOptOut", true);
        Map<String, Object> hint = Json.object(item.get("translationHint"));
        assertThat(hint.get("languageName")).isEqualTo("Urdu");
        assertThat(Json.list(hint.get("recognised"), String.class)).anySatisfy(r -> assertThat(r).startsWith("بند = stop texts"))
                .anySatisfy(r -> assertThat(r).startsWith("کال = please call me"));
        assertThat((String) hint.get("note")).contains("No machine translation");
        assertThat((String) item.get("autoReply")).contains("شکریہ");
    }
}
