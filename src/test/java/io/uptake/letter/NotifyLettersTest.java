package io.uptake.letter;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.uptake.sms.FakeNotify;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.NhsNumbers;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Letters posted through GOV.UK Notify as precompiled PDFs, against {@link FakeNotify}: each letter once, with its
 * reference; an answer lost with its connection is reconciled, not sent again; Notify's letter callbacks move it
 * forward only; and while Notify posts, the practice's print batch leaves Notify's letters alone.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = "2026-03-02T09:00:00Z")
@Property(name = "micronaut.http.client.read-timeout", value = "180s")
class NotifyLettersTest implements TestPropertyProvider {
    static final String CALLBACK_TOKEN = "notify-callback-token-for-tests-only";
    final FakeNotify fake = FakeNotify.start();

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    NotifyLetters letters;
    @Inject
    TestClock clock;

    BlockingHttpClient http;
    String admin;
    String ccc;

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "uptake.sms.notify.api-key", fake.apiKey(),
                "uptake.sms.notify.base-url", fake.baseUrl(),
                "uptake.sms.notify.letters", "true",
                "uptake.sms.notify.callback-bearer-token", CALLBACK_TOKEN,
                "uptake.sms.notify.read-timeout", "5s");
    }

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        fake.reset();
        http = client.toBlocking();
        Api api = new Api(http);
        admin = api.adminToken();
        post("practices", "practice_code,name,phone,pcn,address_line_1,town,postcode\n"
                + "Y00001,Moss Side Health Centre,0161 496 0001,North PCN,1 Moss Lane East,Manchester,M16 7AA\n");
        ccc = api.user("ccc.north", "CCC", "North PCN");
        StringBuilder csv = new StringBuilder(
                "nhs_number,given_name,family_name,date_of_birth,sex,mobile,language,ethnicity,practice_code,address_line_1,town,postcode\n");
        // One patient a text can reach, so the campaign has texts too (the simulated channel's; not sent here).
        csv.append(NhsNumbers.next()).append(",Tex,Mobile,1970-01-01,M,").append(NhsNumbers.mobile(500))
                .append(",en,Black African,Y00001,1 Oak Road,Manchester,M14 5AA\n");
        String[] languages = {"en", "ur"};
        for (int i = 0; i < languages.length; i++) {
            csv.append(NhsNumbers.next()).append(",Post").append(i).append(",Letter,1970-01-01,M,,").append(languages[i])
                    .append(",Black African,Y00001,").append(10 + i).append(" Birch Road,Manchester,M14 5AB\n");
        }
        post("patients", csv.toString());
    }

    @AfterAll
    void stopFake() {
        fake.close();
    }

    void post(String kind, String csv) {
        http.exchange(Api.csv(HttpRequest.POST("/api/imports/" + kind, csv.getBytes(StandardCharsets.UTF_8)))
                .bearerAuth(admin), Map.class);
    }

    @SuppressWarnings("unchecked")
    long launch() throws Exception {
        Map<String, Object> request = new HashMap<>(Map.of("name", "PSA by post", "programme", "psa-eligible",
                "asOf", "2026-03-02", "controlFraction", 0));
        HttpResponse<Map<String, Object>> created = http.exchange(HttpRequest.POST("/api/campaigns", request).bearerAuth(ccc), Json.OBJECT);
        long id = ((Number) created.body().get("id")).longValue();
        sql("UPDATE campaign SET status = 'SENDING' WHERE id = " + id);
        return id;
    }

    record Row(long id, String status, String provider, String providerRef, String reason) {
    }

    List<Row> rows(long campaign) throws Exception {
        List<Row> out = new ArrayList<>();
        try (Connection c = Database.raw(dataSource).getConnection(); var ps = c.prepareStatement(
                "SELECT id, status, provider, provider_ref, reason FROM letter WHERE campaign_id = ? ORDER BY id")) {
            ps.setLong(1, campaign);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                }
            }
        }
        return out;
    }

    void sql(String sql) throws Exception {
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    int callback(String reference, String id, String status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("reference", reference);
        body.put("to", "10 Birch Road");
        body.put("status", status);
        body.put("created_at", "2026-03-02T09:00:00.000000Z");
        body.put("completed_at", null);
        body.put("sent_at", null);
        body.put("notification_type", "letter");
        try {
            return http.exchange(HttpRequest.POST("/webhooks/notify/status", body)
                    .contentType(MediaType.APPLICATION_JSON_TYPE).header("Authorization", "Bearer " + CALLBACK_TOKEN)).code();
        } catch (HttpClientResponseException e) {
            return e.code();
        }
    }

    @Test
    void lettersArePostedOnceEvenWhenAnAnswerIsLostAndCallbacksMoveThemForward() throws Exception {
        long id = launch();
        List<Row> launched = rows(id);
        assertThat(launched).hasSize(2).allSatisfy(r -> assertThat(r.status()).isEqualTo("PENDING"));
        // Notify's letters are not the practice's to print: printing them too would post them twice.
        assertThat(print(id)).isEqualTo(404);

        fake.scriptNext(FakeNotify.Reply.createdThenDropped());
        assertThat(letters.sendDue(10)).isEqualTo(2);

        assertThat(fake.letters()).hasSize(2);
        List<Row> first = rows(id);
        Row lost = first.get(0);
        Row sent = first.get(1);
        assertThat(lost.status()).isEqualTo("PENDING");
        assertThat(lost.reason()).contains("outcome unknown");
        assertThat(sent.status()).isEqualTo("SENT");
        assertThat(sent.provider()).isEqualTo("notify");
        FakeNotify.Stored posted = fake.letters().stream().filter(l -> l.reference().equals("letter-" + sent.id()))
                .findFirst().orElseThrow();
        assertThat(sent.providerRef()).isEqualTo(posted.id());
        assertThat(posted.postage()).isEqualTo("second");
        try (var pdf = Loader.loadPDF(posted.pdf())) {
            assertThat(new PDFTextStripper().getText(pdf)).contains("Birch Road").contains("Moss Side Health Centre");
        }

        // Not yet time to reconcile: nothing is claimed, nothing sent.
        assertThat(letters.sendDue(10)).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(letters.sendDue(10)).isEqualTo(1);

        FakeNotify.Stored lostOne = fake.letters().stream().filter(l -> l.reference().equals("letter-" + lost.id()))
                .findFirst().orElseThrow();
        assertThat(rows(id).get(0)).satisfies(r -> {
            assertThat(r.status()).isEqualTo("SENT");
            assertThat(r.providerRef()).isEqualTo(lostOne.id());
        });
        clock.advance(Duration.ofMinutes(10));
        assertThat(letters.sendDue(10)).isZero();
        assertThat(fake.sends()).isEqualTo(2);
        assertThat(fake.letters()).hasSize(2);

        // Callbacks, each twice; a later failure cannot undo a letter Notify has posted.
        assertThat(callback("letter-" + sent.id(), posted.id(), "received")).isEqualTo(204);
        assertThat(callback("letter-" + sent.id(), posted.id(), "received")).isEqualTo(204);
        assertThat(callback("letter-" + sent.id(), posted.id(), "technical-failure")).isEqualTo(204);
        assertThat(callback(null, lostOne.id(), "validation-failed")).isEqualTo(204);
        assertThat(callback(null, lostOne.id(), "validation-failed")).isEqualTo(204);
        List<Row> after = rows(id);
        assertThat(after.get(1).status()).isEqualTo("DELIVERED");
        assertThat(after.get(0).status()).isEqualTo("REFUSED");
        assertThat(after.get(0).reason()).contains("specification");
        assertThat(print(id)).isEqualTo(404);
    }

    @Test
    void aPatientWhoOptedOutAfterTheLaunchIsNotPostedAndTheLetterIsCancelled() throws Exception {
        long id = launch();
        List<Row> launched = rows(id);
        String nhs;
        try (Connection c = Database.raw(dataSource).getConnection(); var ps = c.prepareStatement(
                "SELECT p.nhs_number FROM letter l JOIN patient p ON p.id = l.patient_id WHERE l.id = ?")) {
            ps.setLong(1, launched.get(0).id());
            try (var rs = ps.executeQuery()) {
                rs.next();
                nhs = rs.getString(1);
            }
        }
        http.exchange(HttpRequest.POST("/api/patients/" + nhs + "/opt-out",
                Map.of("reason", "wrote to the practice: no more contact")).bearerAuth(ccc), Map.class);

        assertThat(letters.sendDue(10)).isEqualTo(2);

        assertThat(fake.letters()).singleElement()
                .satisfies(l -> assertThat(l.reference()).isEqualTo("letter-" + launched.get(1).id()));
        List<Row> after = rows(id);
        assertThat(after.get(0).status()).isEqualTo("CANCELLED");
        assertThat(after.get(0).reason()).isEqualTo("opted out");
        assertThat(after.get(1).status()).isEqualTo("SENT");
        // Cancelled is final: nothing claims it again.
        clock.advance(Duration.ofMinutes(10));
        assertThat(letters.sendDue(10)).isZero();
        assertThat(fake.sends()).isEqualTo(1);
    }

    /**
     * An instance that dies after committing a letter's attempt and before its request reached Notify leaves a letter
     * whose outcome is unknown; the next claim asks Notify, which has none, so the letter is a first send again, and
     * meets the last check as one: the patient who opted out in between is not posted it.
     */
    @Test
    void aLetterWhoseAttemptNeverReachedNotifyMeetsTheLastCheckBeforeItGoes() throws Exception {
        long id = launch();
        List<Row> launched = rows(id);
        Row interrupted = launched.get(0);
        // What the crash leaves: the attempt committed, its lease over, nothing at Notify.
        sql("UPDATE letter SET attempted_at = TIMESTAMPTZ '2026-03-02 08:55Z', attempts = 1 WHERE id = " + interrupted.id());
        String nhs;
        try (Connection c = Database.raw(dataSource).getConnection(); var ps = c.prepareStatement(
                "SELECT p.nhs_number FROM letter l JOIN patient p ON p.id = l.patient_id WHERE l.id = ?")) {
            ps.setLong(1, interrupted.id());
            try (var rs = ps.executeQuery()) {
                rs.next();
                nhs = rs.getString(1);
            }
        }
        http.exchange(HttpRequest.POST("/api/patients/" + nhs + "/opt-out", Map.of("reason", "phoned the practice"))
                .bearerAuth(ccc), Map.class);

        assertThat(letters.sendDue(10)).isEqualTo(2);

        assertThat(fake.letters()).singleElement()
                .satisfies(l -> assertThat(l.reference()).isEqualTo("letter-" + launched.get(1).id()));
        assertThat(rows(id).get(0)).satisfies(r -> {
            assertThat(r.status()).isEqualTo("CANCELLED");
            assertThat(r.reason()).isEqualTo("opted out");
        });
        clock.advance(Duration.ofMinutes(10));
        assertThat(letters.sendDue(10)).isZero();
        assertThat(fake.sends()).isEqualTo(1);
    }

    @Test
    void aLetterNotifyRefusesFailsAloneAndTheOthersGo() throws Exception {
        long id = launch();
        fake.scriptNext(FakeNotify.Reply.error(400, "ValidationError", "Letter content is not a valid PDF"));

        assertThat(letters.sendDue(10)).isEqualTo(2);

        List<Row> after = rows(id);
        assertThat(after.get(0).status()).isEqualTo("FAILED");
        assertThat(after.get(0).reason()).contains("not a valid PDF");
        assertThat(after.get(1).status()).isEqualTo("SENT");
        // The practice may print the one Notify refused, and only that one.
        assertThat(print(id)).isEqualTo(200);
        assertThat(rows(id).get(0).status()).isEqualTo("PRINTED");
        assertThat(rows(id).get(1).status()).isEqualTo("SENT");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"accepted,SENT", "received,DELIVERED", "cancelled,REFUSED", "validation-failed,REFUSED",
            "virus-scan-failed,REFUSED", "technical-failure,REFUSED", "permanent-failure,REFUSED"})
    void notifyLetterStatusesMapOntoOurs(String notify, LetterStatus ours) {
        assertThat(NotifyLetters.status(notify)).isEqualTo(ours);
    }

    int print(long id) {
        try {
            return http.exchange(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=1").bearerAuth(ccc),
                    byte[].class).code();
        } catch (HttpClientResponseException e) {
            return e.code();
        }
    }
}
