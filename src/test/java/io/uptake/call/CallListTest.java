package io.uptake.call;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
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
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A CALL wave's call list (issue 14): made once when the wave falls due, for the texted arm's recipients who have
 * not converted, are not opted out and are alive; spread over working days; worked by the PCN's CCC only, each
 * outcome audited. Real import, cohort SQL, conversion rule and database; the API and the page over HTTP.
 */
@MicronautTest(transactional = false)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = "2026-03-02T09:00:00Z")
@Property(name = "uptake.session.idle-timeout", value = "3650d")
@Property(name = "micronaut.security.token.generator.access-token.expiration", value = "315360000")
@Property(name = "uptake.calls.per-day", value = "3")
class CallListTest {
    /** Wave 3 of a campaign started Monday 2 March: 28 days after, Monday 30 March. */
    static final Instant WAVE_3_DUE = Instant.parse("2026-03-30T08:00:00Z");

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TestClock clock;
    @Inject
    CallLists lists;

    BlockingHttpClient http;
    Api api;
    String admin, ccc, lead, southCcc;
    List<String> texted = new ArrayList<>();
    String converted, optedOut, deceased, postOnly;

    @BeforeEach
    void setUp() throws Exception {
        Database.reset(dataSource);
        clock.set(Instant.parse("2026-03-02T09:00:00Z"));
        http = client.toBlocking();
        api = new Api(http);
        admin = api.adminToken();
        post("practices", "practice_code,name,phone,pcn\n"
                + "Y00001,Moss Side Health Centre,0161 496 0001,North PCN\n"
                + "Y00003,Gorton Medical Practice,0161 496 0003,South PCN\n");
        ccc = api.user("ccc.north", "CCC", "North PCN");
        lead = api.user("lead.north", "LEAD", "North PCN");
        southCcc = api.user("ccc.south", "CCC", "South PCN");
        StringBuilder csv = new StringBuilder(
                "nhs_number,given_name,family_name,date_of_birth,sex,mobile,language,ethnicity,practice_code\n");
        for (int i = 0; i < 10; i++) {
            String nhs = NhsNumbers.next();
            texted.add(nhs);
            csv.append(nhs).append(",Cal").append(i).append(",Patient,1970-01-01,M,").append(NhsNumbers.mobile(700 + i))
                    .append(i == 0 ? ",ur" : ",en").append(",Black African,Y00001\n");
        }
        postOnly = NhsNumbers.next();
        csv.append(postOnly).append(",Post,Only,1970-01-01,M,,en,Black African,Y00001\n");
        post("patients", csv.toString());
        converted = texted.get(1);
        optedOut = texted.get(2);
        deceased = texted.get(3);
    }

    void post(String kind, String csv) {
        http.exchange(Api.csv(HttpRequest.POST("/api/imports/" + kind, csv.getBytes(StandardCharsets.UTF_8)))
                .bearerAuth(admin), Map.class);
    }

    long launch(String lastChannel) {
        Map<String, Object> request = new HashMap<>(Map.of("name", "PSA with calls", "programme", "psa-eligible",
                "asOf", "2026-03-02", "controlFraction", 0,
                "reminders", List.of(Map.of("afterDays", 14), Map.of("afterDays", 28)),
                "waves", List.of(Map.of("channel", "SMS"), Map.of("channel", "SMS"), Map.of("channel", lastChannel))));
        HttpResponse<Map<String, Object>> created = http.exchange(HttpRequest.POST("/api/campaigns", request).bearerAuth(ccc), Json.OBJECT);
        long id = ((Number) created.body().get("id")).longValue();
        sql("UPDATE campaign SET status = 'SENDING' WHERE id = " + id);
        return id;
    }

