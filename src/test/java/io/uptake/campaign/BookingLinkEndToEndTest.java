package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.booking.BookingLinks;
import io.uptake.template.Placeholders;
import io.uptake.template.SmsSegments;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.TestClock;
import io.uptake.testsupport.Json;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tracked booking links on the real path (real cohort, templates, dispatcher, simulated channel): each text holds
 * its own short link, issued once at launch and kept by a resend; opening it is counted and redirected; the
 * report's funnel counts the clicks.
 */
@MicronautTest(transactional = false)
@ManualDispatch
@Property(name = TestClock.START, value = BookingLinkEndToEndTest.MONDAY_0900_TEXT)
@Property(name = "spec.name", value = "BookingLinkEndToEndTest")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "0")
@Property(name = "uptake.sms.simulated.callback-delay", value = "50ms")
@Property(name = "uptake.booking.misses-per-address", value = "3")
class BookingLinkEndToEndTest {
    static final String MONDAY_0900_TEXT = "2026-03-02T09:00:00Z";
    static final Instant MONDAY_0900 = Instant.parse(MONDAY_0900_TEXT);
    static final String BOOKING = "https://book.example.nhs.uk/psa?practice=N00001";
    static final Pattern LINK = Pattern.compile("http://localhost:8080/b/([A-Za-z0-9_-]{16})");

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    CampaignHousekeeping housekeeping;
    @Inject
    Dispatcher dispatcher;
    @Inject
    TestClock clock;
    @Inject
    BookingLinks links;
    @Inject
    io.uptake.template.MessageTemplates templates;

