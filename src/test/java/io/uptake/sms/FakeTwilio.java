package io.uptake.sms;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for Twilio's Messages API, for tests and benchmarks, on the JDK's HTTP server bound to
 * localhost. Point the real twilio-java SDK at it with {@code twilio.api-base-url = fake.baseUrl()} (see
 * {@code TwilioHttpClient}); any account SID and auth token are accepted, but requests must carry them.
 * <p>
 * It answers like Twilio: {@code POST /2010-04-01/Accounts/{sid}/Messages.json} creates a message (201,
 * Message JSON, status "queued"); {@code GET .../Messages.json?To=..&DateSent>=..} lists them;
 * {@code GET .../Messages/{sid}.json} fetches one. Every request is recorded with its form or query fields
 * ({@link #requests()}, {@link #creates()}).
 * <p>
 * Script the answers to creates per number with {@link #script(String, Reply...)} (consumed in order, then
 * "created" again), or for any number with {@link #scriptNext(Reply...)}: {@link Reply#created()},
 * {@link Reply#error(int, int, String)} and the named Twilio errors, {@link Reply#unavailable()} (503, no
 * body) and {@link Reply#createdButSlow(Duration)} (creates the message, then answers only after the delay,
 * i.e. after a client's read timeout: the client cannot know the text was taken).
 * <pre>
 * try (FakeTwilio fake = FakeTwilio.start()) {
 *     fake.script("+447700900002", FakeTwilio.Reply.tooManyRequests());
 *     ... send through the SDK with twilio.api-base-url = fake.baseUrl() ...
 *     assertThat(fake.creates()).hasSize(1);
 * }
 * </pre>
 */
public final class FakeTwilio implements AutoCloseable {
    private static final Pattern MESSAGES = Pattern.compile("/2010-04-01/Accounts/([^/]+)/Messages\\.json");
    private static final Pattern ONE_MESSAGE = Pattern.compile("/2010-04-01/Accounts/([^/]+)/Messages/([^/]+)\\.json");
    private static final DateTimeFormatter RFC_2822 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One HTTP request as the fake received it: form fields for POST, query fields for GET. */
    public record Recorded(String method, String path, Map<String, String> params, Instant at) {
        public String param(String name) {
            return params.get(name);
        }
    }

    /** How the fake answers one create request. */
    public record Reply(int httpStatus, Integer errorCode, String errorMessage, Duration delay) {
        public static Reply created() {
            return new Reply(201, null, null, Duration.ZERO);
        }

        /** The message is created, but the answer comes only after {@code delay}. */
        public static Reply createdButSlow(Duration delay) {
            return new Reply(201, null, null, delay);
        }

        public static Reply error(int httpStatus, int code, String message) {
            return new Reply(httpStatus, code, message, Duration.ZERO);
        }

        public static Reply invalidNumber() {
            return error(400, 21211, "The 'To' number is not a valid phone number.");
        }

        public static Reply notMobile() {
            return error(400, 21614, "'To' number is not a valid mobile number");
        }

        public static Reply unsubscribed() {
            return error(400, 21610, "Attempt to send to unsubscribed recipient");
        }

        public static Reply tooManyRequests() {
            return error(429, 20429, "Too Many Requests");
        }

        /** A 503 from the edge, before any Twilio body. */
        public static Reply unavailable() {
            return new Reply(503, null, null, Duration.ZERO);
        }

        boolean creates() {
            return httpStatus == 201;
        }
    }

    static {
        // The JDK server leaves Nagle's algorithm on by default: with delayed ACKs every answer then waits
        // about 40 ms, and a benchmark measures that instead of us. Read once, when the server class loads.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock;
    private final Queue<Recorded> requests = new ConcurrentLinkedQueue<>();
    private final Map<String, Queue<Reply>> scripts = new ConcurrentHashMap<>();
    private final Queue<Reply> anyNumber = new ConcurrentLinkedQueue<>();
    private final Queue<Map<String, Object>> messages = new ConcurrentLinkedQueue<>();
    private volatile boolean listQueuedWithoutDateSent;
    private volatile String bodySuffix = "";
    /** How long an unscripted create takes to answer: the real API's round trip, for benchmarks. */
    private volatile Duration createLatency = Duration.ZERO;

    private FakeTwilio(int threads, Clock clock) throws IOException {
        this.clock = clock;
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fake-twilio");
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress("localhost", 0), 1024);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts on a free localhost port with 16 handler threads. */
    public static FakeTwilio start() {
        return start(16);
    }

    /** More threads for benchmarks (a slow reply holds its thread for the delay). */
    public static FakeTwilio start(int threads) {
        return start(threads, Clock.systemUTC());
    }

    /**
     * With the clock that stamps date_created and date_sent: give it the service's test clock when that is
     * not the real time, or reconcile (which lists by date) will look in the wrong place.
     */
    public static FakeTwilio start(int threads, Clock clock) {
        try {
            return new FakeTwilio(threads, clock);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value for twilio.api-base-url, e.g. http://localhost:41234 */
    public String baseUrl() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** Answers to the next creates for this number (E.164), in order; then "created" again. */
    public FakeTwilio script(String to, Reply... replies) {
        scripts.computeIfAbsent(to, k -> new ConcurrentLinkedQueue<>()).addAll(List.of(replies));
        return this;
    }

    /** Answers to the next creates for numbers that have no script of their own. */
    public FakeTwilio scriptNext(Reply... replies) {
        anyNumber.addAll(List.of(replies));
        return this;
    }

    /**
     * Lists messages the way Twilio does while they are still queued: without date_sent, so a DateSent
     * filter does not find them.
     */
    public FakeTwilio listQueuedWithoutDateSent(boolean on) {
        this.listQueuedWithoutDateSent = on;
        return this;
    }

    /** Appends text to every body it stores, as a messaging service's Advanced Opt-Out does. */
    /** That message is still queued at Twilio: no DateSent yet, so a DateSent filter does not list it. */
    public FakeTwilio stillQueued(String sid) {
        messages.stream().filter(m -> sid.equals(m.get("sid"))).forEach(m -> m.put("date_sent", null));
        return this;
    }

    public FakeTwilio appendToBodies(String suffix) {
        this.bodySuffix = suffix;
        return this;
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** The create (POST Messages.json) requests, in arrival order. */
    public List<Recorded> creates() {
        return requests.stream().filter(r -> r.method().equals("POST") && MESSAGES.matcher(r.path()).matches())
                .toList();
    }

    public List<Recorded> createsTo(String to) {
        return creates().stream().filter(r -> to.equals(r.param("To"))).toList();
    }

    /** Messages the fake holds (created ones), as the JSON maps it answers with. */
    public List<Map<String, Object>> messages() {
        return List.copyOf(messages);
    }

    /** Forgets requests, scripts and messages. */
    /** Every unscripted create answers after {@code latency} (kept across {@link #reset()}). */
    public FakeTwilio createLatency(Duration latency) {
        this.createLatency = latency;
        return this;
    }

    public void reset() {
        requests.clear();
        scripts.clear();
        anyNumber.clear();
        messages.clear();
        listQueuedWithoutDateSent = false;
        bodySuffix = "";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Map<String, String> params = method.equals("POST")
                    ? parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                    : parse(exchange.getRequestURI().getRawQuery());
            requests.add(new Recorded(method, path, params, clock.instant()));
            Matcher all = MESSAGES.matcher(path);
            Matcher one = ONE_MESSAGE.matcher(path);
            String account = all.matches() ? all.group(1) : one.matches() ? one.group(1) : null;
            if (account == null) {
                send(exchange, 404, error(20404, "The requested resource was not found", 404));
                return;
            }
            if (!authorised(exchange, account)) {
                send(exchange, 401, error(20003, "Authenticate", 401));
                return;
            }
            if (method.equals("POST") && all.matches()) {
                create(exchange, account, params);
            } else if (method.equals("GET") && all.matches()) {
                list(exchange, account, params);
            } else if (method.equals("GET")) {
                String sid = one.group(2);
                Map<String, Object> found = messages.stream().filter(m -> sid.equals(m.get("sid"))).findFirst()
                        .orElse(null);
                if (found == null) {
                    send(exchange, 404, error(20404, "The requested resource was not found", 404));
                } else {
                    send(exchange, 200, json.writeValueAsBytes(found));
                }
            } else {
                send(exchange, 405, error(20004, "Method not allowed", 405));
            }
        }
    }

    private void create(HttpExchange exchange, String account, Map<String, String> params) throws IOException {
        String to = params.get("To");
        Queue<Reply> script = to == null ? null : scripts.get(to);
        Reply reply = script == null ? null : script.poll();
        if (reply == null) {
            reply = anyNumber.poll();
        }
        if (reply == null) {
            reply = createLatency.isZero() ? Reply.created() : Reply.createdButSlow(createLatency);
        }
        if (to == null || params.get("Body") == null
                || (params.get("From") == null && params.get("MessagingServiceSid") == null)) {
            send(exchange, 400, error(21604, "A 'To', 'Body' and 'From' or 'MessagingServiceSid' are required", 400));
            return;
        }
        if (!reply.creates()) {
            send(exchange, reply.httpStatus(), reply.errorCode() == null
                    ? new byte[0] : error(reply.errorCode(), reply.errorMessage(), reply.httpStatus()));
            return;
        }
        Map<String, Object> message = message(account, params);
        messages.add(message);
        if (!reply.delay().isZero()) {
            try {
                Thread.sleep(reply.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try {
            send(exchange, 201, json.writeValueAsBytes(message));
        } catch (IOException clientGone) {
            // The client timed out and closed the connection: exactly the case being simulated.
        }
    }

    private void list(HttpExchange exchange, String account, Map<String, String> params) throws IOException {
        String to = params.get("To");
        Instant sentAfter = instant(params.get("DateSent>"));
        Instant sentBefore = instant(params.get("DateSent<"));
        int pageSize = params.containsKey("PageSize") ? Integer.parseInt(params.get("PageSize")) : 50;
        List<Map<String, Object>> found = new ArrayList<>();
        for (Map<String, Object> m : messages) {
            Map<String, Object> listed = new LinkedHashMap<>(m);
            if (listQueuedWithoutDateSent) {
                listed.put("date_sent", null);
            }
            Instant sent = listed.get("date_sent") == null ? null
                    : ZonedDateTime.parse((String) listed.get("date_sent"), RFC_2822).toInstant();
            boolean match = account.equals(m.get("account_sid"))
                    && (to == null || to.equals(m.get("to")))
                    && (sentAfter == null || (sent != null && !sent.isBefore(sentAfter)))
                    && (sentBefore == null || (sent != null && !sent.isAfter(sentBefore)));
            if (match) {
                found.add(listed);
            }
        }
        // Twilio lists the most recent first.
        found.sort(Comparator.comparing((Map<String, Object> m) ->
                ZonedDateTime.parse((String) m.get("date_created"), RFC_2822).toInstant()).reversed());
        List<Map<String, Object>> page = found.subList(0, Math.min(pageSize, found.size()));
        String uri = "/2010-04-01/Accounts/" + account + "/Messages.json";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messages", page);
        body.put("end", Math.max(0, page.size() - 1));
        body.put("first_page_uri", uri + "?PageSize=" + pageSize + "&Page=0");
        body.put("next_page_uri", null);
        body.put("page", 0);
        body.put("page_size", pageSize);
        body.put("previous_page_uri", null);
        body.put("start", 0);
        body.put("uri", uri + "?PageSize=" + pageSize + "&Page=0");
        send(exchange, 200, json.writeValueAsBytes(body));
    }

    private Map<String, Object> message(String account, Map<String, String> params) {
        String sid = "SM" + HexFormat.of().formatHex(randomBytes());
        String now = RFC_2822.format(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("account_sid", account);
        m.put("api_version", "2010-04-01");
        m.put("body", params.get("Body") + bodySuffix);
        m.put("date_created", now);
        m.put("date_sent", now);
        m.put("date_updated", now);
        m.put("direction", "outbound-api");
        m.put("error_code", null);
        m.put("error_message", null);
        m.put("from", params.get("From"));
        m.put("messaging_service_sid", params.get("MessagingServiceSid"));
        m.put("num_media", "0");
        m.put("num_segments", "1");
        m.put("price", null);
        m.put("price_unit", "GBP");
        m.put("sid", sid);
        m.put("status", "queued");
        m.put("subresource_uris", Map.of("media", "/2010-04-01/Accounts/" + account + "/Messages/" + sid + "/Media.json"));
        m.put("to", params.get("To"));
        m.put("uri", "/2010-04-01/Accounts/" + account + "/Messages/" + sid + ".json");
        return m;
    }

    private static boolean authorised(HttpExchange exchange, String account) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Basic ")) {
            return false;
        }
        String[] userPassword = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8)
                .split(":", 2);
        return userPassword.length == 2 && userPassword[0].equals(account) && !userPassword[1].isEmpty();
    }

    private byte[] error(int code, String message, int status) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        body.put("more_info", "https://www.twilio.com/docs/errors/" + code);
        body.put("status", status);
        return json.writeValueAsBytes(body);
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static Map<String, String> parse(String encoded) {
        Map<String, String> params = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return params;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(name, value);
        }
        return params;
    }

    /** DateSent filters come as yyyy-MM-dd'T'HH:mm:ss (UTC) from the SDK, or yyyy-MM-dd. */
    private static Instant instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.endsWith("Z") ? value.substring(0, value.length() - 1) : value;
        return v.length() == 10
                ? java.time.LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant()
                : LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
