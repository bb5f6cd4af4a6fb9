package io.uptake.reply;

import io.micronaut.context.annotation.Property;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.optout.OptOutLedger;
import io.uptake.sms.TwilioSignature;
import io.uptake.template.MessageTemplates;
import io.uptake.template.Placeholders;
import io.uptake.template.Reply;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Numbered replies through the real Twilio webhook (signed): coded to their choice, answered in the patient's
 * language, an inbox item with its outcome set; "not for me" is a decline, not an opt-out; STOP still wins.
 */
@MicronautTest(transactional = false)
@Property(name = "micronaut.server.port", value = "-1")
class ReplyChoicesWebhookTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    Clock clock;
    @Inject
    TwilioSignature signature;
    @Inject
    MessageTemplates templates;
    @Inject
    OptOutLedger ledger;

    ReplyFixtures db;
    long pcn;
    long fit;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        db = new ReplyFixtures(dataSource, client.toBlocking(), signature, clock);
        pcn = db.pcn("North PCN");
        db.practice("P84001", "Oak Surgery", pcn);
        fit = db.fitCampaign(pcn, "FIT with choices");
    }

    private long textedPatient(long campaign, int n, String language) {
        String mobile = ReplyFixtures.mobile(n);
        long patient = db.patient("P84001", mobile, language, "Ada");
        db.sentMessage(campaign, patient, mobile, language, clock.instant().minus(1, ChronoUnit.DAYS));
        return patient;
    }

    private record Delivered(Map<String, Object> row, String answer) {
    }

    private Delivered reply(int n, String body) {
        String sid = ReplyFixtures.newSid();
        String answer = ReplyFixtures.messageOf(db.deliver(ReplyFixtures.twilioForm(sid, ReplyFixtures.mobile(n), body)).body());
        return new Delivered(db.inbound(sid), answer);
    }

    private String rendered(Reply reply, String language) {
        return templates.renderReply(reply, language, new Placeholders("", "Oak Surgery", "0161 496 0000", null)).text();
    }

    @Test
    void notForMeInUrduDigitsIsAnInformedDeclineDoneWithItsOutcomeAnsweredInUrduAndNotAnOptOut() {
        long patient = textedPatient(fit, 501, "ur");

        Delivered d = reply(501, " ۴ ");

        assertThat(d.row()).containsEntry("classification", "CHOICE").containsEntry("choice", "NOT_FOR_ME")
                .containsEntry("inbox_status", "DONE").containsEntry("outcome", "NOT_INTERESTED")
                .containsEntry("likely_opt_out", false).containsEntry("done_by", null);
        assertThat(d.row().get("done_at")).isNotNull();
        assertThat(d.answer()).isEqualTo(rendered(Reply.CHOICE_NOT_FOR_ME, "ur"));
        assertThat(rendered(Reply.CHOICE_NOT_FOR_ME, "ur")).contains("STOP");
        assertThat(ledger.isOptedOut(patient)).as("a decline is not an opt-out").isFalse();
        assertThat(ledger.isNumberOptedOut(ReplyFixtures.mobile(501))).isFalse();
        assertThat(db.count("SELECT count(*) FROM opt_out_ledger")).isZero();
    }

    @Test
    void alreadyDoneInWordsOfThePatientsLanguageIsDoneOnArrivalAsAlreadyScreened() {
        textedPatient(fit, 502, "pl");

        Delivered d = reply(502, "Zrobione!");

        assertThat(d.row()).containsEntry("classification", "CHOICE").containsEntry("choice", "ALREADY_DONE")
                .containsEntry("inbox_status", "DONE").containsEntry("outcome", "ALREADY_SCREENED");
        assertThat(d.answer()).isEqualTo(rendered(Reply.CHOICE_ALREADY_DONE, "pl"));
    }

    @Test
    void aNewKitStaysOpenForACccWithItsOutcomeSet() {
        textedPatient(fit, 503, "bn");

        Delivered d = reply(503, "৩");

        assertThat(d.row()).containsEntry("classification", "CHOICE").containsEntry("choice", "NEW_KIT")
                .containsEntry("inbox_status", "OPEN").containsEntry("outcome", "NEW_KIT").containsEntry("done_at", null);
        assertThat(d.answer()).isEqualTo(rendered(Reply.CHOICE_NEW_KIT, "bn"));
    }

    @Test
    void oneIsTheCallRequestItAlwaysWasCodedAsChoiceOne() {
        textedPatient(fit, 504, "gu");

        Delivered d = reply(504, "૧");

        assertThat(d.row()).containsEntry("classification", "CALL_REQUEST").containsEntry("choice", "CALL_ME")
                .containsEntry("inbox_status", "OPEN").containsEntry("outcome", null);
        assertThat(d.answer()).isEqualTo(rendered(Reply.CALL_BACK, "gu"));
    }

    @Test
    void stopStillWinsInACampaignWithChoices() {
        long patient = textedPatient(fit, 505, "en");

        Delivered d = reply(505, "STOP");

        assertThat(d.row()).containsEntry("classification", "OPT_OUT").containsEntry("choice", null);
        assertThat(ledger.isOptedOut(patient)).isTrue();
        assertThat(d.answer()).isEqualTo(rendered(Reply.OPT_OUT_CONFIRMATION, "en"));
    }

    @Test
    void aDeclineWithAnOptOutPhraseIsNotCodedButFlaggedForACcc() {
        long patient = textedPatient(fit, 506, "en");

        Delivered d = reply(506, "4 no more messages");

        assertThat(d.row()).containsEntry("classification", "FREE_TEXT").containsEntry("choice", null)
                .containsEntry("likely_opt_out", true).containsEntry("inbox_status", "OPEN")
                .containsEntry("outcome", null);
        assertThat(ledger.isOptedOut(patient)).as("only a CCC confirms a phrase").isFalse();
    }

    @Test
    void twilioAdvancedOptOutWinsOverAChoiceNumber() {
        long patient = textedPatient(fit, 507, "en");
        Map<String, String> form = ReplyFixtures.twilioForm(ReplyFixtures.newSid(), ReplyFixtures.mobile(507), "4");
        form.put("OptOutType", "STOP");

        db.deliver(form);

        assertThat(db.inbound(form.get("MessageSid"))).containsEntry("classification", "OPT_OUT")
                .containsEntry("choice", null);
        assertThat(ledger.isOptedOut(patient)).isTrue();
    }

    @Test
    void aProgrammeWithoutChoicesReadsANumberAsFreeText() {
        long breast = db.campaign(pcn, "No choices");
        textedPatient(breast, 508, "en");

        Delivered d = reply(508, "4");

        assertThat(d.row()).containsEntry("classification", "FREE_TEXT").containsEntry("choice", null)
                .containsEntry("outcome", null);
        assertThat(d.answer()).isEqualTo(rendered(Reply.UNKNOWN_REPLY, "en"));
    }

    @Test
    void aNumberWithAnotherChoicesWordsGoesToAPerson() {
        textedPatient(fit, 509, "en");

        Delivered d = reply(509, "2 not for me");

        assertThat(d.row()).containsEntry("classification", "FREE_TEXT").containsEntry("choice", null)
                .containsEntry("inbox_status", "OPEN");
    }

    @Test
    void theCccSeesEachCodedReplyInTheInboxWithItsOutcomeSetAndClosesTheKitRequest() {
        String ccc = new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
        textedPatient(fit, 510, "en");
        textedPatient(fit, 511, "en");
        reply(510, "4");
        reply(511, "3 new kit");

        List<Map<String, Object>> done = inbox(ccc, "done");
        assertThat(done).singleElement().satisfies(i -> {
            assertThat(i).containsEntry("classification", "CHOICE").containsEntry("outcome", "NOT_INTERESTED");
            assertThat(i.get("doneBy")).as("done by the patient's numbered reply, not a CCC").isNull();
        });
        List<Map<String, Object>> open = inbox(ccc, "open");
        assertThat(open).singleElement().satisfies(i -> assertThat(i).containsEntry("classification", "CHOICE")
                .containsEntry("outcome", "NEW_KIT"));

        long id = ((Number) open.get(0).get("id")).longValue();
        Map<?, ?> closed = client.toBlocking().retrieve(HttpRequest.POST("/api/inbox/" + id + "/done",
                Map.of("outcome", "NEW_KIT", "note", "kit ordered from the hub")).bearerAuth(ccc), Map.class);
        assertThat(closed.get("outcome")).isEqualTo("NEW_KIT");
        assertThat(inbox(ccc, "open")).isEmpty();

        String page = client.toBlocking().retrieve(HttpRequest.GET("/ui/inbox?status=done").bearerAuth(ccc));
        assertThat(page).contains("Numbered reply, coded").contains("by their numbered reply");
    }

    private List<Map<String, Object>> inbox(String token, String status) {
        return client.toBlocking().retrieve(HttpRequest.GET("/api/inbox?status=" + status).bearerAuth(token),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
    }

    @Test
    void theDatabaseRefusesACodedChoiceOnAnOptOutOrAChoiceWithoutOne() throws Exception {
        for (String values : List.of("'OPT_OUT', 'NOT_FOR_ME'", "'CHOICE', NULL", "'FREE_TEXT', 'ALREADY_DONE'",
                "'CHOICE', 'CALL_ME'")) {
            try (var c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> st.executeUpdate("""
                        INSERT INTO inbound_message (message_sid, from_number, to_number, body, received_at, language,
                            classification, choice, inbox_status)
                        VALUES ('SMbad', '+447700900001', '+447700900999', '4', now(), 'en', %s, 'NONE')""".formatted(values)))
                        .as(values).isInstanceOf(java.sql.SQLException.class)
                        .hasMessageContaining("inbound_message_choice_agrees");
            }
        }
    }
}