    String ccc;
    Rows rows;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        clock.set(MONDAY_0900);
        dispatcher.forgetSenderPause();
        rows = new Rows(dataSource);
        List<Rows.Patient> all = new Rows(dataSource).patients("North PCN", "N00001", 4);
        for (int i = 0; i < all.size(); i++) {
            // Higher-risk men aged 56: the PSA cohort. Mobiles away from the drama numbers that script failures.
            new Rows(dataSource).execute("""
                    UPDATE patient SET sex = 'M', ethnicity_group = 'BLACK', date_of_birth = DATE '1970-01-01',
                                       language = 'en', mobile = ? WHERE id = ?""", "+447700900" + (600 + i), all.get(i).id());
        }
        ccc = new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachTextHoldsItsOwnLinkIssuedOnceCountedWhenOpenedAndInTheFunnel() throws Exception {
        long id = launch(Map.of("bookingUrl", BOOKING, "replyPhone", "0161 496 0999",
                "reminders", List.of(Map.of("afterDays", 14))));
        Map<String, Object> view = client.toBlocking().retrieve(HttpRequest.GET("/api/campaigns/" + id).bearerAuth(ccc), Map.class);
        assertThat(view.get("bookingUrl")).isEqualTo(BOOKING);
        assertThat(view.get("replyPhone")).isEqualTo("0161 496 0999");

        // Issued at launch, one per message of both waves, all different.
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ?", id)).isEqualTo(8);
        assertThat(rows.queryLong("SELECT count(*) FROM booking_link WHERE campaign_id = ?", id)).isEqualTo(8);
        assertThat(rows.queryLong("SELECT count(DISTINCT token) FROM booking_link WHERE campaign_id = ?", id)).isEqualTo(8);
        // Never again: a second issue finds every message already has its token.
        assertThat(links.issue(id, MONDAY_0900)).isZero();

        dispatch();
        List<Map<String, Object>> sent = waveOne(id);
        assertThat(sent).hasSize(4);
        for (Map<String, Object> m : sent) {
            String body = (String) m.get("body");
            Matcher link = LINK.matcher(body);
            assertThat(link.find()).as(body).isTrue();
            // The token in the text is the message's own, and the text carries no trace of the booking URL itself.
            assertThat(rows.queryLong("""
                    SELECT count(*) FROM booking_link b JOIN message m ON m.id = b.message_id
                    WHERE b.token = ? AND m.to_number = ? AND m.wave = 1""", link.group(1), m.get("to"))).isEqualTo(1);
            assertThat(body).doesNotContain("book.example").contains("0161 496 0999");
            // The link is part of what is counted and paid for.
            assertThat(((Number) m.get("segments")).intValue()).isEqualTo(SmsSegments.count(body).segments());
        }

        // A resend (a transient failure put back to PENDING) renders the same link again. First the simulated
        // channel's status callbacks (50 ms after each send) must all have come: one arriving after the reset below
        // would move the row on from PENDING to DELIVERED, and nothing would be resent (seen under load).
        org.awaitility.Awaitility.await("wave 1 delivered").atMost(java.time.Duration.ofSeconds(60))
                .until(() -> rows.queryLong("""
                        SELECT count(*) FROM message WHERE campaign_id = ? AND wave = 1 AND status = 'DELIVERED'""", id) == 4);
        String to = (String) sent.get(0).get("to");
        String before = (String) sent.get(0).get("body");
        rows.execute("""
                UPDATE message SET status = 'PENDING', body = NULL, segments = NULL, provider_sid = NULL, sent_at = NULL
                WHERE campaign_id = ? AND to_number = ? AND wave = 1""", id, to);
        dispatch();
        String again = queryString("SELECT body FROM message WHERE campaign_id = ? AND to_number = ? AND wave = 1", id, to);
        assertThat(again).isEqualTo(before);

        // Opening the link: 302 to the booking page, first and latest click recorded.
        Matcher first = LINK.matcher(before);
        assertThat(first.find()).isTrue();
        String token = first.group(1);
        java.net.http.HttpResponse<String> opened = open(token);
        assertThat(opened.statusCode()).isEqualTo(302);
        assertThat(opened.headers().firstValue("Location")).hasValue(BOOKING);
        clock.set(MONDAY_0900.plus(Duration.ofHours(3)));
        assertThat(open(token).statusCode()).isEqualTo(302);
        Map<String, Object> clicks = queryRow("""
                SELECT first_clicked_at, last_clicked_at, clicks FROM booking_link WHERE token = ?""", token);
        assertThat(((java.sql.Timestamp) clicks.get("first_clicked_at")).toInstant()).isEqualTo(MONDAY_0900);
        assertThat(((java.sql.Timestamp) clicks.get("last_clicked_at")).toInstant()).isEqualTo(MONDAY_0900.plus(Duration.ofHours(3)));
        assertThat(((Number) clicks.get("clicks")).intValue()).isEqualTo(2);

        // The funnel: one patient clicked, in the totals and in their breakdown group.
        Map<String, Object> report = client.toBlocking().retrieve(
                HttpRequest.GET("/api/campaigns/" + id + "/report").bearerAuth(ccc), Map.class);
        assertThat(((Number) report.get("clicked")).intValue()).isEqualTo(1);
        Map<String, List<Map<String, Object>>> breakdowns = (Map<String, List<Map<String, Object>>>) report.get("breakdowns");
        assertThat(breakdowns.get("practice")).singleElement()
                .satisfies(g -> assertThat(((Number) g.get("clicked")).intValue()).isEqualTo(1));
        String page = client.toBlocking().retrieve(HttpRequest.GET("/ui/campaigns/" + id + "/report").bearerAuth(ccc)
                .accept(MediaType.TEXT_HTML_TYPE));
        assertThat(page).contains("Opened their booking link");
        // The CSV has the same funnel step: the texted total and the patient's practice group each count the click.
        String csv = client.toBlocking().retrieve(HttpRequest.GET("/api/campaigns/" + id + "/report.csv").bearerAuth(ccc));
        List<String> header = List.of(csv.lines().findFirst().orElseThrow().split(","));
        int column = header.indexOf("Opened booking link");
        assertThat(column).isEqualTo(header.indexOf("Delivered") + 1);
        assertThat(csv.lines().filter(l -> l.startsWith("Total,Texted,")).findFirst().orElseThrow().split(",", -1)[column])
                .isEqualTo("1");
        assertThat(csv.lines().filter(l -> l.startsWith("Practice,")).findFirst().orElseThrow().split(",", -1)[column])
                .isEqualTo("1");
        String campaignPage = client.toBlocking().retrieve(HttpRequest.GET("/ui/campaigns/" + id).bearerAuth(ccc)
                .accept(MediaType.TEXT_HTML_TYPE));
        assertThat(campaignPage).contains(BOOKING.replace("&", "&amp;")).contains("0161 496 0999");

        // Expired: after the link's lifetime it tells the patient to call, and records nothing.
        rows.execute("UPDATE booking_link SET expires_at = ? WHERE token = ?",
                java.sql.Timestamp.from(MONDAY_0900.plus(Duration.ofHours(4))), token);
        clock.set(MONDAY_0900.plus(Duration.ofHours(5)));
        java.net.http.HttpResponse<String> expired = open(token);
        assertThat(expired.statusCode()).isEqualTo(404);
        assertThat(expired.body()).contains("call your GP practice");
        assertThat(rows.queryLong("SELECT clicks FROM booking_link WHERE token = ?", token)).isEqualTo(2);
    }

