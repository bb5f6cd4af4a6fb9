package io.uptake.sms;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.sms.SmsSender.SendResult;
import io.uptake.sms.SmsSender.SendResult.Outcome;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without Twilio credentials every text goes to the simulated channel, whose delivery reports come back
 * through our signed status webhook over HTTP, as Twilio's do.
 */
@MicronautTest(transactional = false)
@Property(name = "uptake.sms.simulated.callback-delay", value = "50ms")
class SimulatedChannelTest {
    @Inject
    SmsSender sender;
    @Inject
    MessageStatusService statuses;
    @Inject
    DataSource dataSource;
    @Inject
    @Client("/")
    HttpClient client;

    @Inject
    Clock clock;

    CampaignRows rows;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        rows = new CampaignRows(dataSource, clock);
    }

    /** What the dispatcher does: send, record the result. */
    private SendResult sendAndRecord(CampaignRows.Text ids, String to) {
        SendResult result = sender.send(statuses.outbound(ids.messageId(), to, "Simulated invitation"));
        statuses.applySendResult(ids.messageId(), result);
        return result;
    }

    @Test
    void theSimulatedChannelIsTheDefaultAndSaysSo() {
        assertThat(sender.channel()).isEqualTo("simulated");
        String page = client.toBlocking().retrieve(HttpRequest.GET("/ui/login"));
        assertThat(page).contains("SIMULATED SMS CHANNEL");
    }

    @Test
    void dramaNumbersTakeEveryPath() {
        String delivered = "+447700900001";
        String failing = "+447700900002";
        String temporary = "+447700900003";
        String other = "+447700900456";
        CampaignRows.Text a = rows.text(delivered, "Simulated invitation");
        CampaignRows.Text b = rows.text(failing, "Simulated invitation");
        CampaignRows.Text c = rows.text(temporary, "Simulated invitation");
        CampaignRows.Text d = rows.text(other, "Simulated invitation");

        assertThat(sendAndRecord(a, delivered).outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(sendAndRecord(b, failing).outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(sendAndRecord(c, temporary).outcome()).isEqualTo(Outcome.RETRYABLE);
        assertThat(rows.state(c.messageId()).status()).isEqualTo("SENDING");
        assertThat(sendAndRecord(c, temporary).outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(sendAndRecord(d, other).outcome()).isEqualTo(Outcome.ACCEPTED);

        assertThat(awaitState(a, s -> s.status().equals("DELIVERED")).providerSid()).startsWith("SMsim");
        CampaignRows.MessageState undelivered = awaitState(b, s -> s.status().equals("UNDELIVERED"));
        assertThat(undelivered.errorCode()).isEqualTo("30003");
        assertThat(awaitState(c, s -> s.status().equals("DELIVERED")).sentAt()).isNotNull();
        awaitState(d, s -> s.status().equals("DELIVERED"));
    }

    @Test
    void reconcileFindsWhatTheSimulatedChannelAccepted() {
        String to = "+447700900011";
        CampaignRows.Text ids = rows.text(to, "Simulated invitation");
        Instant start = Instant.now().minusSeconds(1);
        SendResult sent = sender.send(statuses.outbound(ids.messageId(), to, "Simulated invitation"));

        assertThat(sender.reconcile(statuses.outbound(ids.messageId(), to, "Simulated invitation"), start))
                .map(SendResult::providerSid).contains(sent.providerSid());
        assertThat(sender.reconcile(statuses.outbound(ids.messageId() + 1, to, "Simulated invitation"), start))
                .isEmpty();
    }

    /** Callbacks arrive in real time; waits for them with a deadline, never a fixed sleep. */
    private CampaignRows.MessageState awaitState(CampaignRows.Text ids, Predicate<CampaignRows.MessageState> done) {
        return await("message " + ids.messageId()).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(25))
                .until(() -> rows.state(ids.messageId()), done::test);
    }
}
