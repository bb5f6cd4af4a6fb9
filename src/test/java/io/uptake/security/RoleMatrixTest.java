package io.uptake.security;

import io.micronaut.context.annotation.Property;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.multipart.MultipartBody;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route the router has, called by every role and by nobody, against the table below (docs/roles.md says
 * why each role may or may not). A route missing from the table fails the test, with the line to add, so a new
 * endpoint cannot ship without a decision about who may call it.
 *
 * <p>"Allowed" must mean the call reached its handler: path variables are real ids of the caller's PCN, so an
 * allowed call answers 2xx, a redirect (not to the login page), or a 400/409 about its input; never 401, 403,
 * 404 or 5xx. "Refused" is 403 for a logged-in role and 401 (API) or 303 to the login page (pages) for nobody.
 */
@MicronautTest(transactional = false)
@Property(name = "micronaut.http.client.follow-redirects", value = "false")
@Property(name = "uptake.sms.notify.callback-bearer-token", value = RoleMatrixTest.NOTIFY_TOKEN)
@Property(name = "uptake.sms.notify.inbound-bearer-token", value = RoleMatrixTest.NOTIFY_TOKEN)
class RoleMatrixTest {
    /** Notify's callbacks carry their own bearer token, set on Notify's side (docs/SMS.md). */
    static final String NOTIFY_TOKEN = "role-matrix-notify-callback-token";

