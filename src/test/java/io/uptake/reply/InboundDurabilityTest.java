package io.uptake.reply;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.optout.OptOutLedger;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.LogCapture;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No inbound text is lost: each signed delivery is committed raw before it is processed, text PostgreSQL
 * refuses is cleaned (the exact bytes kept raw), a failure leaves the delivery for the retry, and no driver
 * text reaches Twilio or the log. Real signatures (TwilioSignature), the real embedded PostgreSQL.
 */
@MicronautTest(transactional = false)
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = InboundDurabilityTest.START_TEXT)
@Property(name = "uptake.reply.inbound.retry-after", value = "45s")
class InboundDurabilityTest {
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
    InboundRetry retry;
    @Inject
    InboundReplies replies;
    @Inject
    InboundRaw raw;

    ReplyFixtures db;
    long patient;
    final String mobile = ReplyFixtures.mobile(201);

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        clock.set(START);
        db = new ReplyFixtures(dataSource, client.toBlocking(), signature, clock);
        long pcn = db.pcn("North PCN");
        db.practice("P84001", "Oak Surgery", pcn);
        patient = db.patient("P84001", mobile, "en", "Ada");
        long campaign = db.campaign(pcn, "FIT non-returners");
        db.sentMessage(campaign, patient, mobile, "en", START.minus(1, ChronoUnit.DAYS));
    }

    @AfterEach
    void removeFault() throws Exception {
        sql("DROP TRIGGER IF EXISTS inbound_fault ON inbound_message; DROP FUNCTION IF EXISTS inbound_fault()");
    }

    @Test
    void aStopFollowedByANulOptsOutAndTheExactBytesAreKeptRaw() {
        String sid = ReplyFixtures.newSid();
        HttpResponse<String> response = db.deliver(ReplyFixtures.twilioForm(sid, mobile, "STOP\u0000"));

        assertThat(response.getStatus().getCode()).isEqualTo(200);
        assertThat(ReplyFixtures.messageOf(response.body())).as("the opt-out is confirmed").isNotBlank();
        assertThat(ledger.isOptedOut(patient)).isTrue();
        assertThat(db.inbound(sid)).containsEntry("classification", "OPT_OUT").containsEntry("body", "STOP\uFFFD")
                .containsEntry("body_cleaned", true);
        Map<String, Object> kept = rawRow(sid);
        assertThat(kept).containsEntry("state", "PROCESSED").containsEntry("deliveries", 1);
        assertThat(new String((byte[]) kept.get("body"), StandardCharsets.US_ASCII)).contains("Body=STOP%00");
    }

    @Test
    void loneSurrogatesAreStoredAsReplacementCharactersWithTheFlag() {
        // Over HTTP a lone surrogate can only arrive as the bytes of one (ED A0 BD), which read as U+FFFD,
        // as Twilio signed them; the body is kept byte for byte.
        String sid = ReplyFixtures.newSid();
        Map<String, String> signed = ReplyFixtures.twilioForm(sid, mobile, "Hi \uFFFD and \uD83D\uDE00");
        String encoded = signed.entrySet().stream().map(e -> e.getKey() + "=" + (e.getKey().equals("Body")
                        ? "Hi+%ED%A0%BD+and+%F0%9F%98%80" : URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = db.deliverRaw(encoded, signed);
        assertThat(response.getStatus().getCode()).isEqualTo(200);
        assertThat(db.inbound(sid)).containsEntry("body", "Hi \uFFFD and \uD83D\uDE00");
        assertThat(new String((byte[]) rawRow(sid).get("body"), StandardCharsets.US_ASCII)).contains("Body=Hi+%ED%A0%BD+and+");

        // A Java string with lone surrogates (high, then low, out of order), as another caller could pass:
        // the driver would turn each into '?' silently; they are replaced and flagged instead, pairs kept.
        String other = ReplyFixtures.newSid();
        InboundSms sms = InboundSms.fromTwilio(ReplyFixtures.twilioForm(other, mobile, "a\uD83Db\uDE00\uD83Dc\uD83D\uDE00"));
        InboundRaw.Stored stored = raw.store(new byte[0], other, START);
        replies.receive(sms, stored.receivedAt(), false);
        assertThat(db.inbound(other)).containsEntry("body", "a\uFFFDb\uFFFD\uFFFDc\uD83D\uDE00")
                .containsEntry("body_cleaned", true);
    }

    @Test
    void aBodyOf1600CharactersIsStoredWholeAndKeptRaw() {
        String sid = ReplyFixtures.newSid();
        // Twilio's longest inbound text: Urdu, Polish and an emoji (a surrogate pair) up to 1,600 characters.
        String unit = "براہ کرم مجھے کال کریں ż ł \uD83D\uDE00 ";
        String body = unit.repeat(1600 / unit.length() + 1).substring(0, 1599) + "?";
        assertThat(body).hasSize(1600);
        HttpResponse<String> response = db.deliver(ReplyFixtures.twilioForm(sid, mobile, body));

        assertThat(response.getStatus().getCode()).isEqualTo(200);
        assertThat(ReplyFixtures.messageOf(response.body())).isNotBlank();
        assertThat(db.inbound(sid)).containsEntry("body", body).containsEntry("classification", "FREE_TEXT")
                .containsEntry("body_cleaned", false);
        assertThat(rawRow(sid)).containsEntry("state", "PROCESSED");
    }

    @Test
    void aDeliveryWhoseProcessingFailsIsKeptAnsweredWithoutDriverTextAndProcessedOnceByTheRetry() throws Exception {
        String sid = ReplyFixtures.newSid();
        failProcessingOf(sid);
        String response;
        String log;
        try (LogCapture logs = new LogCapture()) {
            HttpResponse<String> answer = db.deliver(ReplyFixtures.twilioForm(sid, mobile, "STOP"));
            assertThat(answer.getStatus().getCode()).isEqualTo(200);
            response = answer.body();
            log = logs.text();
        }
        assertThat(ReplyFixtures.messageOf(response)).as("nothing unrecorded is confirmed").isNull();
        assertThat(response).doesNotContain("refused").doesNotContain("SQL").doesNotContain("ERROR");
        assertThat(log).contains("could not be processed").contains(sid).contains("SQLState P0001")
                .doesNotContain("refused in test");
        assertThat(ledger.isOptedOut(patient)).isFalse();
        Map<String, Object> kept = rawRow(sid);
        assertThat(kept).containsEntry("state", "FAILED").containsEntry("attempts", 1);
        assertThat((String) kept.get("last_error")).contains("P0001").doesNotContain("refused").doesNotContain("STOP");

        // Too young for the retry: its own request could still be at work.
        assertThat(retry.run().processed()).isZero();
        clock.advance(Duration.ofSeconds(46));
        assertThat(retry.run()).isEqualTo(new InboundRetry.Outcome(0, 1, 0));
        assertThat(rawRow(sid)).containsEntry("state", "FAILED").containsEntry("attempts", 2);

        removeFault();
        assertThat(retry.run()).isEqualTo(new InboundRetry.Outcome(1, 0, 0));
        assertThat(ledger.isOptedOut(patient)).isTrue();
        assertThat(db.inbound(sid)).containsEntry("classification", "OPT_OUT")
                .containsEntry("no_reply_reason", "PROCESSED_LATE").containsEntry("auto_reply", null)
                .containsEntry("received_at", java.sql.Timestamp.from(START));
        assertThat(rawRow(sid)).containsEntry("state", "PROCESSED");
        assertThat(retry.run()).isEqualTo(new InboundRetry.Outcome(0, 0, 0));

        // Twilio delivering it again now changes nothing and answers as stored (nothing).
        HttpResponse<String> again = db.deliver(ReplyFixtures.twilioForm(sid, mobile, "STOP"));
        assertThat(ReplyFixtures.messageOf(again.body())).isNull();
        assertThat(db.count("SELECT count(*) FROM inbound_message")).isEqualTo(1);
        // One STOP from a number only this patient holds: its number-level and patient-level entries (OptOutRule).
        assertThat(db.count("SELECT count(*) FROM opt_out_ledger")).isEqualTo(2);
        assertThat(rawRow(sid)).containsEntry("deliveries", 2);
    }

    @Test
    void aRedeliveryAfterAFailureIsProcessedAndThenAnsweredTheSameEveryTime() throws Exception {
        String sid = ReplyFixtures.newSid();
        Map<String, String> form = ReplyFixtures.twilioForm(sid, mobile, "HELP");
        failProcessingOf(sid);
        assertThat(ReplyFixtures.messageOf(db.deliver(form).body())).isNull();
        removeFault();

        String second = db.deliver(form).body();
        String third = db.deliver(form).body();
        assertThat(ReplyFixtures.messageOf(second)).isNotBlank();
        assertThat(third).isEqualTo(second);
        assertThat(db.count("SELECT count(*) FROM inbound_message")).isEqualTo(1);
        assertThat(rawRow(sid)).containsEntry("state", "PROCESSED").containsEntry("deliveries", 3)
                .containsEntry("attempts", 1);
        clock.advance(Duration.ofMinutes(5));
        assertThat(retry.run()).isEqualTo(new InboundRetry.Outcome(0, 0, 0));
    }

    @Test
    void aSignedDeliveryWithoutFromIsKeptAsInvalidAndNeverRetried() {
        String sid = ReplyFixtures.newSid();
        Map<String, String> form = ReplyFixtures.twilioForm(sid, mobile, "Hello");
        form.remove("From");
        assertThat(db.deliver(form).getStatus().getCode()).isEqualTo(400);
        assertThat(rawRow(sid)).containsEntry("state", "INVALID");
        clock.advance(Duration.ofMinutes(5));
        assertThat(retry.run()).isEqualTo(new InboundRetry.Outcome(0, 0, 0));
    }

    /** A real database failure for one MessageSid, whose message quotes the text (as drivers' messages can). */
    private void failProcessingOf(String sid) throws Exception {
        sql("""
                CREATE FUNCTION inbound_fault() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.message_sid = '%s' THEN
                        RAISE EXCEPTION 'refused in test: %%', NEW.body;
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER inbound_fault BEFORE INSERT ON inbound_message
                    FOR EACH ROW EXECUTE FUNCTION inbound_fault();""".formatted(sid));
    }

    private Map<String, Object> rawRow(String sid) {
        return db.row("SELECT state, deliveries, attempts, last_error, body FROM inbound_raw WHERE message_sid = ?", sid);
    }

    private void sql(String statements) throws Exception {
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            st.execute(statements);
        }
    }
}
