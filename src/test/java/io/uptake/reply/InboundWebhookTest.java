package io.uptake.reply;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.optout.OptOutLedger;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
// A random port: application.yml fixes 8080, which parallel test runs on this machine share.
@Property(name = "micronaut.server.port", value = "-1")
// The service clock, moved by hand where a test crosses a day boundary.
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = InboundWebhookTest.START_TEXT)
@Property(name = "uptake.reply.max-auto-replies-per-day", value = "3")
class InboundWebhookTest {
    /** Monday 2 March 2026, 10:00 in London. */
    static final String START_TEXT = "2026-03-02T10:00:00Z";
    static final Instant START = Instant.parse(START_TEXT);

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TwilioSignature signature;
    @Inject
    OptOutLedger ledger;
    @Inject
    TestClock clock;
    @Inject
    io.uptake.cohort.Cohorts cohorts;

    ReplyFixtures db;
    long pcn;
    long campaign;
    long patient;
    long sent;
    final String mobile = ReplyFixtures.mobile(101);

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        clock.set(START);
        db = new ReplyFixtures(dataSource, client.toBlocking(), signature);
        pcn = db.pcn("North PCN");
        db.practice("P84001", "Oak Surgery", pcn);
        patient = db.patient("P84001", mobile, "en", "Ada");
        campaign = db.campaign(pcn, "FIT non-returners");
        sent = db.sentMessage(campaign, patient, mobile, "en", START.minus(1, ChronoUnit.DAYS));
    }

    @Test
    void unsignedOrWronglySignedDeliveriesAreRefusedAndNothingIsStored() {
        Map<String, String> form = ReplyFixtures.twilioForm(ReplyFixtures.newSid(), mobile, "STOP");
        assertThat(db.post(form, null).getStatus().getCode()).isEqualTo(403);
        String forOtherBody = signature.sign(InboundWebhookController.PATH,
                ReplyFixtures.twilioForm(form.get("MessageSid"), mobile, "Hello"));
        assertThat(db.post(form, forOtherBody).getStatus().getCode()).isEqualTo(403);

        assertThat(db.count("SELECT count(*) FROM inbound_message")).isZero();
        assertThat(db.count("SELECT count(*) FROM opt_out_ledger")).isZero();
        assertThat(ledger.isOptedOut(patient)).isFalse();
    }

    @Test
    void signedFreeTextIsStoredMatchedAndAcknowledgedAsTwiml() {
        String sid = ReplyFixtures.newSid();
        HttpResponse<String> response = db.deliver(ReplyFixtures.twilioForm(sid, mobile, "Can I do the test next week?"));

        assertThat(response.getStatus().getCode()).isEqualTo(200);
        assertThat(response.getContentType().orElseThrow().toString()).startsWith("text/xml");
        assertThat(response.body()).contains("<Response>");
        assertThat(ReplyFixtures.messageOf(response.body())).isNotBlank();
        Map<String, Object> row = db.inbound(sid);
        assertThat(row).containsEntry("patient_id", patient).containsEntry("campaign_id", campaign)
                .containsEntry("answered_message_id", sent).containsEntry("pcn_id", pcn)
                .containsEntry("classification", "FREE_TEXT").containsEntry("inbox_status", "OPEN")
                .containsEntry("body", "Can I do the test next week?").containsEntry("segments", 1)
                .containsEntry("from_number", mobile).containsEntry("to_number", ReplyFixtures.OUR_NUMBER)
                .containsEntry("likely_opt_out", false).containsEntry("candidate_patients", 1);
    }

    @Test
    void aSecondDeliveryOfTheSameMessageChangesNothingAndAnswersTheSame() {
        Map<String, String> form = ReplyFixtures.twilioForm(ReplyFixtures.newSid(), mobile, "STOP");
        HttpResponse<String> first = db.deliver(form);
        HttpResponse<String> second = db.deliver(form);

        assertThat(second.getStatus().getCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(ReplyFixtures.messageOf(first.body())).isNotBlank();
        assertThat(db.count("SELECT count(*) FROM inbound_message")).isEqualTo(1);
        // One STOP from a number only this patient has: the number's entry and the patient's, once.
        assertThat(db.rows("SELECT level FROM opt_out_ledger ORDER BY id")).extracting(r -> r.get("level"))
                .containsExactly("NUMBER", "PATIENT");
    }

    @Test
    void anAutoReplyTakesItsSlotFromTheSendThrottleOnceEvenWhenDeliveredTwice() {
        Map<String, String> form = ReplyFixtures.twilioForm(ReplyFixtures.newSid(), mobile, "HELP");
        assertThat(ReplyFixtures.messageOf(db.deliver(form).body())).isNotBlank();
        assertThat(db.count("SELECT count(*) FROM send_throttle")).isEqualTo(1);
        // A fresh bucket holds a second's worth (10 at the default 10/s); the reply took one of them.
        assertThat(db.count("SELECT CAST(tokens * 10 AS BIGINT) FROM send_throttle")).isEqualTo(90);
        String charged = (String) db.rows("SELECT CAST(refilled_at AS TEXT) AS t FROM send_throttle").get(0).get("t");
        db.deliver(form);
        assertThat((String) db.rows("SELECT CAST(refilled_at AS TEXT) AS t FROM send_throttle").get(0).get("t")).isEqualTo(charged);
    }

    private String reply(String from, String body) {
        return ReplyFixtures.messageOf(db.deliver(ReplyFixtures.twilioForm(ReplyFixtures.newSid(), from, body)).body());
    }

    private Map<String, Object> last(String from) {
        return db.rows("SELECT * FROM inbound_message WHERE from_number = ? ORDER BY id DESC LIMIT 1", from).get(0);
    }

    @Test
    void stopSendingMeIsFreeTextForAPersonButFlaggedAsALikelyOptOut() {
        reply(mobile, "Stop sending me these please");
        assertThat(last(mobile)).containsEntry("classification", "FREE_TEXT").containsEntry("likely_opt_out", true)
                .containsEntry("inbox_status", "OPEN");
        assertThat(ledger.isOptedOut(patient)).isFalse();

        reply(mobile, "I will opt out thanks");
        assertThat(last(mobile)).containsEntry("classification", "FREE_TEXT").containsEntry("likely_opt_out", true);
        reply(mobile, "Thanks, posted it");
        assertThat(last(mobile)).containsEntry("likely_opt_out", false);
    }

    @Test
    void keywordsMatchTheWholeMessageWhateverTheCaseAccentsAndPunctuation() {
        reply(mobile, "  stóp. ");
        assertThat(last(mobile)).containsEntry("classification", "OPT_OUT").containsEntry("inbox_status", "NONE");
        reply(mobile, "Unstop!");
        assertThat(last(mobile)).containsEntry("classification", "OPT_IN");
        reply(mobile, "info");
        assertThat(last(mobile)).containsEntry("classification", "HELP");
        reply(mobile, "help me with the kit");
        assertThat(last(mobile)).containsEntry("classification", "FREE_TEXT");
    }

    @Test
    void anOwnStopIsNotUndoneByLaterTextsAndItsStartFreesTheNumberAndAsksACccToCall() {
        reply(mobile, "STOP");
        assertThat(ledger.isOptedOut(patient)).isTrue();
        assertThat(db.row("SELECT patient_id, phone, action, source, reference FROM opt_out_ledger WHERE level = 'NUMBER'"))
                .containsEntry("patient_id", patient).containsEntry("phone", mobile)
                .containsEntry("action", "OPT_OUT").containsEntry("source", "REPLY");
        // Only this patient has the number: their own objection too, which follows them to another number.
        assertThat(db.row("SELECT patient_id, phone, action, source FROM opt_out_ledger WHERE level = 'PATIENT'"))
                .containsEntry("patient_id", patient).containsEntry("phone", null).containsEntry("action", "OPT_OUT");
        assertThat(ledger.status(patient)).isEqualTo(new OptOutLedger.Status(true, true, true));

        String answer = reply(mobile, "Sorry, yes I do want the kit");
        assertThat(ledger.isOptedOut(patient)).isTrue();
        assertThat(answer).as("nothing more is texted to an opted-out number").isNull();
        assertThat(last(mobile)).containsEntry("no_reply_reason", "OPTED_OUT").containsEntry("inbox_status", "OPEN");
        reply(mobile, "YES");
        assertThat(ledger.isOptedOut(patient)).as("YES is not our opt-in").isTrue();

        // START frees the number; the patient's own opt-out stays until a CCC records their opt-in. So the answer
        // is not "you will get our texts again" but the call-back, and the START waits in the inbox.
        String start = reply(mobile, "START");
        assertThat(ledger.isNumberOptedOut(mobile)).isFalse();
        assertThat(ledger.status(patient)).isEqualTo(new OptOutLedger.Status(true, true, false));
        assertThat(start).contains("will call you");
        assertThat(last(mobile)).containsEntry("classification", "OPT_IN").containsEntry("inbox_status", "OPEN")
                .containsEntry("auto_reply_kind", "CALL_BACK");
        assertThat(db.count("SELECT count(*) FROM opt_out_ledger")).isEqualTo(3);

        ledger.forPatient(patient, OptOutLedger.Action.OPT_IN, OptOutLedger.Source.CCC, "rang back", "ccc.north");
        assertThat(ledger.isOptedOut(patient)).isFalse();
    }

    @Test
    void aStartFromANumberWhosePatientIsNotOptedOutIsConfirmedAndNeedsNoOne() {
        reply(ReplyFixtures.mobile(103), "STOP");
        // A stranger's START: the number is free again, nothing for the inbox.
        assertThat(reply(ReplyFixtures.mobile(103), "START")).contains("again");
        assertThat(last(ReplyFixtures.mobile(103))).containsEntry("inbox_status", "NONE")
                .containsEntry("auto_reply_kind", "OPT_IN_CONFIRMATION");
        assertThat(ledger.isNumberOptedOut(ReplyFixtures.mobile(103))).isFalse();
    }

    @Test
    void anOptOutStopsTheQueuedReminderAndExcludesThePatientFromLaterCohorts() {
        long reminder = db.queuedMessage(campaign, patient, mobile, START.plus(Duration.ofDays(14)));
        reply(mobile, "STOP");

        assertThat(db.messageStatus(reminder)).isEqualTo("CANCELLED");
        assertThat(db.rows("SELECT level FROM opted_out_patient WHERE patient_id = ? ORDER BY level", patient))
                .extracting(r -> r.get("level")).containsExactly("NUMBER", "PATIENT");
        assertThat(ledger.isNumberOptedOut(mobile)).isTrue();
    }

    @Test
    void anUnknownNumbersStopIsStoredAndHonouredByNumberAndAnsweredInEnglish() {
        String stranger = ReplyFixtures.mobile(555);
        String answer = reply(stranger, "Stop");

        assertThat(answer).isNotBlank();
        assertThat(last(stranger)).containsEntry("patient_id", null).containsEntry("pcn_id", null)
                .containsEntry("classification", "OPT_OUT").containsEntry("language", "en");
        assertThat(db.row("SELECT patient_id, phone, action FROM opt_out_ledger"))
                .containsEntry("patient_id", null).containsEntry("phone", stranger).containsEntry("action", "OPT_OUT");
        assertThat(ledger.isNumberOptedOut(stranger)).isTrue();
        // A patient later imported with that mobile is opted out from the start.
        long later = db.patient("P84001", stranger, "en", "Later");
        assertThat(ledger.isOptedOut(later)).isTrue();
    }

    @Test
    void aCallRequestFromANumberNoPcnHoldsIsNotPromisedACallAndWaitsForTheAdmin() {
        String stranger = ReplyFixtures.mobile(556);
        String answer = reply(stranger, "CALL");

        // Hazard H-006: no CCC will ever see it, so the patient is told to call, never that someone will call them.
        assertThat(answer).contains("could not match your number").contains("Please call your GP practice")
                .doesNotContain("will call you");
        assertThat(last(stranger)).containsEntry("pcn_id", null).containsEntry("classification", "CALL_REQUEST")
                .containsEntry("inbox_status", "OPEN").containsEntry("auto_reply_kind", "UNMATCHED_CALL_REQUEST");
        // It waits on the ADMIN's home page, counted; a CCC's home page has no such queue.
        String home = client.toBlocking().retrieve(HttpRequest.GET("/ui").accept(MediaType.TEXT_HTML_TYPE)
                .bearerAuth(new Api(client.toBlocking()).adminToken()));
        assertThat(home).contains("id=\"unmatched-count\">1<");
        // A matched patient's call request is still promised a call.
        assertThat(reply(mobile, "CALL")).contains("will call you");
    }

    @Test
    void theLoopGuardAnswersAtMostTheConfiguredNumberPerNumberPerDay() {
        for (int i = 0; i < 3; i++) {
            assertThat(reply(mobile, "Out of office, back Monday " + i)).isNotBlank();
        }
        assertThat(reply(mobile, "Out of office, back Monday 3")).isNull();
        assertThat(last(mobile)).containsEntry("no_reply_reason", "LOOP_GUARD");
        assertThat(db.count("SELECT count(*) FROM inbound_message WHERE from_number = ?", mobile)).isEqualTo(4);
        // Another number is not affected; the next London day starts a new count.
        assertThat(reply(ReplyFixtures.mobile(102), "Hello")).isNotBlank();
        clock.set(java.time.LocalDate.of(2026, 3, 3).atStartOfDay(java.time.ZoneId.of("Europe/London")).toInstant());
        assertThat(reply(mobile, "Out of office, back Monday 4")).isNotBlank();
    }

    @Test
    void onASharedFamilyMobileTheMostRecentlyTextedPatientWinsAndTheAmbiguityIsRecorded() {
        long sibling = db.patient("P84001", mobile, "en", "Bea");
        long otherCampaign = db.campaign(pcn, "Breast DNA");
        long later = db.sentMessage(otherCampaign, sibling, mobile, "en", START.minus(Duration.ofHours(2)));

        reply(mobile, "Who is this for?");
        assertThat(last(mobile)).containsEntry("patient_id", sibling).containsEntry("campaign_id", otherCampaign)
                .containsEntry("answered_message_id", later).containsEntry("candidate_patients", 2);
    }

    @Test
    void twilioAdvancedOptOutIsHonouredAndTwilioSendsTheConfirmation() {
        Map<String, String> form = ReplyFixtures.twilioForm(ReplyFixtures.newSid(), mobile, "Please end this");
        form.put("OptOutType", "STOP");
        HttpResponse<String> response = db.deliver(form);

        assertThat(ReplyFixtures.messageOf(response.body())).isNull();
        assertThat(last(mobile)).containsEntry("classification", "OPT_OUT").containsEntry("opt_out_type", "STOP")
                .containsEntry("no_reply_reason", "TWILIO_ANSWERED");
        assertThat(ledger.isOptedOut(patient)).isTrue();
    }

    @Test
    void aPatientWhoTextedStopIsExcludedFromALaterCohort() {
        db.rows("UPDATE patient SET sex = 'M', date_of_birth = DATE '1970-05-01', ethnicity_group = 'BLACK' "
                + "WHERE id = ? RETURNING id", patient);
        java.time.LocalDate asOf = java.time.LocalDate.of(2026, 3, 2);
        assertThat(cohorts.members("psa-eligible", asOf, pcn)).filteredOn(m -> m.patientId() == patient)
                .singleElement().satisfies(m -> assertThat(m.eligible()).isTrue());

        reply(mobile, "Stop");

        assertThat(cohorts.members("psa-eligible", asOf, pcn)).filteredOn(m -> m.patientId() == patient)
                .singleElement().satisfies(m -> assertThat(m.exclusions()).contains("opted-out"));
    }

    @Test
    void concurrentDuplicateDeliveriesAreStoredAndActedOnOnce() throws Exception {
        Map<String, String> form = ReplyFixtures.twilioForm(ReplyFixtures.newSid(), mobile, "STOP");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.concurrent.Callable<String> delivery = () -> db.deliver(form).body();
            var answers = pool.invokeAll(java.util.Collections.nCopies(4, delivery));
            java.util.Set<String> distinct = new java.util.HashSet<>();
            for (var answer : answers) {
                distinct.add(answer.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(distinct).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.count("SELECT count(*) FROM inbound_message")).isEqualTo(1);
        assertThat(db.rows("SELECT level FROM opt_out_ledger ORDER BY id")).extracting(r -> r.get("level"))
                .containsExactly("NUMBER", "PATIENT");
    }
}