    /**
     * Who may call each route: method, path template as the router has it, then the roles allowed (ADMIN, LEAD,
     * CCC), or ANYONE for a route open without a login. Every role not named is refused; nobody (no login) is
     * refused unless the line says ANYONE.
     */
    private static final String ROUTES = """
            GET    /                                                | ANYONE
            GET    /health                                          | ANYONE
            GET    /health/{selector}                               | ANYONE
            POST   /login                                           | ANYONE
            GET    /b/{token}                                       | ANYONE
            GET    /ui/login                                        | ANYONE
            POST   /ui/login                                        | ANYONE
            POST   /webhooks/twilio/inbound                         | ANYONE
            POST   /webhooks/twilio/status                          | ANYONE
            POST   /webhooks/notify/status                          | ANYONE
            POST   /webhooks/notify/inbound                         | ANYONE
            POST   /ui/logout                                       | ADMIN LEAD CCC
            GET    /prometheus                                      | ADMIN
            GET    /ui                                              | ADMIN LEAD CCC
            GET    /api/users                                       | ADMIN
            POST   /api/users                                       | ADMIN
            GET    /ui/users                                        | ADMIN
            POST   /ui/users                                        | ADMIN
            GET    /api/audit                                       | ADMIN LEAD
            GET    /ui/audit                                        | ADMIN LEAD
            GET    /api/pcns/{pcnId}/budget                         | ADMIN LEAD CCC
            PUT    /api/pcns/{pcnId}/budget                         | ADMIN
            GET    /ui/budgets                                      | ADMIN
            POST   /ui/budgets/{pcnId}                              | ADMIN
            POST   /logout                                          | ADMIN LEAD CCC
            GET    /ui/session                                      | ADMIN LEAD CCC
            POST   /ui/session                                      | ADMIN LEAD CCC
            GET    /ui/password                                     | ADMIN LEAD CCC
            POST   /ui/password                                     | ADMIN LEAD CCC
            POST   /api/me/password                                 | ADMIN LEAD CCC
            PATCH  /api/users/{id}                                  | ADMIN
            POST   /api/users/{id}/disable                          | ADMIN
            POST   /api/users/{id}/enable                           | ADMIN
            POST   /api/users/{id}/password-reset                   | ADMIN
            POST   /ui/users/{id}/change                            | ADMIN
            POST   /ui/users/{id}/disable                           | ADMIN
            POST   /ui/users/{id}/enable                            | ADMIN
            POST   /ui/users/{id}/password-reset                    | ADMIN
            POST   /api/patients/{nhsNumber}/opt-out                | CCC
            POST   /api/patients/{nhsNumber}/opt-in                 | CCC
            POST   /api/imports/{kind}                              | ADMIN CCC
            GET    /api/imports/{id}/rejected.csv                   | ADMIN CCC
            GET    /ui/imports                                      | ADMIN CCC
            POST   /ui/imports                                      | ADMIN CCC
            GET    /api/patients                                    | ADMIN CCC
            GET    /api/patients/{nhsNumber}                        | ADMIN CCC
            GET    /ui/patients                                     | ADMIN CCC
            GET    /api/cohorts                                     | ADMIN LEAD CCC
            GET    /api/cohorts/{programme}                         | ADMIN LEAD CCC
            GET    /api/cohorts/{programme}/estimate                | ADMIN LEAD CCC
            GET    /api/cohorts/{programme}/patients                | ADMIN CCC
            GET    /api/cohorts/{programme}/patients.csv            | ADMIN CCC
            GET    /ui/cohorts                                      | ADMIN CCC
            GET    /api/templates                                   | ADMIN LEAD CCC
            GET    /api/templates/keywords                          | ADMIN LEAD CCC
            GET    /api/templates/approvals                         | ADMIN LEAD CCC
            POST   /api/templates/{programme}/{language}/approve    | ADMIN LEAD
            GET    /ui/templates/approvals                          | ADMIN LEAD CCC
            GET    /ui/templates/approvals/{programme}/{language}   | ADMIN LEAD
            POST   /ui/templates/approvals/{programme}/{language}   | ADMIN LEAD
            GET    /api/templates/{programme}/{message}/preview     | ADMIN LEAD CCC
            GET    /api/templates/{programme}/{language}            | LEAD CCC
            PUT    /api/templates/{programme}/{language}            | CCC
            GET    /ui/templates/own                                | CCC
            POST   /ui/templates/own                                | CCC
            POST   /ui/templates/own/check                          | CCC
            GET    /ui/templates                                    | ADMIN LEAD CCC
            GET    /api/campaigns                                   | ADMIN LEAD CCC
            POST   /api/campaigns                                   | CCC
            POST   /api/campaigns/preview                           | CCC
            GET    /api/campaigns/{id}                              | ADMIN LEAD CCC
            GET    /api/campaigns/{id}/messages                     | ADMIN CCC
            GET    /api/campaigns/{id}/letters.pdf                  | CCC
            GET    /api/letters/sample.pdf                          | LEAD CCC
            GET    /api/campaigns/{id}/gp-codes.csv                 | CCC
            GET    /api/campaigns/{id}/gp-codes.fhir.json           | CCC
            GET    /ui/campaigns/{id}/gp-codes                      | ADMIN LEAD CCC
            POST   /api/campaigns/{id}/pause                        | CCC
            POST   /api/campaigns/{id}/resume                       | CCC
            POST   /api/campaigns/{id}/cancel                       | CCC
            POST   /api/campaigns/external                          | LEAD CCC
            GET    /ui/campaigns                                    | ADMIN LEAD CCC
            POST   /ui/campaigns                                    | CCC
            GET    /ui/campaigns/preview                            | ADMIN LEAD CCC
            POST   /ui/campaigns/review                             | CCC
            POST   /ui/campaigns/edit                               | CCC
            GET    /ui/campaigns/{id}                               | ADMIN LEAD CCC
            GET    /ui/campaigns/{id}/counts                        | ADMIN LEAD CCC
            POST   /ui/campaigns/{id}/pause                         | CCC
            POST   /ui/campaigns/{id}/resume                        | CCC
            POST   /ui/campaigns/{id}/cancel                        | CCC
            GET    /api/campaigns/{id}/report                       | ADMIN LEAD CCC
            GET    /api/campaigns/{id}/report/timeline              | ADMIN LEAD CCC
            GET    /api/campaigns/{id}/report.csv                   | ADMIN LEAD CCC
            GET    /api/campaigns/{id}/recipients.csv               | ADMIN CCC
            GET    /api/reports/uptake                              | ADMIN LEAD CCC
            GET    /api/reports/uptake.csv                          | ADMIN LEAD CCC
            GET    /ui/campaigns/{id}/report                        | ADMIN LEAD CCC
            GET    /ui/reports                                      | ADMIN LEAD CCC
            GET    /api/inbox                                       | ADMIN CCC
            POST   /api/inbox/{id}/done                             | ADMIN CCC
            POST   /api/inbox/{id}/confirm-opt-out                  | CCC
            POST   /api/inbox/patients/{patientId}/opt-out          | CCC
            POST   /api/inbox/patients/{patientId}/opt-in           | CCC
            GET    /ui/inbox                                        | ADMIN CCC
            POST   /ui/inbox/{id}/done                              | ADMIN CCC
            POST   /ui/inbox/{id}/patient/{action}                  | CCC
            POST   /ui/inbox/{id}/confirm-opt-out                   | CCC
            GET    /ui/inbox/patients/{patientId}                   | ADMIN CCC
            GET    /api/calls                                       | CCC
            GET    /api/calls/{id}                                  | CCC
            POST   /api/calls/{id}/outcome                          | CCC
            GET    /api/calls/counts                                | CCC LEAD
            GET    /ui/calls                                        | CCC
            POST   /ui/calls/{id}/outcome                           | CCC
            GET    /ui/phone                                        | ADMIN CCC
            POST   /ui/phone/reply                                  | ADMIN CCC
            """;

