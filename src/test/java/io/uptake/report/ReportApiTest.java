package io.uptake.report;

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
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

@MicronautTest(transactional = false)
class ReportApiTest {
    static final LocalDate FIRST_TEXT = LocalDate.of(2025, 3, 3);

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    java.time.Clock clock;

    BlockingHttpClient http;
    Fixtures db;
    Api api;
    long north;
    String lead;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        db = new Fixtures(dataSource, clock);
        api = new Api(http);
        north = db.pcn("North PCN");
        db.practice("N10001", "Northside Surgery", north);
        db.practice("N10002", "Riverside Practice", north);
        lead = api.user("lead.north", "LEAD", "North PCN");
    }

    private String ccc;

    /** A CCC of North: the recipients CSV (patient-level) is theirs, not the lead's. */
    private String ccc() {
        if (ccc == null) {
            ccc = api.user("ccc.reports", "CCC", "North PCN");
        }
        return ccc;
    }

    @Test
    void conversionCountsFromTheFirstTextToTheLastDayOfTheWindowInclusive() {
        long campaign = db.campaign(north, "FIT March", "fit-non-returners", FIRST_TEXT, 28);
        Fixtures.Patient dayBefore = fitPatient();
        Fixtures.Patient onTheDay = fitPatient();
        Fixtures.Patient lastDay = fitPatient();
        Fixtures.Patient dayAfter = fitPatient();
        db.texted(campaign, dayBefore, FIRST_TEXT, "DELIVERED", 1);
        db.texted(campaign, onTheDay, FIRST_TEXT, "DELIVERED", 2);
        db.texted(campaign, lastDay, FIRST_TEXT, "FAILED", 1);
        db.texted(campaign, dayAfter, FIRST_TEXT, "UNDELIVERED", 1);
        db.event(dayBefore, FIRST_TEXT.minusDays(1), "FIT_KIT_RETURNED", null);
        db.event(onTheDay, FIRST_TEXT, "FIT_KIT_RETURNED", null);
        db.event(lastDay, FIRST_TEXT.plusDays(28), "FIT_RESULT", "4");
        db.event(dayAfter, FIRST_TEXT.plusDays(29), "FIT_KIT_RETURNED", null);
        db.optOut(dayBefore, FIRST_TEXT.plusDays(1).atTime(12, 0).atZone(Fixtures.LONDON).toInstant());

        Map<String, Object> report = report(campaign);
        assertThat(n(report, "recipients")).isEqualTo(4);
        assertThat(n(report, "converted")).isEqualTo(2);
        assertThat(d(report, "conversionRate")).isEqualTo(0.5);
        assertThat(n(report, "sent")).isEqualTo(4);
        assertThat(n(report, "delivered")).isEqualTo(2);
        assertThat(n(report, "failed")).isEqualTo(2);
        assertThat(n(report, "optedOut")).isEqualTo(1);
        assertThat(n(report, "segments")).isEqualTo(5);
        assertThat(d(report, "cost")).isEqualTo(0.20);
        assertThat(d(report, "costPerConversion")).isEqualTo(0.10);
        assertThat(n(report, "replied")).isZero();
        assertThat(n(report, "callRequests")).isZero();
        db.inbound(campaign, onTheDay, "CALL_REQUEST", "m1");
        db.inbound(campaign, onTheDay, "FREE_TEXT", "m2");
        db.inbound(campaign, lastDay, "OPT_OUT", "m3");
        Map<String, Object> withReplies = report(campaign);
        assertThat(n(withReplies, "replied")).as("patients who replied").isEqualTo(2);
        assertThat(n(withReplies, "callRequests")).isEqualTo(1);
        assertThat(report.get("control")).isNull();

        String csv = http.retrieve(HttpRequest.GET("/api/campaigns/" + campaign + "/recipients.csv").bearerAuth(ccc()));
        assertThat(line(csv, onTheDay.nhsNumber())).contains(",TEXTED,2025-03-03,").contains(",2025-03-03,0,");
        assertThat(line(csv, lastDay.nhsNumber())).contains(",2025-03-31,28,");
        assertThat(line(csv, dayBefore.nhsNumber())).contains(",true,,,");
        assertThat(line(csv, dayAfter.nhsNumber())).contains(",false,,,");
        assertThat(db.count("SELECT count(*) FROM audit_log WHERE action = 'RECIPIENTS_EXPORTED' AND target = ?",
                "campaign:" + campaign)).isEqualTo(1);
    }

    @Test
    void controlArmIsMeasuredFromTheDayItWouldHaveBeenTextedAndUpliftHasANewcombeInterval() {
        long campaign = db.campaign(north, "FIT with control", "fit-non-returners", FIRST_TEXT, 28);
        for (int i = 0; i < 10; i++) {
            Fixtures.Patient p = fitPatient();
            db.texted(campaign, p, FIRST_TEXT, "DELIVERED", 1);
            if (i < 6) {
                db.event(p, FIRST_TEXT.plusDays(i), "FIT_KIT_RETURNED", null);
            }
        }
        LocalDate wouldHaveBeen = FIRST_TEXT.plusDays(2);
        for (int i = 0; i < 10; i++) {
            Fixtures.Patient p = fitPatient();
            db.recipient(campaign, p, "CONTROL", wouldHaveBeen);
            if (i == 0) {
                db.event(p, wouldHaveBeen.minusDays(1), "FIT_KIT_RETURNED", null); // before: does not count
            } else if (i < 3) {
                db.event(p, wouldHaveBeen.plusDays(28), "FIT_RESULT", "3");      // last day: counts
            }
        }
        Map<String, Object> report = report(campaign);
        Map<String, Object> control = map(report, "control");
        assertThat(n(control, "patients")).isEqualTo(10);
        assertThat(n(report, "recipients")).as("the texted arm").isEqualTo(10);
        assertThat(n(report, "allRecipients")).as("both arms, as the campaign API counts them").isEqualTo(20);
        assertThat(n(control, "converted")).isEqualTo(2);
        assertThat(d(control, "conversionRate")).isEqualTo(0.2);
        Map<String, Object> uplift = map(report, "uplift");
        assertThat(d(uplift, "difference")).isCloseTo(0.4, within(1e-9));
        List<Double> expected = Proportions.newcombe(6, 10, 2, 10);
        assertThat(list(uplift, "ci95")).containsExactlyElementsOf(expected);
        // By hand: Wilson 6/10 = [0.3127, 0.8318], 2/10 = [0.0567, 0.5098];
        // low = 0.4 - sqrt(0.2873^2 + 0.3098^2) = -0.0225, high = 0.4 + sqrt(0.2318^2 + 0.1433^2) = 0.6725.
        assertThat(expected.get(0)).isCloseTo(-0.0225, within(0.0005));
        assertThat(expected.get(1)).isCloseTo(0.6725, within(0.0005));

        Map<String, Object> timeline = http.retrieve(HttpRequest.GET("/api/campaigns/" + campaign + "/report/timeline")
                .bearerAuth(lead), Json.OBJECT);
        List<Map<String, Object>> arms = Json.objects(timeline.get("arms"));
        assertThat(arms).extracting(a -> a.get("arm")).containsExactly("TEXTED", "CONTROL");
        List<Number> texted = Json.list(arms.get(0).get("cumulativeConverted"), Number.class);
        assertThat(texted).hasSize(29);
        assertThat(texted.get(0).intValue()).isEqualTo(1);
        assertThat(texted.get(5).intValue()).isEqualTo(6);
        List<Number> controlSeries = Json.list(arms.get(1).get("cumulativeConverted"), Number.class);
        assertThat(controlSeries.get(27).intValue()).isZero();
        assertThat(controlSeries.get(28).intValue()).isEqualTo(2);
    }

    @Test
    void aLateImportChangesTheReport() {
        long campaign = db.campaign(north, "Breast", "breast-non-attenders", FIRST_TEXT, 90);
        Fixtures.Patient woman = db.patient("N10001", LocalDate.of(1965, 5, 1), "F");
        db.texted(campaign, woman, FIRST_TEXT, "DELIVERED", 1);
        Map<String, Object> before = report(campaign);
        assertThat(n(before, "converted")).isZero();
        assertThat(before.get("abnormal")).as("breast has no abnormal-result threshold: not measured").isNull();

        // Imported months later, dated inside the window.
        db.event(woman, FIRST_TEXT.plusDays(45), "BREAST_SCREENING_ATTENDED", null);
        db.event(woman, FIRST_TEXT.plusDays(60), "URGENT_REFERRAL", "breast");
        Map<String, Object> after = report(campaign);
        assertThat(n(after, "converted")).isEqualTo(1);
        assertThat(n(after, "urgentReferrals")).isEqualTo(1);
    }

    @Test
    void aLateImportChangesTheBreakdownsAndTheOverviewAsWellAsTheTotals() {
        long campaign = db.campaign(north, "FIT late", "fit-non-returners", FIRST_TEXT, 90);
        Fixtures.Patient early = fitPatient();
        Fixtures.Patient late = db.patient("N10002", LocalDate.of(1960, 1, 1), "M", "pl", "WHITE", 9);
        db.texted(campaign, early, FIRST_TEXT, "DELIVERED", 1);
        db.texted(campaign, late, FIRST_TEXT, "DELIVERED", 1);
        db.event(early, FIRST_TEXT.plusDays(5), "FIT_RESULT", "3");
        Map<String, Object> before = report(campaign);
        assertThat(n(before, "converted")).isEqualTo(1);
        assertThat(group(before, "practice", "N10002")).containsEntry("converted", 0);
        assertThat(overviewRow(campaign)).containsEntry("converted", 1).containsEntry("abnormal", 0);

        // Imported after both reports were read, dated inside the window, abnormal (>= 10), then referred.
        db.event(late, FIRST_TEXT.plusDays(40), "FIT_RESULT", "15");
        db.event(late, FIRST_TEXT.plusDays(44), "URGENT_REFERRAL", "lower GI");
        db.event(late, FIRST_TEXT.plusDays(60), "CANCER_RULED_OUT", null);
        Map<String, Object> after = report(campaign);
        assertThat(n(after, "converted")).isEqualTo(2);
        assertThat(n(after, "abnormal")).isEqualTo(1);
        assertThat(n(after, "abnormalWithUrgentReferral")).isEqualTo(1);
        assertThat(n(after, "cancersRuledOut")).isEqualTo(1);
        assertThat(d(after, "medianDaysReferralToOutcome")).isEqualTo(16.0);
        assertThat(group(after, "practice", "N10002")).containsEntry("recipients", 1).containsEntry("converted", 1);
        assertThat(group(after, "language", "pl")).containsEntry("converted", 1);
        assertThat(group(after, "imdQuintile", "5")).containsEntry("converted", 1);
        assertThat(group(after, "sex", "M")).containsEntry("converted", 1);
        assertThat(overviewRow(campaign)).containsEntry("converted", 2).containsEntry("abnormal", 1)
                .containsEntry("urgentReferrals", 1);
    }

    @Test
    void anOptOutByTheNumberCountsForThePatientWithThatMobileUntilAnOptIn() {
        long campaign = db.campaign(north, "FIT opt-outs", "fit-non-returners", FIRST_TEXT, 28);
        Fixtures.Patient byPhone = fitPatient();
        Fixtures.Patient other = fitPatient();
        db.setMobile(byPhone, "+447700900555");
        db.texted(campaign, byPhone, FIRST_TEXT, "DELIVERED", 1);
        db.texted(campaign, other, FIRST_TEXT, "DELIVERED", 1);
        db.ledgerByPhone("+447700900555", "OPT_OUT", FIRST_TEXT.plusDays(2).atTime(10, 0).atZone(Fixtures.LONDON).toInstant());
        assertThat(n(report(campaign), "optedOut")).isEqualTo(1);
        db.ledgerByPhone("+447700900555", "OPT_IN", FIRST_TEXT.plusDays(3).atTime(10, 0).atZone(Fixtures.LONDON).toInstant());
        assertThat(n(report(campaign), "optedOut")).isZero();
    }

    @Test
    void psaResultsAreJudgedByTheThresholdOfTheAgeAtTheTestDate() {
        long campaign = db.campaign(north, "PSA", "psa-eligible", FIRST_TEXT, 90);
        LocalDate test = FIRST_TEXT.plusDays(10);
        Fixtures.Patient age55High = man(test.minusYears(55).minusDays(3));
        Fixtures.Patient age55AtThreshold = man(test.minusYears(55).minusDays(3));
        Fixtures.Patient age62Normal = man(test.minusYears(62));
        Fixtures.Patient age47High = man(test.minusYears(47));
        Fixtures.Patient age62High = man(test.minusYears(62));
        Fixtures.Patient age85 = man(test.minusYears(85));
        Fixtures.Patient sixtyThatDay = man(test.minusYears(60));
        Fixtures.Patient fiftyNine = man(test.minusYears(60).plusDays(1));
        for (Fixtures.Patient p : List.of(age55High, age55AtThreshold, age62Normal, age47High, age62High, age85,
                sixtyThatDay, fiftyNine)) {
            db.texted(campaign, p, FIRST_TEXT, "DELIVERED", 1);
        }
        db.event(age55High, test, "PSA_TEST", "3.6");          // 50-59: > 3.5
        db.event(age55AtThreshold, test, "PSA_TEST", "3.5");   // not above
        db.event(age62Normal, test, "PSA_TEST", "4.0");        // 60-69: > 4.5
        db.event(age47High, test, "PSA_TEST", "3.0");          // 40-49: > 2.5
        db.event(age62High, test, "PSA_TEST", "4.6");
        db.event(age85, test, "PSA_TEST", "10");               // 80+: clinical judgement, not classified
        db.event(sixtyThatDay, test, "PSA_TEST", "4.0");       // 60 on the test date: 4.5 applies
        db.event(fiftyNine, test, "PSA_TEST", "4.0");          // still 59: 3.5 applies
        db.event(age55High, test.plusDays(91), "URGENT_REFERRAL", "urology"); // outside the 90-day window
        db.event(age47High, test.plusDays(3), "URGENT_REFERRAL", "urology");
        db.event(age47High, test.plusDays(33), "CANCER_RULED_OUT", null);
        db.event(age62High, test.plusDays(5), "URGENT_REFERRAL", "urology");
        db.event(age62High, test.plusDays(25), "CANCER_DIAGNOSED", "prostate");

        Map<String, Object> report = report(campaign);
        assertThat(n(report, "converted")).isEqualTo(8);
        assertThat(n(report, "abnormal")).isEqualTo(4);
        assertThat(n(report, "abnormalWithUrgentReferral")).isEqualTo(2);
        assertThat(n(report, "urgentReferrals")).isEqualTo(2);
        assertThat(n(report, "cancersDiagnosed")).isEqualTo(1);
        assertThat(n(report, "cancersRuledOut")).isEqualTo(1);
        assertThat(d(report, "medianDaysReferralToOutcome")).isEqualTo(25.0);

        String csv = http.retrieve(HttpRequest.GET("/api/campaigns/" + campaign + "/recipients.csv").bearerAuth(ccc()));
        assertThat(line(csv, age62High.nhsNumber())).contains(",true,2025-03-18,urology,2025-04-07,prostate,,20");
        assertThat(line(csv, age85.nhsNumber())).contains(",10,,,,,,,");
        assertThat(line(csv, sixtyThatDay.nhsNumber())).contains(",false,");
        assertThat(line(csv, fiftyNine.nhsNumber())).contains(",true,");
    }

    @Test
    void fitResultIsAbnormalFromTenMicrogramsAndBreakdownsCarryIntervals() {
        long campaign = db.campaign(north, "FIT", "fit-non-returners", FIRST_TEXT, 28);
        Fixtures.Patient ten = db.patient("N10001", LocalDate.of(1960, 1, 1), "M", "ur", "ASIAN", 1);
        Fixtures.Patient below = db.patient("N10002", LocalDate.of(1960, 1, 1), "F", "en", "WHITE", 10);
        Fixtures.Patient returnedOnly = db.patient("N10002", LocalDate.of(1970, 1, 1), "F", "en", "WHITE", null);
        for (Fixtures.Patient p : List.of(ten, below, returnedOnly)) {
            db.texted(campaign, p, FIRST_TEXT, "DELIVERED", 1);
        }
        db.event(ten, FIRST_TEXT.plusDays(5), "FIT_KIT_RETURNED", null);
        db.event(ten, FIRST_TEXT.plusDays(9), "FIT_RESULT", "10");
        db.event(below, FIRST_TEXT.plusDays(5), "FIT_RESULT", "9.9");
        db.event(returnedOnly, FIRST_TEXT.plusDays(5), "FIT_KIT_RETURNED", null);
        Map<String, Object> report = report(campaign);
        assertThat(n(report, "converted")).isEqualTo(3);
        assertThat(n(report, "abnormal")).isEqualTo(1);

        Map<String, Object> breakdowns = map(report, "breakdowns");
        assertThat(breakdowns).containsOnlyKeys("language", "ethnicityGroup", "ageBand", "sex", "imdQuintile", "practice");
        List<Map<String, Object>> imd = Json.objects(breakdowns.get("imdQuintile"));
        assertThat(imd).extracting(g -> g.get("label")).containsExactly("1 (most deprived)", "5 (least deprived)", "Unknown");
        List<Map<String, Object>> practice = Json.objects(breakdowns.get("practice"));
        assertThat(practice).extracting(g -> g.get("label"))
                .containsExactly("Northside Surgery (N10001)", "Riverside Practice (N10002)");
        assertThat(practice.get(1)).containsEntry("recipients", 2).containsEntry("converted", 2);
        assertThat(list(practice.get(1), "ci95")).containsExactlyElementsOf(Proportions.wilson(2, 2));
        List<Map<String, Object>> age = Json.objects(breakdowns.get("ageBand"));
        assertThat(age).extracting(g -> g.get("label")).containsExactly("55-59", "65-69");
    }

    @Test
    void leadsAndCccsOfThePcnReadOtherPcnsGet404AndAdminSeesAll() {
        long campaign = db.campaign(north, "FIT", "fit-non-returners", FIRST_TEXT, 28);
        db.texted(campaign, fitPatient(), FIRST_TEXT, "DELIVERED", 1);
        long south = db.pcn("South PCN");
        db.practice("S20001", "Southside", south);
        long southCampaign = db.campaign(south, "South FIT", "fit-non-returners", FIRST_TEXT, 28);
        db.texted(southCampaign, db.patient("S20001", LocalDate.of(1960, 1, 1), "F"), FIRST_TEXT, "DELIVERED", 1);
        String southLead = api.user("lead.south", "LEAD", "South PCN");
        String northCcc = api.user("ccc.north", "CCC", "North PCN");

        for (String path : List.of("/report", "/report.csv", "/report/timeline")) {
            assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/campaigns/" + campaign + path).bearerAuth(southLead)))
                    .isInstanceOfSatisfying(HttpClientResponseException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(404));
        }
        // The patient-level CSV is a CCC's (a lead is refused it by role): South's CCC gets 404 for North's.
        String southCcc = api.user("ccc.south", "CCC", "South PCN");
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/campaigns/" + campaign + "/recipients.csv")
                .bearerAuth(southCcc))).isInstanceOfSatisfying(HttpClientResponseException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(404));
        assertThat(n(http.retrieve(HttpRequest.GET("/api/campaigns/" + campaign + "/report").bearerAuth(northCcc),
                Json.OBJECT), "recipients")).isEqualTo(1);

        assertThat(overviewIds(southLead)).containsExactly(southCampaign);
        assertThat(overviewIds(lead)).containsExactly(campaign);
        assertThat(overviewIds(api.adminToken())).containsExactlyInAnyOrder(campaign, southCampaign);
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/reports/uptake")))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(401));
    }

    @Test
    void overviewFiltersByStartDateAndExportsCsv() {
        long march = db.campaign(north, "March", "fit-non-returners", FIRST_TEXT, 28);
        long june = db.campaign(north, "June", "psa-eligible", LocalDate.of(2025, 6, 2), 90);
        Fixtures.Patient p = fitPatient();
        db.texted(march, p, FIRST_TEXT, "DELIVERED", 1);
        db.event(p, FIRST_TEXT.plusDays(3), "FIT_RESULT", "12");
        Map<String, Object> overview = http.retrieve(HttpRequest.GET("/api/reports/uptake?from=2025-03-01&to=2025-03-31")
                .bearerAuth(lead), Json.OBJECT);
        List<Map<String, Object>> rows = Json.objects(overview.get("campaigns"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("name", "March").containsEntry("programme", "fit-non-returners")
                .containsEntry("texted", 1).containsEntry("converted", 1).containsEntry("abnormal", 1);
        assertThat(overviewIds(lead)).containsExactly(june, march);
        String csv = http.retrieve(HttpRequest.GET("/api/reports/uptake.csv").bearerAuth(lead));
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("Campaign ID,PCN,Campaign,Programme,Sent by,Status,");
        assertThat(csv.lines().skip(1).filter(l -> l.contains(",March,")).findFirst().orElseThrow())
                .contains(",Bowel screening").contains(",1,1,100.0,");
        assertThat(csv.lines().count()).isEqualTo(3);
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/reports/uptake?from=March").bearerAuth(lead)))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(400));
    }

    private Map<String, Object> group(Map<String, Object> report, String breakdown, String value) {
        List<Map<String, Object>> rows = Json.objects(map(report, "breakdowns").get(breakdown));
        return rows.stream().filter(r -> value.equals(r.get("value"))).findFirst().orElseThrow();
    }

    private Map<String, Object> overviewRow(long campaign) {
        Map<String, Object> body = http.retrieve(HttpRequest.GET("/api/reports/uptake").bearerAuth(lead), Json.OBJECT);
        return Json.objects(body.get("campaigns")).stream()
                .filter(r -> ((Number) r.get("campaignId")).longValue() == campaign).findFirst().orElseThrow();
    }

    private List<Long> overviewIds(String token) {
        Map<String, Object> body = http.retrieve(HttpRequest.GET("/api/reports/uptake").bearerAuth(token), Json.OBJECT);
        return Json.objects(body.get("campaigns")).stream()
                .map(r -> ((Number) r.get("campaignId")).longValue()).toList();
    }

    private Fixtures.Patient fitPatient() {
        return db.patient("N10001", LocalDate.of(1962, 7, 1), "F");
    }

    private Fixtures.Patient man(LocalDate born) {
        return db.patient("N10001", born, "M", "en", "BLACK", 2);
    }

    private Map<String, Object> report(long campaign) {
        return http.retrieve(HttpRequest.GET("/api/campaigns/" + campaign + "/report").bearerAuth(lead), Json.OBJECT);
    }

    static long n(Map<String, Object> map, String key) {
        assertThat(map.get(key)).as(key).isNotNull();
        return ((Number) map.get(key)).longValue();
    }

    static double d(Map<String, Object> map, String key) {
        assertThat(map.get(key)).as(key).isNotNull();
        return ((Number) map.get(key)).doubleValue();
    }

    static Map<String, Object> map(Map<String, Object> map, String key) {
        assertThat(map.get(key)).as(key).isNotNull();
        return Json.object(map.get(key));
    }

    static List<Double> list(Map<String, Object> map, String key) {
        return Json.list(map.get(key), Number.class).stream().map(Number::doubleValue).toList();
    }

    static String line(String csv, String nhsNumber) {
        return csv.lines().filter(l -> l.startsWith(nhsNumber + ",")).findFirst().orElseThrow();
    }
}
