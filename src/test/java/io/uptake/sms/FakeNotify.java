package io.uptake.sms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for GOV.UK Notify's API (v2), for tests, on the JDK's HTTP server bound to localhost. Point the
 * real notifications-java-client at it with {@code uptake.sms.notify.base-url = fake.baseUrl()} and
 * {@code uptake.sms.notify.api-key = fake.apiKey()}.
 * <p>
 * It checks every request as Notify does: a JWT bearer token (HS256, signed with the key's secret, issued by the
 * key's service id, at most 30 seconds from now), else 403 AuthError. {@code POST /v2/notifications/sms} needs
 * {@link #TEMPLATE_ID} (else 400 "Template not found") and a UK mobile, and records the text with its
 * personalisation and reference ({@link #texts()}); {@code POST /v2/notifications/letter} records a precompiled
 * letter ({@link #letters()}); {@code GET /v2/notifications?reference=..&template_type=..} lists them.
 * <p>
 * Script the answers to sends, in order, with {@link #scriptNext(Reply...)}: {@link Reply#created()},
 * {@link Reply#error(int, String, String)}, {@link Reply#createdButSlow(Duration)} (stored, then answered after the
 * client's read timeout) and {@link Reply#createdThenDropped()} (stored, then the connection closes without an
 * answer: the JDK's HttpURLConnection would send a plain POST again by itself).
 */
public final class FakeNotify implements AutoCloseable {
    public static final String TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a";
    private static final Pattern ONE = Pattern.compile("/v2/notifications/([0-9a-f-]{36})");
    private static final Pattern UK_MOBILE = Pattern.compile("(\\+44|0044|0)7\\d{9}");

    /** A text or letter as the fake stored it. */
    public record Stored(String id, String type, String to, String body, String reference, String templateId,
                         byte[] pdf, String postage, Instant createdAt) {
    }

    /** How the fake answers one send. */
    public record Reply(int httpStatus, String error, String message, Duration delay, boolean drop) {
        public static Reply created() {
            return new Reply(201, null, null, Duration.ZERO, false);
        }

        public static Reply createdButSlow(Duration delay) {
            return new Reply(201, null, null, delay, false);
        }

        /** Stored, then the connection is closed with no answer at all. */
        public static Reply createdThenDropped() {
            return new Reply(201, null, null, Duration.ZERO, true);
        }

        public static Reply error(int httpStatus, String error, String message) {
            return new Reply(httpStatus, error, message, Duration.ZERO, false);
        }

        public static Reply badNumber() {
            return error(400, "ValidationError", "phone_number Not a UK mobile number");
        }

        public static Reply rateLimited() {
            return error(429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds");
        }

        public static Reply dailyLimit() {
            return error(429, "TooManyRequestsError", "Exceeded send limits (250000) for today");
        }

        public static Reply serverError() {
            return error(500, "Exception", "Internal server error");
        }

        boolean stores() {
            return httpStatus == 201;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock;
    private final String serviceId = UUID.randomUUID().toString();
    private final String secret = UUID.randomUUID().toString();
    private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
    private final Map<String, Queue<Reply>> byNumber = new java.util.concurrent.ConcurrentHashMap<>();
    private final Queue<Stored> stored = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sends = new AtomicInteger();
    private final AtomicInteger refusedTokens = new AtomicInteger();

    private FakeNotify(Clock clock) throws IOException {
        this.clock = clock;
        this.executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "fake-notify");
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress("localhost", 0), 256);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static FakeNotify start() {
        return start(Clock.systemUTC());
    }

    /** With the clock that stamps created_at: the service's test clock, so reconcile looks in the right place. */
    public static FakeNotify start(Clock clock) {
        try {
            return new FakeNotify(clock);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String baseUrl() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** An API key as Notify issues it: a name, the service id, the secret. */
    public String apiKey() {
        return "uptake_test-" + serviceId + "-" + secret;
    }

    /** A key of the same service with another secret: every request signed with it is refused. */
    public String wrongKey() {
        return "uptake_test-" + serviceId + "-" + UUID.randomUUID();
    }

    public FakeNotify scriptNext(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** Answers to the next texts to this number, in order, before any {@link #scriptNext} answer. */
    public FakeNotify script(String to, Reply... replies) {
        byNumber.computeIfAbsent(to, k -> new ConcurrentLinkedQueue<>()).addAll(List.of(replies));
        return this;
    }

    public List<Stored> texts() {
        return stored.stream().filter(s -> s.type().equals("sms")).toList();
    }

    public List<Stored> textsTo(String to) {
        return texts().stream().filter(s -> s.to().equals(to)).toList();
    }

    public List<Stored> letters() {
        return stored.stream().filter(s -> s.type().equals("letter")).toList();
    }

    /** POSTs of texts and letters received with a good token, stored or not. */
    public int sends() {
        return sends.get();
    }

    public int refusedTokens() {
        return refusedTokens.get();
    }

    public void reset() {
        script.clear();
        byNumber.clear();
        stored.clear();
        sends.set(0);
        refusedTokens.set(0);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (!validToken(exchange.getRequestHeaders().getFirst("Authorization"))) {
            refusedTokens.incrementAndGet();
            answer(exchange, 403, error(403, "AuthError", "Invalid token: signature, api token not found"));
            return;
        }
        Matcher one = ONE.matcher(path);
        if (method.equals("POST") && (path.equals("/v2/notifications/sms") || path.equals("/v2/notifications/letter"))) {
            send(exchange, path.endsWith("/sms") ? "sms" : "letter", json.readTree(body));
        } else if (method.equals("GET") && path.equals("/v2/notifications")) {
            list(exchange, query(exchange.getRequestURI().getRawQuery()));
        } else if (method.equals("GET") && one.matches()) {
            Stored s = stored.stream().filter(n -> n.id().equals(one.group(1))).findFirst().orElse(null);
            if (s == null) {
                answer(exchange, 404, error(404, "NoResultFound", "No result found"));
            } else {
                answer(exchange, 200, json.writeValueAsBytes(notification(s)));
            }
        } else {
            answer(exchange, 404, error(404, "NotFound", "Not found"));
        }
    }

    private void send(HttpExchange exchange, String type, JsonNode request) throws IOException {
        sends.incrementAndGet();
        String number = text(request, "phone_number");
        Queue<Reply> own = number == null ? null : byNumber.get(number);
        Reply reply = own == null ? null : own.poll();
        if (reply == null) {
            reply = script.poll();
        }
        if (reply == null) {
            reply = Reply.created();
        }
        String reference = text(request, "reference");
        Stored s;
        if (type.equals("sms")) {
            String to = text(request, "phone_number");
            if (!TEMPLATE_ID.equals(text(request, "template_id"))) {
                answer(exchange, 400, error(400, "BadRequestError", "Template not found"));
                return;
            }
            if (to == null || !UK_MOBILE.matcher(to.replace(" ", "")).matches()) {
                answer(exchange, 400, error(400, "ValidationError", "phone_number Not a UK mobile number"));
                return;
            }
            JsonNode personalisation = request.path("personalisation");
            if (!personalisation.has("body")) {
                answer(exchange, 400, error(400, "BadRequestError", "Missing personalisation: body"));
                return;
            }
            s = new Stored(UUID.randomUUID().toString(), "sms", to, personalisation.get("body").asText(), reference,
                    TEMPLATE_ID, null, null, clock.instant());
        } else {
            byte[] pdf = Base64.getDecoder().decode(text(request, "content"));
            if (reference == null || pdf.length < 5 || !new String(pdf, 0, 5, StandardCharsets.US_ASCII).equals("%PDF-")) {
                answer(exchange, 400, error(400, "ValidationError", "Letter content is not a valid PDF"));
                return;
            }
            String postage = text(request, "postage");
            s = new Stored(UUID.randomUUID().toString(), "letter", null, null, reference, null, pdf,
                    postage == null ? "second" : postage, clock.instant());
        }
        if (!reply.stores()) {
            answer(exchange, reply.httpStatus(), error(reply.httpStatus(), reply.error(), reply.message()));
            return;
        }
        stored.add(s);
        if (reply.drop()) {
            // Thrown from the handler, the JDK server closes the connection without a byte of answer.
            throw new IllegalStateException("fake Notify drops the connection after storing " + s.id());
        }
        if (!reply.delay().isZero()) {
            try {
                Thread.sleep(reply.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("id", s.id());
        response.put("reference", s.reference());
        response.put("uri", baseUrl() + "/v2/notifications/" + s.id());
        if (type.equals("sms")) {
            response.put("content", Map.of("body", s.body(), "from_number", "GOVUK"));
            response.put("template", Map.of("id", TEMPLATE_ID, "version", 1,
                    "uri", baseUrl() + "/v2/template/" + TEMPLATE_ID));
        } else {
            response.put("postage", s.postage());
        }
        try {
            answer(exchange, 201, json.writeValueAsBytes(response));
        } catch (IOException clientGone) {
            // The client timed out and closed the connection: exactly the case being simulated.
        }
    }

    private void list(HttpExchange exchange, Map<String, String> query) throws IOException {
        List<Map<String, Object>> found = new ArrayList<>();
        List<Stored> all = new ArrayList<>(stored);
        java.util.Collections.reverse(all); // newest first, as Notify lists
        for (Stored s : all) {
            if ((query.get("reference") == null || query.get("reference").equals(s.reference()))
                    && (query.get("template_type") == null || query.get("template_type").equals(s.type()))) {
                found.add(notification(s));
            }
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("notifications", found);
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("current", baseUrl() + "/v2/notifications");
        links.put("next", null);
        page.put("links", links);
        answer(exchange, 200, json.writeValueAsBytes(page));
    }

    private Map<String, Object> notification(Stored s) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("id", s.id());
        n.put("reference", s.reference());
        n.put("type", s.type());
        n.put("phone_number", s.to());
        n.put("status", s.type().equals("sms") ? "sending" : "accepted");
        n.put("template", Map.of("id", s.templateId() == null ? UUID.randomUUID().toString() : s.templateId(),
                "version", 1, "uri", baseUrl() + "/v2/template/x"));
        n.put("body", s.body() == null ? "" : s.body());
        n.put("created_at", s.createdAt().truncatedTo(ChronoUnit.MICROS).toString());
        n.put("sent_at", null);
        n.put("completed_at", null);
        n.put("postage", s.postage());
        return n;
    }

    /**
     * Notify's check (notifications-python-client's authentication, which the API uses): HS256 over
     * header.payload with the service's secret, iss the service id, iat within 30 seconds of now.
     */
    private boolean validToken(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        String[] parts = authorization.substring(7).split("\\.");
        if (parts.length != 3) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(parts[2]))) {
                return false;
            }
            JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
            long iat = claims.path("iat").asLong(0);
            return "HS256".equals(header.path("alg").asText()) && serviceId.equals(claims.path("iss").asText())
                    && Math.abs(Instant.now().getEpochSecond() - iat) <= 30;
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private byte[] error(int status, String error, String message) throws IOException {
        return json.writeValueAsBytes(Map.of("status_code", status,
                "errors", List.of(Map.of("error", error, "message", message))));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        exchange.close();
    }
}