    /** Static files are not routes of ours; Micronaut serves them by mapping (application.yml), open to all. */
    private static final List<String> NOT_ROUTES = List.of("/swagger", "/webjars", "/assets");

    enum Caller { ADMIN, LEAD, CCC, NOBODY }

    private static final String BOOKING_TOKEN = "AAAAAAAAAAAAAAAA";

    @Inject
    Router router;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TwilioSignature signature;
    @Inject
    java.time.Clock clock;

    BlockingHttpClient http;
    Map<Caller, String> tokens = new LinkedHashMap<>();
    /** Real ids of North PCN, where the LEAD and the CCC work. */
    String campaignId;
    String pcnId;
    String inboxId;
    String callId;
    String importId;
    String patientId;
    String nhsNumber;
    String mobile;
    String spareUserId;
    long messageId;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        Api api = new Api(http);
        Rows rows = new Rows(dataSource);
        long north = rows.pcn("North PCN");
        pcnId = String.valueOf(north);
        rows.practice("P84001", "Oak Surgery", north, Rows.PRACTICE_PHONE);
        tokens.put(Caller.ADMIN, api.adminToken());
        tokens.put(Caller.LEAD, api.user("lead.north", "LEAD", "North PCN"));
        tokens.put(Caller.CCC, api.user("ccc.north", "CCC", "North PCN"));
        api.user("spare.north", "CCC", "North PCN");
        spareUserId = String.valueOf(rows.queryLong("SELECT id FROM app_user WHERE username = 'spare.north'"));