    void sql(String statement) {
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            st.executeUpdate(statement);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    long count(String query) {
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement();
             var rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** One converted (a PSA test after the texts), one opted out by phone, one died: none of them is called. */
    void lifeHappens() {
        sql("INSERT INTO event (patient_id, event_date, event_type, imported_at) SELECT id, DATE '2026-03-10', 'PSA_TEST', now()"
                + " FROM patient WHERE nhs_number = '" + converted + "'");
        sql("INSERT INTO event (patient_id, event_date, event_type, imported_at) SELECT id, DATE '2026-03-12', 'DECEASED', now()"
                + " FROM patient WHERE nhs_number = '" + deceased + "'");
        http.exchange(HttpRequest.POST("/api/patients/" + optedOut + "/opt-out", Map.of("reason", "asked on the phone"))
                .bearerAuth(ccc), Json.OBJECT);
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> calls(String show) {
        return http.retrieve(HttpRequest.GET("/api/calls?show=" + show)
                .bearerAuth(ccc), Json.OBJECTS);
    }

    @Test
    void aDueCallWaveListsTheNonRespondersOnceOldestFirstOverWorkingDays() throws Exception {
        long id = launch("CALL");
        lifeHappens();
        // Not due yet: nothing.
        clock.set(WAVE_3_DUE.minusSeconds(60));
        assertThat(lists.listDue()).isZero();

        clock.set(WAVE_3_DUE.plusSeconds(60));
        // Two instances at once, then a retry: each patient's task is made once.
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return lists.listDue();
            }));
        }
        go.countDown();
        int made = runs.stream().mapToInt(CompletableFuture::join).sum();
        assertThat(made).isEqualTo(7);
        assertThat(lists.listDue()).isZero();
        sql("UPDATE campaign_wave SET calls_listed_at = NULL WHERE campaign_id = " + id); // a crash before the mark
        assertThat(lists.listDue()).isZero();
        assertThat(count("SELECT count(*) FROM call_task WHERE campaign_id = " + id)).isEqualTo(7);
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'CALL_LIST_MADE'")).isGreaterThanOrEqualTo(1);

