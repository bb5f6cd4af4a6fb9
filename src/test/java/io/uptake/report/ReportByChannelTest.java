package io.uptake.report;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.call.CallLists;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.NhsNumbers;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: the report by channel. A campaign whose first wave texts those with a mobile and writes to those without,
 * whose last wave puts non-responders on the call list, with a control arm in each: each channel's patients, reached
 * and converted against its own control, the whole campaign's totals over both kinds of patient, and the campaign's
 * counts agreeing with the report. Real import, launch, call list, conversion rule and database; the API, page and
 * CSV over HTTP. Texts' and letters' statuses are set as the dispatcher and the print run would leave them.
 */
@MicronautTest(transactional = false)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = "2026-03-02T09:00:00Z")
@Property(name = "uptake.session.idle-timeout", value = "3650d")
@Property(name = "micronaut.security.token.generator.access-token.expiration", value = "315360000")
class ReportByChannelTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TestClock clock;
    @Inject
    CallLists calls;

    BlockingHttpClient http;
    Api api;
    String admin, ccc, lead;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        clock.set(Instant.parse("2026-03-02T09:00:00Z"));
        http = client.toBlocking();
        api = new Api(http);
        admin = api.adminToken();
        post("practices", "practice_code,name,phone,pcn,address_line_1,town,postcode\n"
                + "Y00001,Moss Side Health Centre,0161 496 0001,North PCN,1 Moss Lane East,Manchester,M16 7AA\n");
        ccc = api.user("ccc.north", "CCC", "North PCN");
        lead = api.user("lead.north", "LEAD", "North PCN");
        StringBuilder csv = new StringBuilder("nhs_number,given_name,family_name,date_of_birth,sex,mobile,language,"
                + "ethnicity,practice_code,address_line_1,town,postcode\n");
        for (int i = 0; i < 12; i++) {
            csv.append(NhsNumbers.next()).append(",Tex").append(i).append(",Mobile,1970-01-01,M,")
                    .append(NhsNumbers.mobile(300 + i)).append(",en,Black African,Y00001,").append(i)
                    .append(" Oak Road,Manchester,M14 5AA\n");
        }
        for (int i = 0; i < 8; i++) {
            csv.append(NhsNumbers.next()).append(",Post").append(i).append(",Letter,1970-01-01,M,,en,Black African,Y00001,")
                    .append(20 + i).append(" Birch Road,Manchester,M14 5AB\n");
        }
        // No mobile and no address: left out at launch, in no channel's figures.
        csv.append(NhsNumbers.next()).append(",Nowhere,Unknown,1970-01-01,M,,en,Black African,Y00001,,,\n");
        post("patients", csv.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachChannelIsComparedWithItsOwnControlAndTheCampaignsCountsAgreeWithTheReport() throws Exception {
        Map<String, Object> request = new HashMap<>(Map.of("name", "PSA by every channel", "programme", "psa-eligible",
                "asOf", "2026-03-02", "controlFraction", 0.25,
                "reminders", List.of(Map.of("afterDays", 7), Map.of("afterDays", 14)),
                "waves", List.of(Map.of("channel", "AUTO"), Map.of("channel", "AUTO"), Map.of("channel", "CALL"))));
        HttpResponse<Map<String, Object>> created = http.exchange(HttpRequest.POST("/api/campaigns", request)
                .bearerAuth(ccc), Json.OBJECT);
        long id = ((Number) created.body().get("id")).longValue();
        sql("UPDATE campaign SET status = 'SENDING' WHERE id = " + id);

        List<Long> sms = patients("SELECT patient_id FROM recipient WHERE arm = 'TEXTED' AND campaign_id = " + id);
        List<Long> smsControl = patients("SELECT patient_id FROM recipient WHERE arm = 'CONTROL' AND campaign_id = " + id);
        List<Long> post = patients("SELECT patient_id FROM letter WHERE wave = 1 AND arm = 'LETTER' AND status = 'PENDING'"
                + " AND campaign_id = " + id);
        List<Long> postControl = patients("SELECT patient_id FROM letter WHERE wave = 1 AND arm = 'CONTROL' AND campaign_id = " + id);
        assertThat(List.of(sms.size(), smsControl.size(), post.size(), postControl.size())).containsExactly(9, 3, 6, 2);

        // Six invitations delivered by text, four letters printed for posting.
        sql("UPDATE message SET status = 'DELIVERED', sent_at = now(), segments = 1 WHERE wave = 1 AND patient_id IN ("
                + ids(sms.subList(0, 6)) + ")");
        sql("UPDATE letter SET status = 'PRINTED', provider = 'print' WHERE wave = 1 AND patient_id IN ("
                + ids(post.subList(0, 4)) + ")");
        // Tested before the call list's day (16 March): three texted, one text control, two written to.
        for (long p : List.of(sms.get(0), sms.get(1), sms.get(6), smsControl.get(0), post.get(0), post.get(5))) {
            event(p, "2026-03-05");
        }

        clock.set(Instant.parse("2026-03-16T09:01:00Z"));
        calls.listDue();
        List<Map<String, Object>> tasks = http.retrieve(HttpRequest.GET("/api/calls?show=all").bearerAuth(ccc), Json.OBJECTS);
        assertThat(tasks).as("the texted arm's six who have not had the test").hasSize(6);
        String[] outcomes = {"BOOKED", "DECLINED", "NO_ANSWER", "WRONG_NUMBER"};
        for (int i = 0; i < outcomes.length; i++) {
            http.retrieve(HttpRequest.POST("/api/calls/" + tasks.get(i).get("id") + "/outcome",
                    Map.of("outcome", outcomes[i])).bearerAuth(ccc), Json.OBJECT);
        }
        // The one who booked has the test after the call.
        event(patientOf(tasks.get(0)), "2026-03-20");

        Map<String, Object> report = http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/report").bearerAuth(lead),
                Json.OBJECT);
        Map<String, Map<String, Object>> channels = new LinkedHashMap<>();
        ((List<Map<String, Object>>) report.get("channels")).forEach(c -> channels.put((String) c.get("channel"), c));
        assertThat(channels.keySet()).containsExactly("SMS", "LETTER", "CALL");

        Map<String, Object> text = channels.get("SMS");
        assertThat(text).containsEntry("patients", 9).containsEntry("reached", 6).containsEntry("converted", 4);
        assertThat((Map<String, Object>) text.get("control")).containsEntry("patients", 3).containsEntry("converted", 1);
        assertUplift(text, 4.0 / 9 - 1.0 / 3);

        Map<String, Object> letter = channels.get("LETTER");
        assertThat(letter).containsEntry("patients", 6).containsEntry("reached", 4).containsEntry("converted", 2);
        assertThat((Map<String, Object>) letter.get("control")).containsEntry("patients", 2).containsEntry("converted", 0);
        assertUplift(letter, 2.0 / 6);

        // Not tested by 16 March: 6 texted + 4 written to, against 2 + 2 of the control arm; 2 calls answered.
        Map<String, Object> call = channels.get("CALL");
        assertThat(call).containsEntry("patients", 10).containsEntry("reached", 2).containsEntry("converted", 1);
        assertThat((Map<String, Object>) call.get("control")).containsEntry("patients", 4).containsEntry("converted", 0);
        assertUplift(call, 1.0 / 10);

        // The whole campaign: both kinds of patient, the uplift against the whole control arm.
        assertThat(report).containsEntry("recipients", 15).containsEntry("allRecipients", 20).containsEntry("converted", 6);
        assertThat((Map<String, Object>) report.get("control")).containsEntry("patients", 5).containsEntry("converted", 1);
        assertThat(((Number) ((Map<String, Object>) report.get("uplift")).get("difference")).doubleValue())
                .isCloseTo(6.0 / 15 - 1.0 / 5, org.assertj.core.data.Offset.offset(1e-9));

        // The texts' cost over the texted patients' conversions (4), not the whole campaign's (6).
        java.math.BigDecimal cost = new java.math.BigDecimal(String.valueOf(report.get("cost")));
        assertThat(new java.math.BigDecimal(String.valueOf(report.get("costPerConversion"))))
                .isEqualByComparingTo(cost.divide(java.math.BigDecimal.valueOf(4), 2, java.math.RoundingMode.HALF_UP));

        Map<String, Object> counts = (Map<String, Object>) http.retrieve(HttpRequest.GET("/api/campaigns/" + id)
                .bearerAuth(ccc), Json.OBJECT).get("counts");
        assertThat(counts).containsEntry("recipients", 20).containsEntry("control", 5).containsEntry("converted", 6)
                .containsEntry("controlConverted", 1).containsEntry("byPost", 6).containsEntry("byPostControl", 2);

        String page = http.retrieve(HttpRequest.GET("/ui/campaigns/" + id + "/report").bearerAuth(lead)
                .accept(MediaType.TEXT_HTML));
        assertThat(page).contains("id=\"channel-letter\"").contains("Letter (no mobile: post only)")
                .contains("Call (not tested by the call list&#39;s day)");

        List<CSVRecord> rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/report.csv")
                        .bearerAuth(lead)))).getRecords();
        CSVRecord letterRow = rows.stream().filter(r -> r.get("Group").equals("Letter (no mobile: post only): written to"))
                .findFirst().orElseThrow();
        assertThat(List.of(letterRow.get("Breakdown"), letterRow.get("Patients"), letterRow.get("Converted"),
                letterRow.get("Reached"))).containsExactly("Channel", "6", "2", "4");
        assertThat(rows).anyMatch(r -> r.get("Breakdown").equals("Channel uplift")
                && r.get("Group").startsWith("Call") && r.get("Conversion rate %").equals("10.0"));

        String patients = http.retrieve(HttpRequest.GET("/api/campaigns/" + id + "/recipients.csv").bearerAuth(ccc));
        assertThat(patients.lines().skip(1).filter(l -> l.contains(",LETTER,"))).hasSize(8);
    }

    private static void assertUplift(Map<String, Object> channel, double expected) {
        @SuppressWarnings("unchecked")
        Map<String, Object> uplift = (Map<String, Object>) channel.get("uplift");
        assertThat(((Number) uplift.get("difference")).doubleValue()).isCloseTo(expected,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat((List<?>) uplift.get("ci95")).hasSize(2);
    }

    private void post(String kind, String csv) {
        http.exchange(Api.csv(HttpRequest.POST("/api/imports/" + kind, csv.getBytes(StandardCharsets.UTF_8)))
                .bearerAuth(admin), Map.class);
    }

    private void event(long patientId, String date) {
        sql("INSERT INTO event (patient_id, event_date, event_type, imported_at) VALUES (" + patientId + ", DATE '"
                + date + "', 'PSA_TEST', now())");
    }

    private long patientOf(Map<String, Object> task) {
        return patients("SELECT id FROM patient WHERE nhs_number = '" + task.get("nhsNumber") + "'").get(0);
    }

    private static String ids(List<Long> ids) {
        return String.join(",", ids.stream().map(String::valueOf).toList());
    }

    private void sql(String statement) {
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            st.executeUpdate(statement);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private List<Long> patients(String query) {
        List<Long> out = new ArrayList<>();
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement();
             var rs = st.executeQuery(query + " ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