        mobile = Rows.mobile(321);
        Rows.PatientRow patient = rows.patient("P84001").named("Ada", "Testperson").mobile(mobile);
        patientId = String.valueOf(patient.insert());
        nhsNumber = patient.nhsNumber();
        CampaignRows campaigns = new CampaignRows(dataSource, clock);
        java.time.Instant weekAgo = campaigns.now().minus(java.time.Duration.ofDays(7));
        long campaign = campaigns.campaign(north).name("North FIT").startAt(weekAgo)
                .asOf(campaigns.today().minusDays(7)).attributionDays(90).createdBy("ccc.north").insert();
        campaignId = String.valueOf(campaign);
        long recipient = campaigns.recipient(campaign, Long.parseLong(patientId)).language("en").mobile(mobile)
                .indexDate(campaigns.today().minusDays(7)).insert();
        messageId = campaigns.message(campaign, recipient, Long.parseLong(patientId)).to(mobile).language("en")
                .body("Your bowel screening kit: please return it.").segments(1).status("SENT").sentAt(weekAgo)
                .insert();
        // The message's tracked booking link (a patient opens it without a login).
        rows.execute("UPDATE campaign SET booking_url = 'https://book.example.nhs.uk/fit' WHERE id = ?", campaign);
        rows.execute("""
                INSERT INTO booking_link (message_id, token, campaign_id, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?)""", messageId, BOOKING_TOKEN, campaign, java.sql.Timestamp.from(campaigns.now()),
                java.sql.Timestamp.from(campaigns.now().plus(java.time.Duration.ofDays(30))));
        // A letter of wave 1 (the patient has no address, so the PDF route answers 409 with its reason).
        rows.queryLong("""
                INSERT INTO letter (campaign_id, patient_id, wave, template_key, arm, language, status, due_at,
                                    created_at, updated_at)
                VALUES (?, ?, 1, 'initial', 'LETTER', 'en', 'PENDING', now(), now(), now()) RETURNING id""",
                campaign, Long.parseLong(patientId));
        // A call task of a CALL wave (issue 14): the call routes act on it.
        callId = String.valueOf(rows.queryLong("""
                INSERT INTO call_task (campaign_id, recipient_id, patient_id, wave, pcn_id, phone, language, due_on,
                                       status, created_at)
                VALUES (?, ?, ?, 2, ?, ?, 'en', current_date, 'OPEN', now()) RETURNING id""",
                campaign, recipient, Long.parseLong(patientId), north, mobile));
        // A reply that needs a person, through the real signed webhook: the inbox item the inbox routes act on.
        assertThat(inbound("Please can someone ring me about the kit").code()).isEqualTo(200);
        inboxId = String.valueOf(rows.queryLong("SELECT id FROM inbound_message WHERE inbox_status = 'OPEN'"));
        // An import with a rejected row, by the CCC: the rejected-rows download.
        Map<String, Object> imported = http.retrieve(Api.csv(HttpRequest.POST("/api/imports/patients",
                        "nhs_number,given_name,family_name,date_of_birth,practice_code\n1234567890,Bad,Row,1960-01-01,P84001\n"))
                .bearerAuth(tokens.get(Caller.CCC)), Argument.mapOf(String.class, Object.class));
        importId = String.valueOf(imported.get("id"));
    }

    @Test
    void everyRouteAnswersEachRoleAsTheTableSays() {
        Map<String, Set<Caller>> table = table();
        List<UriRouteInfo<?, ?>> routes = routes();

        Set<String> missing = new TreeSet<>();
        for (UriRouteInfo<?, ?> route : routes) {
            if (!table.containsKey(line(route))) {
                missing.add(line(route));
            }
        }
        assertThat(missing).as("""
                routes with no line in RoleMatrixTest.ROUTES: decide who may call them (docs/roles.md) and add, e.g.
                %s
                """.formatted(String.join("\n", missing.stream().map(RoleMatrixTest::suggestedLine).toList())))
                .isEmpty();

        Set<String> routeKeys = new LinkedHashSet<>(routes.stream().map(RoleMatrixTest::line).toList());
        assertThat(new TreeSet<>(table.keySet())).as("lines in ROUTES for routes the router no longer has")
                .isSubsetOf(routeKeys);

        List<String> wrong = new ArrayList<>();
        for (Caller caller : Caller.values()) {
            // Logging out last: it may end the caller's session for the routes after it.
            for (UriRouteInfo<?, ?> route : routes.stream()
                    .sorted(Comparator.comparing((UriRouteInfo<?, ?> r) -> r.getUriMatchTemplate().toString().contains("logout")))
                    .toList()) {
                Set<Caller> allowed = table.get(line(route));
                boolean open = allowed.contains(Caller.NOBODY);
                boolean expectAllowed = open || allowed.contains(caller);
                Answer answer = call(route, caller);
                String outcome = answer.outcome();
                String expected = expectAllowed ? "allowed" : caller == Caller.NOBODY ? "login" : "forbidden";
                if (!outcome.equals(expected)) {
                    wrong.add(caller + " " + key(route) + " (" + answer.path() + "): expected " + expected + ", got "
                            + answer.status() + (answer.location() == null ? "" : " -> " + answer.location()));
                }
            }
        }
        assertThat(wrong).as("routes answering a role otherwise than ROUTES says").isEmpty();
    }

    /** A refusal of an API call stays a short JSON-free answer (no page); a page's refusal is a page with the menu. */
    @Test
    void aLeadIsRefusedImportsWithAPageAndTheApiWithout() {
        String lead = tokens.get(Caller.LEAD);
        HttpClientResponseException page = refused(HttpRequest.GET("/ui/imports").bearerAuth(lead)
                .accept(MediaType.TEXT_HTML_TYPE));
        assertThat(page.getStatus().getCode()).isEqualTo(403);
        String html = page.getResponse().getBody(String.class).orElse("");
        assertThat(html).contains("This page is not for your role").contains("lead.north").contains("href=\"/ui/reports\"")
                .doesNotContain("href=\"/ui/imports\"").doesNotContain("href=\"/ui/inbox\"");
        HttpClientResponseException api = refused(HttpRequest.GET("/api/patients").bearerAuth(lead)
                .accept(MediaType.APPLICATION_JSON_TYPE));
        assertThat(api.getStatus().getCode()).isEqualTo(403);
        assertThat(api.getResponse().getBody(String.class).orElse("")).doesNotContain("<html");
    }

    /** The pages a lead may open show no patient: no messages list, no patient-list CSV, no real-patient preview. */
    @Test
    void aLeadsCampaignReportAndTemplatePagesShowNoPatient() {
        String lead = tokens.get(Caller.LEAD);
        String ccc = tokens.get(Caller.CCC);
        // Pages show numbers in people's format ("999 001 2687", "07700 900243"); a lead's shows neither form.
        var people = new io.uptake.web.PeopleFormats(java.time.ZoneId.of("Europe/London"), Map.of());
        assertThat(page("/ui/campaigns/" + campaignId, ccc)).contains(people.nhsNumber(nhsNumber))
                .contains(people.mobile(mobile));
        assertThat(page("/ui/campaigns/" + campaignId, lead)).contains("North FIT").doesNotContain(nhsNumber)
                .doesNotContain(people.nhsNumber(nhsNumber)).doesNotContain(mobile).doesNotContain(people.mobile(mobile))
                .doesNotContain("id=\"messages\"");
        assertThat(page("/ui/campaigns/" + campaignId + "/report", ccc)).contains("recipients.csv");
        assertThat(page("/ui/campaigns/" + campaignId + "/report", lead)).contains("report.csv").doesNotContain("recipients.csv");

        String preview = "/api/templates/fit-non-returners/initial/preview?patient=" + nhsNumber;
        assertThat(http.retrieve(HttpRequest.GET(preview).bearerAuth(ccc), Map.class).get("text").toString()).contains("Dear Ada,");
        assertThat(refused(HttpRequest.GET(preview).bearerAuth(lead)).code()).isEqualTo(403);
        String templates = page("/ui/templates?programme=fit-non-returners&message=initial&patient=" + nhsNumber, lead);
        assertThat(templates).contains("Dear Amina,").doesNotContain("Dear Ada,").doesNotContain("id=\"patient\"");
        assertThat(page("/ui/templates?programme=fit-non-returners&message=initial&patient=" + nhsNumber, ccc))
                .contains("Dear Ada,").contains("id=\"patient\"");
    }

    private String page(String path, String token) {
        return http.retrieve(HttpRequest.GET(path).bearerAuth(token).accept(MediaType.TEXT_HTML_TYPE));
    }

    private HttpClientResponseException refused(MutableHttpRequest<?> request) {
        try {
            HttpResponse<String> response = http.exchange(request, String.class);
            throw new AssertionError("expected a refusal, got " + response.code());
        } catch (HttpClientResponseException e) {
            return e;
        }
    }

    private static Map<String, Set<Caller>> table() {
        Map<String, Set<Caller>> table = new LinkedHashMap<>();
        for (String line : ROUTES.strip().split("\n")) {
            String[] parts = line.split("\\|");
            String[] route = parts[0].trim().split("\\s+");
            Set<Caller> allowed = new LinkedHashSet<>();
            for (String who : parts[1].trim().split("\\s+")) {
                if (who.equals("ANYONE")) {
                    allowed.add(Caller.NOBODY);
                } else {
                    allowed.add(Caller.valueOf(who));
                }
            }
            if (table.put(route[0] + " " + route[1], allowed) != null) {
                throw new IllegalStateException("ROUTES has " + route[0] + " " + route[1] + " twice");
            }
        }
        return table;
    }

    private List<UriRouteInfo<?, ?>> routes() {
        Map<String, UriRouteInfo<?, ?>> byKey = new LinkedHashMap<>();
        for (UriRouteInfo<?, ?> route : router.uriRoutes().toList()) {
            String path = template(route);
            if (NOT_ROUTES.stream().anyMatch(path::startsWith)) {
                continue;
            }
            byKey.putIfAbsent(key(route), route);
        }
        return new ArrayList<>(byKey.values());
    }

    /** The route's path without its query variables ({?q,page}), which are not part of the path. */
    private static String template(UriRouteInfo<?, ?> route) {
        return route.getUriMatchTemplate().toString().replaceAll("\\{[?&][^}]*}", "");
    }

    private static String key(UriRouteInfo<?, ?> route) {
        return route.getHttpMethod() + " " + template(route);
    }

    /** The table's line for a route: a HEAD route (Micronaut adds one to every GET) answers as its GET does. */
    private static String line(UriRouteInfo<?, ?> route) {
        return (route.getHttpMethod() == HttpMethod.HEAD ? "GET" : route.getHttpMethod().name()) + " " + template(route);
    }

    private static String suggestedLine(String key) {
        String[] parts = key.split(" ", 2);
        return "        %-6s %-48s | ADMIN LEAD CCC   (or ADMIN CCC, ADMIN, ANYONE...)".formatted(parts[0], parts[1]);
    }

    /** @param logout a logout route, whose own answer is a redirect to the login page */
    record Answer(String path, int status, String location, boolean logout) {
        String outcome() {
            if (status == 401 || (status == 303 && "/ui/login".equals(location) && !logout)) {
                return "login";
            }
            if (status == 403) {
                return "forbidden";
            }
            if ((status >= 200 && status < 400) || status == 400 || status == 409) {
                return "allowed";
            }
            if (status == 503 && path.startsWith("/health")) {
                return "allowed"; // the health check's own answer: DOWN, as the test environment runs no loops
            }
            return "status " + status; // 404 (not a real id?), 405, 415, 5xx: never what a row expects
        }
    }

    private String freshLogin(Caller caller) {
        Api api = new Api(http);
        return switch (caller) {
            case ADMIN -> api.adminToken();
            case LEAD -> api.login("lead.north", Api.USER_PASSWORD);
            case CCC -> api.login("ccc.north", Api.USER_PASSWORD);
            case NOBODY -> throw new IllegalArgumentException("no login for " + caller);
        };
    }

    private Answer call(UriRouteInfo<?, ?> route, Caller caller) {
        String path = fill(template(route));
        boolean logout = path.contains("logout") && caller != Caller.NOBODY;
        MutableHttpRequest<?> request = request(route, path);
        // A route authenticated by a bearer token of its own (Notify's callbacks) keeps it: a login adds nothing there.
        if (caller != Caller.NOBODY && request.getHeaders().getAuthorization().isEmpty()) {
            // Each logout ends its own session: a login of its own, so the other logout route still has one to end.
            request.bearerAuth(logout ? freshLogin(caller) : tokens.get(caller));
        }
        try {
            HttpResponse<String> response = http.exchange(request, String.class);
            return new Answer(path, response.code(), response.header("Location"), logout);
        } catch (HttpClientResponseException e) {
            return new Answer(path, e.code(), e.getResponse().header("Location"), logout);
        }
    }

    /**
     * The route's request with a body it can read: the few that need real values (logins, Twilio's signed
     * webhooks) get them; others a minimal body of their content type, which their handlers answer 2xx or 400.
     */
    private MutableHttpRequest<?> request(UriRouteInfo<?, ?> route, String path) {
        HttpMethod method = route.getHttpMethod();
        Map<String, Function<String, MutableHttpRequest<?>>> special = Map.of(
                "POST /login", p -> HttpRequest.POST(p, Map.of("username", "admin", "password", Api.ADMIN_PASSWORD)),
                "POST /ui/login", p -> HttpRequest.POST(p, Map.of("username", "admin", "password", Api.ADMIN_PASSWORD))
                        .contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE),
                "POST /webhooks/twilio/inbound", p -> signed(p, twilio("received", "Thank you")),
                "POST /webhooks/twilio/status", p -> signed(p + "?m=" + messageId, twilio("delivered", null)),
                "POST /webhooks/notify/status", p -> HttpRequest.POST(p, Map.of("id", java.util.UUID.randomUUID().toString(),
                        "reference", "sms-" + messageId, "status", "delivered", "notification_type", "sms"))
                        .contentType(MediaType.APPLICATION_JSON_TYPE).header("Authorization", "Bearer " + NOTIFY_TOKEN),
                "POST /webhooks/notify/inbound", p -> HttpRequest.POST(p, Map.of("id", java.util.UUID.randomUUID().toString(),
                        "source_number", mobile.substring(1), "destination_number", "07700900000", "message", "Thanks"))
                        .contentType(MediaType.APPLICATION_JSON_TYPE).header("Authorization", "Bearer " + NOTIFY_TOKEN),
                "POST /ui/phone/reply", p -> HttpRequest.POST(p, Map.of("number", mobile, "body", "Thanks"))
                        .contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE));
        Function<String, MutableHttpRequest<?>> custom = special.get(key(route));
        if (custom != null) {
            return custom.apply(path).accept(MediaType.ALL_TYPE);
        }
        if (method != HttpMethod.POST && method != HttpMethod.PUT && method != HttpMethod.PATCH) {
            return HttpRequest.create(method, path).accept(MediaType.ALL_TYPE);
        }
        MediaType consumes = route.getConsumes().isEmpty() ? MediaType.APPLICATION_JSON_TYPE : route.getConsumes().get(0);
        return HttpRequest.create(method, path).body(body(consumes)).contentType(consumes).accept(MediaType.ALL_TYPE);
    }

    private static Object body(MediaType consumes) {
        if (consumes.getName().equals(MediaType.MULTIPART_FORM_DATA)) {
            return MultipartBody.builder().addPart("kind", "patients").addPart("file", "x.csv", MediaType.TEXT_PLAIN_TYPE,
                    "nhs_number,given_name\n".getBytes()).build();
        }
        if (consumes.getName().equals(MediaType.APPLICATION_FORM_URLENCODED)) {
            return Map.of("outcome", "CALLED", "note", "matrix");
        }
        if (consumes.getSubtype().equals("json")) {
            return "{}";
        }
        return "nhs_number,sent_at\n";
    }

    private Map<String, String> twilio(String status, String body) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("MessageSid", "SM" + System.nanoTime());
        form.put("AccountSid", "ACtest");
        form.put("From", mobile);
        form.put("To", "+447700900999");
        if (body != null) {
            form.put("Body", body);
            form.put("NumSegments", "1");
        }
        form.put("SmsStatus", status);
        form.put("MessageStatus", status);
        return form;
    }

    private MutableHttpRequest<?> signed(String pathAndQuery, Map<String, String> form) {
        return HttpRequest.POST(pathAndQuery, form).contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                .header(TwilioSignature.HEADER, signature.sign(pathAndQuery, form));
    }

    private HttpResponse<String> inbound(String body) {
        Map<String, String> form = twilio("received", body);
        return http.exchange(signed("/webhooks/twilio/inbound", form), String.class);
    }

    /** Path variables filled with real ids of the caller's PCN (North), so that an allowed call reaches its handler. */
    private String fill(String template) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}/]+)}").matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(value(template, m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String value(String template, String variable) {
        return switch (variable) {
            case "id" -> template.startsWith("/api/inbox/") || template.startsWith("/ui/inbox/") ? inboxId
                    : template.startsWith("/api/calls/") || template.startsWith("/ui/calls/") ? callId
                    : template.startsWith("/api/imports/") ? importId
                    : template.startsWith("/api/users/") ? spareUserId
                    : campaignId; // /api/campaigns/{id}, /ui/campaigns/{id}
            case "kind" -> "patients";
            case "programme" -> "fit-non-returners";
            case "message" -> "initial";
            case "language" -> "ur";
            case "nhsNumber", "nhs" -> nhsNumber;
            case "patientId" -> patientId;
            case "pcnId" -> pcnId;
            case "action" -> "opt-out";
            case "selector" -> "liveness";
            case "token" -> BOOKING_TOKEN;
            default -> throw new AssertionError("RoleMatrixTest has no fixture value for {" + variable + "} in "
                    + template + ": add one to value()");
        };
    }
}
