package io.uptake.sms;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.transaction.TransactionOperations;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Plays Twilio's part for the simulated channel: after a short real-time delay it POSTs signed status
 * callbacks ("sent", then the final status) to our own /webhooks/twilio/status over HTTP, so they pass
 * the same signature check, row lock and forward-only rule as Twilio's. Callbacks not yet acknowledged
 * are replayed when a server starts (a replayed callback changes nothing, so two instances may both do it).
 */
@Singleton
@Requires(condition = TwilioConfigured.Absent.class)
class SimulatedCallbacks implements ApplicationEventListener<ServerStartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedCallbacks.class);
    private static final int MAX_ATTEMPTS = 5;

    private final TwilioSignature signature;
    private final JdbcOperations jdbc;
    private final TransactionOperations<Connection> transactions;
    private final Clock clock;
    private final Duration delay;
    private final ScheduledExecutorService executor;
    private final HttpClient http;
    private volatile URI server;

    SimulatedCallbacks(TwilioSignature signature, JdbcOperations jdbc, TransactionOperations<Connection> transactions,
                       Clock clock, @Value("${uptake.sms.simulated.callback-delay:2s}") Duration delay) {
        this.signature = signature;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.delay = delay;
        this.executor = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "simulated-sms-callbacks");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        server = event.getSource().getURI();
        replayUnacknowledged();
    }

    /** Plans the callbacks of one accepted simulated text. */
    void schedule(long messageId, String sid, String to, @Nullable String callbackUrl, String finalStatus,
                  @Nullable String errorCode) {
        String pathAndQuery = pathAndQuery(messageId, callbackUrl);
        executor.schedule(() -> post(pathAndQuery, form(sid, to, "sent", null), 1, null),
                delay.toMillis(), TimeUnit.MILLISECONDS);
        executor.schedule(() -> post(pathAndQuery, form(sid, to, finalStatus, errorCode), 1, sid),
                2 * delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void post(String pathAndQuery, Map<String, String> form, int attempt, @Nullable String finalSid) {
        if (executor.isShutdown()) {
            return;
        }
        URI base = server;
        try {
            if (base == null) {
                throw new IOException("server not started yet");
            }
            String body = form.entrySet().stream()
                    .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                    .collect(Collectors.joining("&"));
            HttpRequest request = HttpRequest.newBuilder(base.resolve(pathAndQuery))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header(TwilioSignature.HEADER, signature.sign(pathAndQuery, form))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 != 2) {
                throw new IOException("webhook answered " + status);
            }
            if (finalSid != null) {
                acknowledged(finalSid);
            }
        } catch (IOException | RuntimeException e) {
            retry(pathAndQuery, form, attempt, finalSid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void retry(String pathAndQuery, Map<String, String> form, int attempt, @Nullable String finalSid,
                       Exception e) {
        if (attempt >= MAX_ATTEMPTS || executor.isShutdown()) {
            LOG.warn("Simulated status callback given up after {} attempts: {}", attempt, e.getMessage());
            return;
        }
        executor.schedule(() -> post(pathAndQuery, form, attempt + 1, finalSid),
                delay.toMillis() * attempt + 100, TimeUnit.MILLISECONDS);
    }

    private void acknowledged(String sid) {
        transactions.executeWrite(tx -> jdbc.prepareStatement(
                "UPDATE simulated_sms SET final_callback_at = ? WHERE provider_sid = ?", ps -> {
                    ps.setTimestamp(1, Timestamp.from(clock.instant()));
                    ps.setString(2, sid);
                    return ps.executeUpdate();
                }));
    }

    private record Pending(long messageId, String sid, String to, String finalStatus, String errorCode) {
    }

    private void replayUnacknowledged() {
        List<Pending> pending = transactions.executeRead(tx -> jdbc.prepareStatement("""
                SELECT message_id, provider_sid, to_number, final_status, error_code FROM simulated_sms
                WHERE outcome = 'ACCEPTED' AND final_callback_at IS NULL AND created_at > ?
                ORDER BY id LIMIT 10000""", ps -> {
            ps.setTimestamp(1, Timestamp.from(clock.instant().minus(Duration.ofDays(1))));
            List<Pending> rows = new ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Pending(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5)));
                }
            }
            return rows;
        }));
        if (!pending.isEmpty()) {
            LOG.info("Replaying {} simulated status callbacks not yet acknowledged", pending.size());
        }
        pending.forEach(p -> schedule(p.messageId(), p.sid(), p.to(), null, p.finalStatus(), p.errorCode()));
    }

    /** The form Twilio posts to a status callback. */
    private static Map<String, String> form(String sid, String to, String status, @Nullable String errorCode) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", "ACsimulated");
        form.put("ApiVersion", "2010-04-01");
        form.put("MessageSid", sid);
        form.put("SmsSid", sid);
        form.put("MessageStatus", status);
        form.put("SmsStatus", status);
        form.put("To", to);
        if (errorCode != null) {
            form.put("ErrorCode", errorCode);
        }
        return form;
    }

    private static String pathAndQuery(long messageId, @Nullable String callbackUrl) {
        if (callbackUrl == null) {
            return MessageStatusService.STATUS_PATH + "?m=" + messageId;
        }
        URI uri = URI.create(callbackUrl);
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
