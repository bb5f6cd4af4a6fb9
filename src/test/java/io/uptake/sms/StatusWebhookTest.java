package io.uptake.sms;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.uptake.optout.OptOutLedger;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Twilio's status callbacks as Twilio sends them: form-encoded, signed with the auth token over the
 * public URL (signed here independently of our code with {@link SignatureMaker}).
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusWebhookTest implements TestPropertyProvider {
    static final String TOKEN = "webhook-test-token";
    static final String PUBLIC_URL = "https://uptake.example.nhs.uk";

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    MessageStatusService statuses;
    @Inject
    OptOutLedger optOuts;

    @Inject
    Clock clock;

    CampaignRows rows;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("twilio.account-sid", "ACtest", "twilio.auth-token", TOKEN,
                "twilio.from", "+447700900999", "uptake.public-url", PUBLIC_URL);
    }

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        rows = new CampaignRows(dataSource, clock);
    }

    /** A message Twilio has accepted: QUEUED with its sid. */
    private CampaignRows.Text accepted(String to, String sid) {
        CampaignRows.Text ids = rows.text(to, "hello");
        statuses.applySendResult(ids.messageId(),
                new SmsSender.SendResult(SmsSender.SendResult.Outcome.ACCEPTED, sid, null, null));
        return ids;
    }

    private static Map<String, String> form(String sid, String status, String errorCode) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", "ACtest");
        form.put("ApiVersion", "2010-04-01");
        form.put("MessageSid", sid);
        form.put("SmsSid", sid);
        form.put("MessageStatus", status);
        form.put("SmsStatus", status);
        form.put("To", "+447700900201");
        form.put("From", "+447700900999");
        if (errorCode != null) {
            form.put("ErrorCode", errorCode);
        }
        return form;
    }

    private HttpResponse<?> post(String pathAndQuery, Map<String, String> form, String signature) {
        return client.toBlocking().exchange(HttpRequest.POST(pathAndQuery, form)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                .header(TwilioSignature.HEADER, signature));
    }

    private HttpResponse<?> signedCallback(long messageId, Map<String, String> form) {
        String path = "/webhooks/twilio/status?m=" + messageId;
        return post(path, form, SignatureMaker.sign(TOKEN, PUBLIC_URL + path, form));
    }

    @Test
    void signedCallbacksMoveTheStatusForwardAndRepeatsChangeNothing() {
        CampaignRows.Text ids = accepted("+447700900201", "SM0001");

        for (int i = 0; i < 2; i++) {
            assertThat(signedCallback(ids.messageId(), form("SM0001", "sent", null)).code()).isEqualTo(204);
        }
        CampaignRows.MessageState sent = rows.state(ids.messageId());
        assertThat(sent.status()).isEqualTo("SENT");

        assertThat(signedCallback(ids.messageId(), form("SM0001", "delivered", null)).code()).isEqualTo(204);
        CampaignRows.MessageState delivered = rows.state(ids.messageId());
        assertThat(delivered.status()).isEqualTo("DELIVERED");
        assertThat(delivered.statusAt()).isAfterOrEqualTo(sent.statusAt());

        // The same callback again (Twilio repeats, or someone replays a captured request): no change at all.
        assertThat(signedCallback(ids.messageId(), form("SM0001", "delivered", null)).code()).isEqualTo(204);
        assertThat(rows.state(ids.messageId())).isEqualTo(delivered);
    }

    @Test
    void anOutOfOrderCallbackDoesNotMoveTheStatusBack() {
        CampaignRows.Text ids = accepted("+447700900202", "SM0002");

        signedCallback(ids.messageId(), form("SM0002", "delivered", null));
        signedCallback(ids.messageId(), form("SM0002", "delivered", null));
        signedCallback(ids.messageId(), form("SM0002", "sent", null));
        signedCallback(ids.messageId(), form("SM0002", "sent", null));
        signedCallback(ids.messageId(), form("SM0002", "queued", null));

        assertThat(rows.state(ids.messageId()).status()).isEqualTo("DELIVERED");
        // And the send's own late ACCEPTED does not either.
        statuses.applySendResult(ids.messageId(),
                new SmsSender.SendResult(SmsSender.SendResult.Outcome.ACCEPTED, "SM0002", null, null));
        assertThat(rows.state(ids.messageId()).status()).isEqualTo("DELIVERED");
    }

    @Test
    void aCallbackWhoseProviderIdAReconcileGaveToALookAlikeStillMovesTheStatus() {
        // Another message holds SM0009 for the moment (a reconcile matched a look-alike before this message's
        // record); the callback for this message must not fail on the unique id, and its status still counts.
        CampaignRows.Text lookAlike = accepted("+447700900209", "SM0009");
        CampaignRows.Text ids = rows.text("+447700900209", "hello");

        assertThat(signedCallback(ids.messageId(), form("SM0009", "delivered", null)).code()).isEqualTo(204);

        assertThat(rows.state(ids.messageId()).status()).isEqualTo("DELIVERED");
        assertThat(rows.state(ids.messageId()).providerSid()).isNull();
        assertThat(rows.state(lookAlike.messageId()).providerSid()).isEqualTo("SM0009");
    }

    /**
     * Reconciliation by our own id first: Twilio's report carries {@code ?m=<message id>}, so an UNKNOWN text it
     * reports on is settled (SENT, with its provider id) with no lookup by number and body, and the reconciler
     * never claims it.
     */
    @Test
    void aCallbackSettlesAnUnknownTextByOurOwnId() {
        CampaignRows.Text ids = rows.text("+447700900210", "hello", "UNKNOWN");
        assertThat(signedCallback(ids.messageId(), form("SM0010", "sent", null)).code()).isEqualTo(204);
        CampaignRows.MessageState settled = rows.state(ids.messageId());
        assertThat(settled.status()).isEqualTo("SENT");
        assertThat(settled.providerSid()).isEqualTo("SM0010");
        assertThat(settled.sentAt()).isNotNull();
    }

    @Test
    void aCallbackThatOvertakesTheSendResultIsKept() {
        CampaignRows.Text ids = rows.text("+447700900203", "hello");

        signedCallback(ids.messageId(), form("SM0003", "sent", null));

        CampaignRows.MessageState state = rows.state(ids.messageId());
        assertThat(state.status()).isEqualTo("SENT");
        assertThat(state.providerSid()).isEqualTo("SM0003");
        assertThat(state.sentAt()).isNotNull();
    }

    @Test
    void aWrongSignatureIsRefusedAndChangesNothing() {
        CampaignRows.Text ids = accepted("+447700900204", "SM0004");
        CampaignRows.MessageState before = rows.state(ids.messageId());
        double rejectedBefore = metric("uptake_sms_webhook_rejected_total", "reason=\"signature\"");
        Map<String, String> form = form("SM0004", "delivered", null);
        String path = "/webhooks/twilio/status?m=" + ids.messageId();

        // Signed with another token; signed for another message; no signature; a changed form.
        String otherToken = SignatureMaker.sign("not-our-token", PUBLIC_URL + path, form);
        String otherMessage = SignatureMaker.sign(TOKEN, PUBLIC_URL + "/webhooks/twilio/status?m=1", form);
        Map<String, String> tampered = new LinkedHashMap<>(form);
        String validForOriginal = SignatureMaker.sign(TOKEN, PUBLIC_URL + path, form);
        tampered.put("MessageStatus", "failed");
        for (var attempt : new Object[][]{{form, otherToken}, {form, otherMessage}, {tampered, validForOriginal}}) {
            @SuppressWarnings("unchecked") Map<String, String> f = (Map<String, String>) attempt[0];
            assertThatThrownBy(() -> post(path, f, (String) attempt[1]))
                    .isInstanceOfSatisfying(HttpClientResponseException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(403));
        }
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST(path, form)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE)))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(403));

        assertThat(rows.state(ids.messageId())).isEqualTo(before);
        assertThat(metric("uptake_sms_webhook_rejected_total", "reason=\"signature\"")).isEqualTo(rejectedBefore + 4);
    }

    @Test
    void unsubscribedInACallbackRecordsAnOptOutOnce() {
        CampaignRows.Text ids = accepted("+447700900205", "SM0005");

        signedCallback(ids.messageId(), form("SM0005", "failed", "21610"));
        signedCallback(ids.messageId(), form("SM0005", "failed", "21610"));

        CampaignRows.MessageState state = rows.state(ids.messageId());
        assertThat(state.status()).isEqualTo("FAILED");
        assertThat(state.errorCode()).isEqualTo("21610");
        assertThat(optOuts.isOptedOut(ids.patientId())).isTrue();
        assertThat(ledgerEntries(ids.patientId())).isEqualTo(1);
    }

    @Test
    void undeliveredKeepsTheCarrierErrorInWords() {
        CampaignRows.Text ids = accepted("+447700900206", "SM0006");

        signedCallback(ids.messageId(), form("SM0006", "undelivered", "30003"));

        CampaignRows.MessageState state = rows.state(ids.messageId());
        assertThat(state.status()).isEqualTo("UNDELIVERED");
        assertThat(state.errorCode()).isEqualTo("30003");
        assertThat(state.reason()).contains("unreachable");
    }

    @Test
    void aCallbackWithoutOurIdIsFoundByTheProviderSid() {
        CampaignRows.Text ids = accepted("+447700900207", "SM0007");
        Map<String, String> form = form("SM0007", "delivered", null);
        String path = "/webhooks/twilio/status";

        assertThat(post(path, form, SignatureMaker.sign(TOKEN, PUBLIC_URL + path, form)).code()).isEqualTo(204);

        assertThat(rows.state(ids.messageId()).status()).isEqualTo("DELIVERED");
    }

    @Test
    void aSignedCallbackForAMessageWeDoNotKnowIsAnsweredAndCounted() {
        double before = metric("uptake_sms_webhook_rejected_total", "reason=\"unknown-message\"");

        assertThat(signedCallback(987654321L, form("SM0008", "delivered", null)).code()).isEqualTo(204);

        assertThat(metric("uptake_sms_webhook_rejected_total", "reason=\"unknown-message\"")).isEqualTo(before + 1);
    }

    @Test
    void transitionsAreCountedByStatus() {
        double before = metric("uptake_sms_message_status_total", "from=\"SENT\",to=\"DELIVERED\"");
        CampaignRows.Text ids = accepted("+447700900209", "SM0009");

        signedCallback(ids.messageId(), form("SM0009", "sent", null));
        signedCallback(ids.messageId(), form("SM0009", "delivered", null));
        signedCallback(ids.messageId(), form("SM0009", "delivered", null));

        assertThat(metric("uptake_sms_message_status_total", "from=\"SENT\",to=\"DELIVERED\"")).isEqualTo(before + 1);
    }

    @Test
    void concurrentCallbacksForOneMessageEndDeliveredWithOneTransition() throws Exception {
        CampaignRows.Text ids = accepted("+447700900210", "SM0010");
        double before = metricSum("uptake_sms_message_status_total", "to=\"DELIVERED\"");
        List<Callable<Integer>> posts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String status = List.of("sent", "delivered", "queued").get(i % 3);
            posts.add(() -> signedCallback(ids.messageId(), form("SM0010", status, null)).code());
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (Future<Integer> f : pool.invokeAll(posts)) {
                assertThat(f.get()).isEqualTo(204);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(rows.state(ids.messageId()).status()).isEqualTo("DELIVERED");
        // Summed over every "from": the row lock lets exactly one callback move it to DELIVERED.
        assertThat(metricSum("uptake_sms_message_status_total", "to=\"DELIVERED\"")).isEqualTo(before + 1);
    }

    private int ledgerEntries(long patientId) {
        try (var c = Database.raw(dataSource).getConnection();
             var ps = c.prepareStatement("SELECT count(*) FROM opt_out_ledger WHERE patient_id = ? AND source = 'TWILIO_21610'")) {
            ps.setLong(1, patientId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private double metricSum(String name, String labels) {
        String token = new Api(client.toBlocking()).adminToken();
        String body = client.toBlocking().retrieve(HttpRequest.GET("/prometheus").bearerAuth(token));
        Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(body);
        double sum = 0;
        while (m.find()) {
            if (m.group(1).contains(labels)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** A value from /prometheus as an operator would scrape it; 0 when the series does not exist yet. */
    private double metric(String name, String labels) {
        String token = new Api(client.toBlocking()).adminToken();
        String body = client.toBlocking().retrieve(HttpRequest.GET("/prometheus").bearerAuth(token));
        Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(body);
        while (m.find()) {
            if (m.group(1).contains(labels)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }
}
