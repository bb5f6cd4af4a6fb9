package io.uptake.campaign;

import com.sun.net.httpserver.HttpServer;
import io.uptake.sms.SmsSender.OutboundSms;
import io.uptake.sms.SmsSender.SendResult;
import io.uptake.sms.SmsSender.SendResult.Outcome;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The "provider" of the campaign tests: every send request that reached it, which messages it accepted, and
 * a script of outcomes per number. Shared by all service instances of a test JVM, and reachable over HTTP for
 * service instances in child JVMs (the kill -9 test).
 */
public final class SentLog {
    /** Scripted behaviours beyond the plain outcomes: the provider took it, but the answer was lost. */
    public enum Script { ACCEPTED, SLOW_ACCEPTED, SENDER_REFUSED, RETRYABLE, PERMANENT_FAILURE, OPTED_OUT, UNKNOWN_BUT_SENT, UNKNOWN_NOT_SENT,
        /** The provider takes it, then the sending thread dies (an Error, which no adapter classifies). */
        ACCEPTED_THEN_DIES }

    public record Request(long messageId, String to, String body, String instance) {
    }

    private static final List<Request> REQUESTS = Collections.synchronizedList(new ArrayList<>());
    private static final Map<Long, String> ACCEPTED = new ConcurrentHashMap<>();
    private static final Map<String, Deque<Script>> SCRIPT = new ConcurrentHashMap<>();
    private static final AtomicLong SIDS = new AtomicLong();

    /** How long a SLOW_ACCEPTED send takes. */
    public static final Duration SLOW = Duration.ofSeconds(2);

    private SentLog() {
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs after the provider "took" a text and before the sender answers: a status callback racing the record. */
    public static volatile java.util.function.LongConsumer beforeAnswer;

    public static void reset() {
        beforeAnswer = null;
        REQUESTS.clear();
        ACCEPTED.clear();
        SCRIPT.clear();
    }

    /** The next send(s) to {@code to} behave as listed, then as ACCEPTED. */
    public static void script(String to, Script... outcomes) {
        SCRIPT.computeIfAbsent(to, t -> new ArrayDeque<>()).addAll(List.of(outcomes));
    }

    public static List<Request> requests() {
        synchronized (REQUESTS) {
            return List.copyOf(REQUESTS);
        }
    }

    public static Map<Long, String> accepted() {
        return Map.copyOf(ACCEPTED);
    }

    static SendResult send(OutboundSms sms, String instance) {
        REQUESTS.add(new Request(sms.messageId(), sms.to(), sms.body(), instance));
        Deque<Script> queue = SCRIPT.get(sms.to());
        Script script = queue == null ? null : queue.poll();
        if (script == null) {
            script = Script.ACCEPTED;
        }
        return switch (script) {
            case ACCEPTED -> new SendResult(Outcome.ACCEPTED, accept(sms.messageId()), null, null);
            case SLOW_ACCEPTED -> {
                sleep(SLOW);
                yield new SendResult(Outcome.ACCEPTED, accept(sms.messageId()), null, null);
            }
            case RETRYABLE -> new SendResult(Outcome.RETRYABLE, null, "20429", "too many requests");
            case SENDER_REFUSED -> new SendResult(Outcome.SENDER_UNAVAILABLE, null, "20003", "credentials refused");
            case PERMANENT_FAILURE -> new SendResult(Outcome.PERMANENT_FAILURE, null, "21614", "not a mobile number");
            case OPTED_OUT -> new SendResult(Outcome.OPTED_OUT, null, "21610", "unsubscribed");
            case UNKNOWN_BUT_SENT -> {
                accept(sms.messageId());
                yield new SendResult(Outcome.UNKNOWN, null, null, "read timeout");
            }
            case UNKNOWN_NOT_SENT -> new SendResult(Outcome.UNKNOWN, null, null, "read timeout");
            case ACCEPTED_THEN_DIES -> {
                accept(sms.messageId());
                throw new Error("the sending thread dies after the hand-over (scripted)");
            }
        };
    }

    /** A second acceptance of one message would be a duplicate text: the tests count requests to catch it. */
    private static String accept(long messageId) {
        String sid = "SMtest" + SIDS.incrementAndGet();
        ACCEPTED.merge(messageId, sid, (a, b) -> a + "," + b);
        java.util.function.LongConsumer hook = beforeAnswer;
        if (hook != null) {
            hook.accept(messageId);
        }
        return sid;
    }

    static Optional<SendResult> reconcile(long messageId) {
        String sid = ACCEPTED.get(messageId);
        return sid == null ? Optional.empty() : Optional.of(new SendResult(Outcome.ACCEPTED, sid, null, "reconciled"));
    }

    /** Serves send and reconcile over HTTP, answering each send after {@code delay} (a slow provider). */
    public static HttpServer serve(Duration delay) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/send", exchange -> {
            String[] parts = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("\n", 4);
            SendResult result = send(new OutboundSms(Long.parseLong(parts[0]), parts[1], parts[3], ""), parts[2]);
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, result.outcome() + " " + (result.providerSid() == null ? "-" : result.providerSid()));
        });
        server.createContext("/reconcile", exchange -> {
            long id = Long.parseLong(exchange.getRequestURI().getQuery().substring("m=".length()));
            String sid = ACCEPTED.get(id);
            respond(exchange, sid == null ? 404 : 200, sid == null ? "" : sid);
        });
        server.start();
        return server;
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }
}