    @Test
    void unknownTokensGetTheCallYourPracticePageAndAGuesserIsSlowedDown() throws Exception {
        // Past any miss window another test of this class left (the throttle is per instance, in memory).
        clock.set(MONDAY_0900.plus(Duration.ofDays(1)));
        java.net.http.HttpResponse<String> unknown = open("AAAAAAAAAAAAAAAA");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("call your GP practice").doesNotContain("Exception");
        assertThat(open("not-a-token").statusCode()).isEqualTo(404);
        assertThat(open("BBBBBBBBBBBBBBBB").statusCode()).isEqualTo(404);
        // Three misses (the test's setting) from this address: the fourth try is refused whatever the token.
        java.net.http.HttpResponse<String> refused = open("CCCCCCCCCCCCCCCC");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("call your GP practice");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBookingUrlThatIsNotHttpsAndABadPhoneAreRefusedNamingTheField() {
        Map<String, Object> request = new HashMap<>(Map.of("name", "PSA", "programme", "psa-eligible",
                "bookingUrl", "http://book.example.nhs.uk/psa", "replyPhone", "12345"));
        HttpClientResponseException e = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                () -> client.toBlocking().exchange(HttpRequest.POST("/api/campaigns", request).bearerAuth(ccc), Map.class));
        assertThat(e.code()).isEqualTo(400);
        Map<String, Object> body = e.getResponse().getBody(Map.class).orElseThrow();
        assertThat((List<Map<String, Object>>) body.get("errors")).extracting(m -> m.get("field"))
                .containsExactlyInAnyOrder("bookingUrl", "replyPhone");
        assertThat(e.getResponse().getBody(String.class).orElse("")).contains("https://");
        assertThat(rows.queryLong("SELECT count(*) FROM campaign")).isZero();
    }

    /** The campaign form's preview counts the short link: more segments with it than without, never the URL. */
    @Test
    void thePreviewCountsTheShortLinksLengthAndShowsTheLinkAndPhone() {
        // A practice name whose text fits one segment count less without the link than with it (found with the
        // real renderer), so that the estimate can only match if it counts the link.
        String phone = "0161 496 0999";
        String practice = null;
        for (int n = 0; n < 160 && practice == null; n++) {
            String name = "Oak Surgery" + " Annexe".repeat(n / 7) + "x".repeat(n % 7);
            int without = templates.render("psa-eligible", "initial", "en", new Placeholders("Sam", name, phone, null)).segments();
            int with = templates.render("psa-eligible", "initial", "en",
                    new Placeholders("Sam", name, phone, links.sampleLink())).segments();
            if (with > without) {
                practice = name;
            }
        }
        assertThat(practice).isNotNull();
        rows.execute("UPDATE practice SET name = ? WHERE code = 'N00001'", practice);
        rows.execute("UPDATE patient SET given_name = 'Sam'");
        String without = preview("&replyPhone=0161%20496%200999");
        String with = preview("&bookingUrl=" + java.net.URLEncoder.encode(BOOKING, java.nio.charset.StandardCharsets.UTF_8)
                + "&replyPhone=0161%20496%200999");
        assertThat(with).contains("http://localhost:8080/b/").contains("0161 496 0999").contains("Booking link:");
        assertThat(segmentsTotal(with)).isGreaterThan(segmentsTotal(without));
        assertThat(preview("&bookingUrl=http%3A%2F%2Fbook.example.nhs.uk")).contains("Booking link must start with https://");
    }

    private String preview(String query) {
        return client.toBlocking().retrieve(HttpRequest.GET("/ui/campaigns/preview?programme=psa-eligible&asOf=2026-03-02" + query)
                .bearerAuth(ccc).accept(MediaType.TEXT_HTML_TYPE));
    }

    private static int segmentsTotal(String html) {
        Matcher m = Pattern.compile("(?s)<tr id=\"estimate-total\">.*?<th[^>]*>(\\d+)</th>\\s*<th[^>]*>(\\d+)</th>").matcher(html);
        assertThat(m.find()).as(html).isTrue();
        return Integer.parseInt(m.group(2));
    }

    private long launch(Map<String, Object> extra) {
        Map<String, Object> request = new HashMap<>(Map.of("name", "PSA conversation", "programme", "psa-eligible",
                "asOf", "2026-03-02"));
        request.putAll(extra);
        try {
            HttpResponse<Map<String, Object>> created = client.toBlocking().exchange(HttpRequest.POST("/api/campaigns", request).bearerAuth(ccc), Json.OBJECT);
            return ((Number) created.body().get("id")).longValue();
        } catch (HttpClientResponseException e) {
            throw new AssertionError("Launch refused: " + e.getResponse().getBody(String.class).orElse(""), e);
        }
    }

    private void dispatch() throws Exception {
        housekeeping.run();
        for (int i = 0; i < 100 && dispatcher.dispatchOnce("booking-test") > 0; i++) {
            // keep going while there is due work
        }
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> waveOne(long id) {
        Map<?, ?> page = client.toBlocking().retrieve(HttpRequest.GET("/api/campaigns/" + id + "/messages?size=1000").bearerAuth(ccc), Map.class);
        return ((List<Map<String, Object>>) page.get("messages")).stream()
                .filter(m -> ((Number) m.get("wave")).intValue() == 1 && m.get("body") != null).toList();
    }

    private java.net.http.HttpResponse<String> open(String token) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
        return http.send(java.net.http.HttpRequest.newBuilder(URI.create(server.getURL() + "/b/" + token)).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private String queryString(String sql, Object... args) {
        return (String) queryRow(sql, args).values().iterator().next();
    }

    private Map<String, Object> queryRow(String sql, Object... args) {
        try (var c = Database.raw(dataSource).getConnection(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).as(sql).isTrue();
                Map<String, Object> row = new java.util.LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                return row;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
