package io.uptake.reply;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
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

/**
 * The one-click opt-out confirm as a CCC's client uses it (issue 13): replies in Urdu script and in Roman Urdu that
 * read as an opt-out, through the signed webhook, and {@code POST /api/inbox/{id}/confirm-opt-out}.
 */
@MicronautTest(transactional = false)
@Property(name = "micronaut.server.port", value = "-1")
class InboxOptOutConfirmTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    java.time.Clock clock;
    @Inject
    TwilioSignature signature;

    ReplyFixtures db;
    Api api;
    ReplyFixtures.NorthAndSouth rows;
    final String adaMobile = ReplyFixtures.mobile(511);
    final String southMobile = ReplyFixtures.mobile(512);
    final String bilalMobile = ReplyFixtures.mobile(513);
    long bilal;
    long birchCampaign;
    String northCcc;
    String colleague;
    String southCcc;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        db = new ReplyFixtures(dataSource, client.toBlocking(), signature, clock);
        api = new Api(client.toBlocking());
        rows = db.northAndSouth(adaMobile, southMobile);
        db.practice("P84003", "Birch Practice", rows.northPcn());
        bilal = db.patient("P84003", bilalMobile, "ur", "Bilal");
        birchCampaign = db.campaign(rows.northPcn(), "North breast");
        db.sentMessage(birchCampaign, bilal, bilalMobile, "ur", clock.instant().minus(2, ChronoUnit.HOURS));
        northCcc = api.user("ccc.north", "CCC", "North PCN");
        colleague = api.user("ccc.north2", "CCC", "North PCN");
        southCcc = api.user("ccc.south", "CCC", "South PCN");
    }

    private long text(String from, String body) {
        db.deliver(ReplyFixtures.twilioForm(ReplyFixtures.newSid(), from, body));
        return ((Number) db.row("SELECT max(id) AS id FROM inbound_message WHERE body = ?", body).get("id")).longValue();
    }

    /** The answer to a CCC's confirm: its status and JSON body. */
    private record Answer(int status, Map<String, Object> body) {
    }

    private Answer confirm(long item, String token) {
        try {
            var response = client.toBlocking().exchange(HttpRequest.POST("/api/inbox/" + item + "/confirm-opt-out", "")
                    .contentType(MediaType.APPLICATION_JSON_TYPE).bearerAuth(token), Json.OBJECT);
            return new Answer(response.code(), response.body());
        } catch (HttpClientResponseException e) {
            return new Answer(e.getStatus().getCode(), e.getResponse().getBody(Json.OBJECT).orElse(Map.of()));
        }
    }

    private Map<String, Object> inboxItem(String token, long item) {
        List<Map<String, Object>> items = client.toBlocking().retrieve(
                HttpRequest.GET("/api/inbox?status=all").bearerAuth(token), Json.OBJECTS);
        return items.stream().filter(i -> ((Number) i.get("id")).longValue() == item).findFirst().orElseThrow();
    }

    private String inboxPage(String token) {
        return client.toBlocking().retrieve(HttpRequest.GET("/ui/inbox").accept(MediaType.TEXT_HTML_TYPE).bearerAuth(token));
    }

    private long ledgerEntries() {
        return db.count("SELECT count(*) FROM opt_out_ledger");
    }

    @Test
    void anUrduScriptAndARomanUrduReplyGetTheOneClickConfirmWhichStopsThePatientsQueuedTexts() {
        long bilalReminder = db.queuedMessage(birchCampaign, bilal, bilalMobile, clock.instant().plus(3, ChronoUnit.DAYS));
        long adaReminder = db.queuedMessage(rows.northCampaign(), rows.northPatient(), adaMobile,
                clock.instant().plus(3, ChronoUnit.DAYS));
        // "Please don't send me any more messages", in Urdu script: no keyword in it.
        long urdu = text(bilalMobile, "براہ کرم مجھے مزید میسج نہ بھیجیں");
        // Roman Urdu, from a patient whose record says English: every language's phrases are matched.
        long roman = text(adaMobile, "Plz mujhe message mat bhejo");

        for (long item : List.of(urdu, roman)) {
            assertThat(db.row("SELECT classification, likely_opt_out, inbox_status FROM inbound_message WHERE id = ?", item))
                    .containsEntry("classification", "FREE_TEXT").containsEntry("likely_opt_out", true)
                    .containsEntry("inbox_status", "OPEN");
            assertThat(inboxItem(northCcc, item)).containsEntry("likelyOptOut", true);
        }
        // Nothing is recorded until a CCC confirms; the inbox offers the one click for both.
        assertThat(ledgerEntries()).isZero();
        assertThat(inboxPage(northCcc)).contains("id=\"confirm-opt-out-" + urdu + "\"")
                .contains("id=\"confirm-opt-out-" + roman + "\"");

        Answer bilalDone = confirm(urdu, northCcc);
        assertThat(bilalDone.status()).isEqualTo(200);
        assertThat(bilalDone.body()).containsEntry("patientId", (int) bilal).containsEntry("optedOut", true)
                .containsEntry("cancelledTexts", 1).containsEntry("outcome", "OPTED_OUT")
                .containsEntry("message", "Opt-out recorded. 1 text waiting to be sent was cancelled.");
        assertThat(db.messageStatus(bilalReminder)).isEqualTo("CANCELLED");
        assertThat(db.messageStatus(adaReminder)).isEqualTo("PENDING");

        assertThat(confirm(roman, northCcc).body()).containsEntry("optedOut", true).containsEntry("cancelledTexts", 1);
        assertThat(db.messageStatus(adaReminder)).isEqualTo("CANCELLED");
    }

    @Test
    void aCccConfirmsThroughTheApiOnceTheOptOutIsRecordedAuditedAndSurvivesAStartFromTheNumber() {
        long reminder = db.queuedMessage(rows.northCampaign(), rows.northPatient(), adaMobile,
                clock.instant().plus(3, ChronoUnit.DAYS));
        long item = text(adaMobile, "No more messages please");

        // An ADMIN reads the inbox but records no patient's opt-out; another PCN's CCC does not find the reply.
        assertThat(confirm(item, api.adminToken()).status()).isEqualTo(403);
        assertThat(confirm(item, api.user("lead.north", "LEAD", "North PCN")).status()).isEqualTo(403);
        assertThat(confirm(item, southCcc).status()).isEqualTo(404);
        assertThat(confirm(Long.MAX_VALUE, northCcc).status()).isEqualTo(404);
        assertThat(ledgerEntries()).isZero();
        assertThat(db.messageStatus(reminder)).isEqualTo("PENDING");

        Answer done = confirm(item, northCcc);

        assertThat(done.status()).isEqualTo(200);
        assertThat(done.body()).containsEntry("id", (int) item).containsEntry("patientId", (int) rows.northPatient())
                .containsEntry("optedOut", true).containsEntry("cancelledTexts", 1).containsEntry("outcome", "OPTED_OUT");
        assertThat(db.messageStatus(reminder)).isEqualTo("CANCELLED");
        assertThat(db.row("SELECT action, source, level, reference, recorded_by FROM opt_out_ledger"))
                .containsEntry("action", "OPT_OUT").containsEntry("source", "CCC").containsEntry("level", "PATIENT")
                .containsEntry("reference", "reply inbound:" + item).containsEntry("recorded_by", "ccc.north");
        // Audited as the page does: the opt-out with what it cancelled, and the item done.
        assertThat(db.row("SELECT detail FROM audit_log WHERE action = 'OPT_OUT_REPLY_CONFIRMED' AND username = 'ccc.north'"
                + " AND target = ?", "patient:" + rows.northPatient()).get("detail").toString())
                .contains("inbound:" + item).contains("cancelled:1");
        assertThat(db.count("SELECT count(*) FROM audit_log WHERE action = 'INBOX_DONE' AND target = ?", "inbound:" + item))
                .isEqualTo(1);

        // A second confirm (a retry, or a colleague) is refused in words and records nothing new.
        long audits = db.count("SELECT count(*) FROM audit_log WHERE action IN ('OPT_OUT_REPLY_CONFIRMED', 'INBOX_DONE')");
        Answer again = confirm(item, colleague);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).containsEntry("reason", "ALREADY_CONFIRMED");
        assertThat((String) again.body().get("message")).contains("already been confirmed as an opt-out");
        assertThat(ledgerEntries()).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM audit_log WHERE action IN ('OPT_OUT_REPLY_CONFIRMED', 'INBOX_DONE')"))
                .isEqualTo(audits);
        assertThat(db.row("SELECT done_by FROM inbound_message WHERE id = ?", item)).containsEntry("done_by", "ccc.north");

        // Read back through the API and the rule's view; a START from her mobile does not undo her own opt-out.
        Map<String, Object> read = inboxItem(northCcc, item);
        assertThat(read).containsEntry("status", "DONE").containsEntry("outcome", "OPTED_OUT")
                .containsEntry("doneBy", "ccc.north");
        assertThat(Json.object(read.get("patient"))).containsEntry("optedOut", true);
        text(adaMobile, "START");
        assertThat(db.rows("SELECT level, source FROM opted_out_patient WHERE patient_id = ?", rows.northPatient()))
                .containsExactly(Map.of("level", "PATIENT", "source", "CCC"));
        assertThat(Json.object(inboxItem(northCcc, item).get("patient"))).containsEntry("optedOut", true);
    }

    @Test
    void aReplyThatCannotBeConfirmedIsRefusedWithItsReasonAndNothingIsRecorded() {
        long plain = text(bilalMobile, "When is the clinic?");
        Answer notFlagged = confirm(plain, northCcc);
        assertThat(notFlagged.status()).isEqualTo(409);
        assertThat(notFlagged.body()).containsEntry("reason", "NOT_LIKELY_OPT_OUT");
        assertThat((String) notFlagged.body().get("message")).contains("does not read as an opt-out")
                .contains("Opt-out taken by phone");

        // Ada's mobile is also her husband's: we cannot tell which of them wrote it.
        long husband = db.patient("P84001", adaMobile, "en", "Ben");
        db.sentMessage(rows.northCampaign(), husband, adaMobile, "en", clock.instant().minus(1, ChronoUnit.HOURS));
        long shared = text(adaMobile, "mujhe message mat bhejo");
        Answer sharedAnswer = confirm(shared, northCcc);
        assertThat(sharedAnswer.status()).isEqualTo(409);
        assertThat(sharedAnswer.body()).containsEntry("reason", "SHARED_NUMBER");
        assertThat((String) sharedAnswer.body().get("message")).contains("This mobile is shared");
        assertThat(ledgerEntries()).isZero();

        // A patient a CCC has already opted out (by phone) has nothing to confirm.
        long flagged = text(bilalMobile, "please remove me");
        client.toBlocking().exchange(HttpRequest.POST("/api/inbox/patients/" + bilal + "/opt-out", Map.of("note", "rang"))
                .bearerAuth(northCcc));
        Answer already = confirm(flagged, northCcc);
        assertThat(already.status()).isEqualTo(409);
        assertThat(already.body()).containsEntry("reason", "ALREADY_OPTED_OUT")
                .containsEntry("message", "This patient is already opted out.");
        assertThat(ledgerEntries()).isEqualTo(1);
        assertThat(db.row("SELECT inbox_status FROM inbound_message WHERE id = ?", flagged)).containsEntry("inbox_status", "OPEN");
    }
}
