package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.optout.OptOutLedger;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.TestClock;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Campaign schedules under a clock the test moves. The dispatcher loops and Quartz are off here: the test runs
 * housekeeping and the dispatcher itself (what the jobs call), so each step is deterministic and nothing waits.
 */
@MicronautTest(transactional = false)
@ManualDispatch
@Property(name = TestClock.START, value = CampaignScheduleTest.MONDAY_0700_TEXT)
@Property(name = "spec.name", value = "CampaignScheduleTest")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "0")
@Property(name = "uptake.campaign.dispatcher.send-concurrency", value = "4")
class CampaignScheduleTest {
    /** Monday 2 March 2026, 07:00 in London (GMT): before the default window opens. */
    static final String MONDAY_0700_TEXT = "2026-03-02T07:00:00Z";
    static final Instant MONDAY_0700 = Instant.parse(MONDAY_0700_TEXT);

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    Rows rows;
    @Inject
    TestClock clock;
    @Inject
    CampaignHousekeeping housekeeping;
    @Inject
    Dispatcher dispatcher;
    @Inject
    Reconciler reconciler;
    @Inject
    OptOutLedger ledger;

    Api api;
    String ccc;
    List<Rows.Patient> patients;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        SentLog.reset();
        dispatcher.forgetSenderPause();
        time(MONDAY_0700);
        api = new Api(client.toBlocking());
        patients = rows.patients("North PCN", "N00001", 10);
        ccc = api.user("ccc.north", "CCC", "North PCN");
    }

    void time(Instant at) {
        clock.set(at);
    }

    /** What the Quartz job, the reconcile loop and the dispatcher loops do, run to quiescence at the current time. */
    void tick() throws Exception {
        housekeeping.run();
        for (int i = 0; i < 100 && reconciler.reconcileOnce("test-instance") > 0; i++) {
            // settle what may have gone before anything more is sent to its number
        }
        for (int i = 0; i < 1000 && dispatcher.dispatchOnce("test-instance") > 0; i++) {
            // keep going while there is due work
        }
        housekeeping.run();
    }

    Map<?, ?> launch(Map<String, Object> body) {
        Map<String, Object> request = new HashMap<>(Map.of("name", "FIT reminders", "programme", "fit-non-returners"));
        request.putAll(body);
        HttpResponse<Map<String, Object>> response = client.toBlocking().exchange(HttpRequest.POST("/api/campaigns", request).bearerAuth(ccc), Json.OBJECT);
        assertThat(response.code()).isEqualTo(201);
        return response.body();
    }

    Map<?, ?> campaign(long id) {
        return client.toBlocking().retrieve(HttpRequest.GET("/api/campaigns/" + id).bearerAuth(ccc), Map.class);
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> messages(long id) {
        Map<?, ?> page = client.toBlocking().retrieve(HttpRequest.GET("/api/campaigns/" + id + "/messages?size=1000").bearerAuth(ccc), Map.class);
        return (List<Map<String, Object>>) page.get("messages");
    }

    Map<String, Map<String, Object>> byNumber(long id, int wave) {
        return messages(id).stream().filter(m -> ((Number) m.get("wave")).intValue() == wave)
                .collect(Collectors.toMap(m -> (String) m.get("to"), m -> m));
    }

    static long id(Map<?, ?> campaign) {
        return ((Number) campaign.get("id")).longValue();
    }

    static Map<?, ?> counts(Map<?, ?> campaign) {
        return (Map<?, ?>) campaign.get("counts");
    }

    @Test
    void waveOneWaitsForTheWindowAndTheControlArmIsNeverTexted() throws Exception {
        Map<?, ?> created = launch(Map.of("controlFraction", 0.2));
        long id = id(created);
        assertThat(created.get("status")).isEqualTo("SCHEDULED");
        assertThat(created.get("splitSeed")).isNotNull();
        assertThat(counts(created).get("recipients")).isEqualTo(10);
        assertThat(counts(created).get("control")).isEqualTo(2);
        assertThat(messages(id)).hasSize(8).allSatisfy(m -> assertThat(m.get("dueAt")).isEqualTo("2026-03-02T08:00:00Z"));

        tick();
        assertThat(SentLog.requests()).isEmpty();
        assertThat(campaign(id).get("status")).isEqualTo("SENDING");

        time(Instant.parse("2026-03-02T08:00:00Z"));
        tick();
        Set<String> control = controlNumbers(id);
        assertThat(control).hasSize(2);
        assertThat(SentLog.requests()).hasSize(8).noneMatch(r -> control.contains(r.to()));
        assertThat(SentLog.requests().stream().map(SentLog.Request::messageId).distinct()).hasSize(8);
        Map<?, ?> after = campaign(id);
        assertThat(after.get("status")).isEqualTo("COMPLETED");
        assertThat(counts(after).get("sent")).isEqualTo(8);
        assertThat(counts(after).get("pending")).isEqualTo(0);
        assertThat(rows.queryLong("SELECT count(*) FROM recipient WHERE campaign_id = ? AND index_date = DATE '2026-03-02'", id))
                .isEqualTo(10);
        // The split is reproducible from the recorded seed.
        long seed = ((Number) created.get("splitSeed")).longValue();
        assertThat(rows.queryLong("""
                SELECT count(*) FROM (SELECT patient_id FROM recipient WHERE campaign_id = ?
                                      ORDER BY md5(CAST(? AS TEXT) || ':' || patient_id), patient_id LIMIT 2) s
                JOIN recipient r ON r.patient_id = s.patient_id AND r.campaign_id = ? AND r.arm = 'CONTROL'""", id, seed, id))
                .isEqualTo(2);
    }

    private Set<String> controlNumbers(long id) {
        Set<String> out = new java.util.HashSet<>();
        for (Rows.Patient p : patients) {
            if (rows.queryLong("SELECT count(*) FROM recipient WHERE campaign_id = ? AND patient_id = ? AND arm = 'CONTROL'",
                    id, p.id()) == 1) {
                out.add(p.mobile());
            }
        }
        return out;
    }

    @Test
    void aBankHolidayDefersToTheNextWorkingDay() throws Exception {
        // Good Friday 2026 (3 April) at 10:00 BST; Easter Monday is a bank holiday too.
        time(Instant.parse("2026-04-03T09:00:00Z"));
        long id = id(launch(Map.of()));
        assertThat(messages(id)).allSatisfy(m -> assertThat(m.get("dueAt")).isEqualTo("2026-04-07T07:00:00Z"));
        tick();
        time(Instant.parse("2026-04-06T10:00:00Z"));
        tick();
        assertThat(SentLog.requests()).isEmpty();
        time(Instant.parse("2026-04-07T07:00:00Z"));
        tick();
        assertThat(SentLog.requests()).hasSize(10);
    }

    @Test
    void aReminderGoesAfterDaysOnlyToThoseWhoHaveNotActed() throws Exception {
        time(Instant.parse("2026-03-02T09:00:00Z"));
        Rows.Patient converted = patients.get(0);
        Rows.Patient optedOut = patients.get(1);
        Rows.Patient failed = patients.get(2);
        SentLog.script(failed.mobile(), SentLog.Script.PERMANENT_FAILURE);
        long id = id(launch(Map.of("reminders", List.of(Map.of("afterDays", 14)))));
        tick();
        assertThat(SentLog.requests()).hasSize(10);
        assertThat(byNumber(id, 1).get(failed.mobile())).containsEntry("status", "FAILED").containsEntry("errorCode", "21614");
        assertThat(byNumber(id, 2).values()).allSatisfy(m -> assertThat(m.get("dueAt")).isEqualTo("2026-03-16T09:00:00Z"));

        rows.event(converted.id(), "FIT_KIT_RETURNED", LocalDate.parse("2026-03-05"), Instant.parse("2026-03-06T12:00:00Z"));
        ledger.forPatient(optedOut.id(), OptOutLedger.Action.OPT_OUT, OptOutLedger.Source.CCC_PHONE, null, "ccc.north");

        time(Instant.parse("2026-03-16T08:59:00Z"));
        tick();
        assertThat(SentLog.requests()).hasSize(10);
        Map<String, Object> cancelled = byNumber(id, 2).get(converted.mobile());
        assertThat(cancelled).containsEntry("status", "CANCELLED");
        assertThat((String) cancelled.get("reason")).contains("converted").contains("FIT_KIT_RETURNED");

        time(Instant.parse("2026-03-16T09:00:00Z"));
        tick();
        Map<String, Map<String, Object>> reminders = byNumber(id, 2);
        assertThat(reminders.get(optedOut.mobile())).containsEntry("status", "CANCELLED").containsEntry("reason", "opted out");
        assertThat(reminders.get(failed.mobile())).containsEntry("status", "CANCELLED")
                .containsEntry("reason", "earlier message failed permanently");
        assertThat(SentLog.requests()).hasSize(10 + 7);
        assertThat(SentLog.requests().subList(10, 17)).allSatisfy(r -> assertThat(r.body()).contains("reminder"));
        Map<?, ?> after = campaign(id);
        assertThat(after.get("status")).isEqualTo("COMPLETED");
        assertThat(counts(after).get("converted")).isEqualTo(1);
        assertThat(counts(after).get("optedOut")).isEqualTo(1);
    }

    @Test
    void aWaveMissedByLessThanTheCatchUpLimitIsSentAtTheNextOpenSlot() throws Exception {
        time(Instant.parse("2026-03-02T09:00:00Z"));
        long id = id(launch(Map.of()));
        // The service was down for a day and comes back on Tuesday at 10:00.
        time(Instant.parse("2026-03-03T10:00:00Z"));
        tick();
        assertThat(SentLog.requests()).hasSize(10);
        assertThat(campaign(id).get("status")).isEqualTo("COMPLETED");
    }

    @Test
    void aWaveMissedByMoreThanTheCatchUpLimitIsSkippedWithTheReason() throws Exception {
        time(Instant.parse("2026-03-02T09:00:00Z"));
        long id = id(launch(Map.of()));
        time(Instant.parse("2026-03-04T10:00:00Z"));
        tick();
        assertThat(SentLog.requests()).isEmpty();
        assertThat(messages(id)).allSatisfy(m -> {
            assertThat(m.get("status")).isEqualTo("SKIPPED");
            assertThat((String) m.get("reason")).contains("catch-up limit");
        });
        assertThat(counts(campaign(id)).get("skipped")).isEqualTo(10);
    }

    @Test
    void aWindowClosingMidWaveDefersTheRestToTheNextOpenSlot() throws Exception {
        time(Instant.parse("2026-03-06T17:59:00Z")); // Friday
        long id = id(launch(Map.of()));
        time(Instant.parse("2026-03-06T18:00:00Z"));
        housekeeping.run(); // starts the campaign and defers what is due while the window is shut
        tick();
        assertThat(SentLog.requests()).isEmpty();
        assertThat(messages(id)).allSatisfy(m -> assertThat(m.get("dueAt")).isEqualTo("2026-03-09T08:00:00Z"));
        time(Instant.parse("2026-03-09T08:00:00Z"));
        tick();
        assertThat(SentLog.requests()).hasSize(10);
    }

    @Test
    void anUnknownOutcomeIsReconciledBeforeAnyResend() throws Exception {
        time(Instant.parse("2026-03-02T09:00:00Z"));
        Rows.Patient wentOut = patients.get(0);
        Rows.Patient lost = patients.get(1);
        SentLog.script(wentOut.mobile(), SentLog.Script.UNKNOWN_BUT_SENT);
        SentLog.script(lost.mobile(), SentLog.Script.UNKNOWN_NOT_SENT);
        long id = id(launch(Map.of()));
        tick();
        assertThat(byNumber(id, 1).get(wentOut.mobile())).containsEntry("status", "UNKNOWN");
        assertThat(byNumber(id, 1).get(lost.mobile())).containsEntry("status", "UNKNOWN");
        time(Instant.parse("2026-03-02T09:01:00Z"));
        tick();
        assertThat(byNumber(id, 1).values()).allSatisfy(m -> assertThat(m.get("status")).isEqualTo("QUEUED"));
        assertThat(SentLog.requests().stream().filter(r -> r.to().equals(wentOut.mobile()))).hasSize(1);
        assertThat(SentLog.requests().stream().filter(r -> r.to().equals(lost.mobile()))).hasSize(2);
        assertThat(SentLog.accepted()).hasSize(10).allSatisfy((m, sids) -> assertThat(sids).doesNotContain(","));
    }

    @Test
    void theClaimOfADeadInstanceIsRecoveredWithoutASecondText() throws Exception {
        time(Instant.parse("2026-03-02T09:00:00Z"));
        long id = id(launch(Map.of()));
        housekeeping.run();
        // Another instance claimed everything, sent three texts, and died before recording any result.
        int sentByDead = dispatchAsDeadInstance(3);
        assertThat(sentByDead).isEqualTo(3);
        tick();
        assertThat(SentLog.requests()).hasSize(3); // its claims are still leased
        time(Instant.parse("2026-03-02T09:03:00Z"));
        tick();
        assertThat(messages(id)).allSatisfy(m -> assertThat(m.get("status")).isEqualTo("QUEUED"));
        assertThat(SentLog.requests()).hasSize(10);
        assertThat(SentLog.accepted()).hasSize(10).allSatisfy((m, sids) -> assertThat(sids).doesNotContain(","));
    }

    /** Claims the due messages as instance "dead" and sends the first {@code n} of them without recording. */
    private int dispatchAsDeadInstance(int n) {
        rows.execute("""
                UPDATE message SET status = 'SENDING', claimed_by = 'dead', claimed_until = ?, attempted_at = ?
                WHERE status = 'PENDING'""", java.sql.Timestamp.from(clock.instant().plusSeconds(120)),
                java.sql.Timestamp.from(clock.instant()));
        int sent = 0;
        for (Rows.Patient p : patients.subList(0, n)) {
            long messageId = rows.queryLong("SELECT id FROM message WHERE patient_id = ?", p.id());
            SentLog.send(new io.uptake.sms.SmsSender.OutboundSms(messageId, p.mobile(), "body", ""), "dead");
            sent++;
        }
        return sent;
    }

    @Test
    void aRetryableRefusalBacksOffThenSends() throws Exception {
        time(Instant.parse("2026-03-02T09:00:00Z"));
        Rows.Patient busy = patients.get(0);
        SentLog.script(busy.mobile(), SentLog.Script.RETRYABLE);
        long id = id(launch(Map.of()));
        tick();
        Map<String, Object> waiting = byNumber(id, 1).get(busy.mobile());
        assertThat(waiting).containsEntry("status", "PENDING").containsEntry("errorCode", "20429")
                .containsEntry("dueAt", "2026-03-02T09:00:30Z");
        time(Instant.parse("2026-03-02T09:00:30Z"));
        tick();
        assertThat(byNumber(id, 1).get(busy.mobile())).containsEntry("status", "QUEUED");
        assertThat(SentLog.accepted()).hasSize(10);
    }

    @Test
    void sendTimeChecksStopTextsToTheDeceasedAndTheConverted() throws Exception {
        time(Instant.parse("2026-03-02T07:30:00Z"));
        long id = id(launch(Map.of()));
        rows.event(patients.get(0).id(), "DECEASED", LocalDate.parse("2026-03-01"), clock.instant());
        rows.event(patients.get(1).id(), "FIT_KIT_RETURNED", LocalDate.parse("2026-03-02"), clock.instant());
        time(Instant.parse("2026-03-02T08:00:00Z"));
        tick();
        Map<String, Map<String, Object>> wave = byNumber(id, 1);
        assertThat(wave.get(patients.get(0).mobile())).containsEntry("status", "CANCELLED").containsEntry("reason", "patient deceased");
        assertThat((String) wave.get(patients.get(1).mobile()).get("reason")).startsWith("converted: FIT_KIT_RETURNED");
        assertThat(SentLog.requests()).hasSize(8);
    }

    /**
     * Not a conversion (the report counts none before the index date), but a safety stop kept beside the one rule
     * (Claims.claim, hazard H-004): a test dated after the cohort's asOf and before the first text, that arrives in
     * an import after launch, means the patient acted after they were chosen; the text would ask for what they did.
     */
    @Test
    void aTestImportedAfterLaunchAndDatedBeforeTheFirstTextStopsIt() throws Exception {
        time(Instant.parse("2026-03-02T07:30:00Z"));
        long id = id(launch(Map.of("asOf", "2026-02-27")));
        rows.event(patients.get(1).id(), "FIT_KIT_RETURNED", LocalDate.parse("2026-02-28"), clock.instant());
        time(Instant.parse("2026-03-02T08:00:00Z"));
        tick();
        Map<String, Map<String, Object>> wave = byNumber(id, 1);
        assertThat(wave.get(patients.get(1).mobile())).containsEntry("status", "CANCELLED");
        assertThat((String) wave.get(patients.get(1).mobile()).get("reason"))
                .isEqualTo("converted: FIT_KIT_RETURNED dated 2026-02-28, before the first text");
        assertThat(wave.get(patients.get(2).mobile())).containsEntry("status", "QUEUED");
    }

    @Test
    void refusedCredentialsMakeTextsWaitWithoutSpendingAttempts() throws Exception {
        // Wrong Twilio credentials: every send is refused the same way, however often it is retried.
        String first = patients.get(0).mobile();
        SentLog.script(first, SentLog.Script.SENDER_REFUSED, SentLog.Script.SENDER_REFUSED,
                SentLog.Script.SENDER_REFUSED, SentLog.Script.SENDER_REFUSED, SentLog.Script.SENDER_REFUSED,
                SentLog.Script.SENDER_REFUSED, SentLog.Script.SENDER_REFUSED, SentLog.Script.SENDER_REFUSED,
                SentLog.Script.SENDER_REFUSED, SentLog.Script.SENDER_REFUSED);
        long id = id(launch(Map.of()));
        Instant at = Instant.parse("2026-03-02T08:00:00Z");
        for (int round = 0; round < 10; round++) {
            time(at.plus(Duration.ofMinutes(round)));
            tick();
        }
        Map<String, Object> waiting = byNumber(id, 1).get(first);
        assertThat(waiting).containsEntry("status", "PENDING");
        assertThat((String) waiting.get("reason")).startsWith("waiting: the SMS provider refused this service");
        assertThat(rows.queryLong("SELECT attempts FROM message WHERE campaign_id = ? AND to_number = ?",
                id, first)).isZero();
        assertThat(SentLog.requests().stream().filter(r -> r.to().equals(first))).hasSize(10);
        // Credentials fixed: the text goes at the next round, once.
        time(at.plus(Duration.ofMinutes(11)));
        tick();
        assertThat(byNumber(id, 1).get(first)).containsEntry("status", "QUEUED");
        assertThat(SentLog.accepted()).hasSize(10);
    }

    @Test
    void aProviderOutageLongerThanTheCatchUpLimitSkipsLikeAnyDowntime() throws Exception {
        String first = patients.get(0).mobile();
        SentLog.Script[] refusals = new SentLog.Script[50];
        java.util.Arrays.fill(refusals, SentLog.Script.SENDER_REFUSED);
        SentLog.script(first, refusals);
        long id = id(launch(Map.of()));
        time(Instant.parse("2026-03-02T08:00:00Z"));
        tick();
        assertThat(byNumber(id, 1).get(first)).containsEntry("status", "PENDING")
                .containsEntry("dueAt", "2026-03-02T08:00:00Z");
        // Credentials fixed only on Thursday: the Monday invitation is not sent three days late.
        time(Instant.parse("2026-03-05T08:00:00Z"));
        tick();
        Map<String, Object> skipped = byNumber(id, 1).get(first);
        assertThat(skipped).containsEntry("status", "SKIPPED");
        assertThat((String) skipped.get("reason")).contains("catch-up limit");
        assertThat(SentLog.requests().stream().filter(r -> r.to().equals(first))).hasSize(1);
    }

    @Test
    void aBatchRecordsOnlyWhatItsOwnClaimStillHolds() throws Exception {
        // While this batch sends, its claim on one message runs out and another worker takes the message over
        // (housekeeping made it UNKNOWN, the other worker claimed it again). This batch must not write over it.
        long id = id(launch(Map.of()));
        time(Instant.parse("2026-03-02T08:00:00Z"));
        housekeeping.run();
        long taken = rows.queryLong("SELECT min(id) FROM message WHERE campaign_id = ?", id);
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        SentLog.beforeAnswer = messageId -> {
            if (messageId == taken && once.compareAndSet(false, true)) {
                rows.queryLong("""
                        WITH t AS (UPDATE message SET claimed_by = 'test-instance/another-worker', status = 'SENDING'
                                   WHERE id = ? RETURNING 1) SELECT count(*) FROM t""", taken);
            }
        };
        assertThat(dispatcher.dispatchOnce("test-instance")).isEqualTo(10);
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE id = ? AND status = 'SENDING'"
                + " AND claimed_by = 'test-instance/another-worker' AND provider_sid IS NULL", taken)).isEqualTo(1);
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ? AND status = 'QUEUED'"
                + " AND claimed_by IS NULL", id)).isEqualTo(9);
    }

    /**
     * Two patients share one mobile (a family phone), and the first text's outcome is unknown. Until reconciliation
     * settles it, the second text to that number is not claimed: it waits PENDING. So no other text to the number is
     * in flight while the first is reconciled, and a reconcile that matches by number and body cannot take one text
     * for the other (the clash the dispatcher's record used to settle afterwards cannot arise).
     */
    @Test
    void aNumberWithATextInFlightGetsNoOtherTextUntilThatOneIsSettled() throws Exception {
        Rows.Patient first = patients.get(0);
        long id = id(launch(Map.of()));
        String shared = first.mobile();
        rows.execute("UPDATE message SET to_number = ? WHERE campaign_id = ? AND patient_id = ?", shared,
                id, patients.get(1).id());
        SentLog.script(shared, SentLog.Script.UNKNOWN_NOT_SENT);
        time(Instant.parse("2026-03-02T08:00:00Z"));
        tick();
        String toShared = "SELECT count(*) FROM message WHERE campaign_id = ? AND to_number = ? AND status = ?";
        assertThat(rows.queryLong(toShared, id, shared, "UNKNOWN")).isEqualTo(1);
        assertThat(rows.queryLong(toShared, id, shared, "PENDING")).isEqualTo(1);
        assertThat(SentLog.requests().stream().filter(r -> r.to().equals(shared))).hasSize(1);
        assertThat(SentLog.requests()).hasSize(9);

        time(Instant.parse("2026-03-02T08:01:00Z"));
        tick();
        assertThat(rows.queryLong(toShared, id, shared, "QUEUED")).isEqualTo(2);
        // The first, once reconciled as never sent, then each text once.
        assertThat(SentLog.requests().stream().filter(r -> r.to().equals(shared))).hasSize(3);
        assertThat(SentLog.accepted()).hasSize(10).allSatisfy((m, sids) -> assertThat(sids).doesNotContain(","));
    }

    /**
     * The send path never takes an UNKNOWN text: the reconciler does, and one it finds never went is PENDING again,
     * due now and unclaimed, with the reason, to be checked like a first send at the next claim.
     */
    @Test
    void anUnknownTextIsTheReconcilersAndOneThatNeverWentIsPendingAgainDueNow() throws Exception {
        Rows.Patient patient = patients.get(0);
        SentLog.script(patient.mobile(), SentLog.Script.UNKNOWN_NOT_SENT);
        long id = id(launch(Map.of()));
        time(Instant.parse("2026-03-02T08:00:00Z"));
        tick();
        assertThat(byNumber(id, 1).get(patient.mobile())).containsEntry("status", "UNKNOWN");

        time(Instant.parse("2026-03-02T08:01:00Z"));
        assertThat(dispatcher.dispatchOnce("test-instance")).isZero();
        assertThat(byNumber(id, 1).get(patient.mobile())).containsEntry("status", "UNKNOWN");
        assertThat(reconciler.reconcileOnce("test-instance")).isEqualTo(1);
        assertThat(byNumber(id, 1).get(patient.mobile())).containsEntry("status", "PENDING")
                .containsEntry("dueAt", "2026-03-02T08:01:00Z").containsEntry("reason", SendOutcomes.NEVER_WENT);
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ? AND claimed_by IS NOT NULL",
                id)).isZero();
        assertThat(SentLog.requests().stream().filter(r -> r.to().equals(patient.mobile()))).hasSize(1);

        tick();
        assertThat(byNumber(id, 1).get(patient.mobile())).containsEntry("status", "QUEUED");
        assertThat(SentLog.requests().stream().filter(r -> r.to().equals(patient.mobile()))).hasSize(2);
    }

    @Test
    void aTextThatNeverWentIsCheckedAgainBeforeItIsSent() throws Exception {
        // The send timed out (UNKNOWN) without reaching the provider, and the patient opted out meanwhile: once
        // reconcile shows nothing went, the text is a first send again, and an opted-out patient gets none.
        Rows.Patient patient = patients.get(0);
        SentLog.script(patient.mobile(), SentLog.Script.UNKNOWN_NOT_SENT);
        long id = id(launch(Map.of()));
        time(Instant.parse("2026-03-02T08:00:00Z"));
        tick();
        assertThat(byNumber(id, 1).get(patient.mobile())).containsEntry("status", "UNKNOWN");
        ledger.forPatient(patient.id(), OptOutLedger.Action.OPT_OUT, OptOutLedger.Source.CCC_PHONE, null, "ccc.north");

        time(Instant.parse("2026-03-02T08:01:00Z"));
        tick();
        assertThat(byNumber(id, 1).get(patient.mobile())).containsEntry("status", "CANCELLED");
        assertThat(SentLog.requests().stream().filter(r -> r.to().equals(patient.mobile()))).hasSize(1);
    }

    @Test
    void aStatusCallbackThatBeatsTheRecordKeepsItsStatusAndError() throws Exception {
        // Twilio can call back (here: undelivered, 30003) before the dispatcher has written down that it sent.
        SentLog.beforeAnswer = messageId -> rows.queryLong("""
                WITH cb AS (UPDATE message SET status = 'UNDELIVERED', error_code = '30003', reason = 'unreachable handset',
                                status_at = now() WHERE id = ? RETURNING 1) SELECT count(*) FROM cb""", messageId);
        long id = id(launch(Map.of()));
        time(Instant.parse("2026-03-02T08:00:00Z"));
        tick();
        assertThat(messages(id)).hasSize(10).allSatisfy(m -> {
            assertThat(m.get("status")).isEqualTo("UNDELIVERED");
            assertThat(m.get("errorCode")).isEqualTo("30003");
            assertThat(m.get("sentAt")).isNotNull();
        });
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ? AND reason = 'unreachable handset'"
                + " AND provider_sid IS NOT NULL AND claimed_by IS NULL", id)).isEqualTo(10);
        assertThat(rows.queryLong("SELECT count(*) FROM recipient WHERE campaign_id = ? AND index_date IS NOT NULL", id))
                .isEqualTo(10);
    }

    @Test
    void pauseStopsSendingAndResumeCarriesOn() throws Exception {
        long id = id(launch(Map.of()));
        client.toBlocking().exchange(HttpRequest.POST("/api/campaigns/" + id + "/pause", "").bearerAuth(ccc));
        time(Instant.parse("2026-03-02T08:00:00Z"));
        tick();
        assertThat(SentLog.requests()).isEmpty();
        assertThat(campaign(id).get("status")).isEqualTo("PAUSED");
        client.toBlocking().exchange(HttpRequest.POST("/api/campaigns/" + id + "/resume", "").bearerAuth(ccc));
        tick();
        assertThat(SentLog.requests()).hasSize(10);
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE target = ? AND action IN ('CAMPAIGN_LAUNCH', 'CAMPAIGN_PAUSE', 'CAMPAIGN_RESUME')",
                "campaign:" + id)).isEqualTo(3);
    }

    @Test
    void cancelStopsEverythingUnsent() throws Exception {
        long id = id(launch(Map.of("reminders", List.of(Map.of("afterDays", 3)))));
        Map<?, ?> cancelled = client.toBlocking().retrieve(HttpRequest.POST("/api/campaigns/" + id + "/cancel", "").bearerAuth(ccc), Map.class);
        assertThat(cancelled.get("status")).isEqualTo("CANCELLED");
        time(Instant.parse("2026-03-02T08:00:00Z"));
        tick();
        assertThat(SentLog.requests()).isEmpty();
        assertThat(messages(id)).hasSize(20).allSatisfy(m -> assertThat(m.get("reason")).isEqualTo("campaign cancelled"));
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/api/campaigns/" + id + "/resume", "").bearerAuth(ccc)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(409));
    }

    @Test
    void invalidRequestsAreRefusedFieldByField() {
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/api/campaigns", Map.of(
                        "name", "x", "programme", "MMR", "controlFraction", 0.7,
                        "sendWindow", Map.of("from", "25:00"), "reminders", List.of(Map.of("afterDays", 0)))).bearerAuth(ccc), Map.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(400);
                    String body = e.getResponse().getBody(String.class).orElse("");
                    assertThat(body).contains("\"field\":\"programme\"").contains("\"field\":\"controlFraction\"")
                            .contains("must be between 0 and 0.5").contains("\"field\":\"sendWindow.from\"")
                            .contains("\"field\":\"reminders[0].afterDays\"");
                });
        // A start date past the end of the bank holiday list is a clear error, not a guess.
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/api/campaigns", Map.of(
                        "name", "x", "programme", "fit-non-returners", "startAt", "2028-01-10T09:00:00Z")).bearerAuth(ccc), Map.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(400);
                    assertThat(e.getResponse().getBody(String.class).orElse("")).contains("bank holiday list ends on 2027-12-31");
                });
        assertThat(rows.queryLong("SELECT count(*) FROM campaign")).isZero();
    }

    @Test
    void anotherPcnSeesNothingAndALeadOnlyReads() {
        long id = id(launch(Map.of()));
        rows.patients("South PCN", "S00001", 1);
        String southCcc = api.user("ccc.south", "CCC", "South PCN");
        String northLead = api.user("lead.north", "LEAD", "North PCN");
        for (var request : List.of(HttpRequest.GET("/api/campaigns/" + id), HttpRequest.GET("/api/campaigns/" + id + "/messages"),
                HttpRequest.POST("/api/campaigns/" + id + "/pause", ""), HttpRequest.POST("/api/campaigns/" + id + "/cancel", ""))) {
            assertThatThrownBy(() -> client.toBlocking().exchange(request.bearerAuth(southCcc)))
                    .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(404));
        }
        assertThat(client.toBlocking().retrieve(HttpRequest.GET("/api/campaigns").bearerAuth(southCcc), String.class)).isEqualTo("[]");
        assertThat(client.toBlocking().retrieve(HttpRequest.GET("/api/campaigns/" + id).bearerAuth(northLead), Map.class).get("id"))
                .isEqualTo((int) id);
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/api/campaigns/" + id + "/pause", "").bearerAuth(northLead)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(403));
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.GET("/api/campaigns/" + id + "/messages?size=1001").bearerAuth(ccc)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(400));
    }
}