        // Three a day from Monday 30 March: 3 due today, the rest on Tuesday and Wednesday.
        List<Map<String, Object>> today = calls("open");
        assertThat(today).hasSize(3);
        assertThat(calls("upcoming")).extracting(t -> t.get("dueOn")).containsExactly("2026-03-31", "2026-03-31",
                "2026-03-31", "2026-04-01");
        List<String> listed = new ArrayList<>();
        calls("all").forEach(t -> listed.add((String) t.get("nhsNumber")));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(texted.stream()
                .filter(n -> !List.of(converted, optedOut, deceased).contains(n)).toList())
                .doesNotContain(postOnly);
        Map<String, Object> first = today.get(0);
        assertThat(first).containsKeys("patientName", "nhsNumber", "phone", "practiceName", "language", "replies");
        assertThat(first.get("practiceName")).isEqualTo("Moss Side Health Centre");
        assertThat((String) first.get("phone")).startsWith("+447700900");
    }

    /** A campaign with the waves' channels given, launched and sending. */
    long launch(double controlFraction, String... channels) {
        Map<String, Object> request = new HashMap<>(Map.of("name", "PSA by post and phone", "programme", "psa-eligible",
                "asOf", "2026-03-02", "controlFraction", controlFraction,
                "reminders", List.of(Map.of("afterDays", 14), Map.of("afterDays", 28)),
                "waves", java.util.Arrays.stream(channels).map(c -> Map.of("channel", c)).toList()));
        HttpResponse<Map<String, Object>> created = http.exchange(HttpRequest.POST("/api/campaigns", request).bearerAuth(ccc), Json.OBJECT);
        long id = ((Number) created.body().get("id")).longValue();
        sql("UPDATE campaign SET status = 'SENDING' WHERE id = " + id);
        return id;
    }

    /** Patients no text can reach (no mobile) with an address, so the campaign writes to them; each with the telephone given. */
    void importWrittenTo(Map<String, String> telephoneByNhs, Map<String, String> mobileByNhs) {
        post("practices", "practice_code,name,phone,pcn,address_line_1,town,postcode\n"
                + "Y00001,Moss Side Health Centre,0161 496 0001,North PCN,1 Moss Lane East,Manchester,M16 7AA\n");
        StringBuilder csv = new StringBuilder("nhs_number,given_name,family_name,date_of_birth,sex,mobile,telephone,"
                + "language,ethnicity,practice_code,address_line_1,town,postcode\n");
        int i = 0;
        for (Map.Entry<String, String> p : telephoneByNhs.entrySet()) {
            csv.append(p.getKey()).append(",Wrote").append(i).append(",Letter,1970-01-01,M,")
                    .append(mobileByNhs.getOrDefault(p.getKey(), "")).append(',').append(p.getValue())
                    .append(",en,Black African,Y00001,").append(10 + i++).append(" Birch Road,Manchester,M14 5AB\n");
        }
        post("patients", csv.toString());
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> task(String nhs) {
        return calls("all").stream().filter(t -> t.get("nhsNumber").equals(nhs)).findFirst()
                .orElseThrow(() -> new AssertionError("no call task for " + nhs));
    }

    /**
     * Issue 14: a CALL wave lists the patients the campaign wrote to (reachable only by post) as well as the texted,
     * on their telephone (or a landline exported as their mobile), with their letters; not those who had the test,
     * opted out or have no number at all, whose wave row says why in words. A telephone imported after the launch
     * counts: the call list reads the record when the wave falls due. Each is listed once, and their call outcome
     * goes to the GP record's entries like any other.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aCallWaveListsThePatientsWrittenToOnTheirTelephoneWithTheirLetters() {
        String landline = NhsNumbers.next(), inMobile = NhsNumbers.next(), tested = NhsNumbers.next(),
                stopped = NhsNumbers.next(), noNumber = NhsNumbers.next(), late = NhsNumbers.next();
        Map<String, String> phones = new java.util.LinkedHashMap<>();
        phones.put(landline, "0161 496 0101");
        phones.put(inMobile, "");
        phones.put(tested, "0161 496 0103");
        phones.put(stopped, "0161 496 0104");
        phones.put(noNumber, "");
        phones.put(late, "");
        importWrittenTo(phones, Map.of(inMobile, "0161 496 0102"));
        long id = launch(0, "AUTO", "AUTO", "CALL");
        // At launch, wave 3 has a row only for those it cannot call, with the reason.
        assertThat(count("SELECT count(*) FROM letter WHERE campaign_id = " + id + " AND wave = 3")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM letter WHERE campaign_id = " + id
                + " AND wave = 3 AND status = 'EXCLUDED' AND reason = 'call-wave-no-phone'")).isEqualTo(3);
        // The invitations are printed; then one patient has the test, one opts out, one's telephone arrives.
        http.exchange(HttpRequest.GET("/api/campaigns/" + id + "/letters.pdf?wave=1").bearerAuth(ccc), byte[].class);
        sql("INSERT INTO event (patient_id, event_date, event_type, imported_at) SELECT id, DATE '2026-03-10', 'PSA_TEST', now()"
                + " FROM patient WHERE nhs_number = '" + tested + "'");
        http.exchange(HttpRequest.POST("/api/patients/" + stopped + "/opt-out", Map.of("reason", "by letter"))
                .bearerAuth(ccc), Json.OBJECT);
        post("patients", "nhs_number,given_name,family_name,date_of_birth,sex,language,ethnicity,practice_code,"
                + "address_line_1,town,postcode,home_phone\n"
                + late + ",Wrote5,Letter,1970-01-01,M,en,Black African,Y00001,15 Birch Road,Manchester,M14 5AB,0161 496 0106\n");

        clock.set(WAVE_3_DUE.plusSeconds(60));
        assertThat(lists.listDue()).isEqualTo(10 + 3);
        sql("UPDATE campaign_wave SET calls_listed_at = NULL WHERE campaign_id = " + id); // a crash before the mark
        assertThat(lists.listDue()).isZero();
        assertThat(count("SELECT count(*) FROM call_task WHERE campaign_id = " + id + " AND invited_by = 'LETTER'"
                + " AND recipient_id IS NULL")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'CALL_LIST_MADE'"
                + " AND detail LIKE '13 call tasks for wave 3 (3 of patients written to, not texted)%'")).isEqualTo(1);

        List<String> listed = calls("all").stream().map(t -> (String) t.get("nhsNumber")).toList();
        assertThat(listed).contains(landline, inMobile, late).doesNotContain(tested, stopped, noNumber, postOnly);
        Map<String, Object> written = task(landline);
        assertThat(written).containsEntry("phone", "+441614960101").containsEntry("invitedBy", "LETTER")
                .containsEntry("landline", true).containsEntry("replies", List.of());
        List<Map<String, Object>> letters = Json.objects(written.get("letters"));
        assertThat(letters).extracting(l -> l.get("wave") + " " + l.get("status"))
                .containsExactly("1 PRINTED", "2 PENDING");
        assertThat(letters.get(0).get("sentAt")).isNotNull();
        assertThat(letters.get(1).get("sentAt")).isNull();
        assertThat(task(inMobile)).containsEntry("phone", "+441614960102").containsEntry("invitedBy", "LETTER");
        assertThat(task(late)).containsEntry("phone", "+441614960106");
        // A texted patient keeps the number texted and their replies; no letters were written to them.
        Map<String, Object> textedTask = task(texted.get(4));
        assertThat(textedTask).containsEntry("invitedBy", "SMS").containsEntry("landline", false)
                .containsEntry("letters", List.of());

        String page = http.retrieve(HttpRequest.GET("/ui/calls?show=all").bearerAuth(ccc).accept(MediaType.TEXT_HTML_TYPE), String.class);
        assertThat(page).contains("0161 496 0101").contains("Phone (landline)").contains("Letter (no mobile to text)")
                .contains("Letters in this campaign").contains("Printed by the practice for posting, 2 March 2026")
                .contains("Reminder 1").contains("Not sent yet")
                .contains("Ask for the patient by name, and say why you are calling only to them.");

        // The campaign's messages: the late telephone's wave-3 row is its call; the patient with no number keeps
        // the letter row that says, in words on the page, why nobody will call.
        Map<String, Object> messages = http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/messages?size=500")
                .bearerAuth(ccc), Json.OBJECT);
        List<Map<String, Object>> wave3 = Json.objects(messages.get("messages")).stream()
                .filter(m -> ((Number) m.get("wave")).intValue() == 3).toList();
        assertThat(wave3).filteredOn(m -> m.get("nhsNumber").equals(late)).extracting(m -> m.get("channel"))
                .containsExactly("CALL");
        assertThat(wave3).filteredOn(m -> m.get("nhsNumber").equals(noNumber))
                .extracting(m -> m.get("channel") + " " + m.get("reason")).containsExactly("LETTER call-wave-no-phone");
        assertThat(((Number) messages.get("total")).intValue()).isEqualTo(Json.objects(messages.get("messages")).size());
        String campaignPage = http.retrieve(HttpRequest.GET("/ui/campaigns/" + id).bearerAuth(ccc)
                .accept(MediaType.TEXT_HTML_TYPE), String.class);
        assertThat(campaignPage).contains("Not on the call list: no phone number on the record").contains("0161 496 0106");

        // The patient's page, linked from the messages, has the number to call.
        assertThat(http.retrieve(HttpRequest.GET("/ui/inbox/patients/" + written.get("patientId")).bearerAuth(ccc)
                .accept(MediaType.TEXT_HTML_TYPE), String.class)).contains("Telephone (to call)").contains("0161 496 0101");

        // Worked like any call: the outcome is recorded, and the report and GP-record entries read it by patient.
        long taskId = ((Number) written.get("id")).longValue();
        assertThat(http.retrieve(HttpRequest.POST("/api/calls/" + taskId + "/outcome", Map.of("outcome", "BOOKED"))
                .bearerAuth(ccc), Json.OBJECT)).containsEntry("status", "DONE");
        assertThat(count("SELECT count(*) FROM call_task t JOIN patient p ON p.id = t.patient_id WHERE t.campaign_id = "
                + id + " AND p.nhs_number = '" + landline + "' AND t.outcome = 'BOOKED' AND t.tries = 1")).isEqualTo(1);
    }

    /** The letters' control arm is held back from every channel: none of it is called, whatever its telephone. */
    @Test
    void theLettersControlArmIsNeverCalled() {
        Map<String, String> phones = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            phones.put(NhsNumbers.next(), "0161 496 02" + (10 + i));
        }
        importWrittenTo(phones, Map.of());
        long id = launch(0.5, "AUTO", "SMS", "CALL");
        List<String> control = strings("SELECT DISTINCT p.nhs_number FROM letter l JOIN patient p ON p.id = l.patient_id"
                + " WHERE l.campaign_id = " + id + " AND l.arm = 'CONTROL'");
        assertThat(control).hasSize(3).isSubsetOf(phones.keySet());
        clock.set(WAVE_3_DUE.plusSeconds(60));
        lists.listDue();
        List<String> listed = calls("all").stream().map(t -> (String) t.get("nhsNumber")).toList();
        assertThat(listed).doesNotContainAnyElementsOf(control)
                .containsAll(phones.keySet().stream().filter(n -> !control.contains(n)).toList());
        assertThat(count("SELECT count(*) FROM call_task t JOIN recipient r ON r.id = t.recipient_id"
                + " WHERE r.arm = 'CONTROL'")).isZero();
    }

    List<String> strings(String query) {
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement();
             var rs = st.executeQuery(query)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1).strip());
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aWaveThatIsNotACallWaveListsNobody() {
        long id = launch("SMS");
        clock.set(WAVE_3_DUE.plusSeconds(60));
        assertThat(lists.listDue()).isZero();
        assertThat(count("SELECT count(*) FROM call_task")).isZero();
        // Nor does its report have a call section.
        assertThat(http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/report").bearerAuth(lead), Json.OBJECT)
                .get("calls")).isNull();
        // Its CSV still has every row as wide as the header (no choices, no calls: the columns stay, empty).
        String csv = http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/report.csv").bearerAuth(lead));
        try (var parser = org.apache.commons.csv.CSVParser.parse(csv,
                org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get())) {
            List<org.apache.commons.csv.CSVRecord> records = parser.getRecords();
            assertThat(records).isNotEmpty().allSatisfy(r -> assertThat(r.isConsistent()).as(r.toString()).isTrue());
            assertThat(records.get(0).get("Calls made")).isEmpty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aPausedOrCancelledCampaignListsNobody() {
        long id = launch("CALL");
        sql("UPDATE campaign SET status = 'PAUSED' WHERE id = " + id);
        clock.set(WAVE_3_DUE.plusSeconds(60));
        assertThat(lists.listDue()).isZero();
        sql("UPDATE campaign SET status = 'SENDING' WHERE id = " + id);
        assertThat(lists.listDue()).isEqualTo(10);
    }

    /**
     * Issue 14: call outcomes count in the report as contact attempts, each patient under their call's outcome, and
     * "declined" and "already screened elsewhere" in its breakdowns; a campaign without a call wave has none.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theReportCountsTheCallsAndTheirOutcomesByGroup() {
        long id = launch("CALL");
        clock.set(WAVE_3_DUE.plusSeconds(60));
        lists.listDue();
        List<Map<String, Object>> open = calls("all");
        assertThat(open).hasSize(10);
        String[] outcomes = {"BOOKED", "DECLINED", "DECLINED", "ALREADY_SCREENED", "WRONG_NUMBER", "NO_ANSWER"};
        for (int i = 0; i < outcomes.length; i++) {
            http.retrieve(HttpRequest.POST("/api/calls/" + open.get(i).get("id") + "/outcome",
                    Map.of("outcome", outcomes[i])).bearerAuth(ccc), Json.OBJECT);
        }
        // A second try for the one who did not answer: two contact attempts, one patient.
        http.retrieve(HttpRequest.POST("/api/calls/" + open.get(5).get("id") + "/outcome",
                Map.of("outcome", "NO_ANSWER")).bearerAuth(ccc), Json.OBJECT);

        Map<String, Object> report = http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/report").bearerAuth(lead),
                Json.OBJECT);
        Map<String, Object> calls = (Map<String, Object>) report.get("calls");
        assertThat(calls.get("listed")).isEqualTo(10);
        assertThat(calls.get("contactAttempts")).isEqualTo(7);
        assertThat((Map<String, Object>) calls.get("outcomes")).containsEntry("BOOKED", 1).containsEntry("DECLINED", 2)
                .containsEntry("ALREADY_SCREENED", 1).containsEntry("WRONG_NUMBER", 1).containsEntry("NO_ANSWER", 1)
                .containsEntry("NOT_CALLED", 4);
        List<Map<String, Object>> byPractice = Json.objects(((Map<String, Object>) calls.get("breakdowns")).get("practice"));
        assertThat(byPractice).singleElement().satisfies(g -> assertThat((Map<String, Object>) g.get("patients"))
                .containsEntry("DECLINED", 2).containsEntry("ALREADY_SCREENED", 1).hasSize(2));
        // Declines on the phone are not opt-outs.
        assertThat(report.get("optedOut")).isEqualTo(0);
        String page = http.retrieve(HttpRequest.GET("/ui/campaigns/" + id + "/report").bearerAuth(lead)
                .accept(io.micronaut.http.MediaType.TEXT_HTML_TYPE));
        assertThat(page).contains("id=\"calls\"").contains("7 calls were made");

        // The report CSV: calls made on the texted arm's total, declines and "screened elsewhere" per group too.
        String csv = http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/report.csv").bearerAuth(lead));
        try (var parser = org.apache.commons.csv.CSVParser.parse(csv,
                org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get())) {
            List<org.apache.commons.csv.CSVRecord> records = parser.getRecords();
            org.apache.commons.csv.CSVRecord total = records.stream()
                    .filter(r -> r.get("Breakdown").equals("Total") && r.get("Group").equals("Texted")).findFirst().orElseThrow();
            assertThat(total.get("Calls made")).isEqualTo("7");
            assertThat(total.get("Declined on a call")).isEqualTo("2");
            assertThat(total.get("Screened elsewhere (on a call)")).isEqualTo("1");
            org.apache.commons.csv.CSVRecord practice = records.stream()
                    .filter(r -> r.get("Breakdown").equals("Practice")).findFirst().orElseThrow();
            assertThat(practice.get("Calls made")).isEmpty();
            assertThat(practice.get("Declined on a call")).isEqualTo("2");
            assertThat(practice.get("Screened elsewhere (on a call)")).isEqualTo("1");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void outcomesAreRecordedAuditedAndOnlyByThePcnsCcc() {
        launch("CALL");
        clock.set(WAVE_3_DUE.plusSeconds(60));
        lists.listDue();
        long task = ((Number) calls("open").get(0).get("id")).longValue();
        String path = "/api/calls/" + task + "/outcome";

        Map<String, Object> afterNoAnswer = http.retrieve(HttpRequest.POST(path, Map.of("outcome", "NO_ANSWER"))
                .bearerAuth(ccc), Json.OBJECT);
        assertThat(afterNoAnswer).containsEntry("status", "OPEN").containsEntry("tries", 1).containsEntry("outcome", "NO_ANSWER");
        http.retrieve(HttpRequest.POST(path, Map.of("outcome", "no answer")).bearerAuth(ccc), Json.OBJECT);
        Map<String, Object> booked = http.retrieve(HttpRequest.POST(path, Map.of("outcome", "BOOKED", "note", "Thursday 10am"))
                .bearerAuth(ccc), Json.OBJECT);
        assertThat(booked).containsEntry("status", "DONE").containsEntry("tries", 3).containsEntry("note", "Thursday 10am");
        assertThat(calls("open")).extracting(t -> t.get("id")).doesNotContain((int) task, task);

        assertThatThrownBy(() -> http.exchange(HttpRequest.POST(path, Map.of("outcome", "DECLINED")).bearerAuth(ccc), Json.OBJECT))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(409);
                    assertThat(e.getResponse().getBody(String.class).orElse("")).contains("already done (Booked)");
                });
        long other = ((Number) calls("open").get(0).get("id")).longValue();
        assertThatThrownBy(() -> http.exchange(HttpRequest.POST("/api/calls/" + other + "/outcome", Map.of("outcome", "maybe"))
                .bearerAuth(ccc), Json.OBJECT))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(400);
                    String body = e.getResponse().getBody(String.class).orElse("");
                    assertThat(body).contains("\"field\":\"outcome\"").contains("BOOKED").contains("not 'maybe'");
                });
        assertThatThrownBy(() -> http.exchange(HttpRequest.POST("/api/calls/" + other + "/outcome",
                Map.of("outcome", "DECLINED", "note", "x".repeat(501))).bearerAuth(ccc), Json.OBJECT))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e ->
                        assertThat(e.getResponse().getBody(String.class).orElse("")).contains("\"field\":\"note\""));
        // Another PCN's CCC: not found; a LEAD and an ADMIN: refused.
        assertThatThrownBy(() -> http.exchange(HttpRequest.POST("/api/calls/" + other + "/outcome", Map.of("outcome", "DECLINED"))
                .bearerAuth(southCcc), Json.OBJECT))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(404));
        assertThat(http.retrieve(HttpRequest.GET("/api/calls").bearerAuth(southCcc), Json.OBJECTS)).isEmpty();
        for (String refused : List.of(lead, admin)) {
            assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/calls").bearerAuth(refused), Json.OBJECTS))
                    .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(403));
        }
        Map<String, Object> counts = http.retrieve(HttpRequest.GET("/api/calls/counts").bearerAuth(lead), Json.OBJECT);
        assertThat(counts).containsEntry("booked", 1).containsEntry("tries", 3).containsEntry("open", 9);
        assertThat(counts.toString()).doesNotContain("nhsNumber");

        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'CALL_OUTCOME' AND target = 'call:" + task + "'")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM call_attempt WHERE task_id = " + task)).isEqualTo(3);
    }

    @Test
    void aPatientRegisteredWithAnotherPcnsPracticeIsNeitherListedNorCalled() {
        long id = launch("CALL");
        String before = texted.get(4);
        sql("UPDATE patient SET practice_code = 'Y00003' WHERE nhs_number = '" + before + "'");
        clock.set(WAVE_3_DUE.plusSeconds(60));
        lists.listDue();
        assertThat(calls("all")).extracting(t -> t.get("nhsNumber")).doesNotContain(before);
        assertThat(count("SELECT count(*) FROM call_task WHERE campaign_id = " + id)).isEqualTo(9);

        Map<String, Object> after = calls("open").get(0);
        sql("UPDATE patient SET practice_code = 'Y00003' WHERE id = " + after.get("patientId"));
        assertThat(calls("open")).extracting(t -> t.get("id")).doesNotContain(after.get("id"));
        assertThat(calls("all")).filteredOn(t -> t.get("id").equals(after.get("id")))
                .extracting(t -> t.get("doNotCall")).containsExactly("moved");
        assertThatThrownBy(() -> http.exchange(HttpRequest.POST("/api/calls/" + after.get("id") + "/outcome",
                Map.of("outcome", "NO_ANSWER")).bearerAuth(ccc), Json.OBJECT))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        e -> assertThat(e.getResponse().getBody(String.class).orElse(""))
                                .contains("registered with another PCN's practice"));
    }

    @Test
    void aPatientWhoOptsOutOrDiesAfterTheListIsMadeIsNotCalled() {
        launch("CALL");
        clock.set(WAVE_3_DUE.plusSeconds(60));
        assertThat(lists.listDue()).isEqualTo(10);
        Map<String, Object> optingOut = calls("open").get(0);
        long task = ((Number) optingOut.get("id")).longValue();
        http.exchange(HttpRequest.POST("/api/patients/" + optingOut.get("nhsNumber") + "/opt-out", Map.of())
                .bearerAuth(ccc), Json.OBJECT);
        assertThat(calls("open")).extracting(t -> ((Number) t.get("id")).longValue()).doesNotContain(task);
        assertThat(calls("upcoming")).extracting(t -> ((Number) t.get("id")).longValue()).doesNotContain(task);
        assertThat(calls("all")).filteredOn(t -> ((Number) t.get("id")).longValue() == task)
                .extracting(t -> t.get("doNotCall")).containsExactly("opted out");
        assertThatThrownBy(() -> http.exchange(HttpRequest.POST("/api/calls/" + task + "/outcome",
                Map.of("outcome", "NO_ANSWER")).bearerAuth(ccc), Json.OBJECT))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(409);
                    assertThat(e.getResponse().getBody(String.class).orElse("")).contains("Do not call");
                });
        String page = http.retrieve(HttpRequest.GET("/ui/calls?show=all").bearerAuth(ccc).accept(MediaType.TEXT_HTML_TYPE), String.class);
        assertThat(page).contains("The patient has opted out since this call was listed.");

        Map<String, Object> dying = calls("open").get(0);
        sql("INSERT INTO event (patient_id, event_date, event_type, imported_at) VALUES (" + dying.get("patientId")
                + ", DATE '2026-03-29', 'DECEASED', now())");
        assertThat(calls("open")).extracting(t -> t.get("id")).doesNotContain(dying.get("id"));

        // A PSA test imported after the list was made: no call is needed any more.
        Map<String, Object> tested = calls("open").get(0);
        sql("INSERT INTO event (patient_id, event_date, event_type, imported_at) VALUES (" + tested.get("patientId")
                + ", DATE '2026-03-20', 'PSA_TEST', now())");
        assertThat(calls("open")).extracting(t -> t.get("id")).doesNotContain(tested.get("id"));
        assertThat(calls("all")).filteredOn(t -> t.get("id").equals(tested.get("id")))
                .extracting(t -> t.get("doNotCall")).containsExactly("converted");
        String afterTest = http.retrieve(HttpRequest.GET("/ui/calls?show=all").bearerAuth(ccc).accept(MediaType.TEXT_HTML_TYPE), String.class);
        assertThat(afterTest).contains("The patient has had the test since this call was listed: no call is needed.");
        assertThatThrownBy(() -> http.exchange(HttpRequest.POST("/api/calls/" + tested.get("id") + "/outcome",
                Map.of("outcome", "NO_ANSWER")).bearerAuth(ccc), Json.OBJECT))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e ->
                        assertThat(e.getResponse().getBody(String.class).orElse("")).contains("had the test"));
        // The campaign's messages list the calls beside the texts.
        Map<String, Object> listed = http.retrieve(HttpRequest.GET("/api/campaigns/" + tested.get("campaignId")
                + "/messages?size=500").bearerAuth(ccc), Json.OBJECT);
        assertThat(Json.objects(listed.get("messages"))).filteredOn(m -> "CALL".equals(m.get("channel"))).hasSize(10)
                .allSatisfy(m -> {
                    assertThat(m.get("status")).isEqualTo("TO_CALL");
                    assertThat(((Number) m.get("wave")).intValue()).isEqualTo(3);
                });
        // The counts' open calls are the ones still to make: 10 listed, 3 not to call any more.
        Map<String, Object> counts = http.retrieve(HttpRequest.GET("/api/calls/counts").bearerAuth(ccc), Json.OBJECT);
        assertThat(counts).containsEntry("open", 7).containsEntry("doNotCall", 3);
    }

    @Test
    void thePageShowsTheCallsWithTheirRepliesAndRecordsAnOutcome() {
        launch("CALL");
        sql("""
                INSERT INTO inbound_message (message_sid, from_number, to_number, body, received_at, patient_id, campaign_id,
                                             pcn_id, language, classification, inbox_status)
                SELECT 'SMreply1', p.mobile, '+447700900999', 'Who is this please?', TIMESTAMPTZ '2026-03-03 10:00Z', p.id,
                       r.campaign_id, pr.pcn_id, 'en', 'FREE_TEXT', 'DONE'
                FROM patient p JOIN recipient r ON r.patient_id = p.id JOIN practice pr ON pr.code = p.practice_code
                WHERE p.nhs_number = '%s'""".formatted(texted.get(0)));
        clock.set(WAVE_3_DUE.plusSeconds(60));
        lists.listDue();
        String page = http.retrieve(HttpRequest.GET("/ui/calls?show=all").bearerAuth(ccc).accept(MediaType.TEXT_HTML_TYPE), String.class);
        assertThat(page).contains("Call list").contains("Cal0 Patient").contains("Who is this please?")
                .contains("Already screened elsewhere").contains("Moss Side Health Centre").contains("id=\"nav-calls\"");
        long task = ((Number) calls("all").stream().filter(t -> t.get("nhsNumber").equals(texted.get(0))).findFirst()
                .orElseThrow().get("id")).longValue();
        String answer = http.retrieve(HttpRequest.POST("/ui/calls/" + task + "/outcome",
                        Map.of("outcome", "ALREADY_SCREENED", "note", "Private clinic in February"))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE).bearerAuth(ccc), String.class);
        assertThat(answer).contains("Recorded: Already screened elsewhere.").contains("Done");
        assertThat(count("SELECT count(*) FROM call_task WHERE id = " + task + " AND outcome = 'ALREADY_SCREENED'")).isEqualTo(1);
    }
}
