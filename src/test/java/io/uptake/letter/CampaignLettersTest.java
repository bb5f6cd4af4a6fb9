package io.uptake.letter;

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
import io.uptake.testsupport.NhsNumbers;
import io.uptake.testsupport.TestClock;
import io.uptake.testsupport.Json;
import jakarta.inject.Inject;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Launch writes letters for the cohort's patients no text can reach; the wave's PDF prints them, one a page, and
 * a letter that cannot be printed fails alone. Real cohort SQL, real import, real PDF, read back with PDFBox.
 */
@MicronautTest(transactional = false)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = "2026-03-02T09:00:00Z")
// A wave's letters are printed by Chromium inside the request: seconds on a loaded machine (BENCHMARKS.md, "Letters").
@Property(name = "micronaut.http.client.read-timeout", value = "180s")
class CampaignLettersTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    java.time.Clock clock;
    @Inject
    LetterCosts costs;

    BlockingHttpClient http;
    Api api;
    String admin;
    String ccc;
    long pcnId;
    /** By NHS number: mobile (texted), post (letter), noAddress (excluded no-address). */
    List<String> mobile = new ArrayList<>(), post = new ArrayList<>(), noAddress = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Database.reset(dataSource);
        http = client.toBlocking();
        api = new Api(http);
        admin = api.adminToken();
        post("practices", "practice_code,name,phone,pcn,address_line_1,town,postcode\n"
                + "Y00001,Moss Side Health Centre,0161 496 0001,North PCN,1 Moss Lane East,Manchester,M16 7AA\n"
                + "Y00003,Gorton Medical Practice,0161 496 0003,South PCN,2 Hyde Road,Manchester,M18 7AA\n");
        ccc = api.user("ccc.north", "CCC", "North PCN");
        StringBuilder csv = new StringBuilder(
                "nhs_number,given_name,family_name,date_of_birth,sex,mobile,language,ethnicity,practice_code,address_line_1,town,postcode\n");
        // Men of 56 of Black ethnicity with no PSA test: the psa-eligible cohort.
        for (int i = 0; i < 4; i++) {
            String nhs = NhsNumbers.next();
            mobile.add(nhs);
            csv.append(nhs).append(",Tex").append(i).append(",Mobile,1970-01-01,M,").append(NhsNumbers.mobile(500 + i))
                    .append(",en,Black African,Y00001,").append(i).append(" Oak Road,Manchester,M14 5AA\n");
        }
        String[] languages = {"en", "ur", "bn", "pa", "gu", "ar", "pl", "ro"};
        for (int i = 0; i < languages.length; i++) {
            String nhs = NhsNumbers.next();
            post.add(nhs);
            csv.append(nhs).append(",Post").append(i).append(",Letter,1970-01-01,M,,").append(languages[i])
                    .append(",Black African,Y00001,").append(10 + i).append(" Birch Road,Manchester,M14 5AB\n");
        }
        for (int i = 0; i < 2; i++) {
            String nhs = NhsNumbers.next();
            noAddress.add(nhs);
            csv.append(nhs).append(",Nowhere").append(i).append(",Unknown,1970-01-01,M,,en,Black African,Y00001,,,\n");
        }
        post("patients", csv.toString());
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT id FROM pcn WHERE name = 'North PCN'")) {
            rs.next();
            pcnId = rs.getLong(1);
        }
    }

    void post(String kind, String csv) {
        http.exchange(Api.csv(HttpRequest.POST("/api/imports/" + kind, csv.getBytes(StandardCharsets.UTF_8)))
                .bearerAuth(admin), Map.class);
    }

    @SuppressWarnings("unchecked")
    long launch(double controlFraction) {
        Map<String, Object> request = new HashMap<>(Map.of("name", "PSA conversation", "programme", "psa-eligible",
                "asOf", "2026-03-02", "controlFraction", controlFraction, "reminders", List.of(Map.of("afterDays", 14))));
        try {
            HttpResponse<Map<String, Object>> created = http.exchange(HttpRequest.POST("/api/campaigns", request).bearerAuth(ccc), Json.OBJECT);
            return ((Number) created.body().get("id")).longValue();
        } catch (HttpClientResponseException e) {
            throw new AssertionError("Launch refused: " + e.getResponse().getBody(String.class).orElse(""), e);
        }
    }

    List<String> letters(long campaign, int wave, String status) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = Database.raw(dataSource).getConnection(); var ps = c.prepareStatement("""
                SELECT p.nhs_number, l.reason FROM letter l JOIN patient p ON p.id = l.patient_id
                WHERE l.campaign_id = ? AND l.wave = ? AND l.status = ? ORDER BY p.nhs_number""")) {
            ps.setLong(1, campaign);
            ps.setInt(2, wave);
            ps.setString(3, status);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + (rs.getString(2) == null ? "" : " " + rs.getString(2)));
                }
            }
        }
        return out;
    }

    static String text(byte[] pdf) throws Exception {
        try (var doc = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(doc);
        }
    }

    static int pages(byte[] pdf) throws Exception {
        try (var doc = Loader.loadPDF(pdf)) {
            return doc.getNumberOfPages();
        }
    }

    @Test
    void launchWritesALetterPerWaveToThoseNoTextCanReachAndThePdfPrintsThem() throws Exception {
        // The cost shown before launch counts the letters: 8 with an address, none held back, 2 waves.
        LetterCosts.Estimate estimate = costs.estimate("psa-eligible", LocalDate.parse("2026-03-02"), pcnId,
                BigDecimal.ZERO, 2);
        assertThat(estimate.letters()).isEqualTo(16);
        assertThat(estimate.noAddress()).isEqualTo(2);
        assertThat(estimate.total()).isEqualByComparingTo(estimate.unitPrice().multiply(BigDecimal.valueOf(16)));

        long id = launch(0);
        for (int wave : List.of(1, 2)) {
            assertThat(letters(id, wave, "PENDING")).containsExactlyElementsOf(post.stream().sorted().toList());
            assertThat(letters(id, wave, "EXCLUDED"))
                    .containsExactlyElementsOf(noAddress.stream().sorted().map(n -> n + " no-address").toList());
        }
        // Nobody with a mobile gets a letter.
        assertThat(letters(id, 1, "PENDING")).doesNotContainAnyElementsOf(mobile);
        // The campaign's messages list the letters beside the texts, with the address each goes to.
        Map<String, Object> listed = http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/messages?size=500")
                .bearerAuth(ccc), Json.OBJECT);
        List<Map<String, Object>> byPost = Json.objects(listed.get("messages")).stream()
                .filter(m -> "LETTER".equals(m.get("channel"))).toList();
        assertThat(byPost).hasSize(20);
        assertThat(byPost).filteredOn(m -> "PENDING".equals(m.get("status"))).hasSize(16)
                .allSatisfy(m -> assertThat((String) m.get("to")).contains("Birch Road, M14 5AB"));
        assertThat(byPost).filteredOn(m -> "EXCLUDED".equals(m.get("status"))).hasSize(4)
                .allSatisfy(m -> assertThat(m.get("reason")).isEqualTo("no-address"));
        assertThat(((Number) listed.get("total")).longValue())
                .isEqualTo(Json.objects(listed.get("messages")).size());

        HttpResponse<byte[]> response = http.exchange(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=1")
                .bearerAuth(ccc), byte[].class);
        assertThat(response.getContentType().orElseThrow().toString()).isEqualTo("application/pdf");
        byte[] pdf = response.body();
        assertThat(pages(pdf)).isEqualTo(8);
        String text = text(pdf);
        for (int i = 0; i < 8; i++) {
            assertThat(text).contains("Post" + i + " Letter", (10 + i) + " Birch Road");
        }
        assertThat(text).doesNotContain("Tex0", "Nowhere0");
        assertThat(letters(id, 1, "PRINTED")).hasSize(8);
        assertThat(letters(id, 2, "PENDING")).hasSize(8);
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT detail FROM audit_log WHERE action = 'LETTERS_DOWNLOAD'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("wave 1: 8 printed, 0 failed, 0 cancelled (opted out, died or had the test since the launch)");
        }
        // The same wave again prints the same letters (a jammed printer) and writes no new ones.
        assertThat(pages(http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=1")
                .bearerAuth(ccc), byte[].class))).isEqualTo(8);
    }

    /**
     * The review before launch (POST /api/campaigns/preview) gives the letters with the texts, wave by wave as the
     * channels say: AUTO writes to those only a letter reaches, LETTER to everyone with an address, SMS to nobody.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theReviewCountsAndPricesTheLettersOfEachWave() {
        java.util.function.Function<List<String>, Map<String, Object>> letters = channels -> {
            Map<String, Object> body = new HashMap<>(Map.of("name", "PSA conversation", "programme", "psa-eligible",
                    "asOf", "2026-03-02", "reminders", List.of(Map.of("afterDays", 14)),
                    "waves", channels.stream().map(c -> Map.of("channel", c)).toList()));
            Map<String, Object> review = http.retrieve(HttpRequest.POST("/api/campaigns/preview", body).bearerAuth(ccc),
                    Json.OBJECT);
            return (Map<String, Object>) review.get("letters");
        };
        BigDecimal unit = costs.unitPrice();
        Map<String, Object> auto = letters.apply(List.of("AUTO", "AUTO"));
        assertThat(auto.get("letters")).isEqualTo(16); // 8 post-only patients with an address, 2 waves
        assertThat(auto.get("noAddress")).isEqualTo(2);
        assertThat(new BigDecimal(auto.get("total").toString())).isEqualByComparingTo(unit.multiply(BigDecimal.valueOf(16)));
        assertThat(letters.apply(List.of("AUTO", "SMS")).get("letters")).isEqualTo(8);
        // A letter wave writes to the 4 texted patients too: 8 + 12.
        assertThat(letters.apply(List.of("AUTO", "LETTER")).get("letters")).isEqualTo(20);
        assertThat(letters.apply(List.of("SMS", "SMS")).get("letters")).isEqualTo(0);
        assertThat(letters.apply(List.of("SMS", "SMS")).get("noAddress")).isEqualTo(0);
    }

    @Test
    void aPatientWhoOptedOutOrDiedAfterTheLaunchIsNotPrintedAndTheLetterIsCancelled() throws Exception {
        long id = launch(0);
        // After the launch one patient tells the practice "no more contact", and another's death is imported.
        http.exchange(HttpRequest.POST("/api/patients/" + post.get(2) + "/opt-out",
                Map.of("reason", "phoned the practice: no more letters")).bearerAuth(ccc), Map.class);
        post("events", "nhs_number,event_date,event_type\n" + post.get(3) + ",2026-03-02,DECEASED\n");

        HttpResponse<byte[]> response = http.exchange(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=1")
                .bearerAuth(ccc), byte[].class);
        assertThat(pages(response.body())).isEqualTo(6);
        // The death's import cancelled that letter already (LetterImportStops); printing stops the opt-out's.
        assertThat(response.header("X-Letters-Cancelled")).isEqualTo("1");
        assertThat(text(response.body())).doesNotContain("Post2 Letter", "Post3 Letter");
        assertThat(letters(id, 1, "CANCELLED")).containsExactlyInAnyOrder(post.get(2) + " opted out",
                post.get(3) + " patient deceased");
        // Their second wave is stopped the same way when it is printed; nobody else's letter changes.
        assertThat(pages(http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=2")
                .bearerAuth(ccc), byte[].class))).isEqualTo(6);
        assertThat(letters(id, 2, "CANCELLED")).hasSize(2);
        assertThat(letters(id, 1, "PRINTED")).hasSize(6);
        // A reprint of wave 1 (a jammed printer) still leaves them out.
        assertThat(pages(http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=1")
                .bearerAuth(ccc), byte[].class))).isEqualTo(6);
    }

    /**
     * A man who had his PSA test after the invitation letter gets no reminder letter: the one conversion rule, in the
     * campaign's attribution window, as a reminder text. Before, only opt-outs and deaths stopped a letter.
     */
    @Test
    void aPatientWhoHadTheTestAfterTheInvitationGetsNoReminderLetter() throws Exception {
        long id = launch(0);
        assertThat(pages(http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=1")
                .bearerAuth(ccc), byte[].class))).isEqualTo(8);
        String testedOn = java.time.LocalDate.now(clock).toString();
        post("events", "nhs_number,event_date,event_type\n" + post.get(4) + "," + testedOn + ",PSA_TEST\n");

        HttpResponse<byte[]> reminders = http.exchange(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=2")
                .bearerAuth(ccc), byte[].class);
        assertThat(pages(reminders.body())).isEqualTo(7);
        assertThat(reminders.header("X-Letters-Cancelled")).isEqualTo("1");
        assertThat(text(reminders.body())).doesNotContain("Post4 Letter");
        assertThat(letters(id, 2, "CANCELLED")).containsExactly(post.get(4) + " converted: PSA_TEST dated " + testedOn);
        assertThat(letters(id, 2, "PRINTED")).hasSize(7);
    }

    /**
     * H-007: a letter already printed when a later import registers its patient at another PCN's practice is left
     * out of the reprint, as a text to them would be cancelled at its claim.
     */
    @Test
    void aPrintedLetterOfAPatientWhoMovedToAnotherPcnIsNotPrintedAgain() throws Exception {
        long id = launch(0);
        assertThat(pages(http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=1")
                .bearerAuth(ccc), byte[].class))).isEqualTo(8);
        post("patients", "nhs_number,given_name,family_name,date_of_birth,sex,mobile,language,ethnicity,practice_code,"
                + "address_line_1,town,postcode\n" + post.get(5)
                + ",Post5,Letter,1970-01-01,M,,ar,Black African,Y00003,15 Birch Road,Manchester,M14 5AB\n");

        HttpResponse<byte[]> reprint = http.exchange(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=1")
                .bearerAuth(ccc), byte[].class);
        assertThat(pages(reprint.body())).isEqualTo(7);
        assertThat(text(reprint.body())).doesNotContain("Post5 Letter");
        assertThat(letters(id, 1, "CANCELLED")).containsExactly(post.get(5) + " no longer registered at the practice");
    }

    @Test
    void aTextThatCannotArriveIsFollowedByThatWavesLetterOnce() throws Exception {
        long id = launch(0);
        sql("UPDATE campaign SET status = 'SENDING' WHERE id = " + id);
        // Wave 1: one text refused for good (a landline), one not delivered (unreachable); the others arrived.
        sql("UPDATE message SET status = 'FAILED', error_code = '21614' WHERE campaign_id = " + id + " AND wave = 1"
                + " AND patient_id = (SELECT id FROM patient WHERE nhs_number = '" + mobile.get(0) + "')");
        sql("UPDATE message SET status = 'UNDELIVERED', error_code = '30003' WHERE campaign_id = " + id + " AND wave = 1"
                + " AND patient_id = (SELECT id FROM patient WHERE nhs_number = '" + mobile.get(1) + "')");

        byte[] wave1 = http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=1")
                .bearerAuth(ccc), byte[].class);
        assertThat(pages(wave1)).isEqualTo(10);
        assertThat(text(wave1)).contains("Tex0 Mobile", "0 Oak Road", "Tex1 Mobile").doesNotContain("Tex2", "Tex3");
        // The same wave again: the same letters, none written twice.
        assertThat(pages(http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=1")
                .bearerAuth(ccc), byte[].class))).isEqualTo(10);
        assertThat(count("SELECT count(*) FROM letter WHERE campaign_id = " + id + " AND wave = 1")).isEqualTo(12);

        // Wave 2: the reminder text of the one whose invitation failed is cancelled for that reason (SendEligibility);
        // their reminder goes by letter. The one whose text was not delivered is texted again, so gets no letter.
        sql("UPDATE message SET status = 'CANCELLED', reason = '" + io.uptake.campaign.WaveChannelPolicy.EARLIER_TEXT_FAILED
                + "' WHERE campaign_id = " + id + " AND wave = 2"
                + " AND patient_id = (SELECT id FROM patient WHERE nhs_number = '" + mobile.get(0) + "')");
        byte[] wave2 = http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=2")
                .bearerAuth(ccc), byte[].class);
        assertThat(pages(wave2)).isEqualTo(9);
        assertThat(text(wave2)).contains("Tex0 Mobile").doesNotContain("Tex1 Mobile");
    }

    void sql(String statement) throws Exception {
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            st.executeUpdate(statement);
        }
    }

    long count(String query) throws Exception {
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement();
             var rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aLetterThatCannotBeRenderedFailsAloneWithItsReason() throws Exception {
        long id = launch(0);
        // After launch one patient's address is removed from the record: that letter alone cannot be printed.
        try (Connection c = Database.raw(dataSource).getConnection(); var ps = c.prepareStatement("""
                UPDATE patient SET address_line_1 = NULL, address_line_2 = NULL, town = NULL, postcode = NULL
                WHERE nhs_number = ?""")) {
            ps.setString(1, post.get(1));
            ps.executeUpdate();
        }
        HttpResponse<byte[]> response = http.exchange(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=1")
                .bearerAuth(ccc), byte[].class);
        assertThat(pages(response.body())).isEqualTo(7);
        assertThat(response.header("X-Letters-Failed")).isEqualTo("1");
        assertThat(letters(id, 1, "FAILED")).containsExactly(post.get(1) + " no address");
        assertThat(letters(id, 1, "PRINTED")).hasSize(7);
    }

    @Test
    void theControlArmGetsNoLetterAndOnlyTheCampaignsPcnMayPrint() throws Exception {
        long id = launch(0.25);
        assertThat(letters(id, 1, "HELD_BACK")).hasSize(2);
        assertThat(letters(id, 2, "HELD_BACK")).isEqualTo(letters(id, 1, "HELD_BACK"));
        assertThat(pages(http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=1")
                .bearerAuth(ccc), byte[].class))).isEqualTo(6);

        String south = api.user("ccc.south", "CCC", "South PCN");
        assertThatThrownBy(() -> http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=1")
                .bearerAuth(south), byte[].class))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(404));
        assertThatThrownBy(() -> http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=9")
                .bearerAuth(ccc), byte[].class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(404);
                    assertThat(e.getResponse().getBody(String.class).orElse("")).contains("Wave 9 of this campaign has no letters");
                });
        // A status never moves back: the database refuses it.
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeUpdate("UPDATE letter SET status = 'PENDING' WHERE status = 'PRINTED'"))
                    .hasMessageContaining("may not go from PRINTED to PENDING");
            assertThatThrownBy(() -> st.executeUpdate("UPDATE letter SET status = 'PENDING' WHERE status = 'HELD_BACK'"))
                    .hasMessageContaining("may not go from HELD_BACK to PENDING");
        }
    }
}
