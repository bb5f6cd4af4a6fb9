package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.NhsNumbers;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A wave names its channel (issue 14): what the launch writes for each kind of patient in each wave, the control
 * arm held back from every channel, bad channels refused by field, and the channel shown on the API and pages.
 * Real import, real cohort SQL, real database.
 */
@MicronautTest(transactional = false)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = "2026-03-02T09:00:00Z")
class WaveChannelLaunchTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    io.uptake.outbox.Claims outbox;

    BlockingHttpClient http;
    Api api;
    String admin;
    String ccc;
    /** NHS numbers by kind: mobile and address, mobile only, address only (post), neither. */
    List<String> both = new ArrayList<>(), mobileOnly = new ArrayList<>(), postOnly = new ArrayList<>(),
            neither = new ArrayList<>();

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        api = new Api(http);
        admin = api.adminToken();
        post("practices", "practice_code,name,phone,pcn,address_line_1,town,postcode\n"
                + "Y00001,Moss Side Health Centre,0161 496 0001,North PCN,1 Moss Lane East,Manchester,M16 7AA\n");
        ccc = api.user("ccc.north", "CCC", "North PCN");
        StringBuilder csv = new StringBuilder(
                "nhs_number,given_name,family_name,date_of_birth,sex,mobile,language,ethnicity,practice_code,address_line_1,town,postcode\n");
        int n = 0;
        // Men of 56 of Black ethnicity with no PSA test: the psa-eligible cohort.
        for (int i = 0; i < 8; i++, n++) {
            both.add(row(csv, n, NhsNumbers.mobile(600 + n), true));
        }
        for (int i = 0; i < 2; i++, n++) {
            mobileOnly.add(row(csv, n, NhsNumbers.mobile(600 + n), false));
        }
        for (int i = 0; i < 6; i++, n++) {
            postOnly.add(row(csv, n, "", true));
        }
        neither.add(row(csv, n, "", false));
        post("patients", csv.toString());
    }

    static String row(StringBuilder csv, int n, String mobile, boolean address) {
        String nhs = NhsNumbers.next();
        csv.append(nhs).append(",Pat").append(n).append(",Wave,1970-01-01,M,").append(mobile)
                .append(",en,Black African,Y00001,").append(address ? n + " Oak Road,Manchester,M14 5AA" : ",,").append('\n');
        return nhs;
    }

    void post(String kind, String csv) {
        http.exchange(Api.csv(HttpRequest.POST("/api/imports/" + kind, csv.getBytes(StandardCharsets.UTF_8)))
                .bearerAuth(admin), Map.class);
    }

    Map<String, Object> request(double control, List<?> waves) {
        Map<String, Object> r = new HashMap<>(Map.of("name", "PSA by channel", "programme", "psa-eligible",
                "asOf", "2026-03-02", "controlFraction", control,
                "reminders", List.of(Map.of("afterDays", 14), Map.of("afterDays", 28))));
        if (waves != null) {
            r.put("waves", waves);
        }
        return r;
    }

    long launch(Map<String, Object> request) {
        try {
            HttpResponse<Map<String, Object>> created = http.exchange(
                    HttpRequest.POST("/api/campaigns", request).bearerAuth(ccc), Json.OBJECT);
            return ((Number) created.body().get("id")).longValue();
        } catch (HttpClientResponseException e) {
            throw new AssertionError("Launch refused: " + e.getResponse().getBody(String.class).orElse(""), e);
        }
    }

    /** NHS number to what they get in this wave: "SMS", "LETTER", or the letter's status and reason. */
    Map<String, String> wave(long campaign, int wave) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = Database.raw(dataSource).getConnection(); var ps = c.prepareStatement("""
                SELECT p.nhs_number, 'SMS ' || m.status FROM message m JOIN patient p ON p.id = m.patient_id
                WHERE m.campaign_id = ? AND m.wave = ?
                UNION ALL
                SELECT p.nhs_number, 'LETTER ' || l.status || coalesce(' ' || l.reason, '')
                FROM letter l JOIN patient p ON p.id = l.patient_id WHERE l.campaign_id = ? AND l.wave = ?""")) {
            ps.setLong(1, campaign);
            ps.setInt(2, wave);
            ps.setLong(3, campaign);
            ps.setInt(4, wave);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    String previous = out.put(rs.getString(1).strip(), rs.getString(2));
                    assertThat(previous).as("one contact per patient and wave").isNull();
                }
            }
        }
        return out;
    }

    static Map<String, String> expect(List<String> who, String what) {
        Map<String, String> m = new TreeMap<>();
        who.forEach(n -> m.put(n, what));
        return m;
    }

    @SafeVarargs
    static Map<String, String> all(Map<String, String>... parts) {
        Map<String, String> m = new TreeMap<>();
        for (Map<String, String> p : parts) {
            m.putAll(p);
        }
        return m;
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachWaveWritesWhatItsChannelSays() throws Exception {
        long id = launch(request(0, List.of(Map.of("channel", "AUTO"), Map.of("channel", "letter"), Map.of("channel", "SMS"))));

        assertThat(wave(id, 1)).isEqualTo(all(expect(both, "SMS PENDING"), expect(mobileOnly, "SMS PENDING"),
                expect(postOnly, "LETTER PENDING"), expect(neither, "LETTER EXCLUDED no-address")));
        assertThat(wave(id, 2)).isEqualTo(all(expect(both, "LETTER PENDING"), expect(mobileOnly, "LETTER EXCLUDED no-address"),
                expect(postOnly, "LETTER PENDING"), expect(neither, "LETTER EXCLUDED no-address")));
        assertThat(wave(id, 3)).isEqualTo(all(expect(both, "SMS PENDING"), expect(mobileOnly, "SMS PENDING"),
                expect(postOnly, "LETTER EXCLUDED text-only-wave-no-mobile"),
                expect(neither, "LETTER EXCLUDED text-only-wave-no-mobile")));

        Map<String, Object> campaign = http.retrieve(HttpRequest.GET("/api/campaigns/" + id).bearerAuth(ccc), Json.OBJECT);
        assertThat((List<Map<String, Object>>) campaign.get("waves")).extracting(w -> w.get("wave") + " " + w.get("channel"))
                .containsExactly("1 AUTO", "2 LETTER", "3 SMS");
        String page = http.retrieve(HttpRequest.GET("/ui/campaigns/" + id).bearerAuth(ccc), String.class);
        assertThat(page).contains("id=\"waves\"").contains("Text, or letter if no mobile").contains("Letter")
                .contains("Text only");
    }

    @Test
    void withoutChannelsEveryWaveIsAutoAsBefore() throws Exception {
        long id = launch(request(0, null));
        for (int w = 1; w <= 3; w++) {
            assertThat(wave(id, w)).isEqualTo(all(expect(both, "SMS PENDING"), expect(mobileOnly, "SMS PENDING"),
                    expect(postOnly, "LETTER PENDING"), expect(neither, "LETTER EXCLUDED no-address")));
        }
    }

    @Test
    void aCallWaveWritesNoTextAndNoLetterAtLaunch() throws Exception {
        // Reachable only by post, with a telephone (issue 14): the call wave calls them, so it has no letter row
        // for them; the call list makes their task when the wave falls due (CallListTest).
        List<String> called = new ArrayList<>();
        StringBuilder csv = new StringBuilder("nhs_number,given_name,family_name,date_of_birth,sex,language,ethnicity,"
                + "practice_code,address_line_1,town,postcode,telephone\n");
        for (int i = 0; i < 2; i++) {
            called.add(NhsNumbers.next());
            csv.append(called.get(i)).append(",Tel").append(i).append(",Wave,1970-01-01,M,en,Black African,Y00001,")
                    .append(i == 0 ? "9 Oak Road,Manchester,M14 5AA" : ",,").append(",0161 496 030").append(i).append('\n');
        }
        post("patients", csv.toString());
        long id = launch(request(0, List.of(Map.of("channel", "SMS"), Map.of("channel", "AUTO"), Map.of("channel", "CALL"))));
        assertThat(wave(id, 1)).isEqualTo(all(expect(both, "SMS PENDING"), expect(mobileOnly, "SMS PENDING"),
                expect(postOnly, "LETTER EXCLUDED text-only-wave-no-mobile"),
                expect(neither, "LETTER EXCLUDED text-only-wave-no-mobile"),
                expect(called, "LETTER EXCLUDED text-only-wave-no-mobile")));
        assertThat(wave(id, 2)).containsEntry(called.get(0), "LETTER PENDING")
                .containsEntry(called.get(1), "LETTER EXCLUDED no-address");
        assertThat(wave(id, 3)).isEqualTo(all(expect(postOnly, "LETTER EXCLUDED call-wave-no-phone"),
                expect(neither, "LETTER EXCLUDED call-wave-no-phone")));
    }

    @Test
    void theControlArmIsHeldBackFromEveryChannel() throws Exception {
        long id = launch(request(0.5, List.of(Map.of("channel", "SMS"), Map.of("channel", "LETTER"), Map.of("channel", "AUTO"))));
        List<String> control = new ArrayList<>();
        try (Connection c = Database.raw(dataSource).getConnection(); var ps = c.prepareStatement("""
                SELECT p.nhs_number FROM recipient r JOIN patient p ON p.id = r.patient_id
                WHERE r.campaign_id = ? AND r.arm = 'CONTROL'
                UNION SELECT p.nhs_number FROM letter l JOIN patient p ON p.id = l.patient_id
                WHERE l.campaign_id = ? AND l.arm = 'CONTROL' AND l.wave = 1""")) {
            ps.setLong(1, id);
            ps.setLong(2, id);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    control.add(rs.getString(1).strip());
                }
            }
        }
        // Half of the 10 texts' recipients, and half of the 6 with an address reachable only by post.
        assertThat(control).hasSize(8);
        for (int w = 1; w <= 3; w++) {
            Map<String, String> got = wave(id, w);
            for (String nhs : control) {
                assertThat(got.getOrDefault(nhs, "nothing")).as("control patient " + nhs + " in wave " + w)
                        .isIn("nothing", "LETTER HELD_BACK");
            }
            long reached = got.values().stream().filter(v -> v.startsWith("SMS") || v.equals("LETTER PENDING")).count();
            // The texts' recipients are 10 (5 held back), those reachable only by post with an address 6 (3 held back).
            long expected = switch (w) {
                case 1 -> 5;
                case 2 -> textedWithAddress(id) + 3;
                default -> 5 + 3;
            };
            assertThat(reached).as("wave " + w + " reaches all the others").isEqualTo(expected);
        }
    }

    /** Texted (not control) recipients with an address: those a LETTER wave writes to among the texts' recipients. */
    long textedWithAddress(long id) throws Exception {
        try (Connection c = Database.raw(dataSource).getConnection(); var ps = c.prepareStatement("""
                SELECT count(*) FROM recipient r JOIN patient p ON p.id = r.patient_id
                WHERE r.campaign_id = ? AND r.arm = 'TEXTED' AND p.address_line_1 IS NOT NULL""")) {
            ps.setLong(1, id);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aTextAfterALetterWaveLooksAtTheLatestEarlierTextNotTheWaveBefore() throws Exception {
        long id = launch(request(0, List.of(Map.of("channel", "SMS"), Map.of("channel", "LETTER"), Map.of("channel", "SMS"))));
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            st.executeUpdate("UPDATE message SET status = 'FAILED', error_code = '21211' WHERE wave = 1 AND campaign_id = " + id);
            st.executeUpdate("UPDATE campaign SET status = 'SENDING' WHERE id = " + id);
        }
        java.time.Instant later = java.time.Instant.parse("2026-06-01T10:00:00Z");
        List<io.uptake.outbox.Claimed> claimed = outbox.claim(new io.uptake.outbox.ClaimRequest("t", List.of(id),
                later, 100, later.plusSeconds(60), List.of("DECEASED"), List.of(), List.of()));
        assertThat(claimed).hasSize(10).allSatisfy(m -> {
            assertThat(m.wave()).isEqualTo(3);
            // Wave 2 was a letter: the earlier text that failed permanently still stops the reminder.
            assertThat(m.context().previousStatus()).isEqualTo(io.uptake.outbox.MessageStatus.FAILED);
        });
    }

    @Test
    void aBadChannelIsRefusedByFieldAndNothingIsCreated() throws Exception {
        assertThatThrownBy(() -> http.exchange(HttpRequest.POST("/api/campaigns",
                request(0, List.of(Map.of("channel", "AUTO"), Map.of("channel", "fax")))).bearerAuth(ccc), Json.OBJECT))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(400);
                    String body = e.getResponse().getBody(String.class).orElse("");
                    assertThat(body).contains("waves[1].channel").contains("'fax' is not a channel")
                            .doesNotContain("Exception").doesNotContain("SQL");
                });
        assertThatThrownBy(() -> http.exchange(HttpRequest.POST("/api/campaigns",
                request(0, List.of(Map.of("channel", "CALL")))).bearerAuth(ccc), Json.OBJECT))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e ->
                        assertThat(e.getResponse().getBody(String.class).orElse("")).contains("waves[0].channel"));
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT (SELECT count(*) FROM campaign) + (SELECT count(*) FROM campaign_wave)")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePreviewGivesEachWavesChannelAndCountsTextsOnlyForTextingWaves() {
        Map<String, Object> review = http.retrieve(HttpRequest.POST("/api/campaigns/preview",
                request(0, List.of(Map.of("channel", "SMS"), Map.of("channel", "LETTER"), Map.of("channel", "CALL"))))
                .bearerAuth(ccc), Json.OBJECT);
        assertThat((List<Map<String, Object>>) review.get("waves"))
                .extracting(w -> w.get("wave") + " " + w.get("channel") + " " + w.get("texts"))
                .containsExactly("1 SMS 10", "2 LETTER 0", "3 CALL 0");
        assertThat(((Number) ((Map<?, ?>) review.get("cost")).get("texts")).longValue()).isEqualTo(10);
    }
}
