package io.uptake.cohort;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.optout.OptOutLedger;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The three programmes' rules at their edges, every exclusion, PCN isolation, export and estimate, through the API. */
@MicronautTest(transactional = false)
class CohortApiTest {
    static final LocalDate AS_OF = LocalDate.of(2026, 6, 15);
    static final ZoneId LONDON = ZoneId.of("Europe/London");

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    OptOutLedger ledger;
    @Inject
    Cohorts cohorts;
    @Inject
    Clock clock;

    BlockingHttpClient http;
    Records records;
    CampaignRows campaigns;
    String ccc;
    long north;
    long south;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        records = new Records(dataSource);
        campaigns = new CampaignRows(dataSource, clock);
        north = records.pcn("North PCN");
        south = records.pcn("South PCN");
        records.practice("P84001", "Limehurst Village Surgery", north);
        records.practice("P84002", "Whitworth Road Medical Centre", north);
        records.practice("P99001", "Southside Health Centre", south);
        ccc = new Api(http).user("ccc.north", "CCC", "North PCN");
    }

    /** Age {@code years} at AS_OF, with the next birthday tomorrow (the last day of that age). */
    static LocalDate lastDayAged(int years) {
        return AS_OF.minusYears(years + 1L).plusDays(1);
    }

    /** Age {@code years} at AS_OF, reached that very day. */
    static LocalDate firstDayAged(int years) {
        return AS_OF.minusYears(years);
    }

    Records.Patient woman(LocalDate born) {
        return records.patient("P84001", "F", born);
    }

    Records.Patient man(LocalDate born) {
        return records.patient("P84001", "M", born);
    }

    @Test
    void fitKitIssuedFourteenToNinetyDaysAgoWithoutAReturn() {
        var day13 = woman(lastDayAged(40)).save().event(AS_OF.minusDays(13), "FIT_KIT_ISSUED");
        var day14 = woman(lastDayAged(40)).save().event(AS_OF.minusDays(14), "FIT_KIT_ISSUED");
        var day90 = woman(lastDayAged(40)).save().event(AS_OF.minusDays(90), "FIT_KIT_ISSUED");
        var day91 = woman(lastDayAged(40)).save().event(AS_OF.minusDays(91), "FIT_KIT_ISSUED");
        var returned = woman(lastDayAged(40)).save().event(AS_OF.minusDays(30), "FIT_KIT_ISSUED")
                .event(AS_OF.minusDays(10), "FIT_KIT_RETURNED");
        var resultSameDay = woman(lastDayAged(40)).save().event(AS_OF.minusDays(30), "FIT_KIT_ISSUED")
                .event(AS_OF.minusDays(30), "FIT_RESULT", "4");
        var oldReturnOnly = woman(lastDayAged(40)).save().event(AS_OF.minusDays(400), "FIT_KIT_RETURNED")
                .event(AS_OF.minusDays(30), "FIT_KIT_ISSUED");
        var returnedAfterAsOf = woman(lastDayAged(40)).save().event(AS_OF.minusDays(30), "FIT_KIT_ISSUED")
                .event(AS_OF.plusDays(1), "FIT_KIT_RETURNED");
        var child = woman(lastDayAged(17)).save().event(AS_OF.minusDays(30), "FIT_KIT_ISSUED");
        var adult = woman(firstDayAged(18)).save().event(AS_OF.minusDays(30), "FIT_KIT_ISSUED");

        Map<String, List<String>> cohort = cohort("fit-non-returners");

        assertThat(cohort).doesNotContainKeys(day13.nhsNumber, day91.nhsNumber, returned.nhsNumber,
                resultSameDay.nhsNumber, child.nhsNumber);
        assertThat(cohort).containsEntry(day14.nhsNumber, List.of()).containsEntry(day90.nhsNumber, List.of())
                .containsEntry(oldReturnOnly.nhsNumber, List.of()).containsEntry(returnedAfterAsOf.nhsNumber, List.of())
                .containsEntry(adult.nhsNumber, List.of());
    }

    @Test
    void bowelScreeningNoResponseAged50To74() {
        var aged49 = man(lastDayAged(49)).save().event(AS_OF.minusDays(20), "BOWEL_SCREENING_NO_RESPONSE");
        var aged50 = man(firstDayAged(50)).save().event(AS_OF.minusDays(20), "BOWEL_SCREENING_NO_RESPONSE");
        var aged74 = man(lastDayAged(74)).save().event(AS_OF.minusDays(20), "BOWEL_SCREENING_NO_RESPONSE");
        var aged75 = man(firstDayAged(75)).save().event(AS_OF.minusDays(20), "BOWEL_SCREENING_NO_RESPONSE");
        var day0 = man(lastDayAged(60)).save().event(AS_OF, "BOWEL_SCREENING_NO_RESPONSE");
        var day180 = man(lastDayAged(60)).save().event(AS_OF.minusDays(180), "BOWEL_SCREENING_NO_RESPONSE");
        var day181 = man(lastDayAged(60)).save().event(AS_OF.minusDays(181), "BOWEL_SCREENING_NO_RESPONSE");
        var resultAfter = man(lastDayAged(60)).save().event(AS_OF.minusDays(50), "BOWEL_SCREENING_NO_RESPONSE")
                .event(AS_OF.minusDays(5), "FIT_RESULT", "12");

        Map<String, List<String>> cohort = cohort("fit-non-returners");

        assertThat(cohort).containsKeys(aged50.nhsNumber, aged74.nhsNumber, day0.nhsNumber, day180.nhsNumber)
                .doesNotContainKeys(aged49.nhsNumber, aged75.nhsNumber, day181.nhsNumber, resultAfter.nhsNumber);
    }

    @Test
    void breastNonAttendersAreWomenFrom50UpTo71WithAnUnansweredDna() {
        var aged49 = woman(lastDayAged(49)).save().event(AS_OF.minusDays(10), "BREAST_SCREENING_DNA");
        var aged50 = woman(firstDayAged(50)).save().event(AS_OF.minusDays(10), "BREAST_SCREENING_DNA");
        var aged70 = woman(lastDayAged(70)).save().event(AS_OF.minusDays(10), "BREAST_SCREENING_DNA");
        var aged71 = woman(firstDayAged(71)).save().event(AS_OF.minusDays(10), "BREAST_SCREENING_DNA");
        var aMan = man(lastDayAged(60)).save().event(AS_OF.minusDays(10), "BREAST_SCREENING_DNA");
        var day365 = woman(lastDayAged(60)).save().event(AS_OF.minusDays(365), "BREAST_SCREENING_DNA");
        var day366 = woman(lastDayAged(60)).save().event(AS_OF.minusDays(366), "BREAST_SCREENING_DNA");
        var attended = woman(lastDayAged(60)).save().event(AS_OF.minusDays(100), "BREAST_SCREENING_DNA")
                .event(AS_OF.minusDays(40), "BREAST_SCREENING_ATTENDED");
        var declined = woman(lastDayAged(60)).save().event(AS_OF.minusDays(100), "BREAST_SCREENING_DNA")
                .event(AS_OF.minusDays(40), "BREAST_SCREENING_DECLINED");
        var declinedBefore = woman(lastDayAged(60)).save().event(AS_OF.minusDays(300), "BREAST_SCREENING_DECLINED")
                .event(AS_OF.minusDays(100), "BREAST_SCREENING_DNA");

        Map<String, List<String>> cohort = cohort("breast-non-attenders");

        assertThat(cohort).containsEntry(aged50.nhsNumber, List.of()).containsEntry(aged70.nhsNumber, List.of())
                .containsEntry(day365.nhsNumber, List.of()).containsEntry(declinedBefore.nhsNumber, List.of())
                .containsEntry(declined.nhsNumber, List.of("declined"))
                .doesNotContainKeys(aged49.nhsNumber, aged71.nhsNumber, aMan.nhsNumber, day366.nhsNumber,
                        attended.nhsNumber);
        assertThat(summary("breast-non-attenders").excluded()).containsEntry("declined", 1L);
    }

    @Test
    void psaEligibleAreHigherRiskMen45To69WithoutATestIn24Months() {
        var aged44 = man(lastDayAged(44)).ethnicity("BLACK").save();
        var aged45 = man(firstDayAged(45)).ethnicity("BLACK").save();
        var aged69 = man(lastDayAged(69)).ethnicity("BLACK").save();
        var aged70 = man(firstDayAged(70)).ethnicity("BLACK").save();
        var blackWoman = woman(lastDayAged(55)).ethnicity("BLACK").save();
        var averageRisk = man(lastDayAged(55)).ethnicity("WHITE").save();
        var familyHistory = man(lastDayAged(55)).ethnicity("WHITE").save()
                .event(AS_OF.minusYears(3), "FAMILY_HISTORY_PROSTATE_CANCER");
        var brca = man(lastDayAged(55)).ethnicity("ASIAN").save().event(AS_OF.minusYears(1), "BRCA_VARIANT");
        var testedExactly24MonthsAgo = man(lastDayAged(55)).ethnicity("BLACK").save()
                .event(AS_OF.minusMonths(24), "PSA_TEST", "1.2");
        var testedJustOver24MonthsAgo = man(lastDayAged(55)).ethnicity("BLACK").save()
                .event(AS_OF.minusMonths(24).minusDays(1), "PSA_TEST", "1.2");
        var testedAfterAsOf = man(lastDayAged(55)).ethnicity("BLACK").save().event(AS_OF.plusDays(3), "PSA_TEST");

        Map<String, List<String>> cohort = cohort("psa-eligible");

        assertThat(cohort).containsKeys(aged45.nhsNumber, aged69.nhsNumber, familyHistory.nhsNumber, brca.nhsNumber,
                        testedJustOver24MonthsAgo.nhsNumber, testedAfterAsOf.nhsNumber)
                .doesNotContainKeys(aged44.nhsNumber, aged70.nhsNumber, blackWoman.nhsNumber, averageRisk.nhsNumber,
                        testedExactly24MonthsAgo.nhsNumber);
        assertThat(summary("psa-eligible").ruleVersion()).isEqualTo("psa-1");
    }

    @Test
    void everyExclusionIsExplainedAndCountedOncePerReason() {
        Instant asOfNoon = AS_OF.atTime(12, 0).atZone(LONDON).toInstant();
        long fitCampaign = campaign(north, "fit-non-returners");
        long breastCampaign = campaign(north, "breast-non-attenders");
        var eligible = fitNonReturner();
        var deceased = fitNonReturner().event(AS_OF.minusDays(3), "DECEASED");
        var optOutEvent = fitNonReturner().event(AS_OF.minusDays(300), "SMS_OPT_OUT");
        var optOutLedger = fitNonReturner();
        ledger.forPatient(optOutLedger.id, OptOutLedger.Action.OPT_OUT, OptOutLedger.Source.CCC_PHONE, "rang", "ccc");
        var optedBackIn = fitNonReturner();
        ledger.forPatient(optedBackIn.id, OptOutLedger.Action.OPT_OUT, OptOutLedger.Source.CCC_PHONE, "rang", "ccc",
                asOfNoon.minusSeconds(86_400));
        ledger.forPatient(optedBackIn.id, OptOutLedger.Action.OPT_IN, OptOutLedger.Source.CCC_PHONE, "rang again",
                "ccc", asOfNoon);
        var noMobile = records.patient("P84001", "F", lastDayAged(40)).noMobile().save()
                .event(AS_OF.minusDays(30), "FIT_KIT_ISSUED");
        var palliative = fitNonReturner().event(AS_OF.minusDays(60), "PALLIATIVE_CARE");
        var colorectal = fitNonReturner().event(AS_OF.minusYears(2), "CANCER_DIAGNOSED", "Colorectal");
        var otherSite = fitNonReturner().event(AS_OF.minusYears(2), "CANCER_DIAGNOSED", "breast");
        var textedRecently = fitNonReturner();
        sent(fitCampaign, textedRecently, asOfNoon.minusSeconds(13 * 86_400L));
        var textedLongAgo = fitNonReturner();
        sent(fitCampaign, textedLongAgo, AS_OF.minusDays(15).atTime(23, 0).atZone(LONDON).toInstant());
        var textedOtherProgramme = fitNonReturner();
        sent(breastCampaign, textedOtherProgramme, asOfNoon.minusSeconds(86_400));
        var twoReasons = records.patient("P84002", "F", lastDayAged(40)).noMobile().save()
                .event(AS_OF.minusDays(30), "FIT_KIT_ISSUED").event(AS_OF.minusDays(2), "DECEASED");

        Map<String, List<String>> cohort = cohort("fit-non-returners");

        assertThat(cohort).containsEntry(eligible.nhsNumber, List.of())
                .containsEntry(deceased.nhsNumber, List.of("deceased"))
                .containsEntry(optOutEvent.nhsNumber, List.of("opted-out"))
                .containsEntry(optOutLedger.nhsNumber, List.of("opted-out"))
                .containsEntry(optedBackIn.nhsNumber, List.of())
                .containsEntry(noMobile.nhsNumber, List.of("no-mobile"))
                .containsEntry(palliative.nhsNumber, List.of("palliative"))
                .containsEntry(colorectal.nhsNumber, List.of("already-diagnosed"))
                .containsEntry(otherSite.nhsNumber, List.of())
                .containsEntry(textedRecently.nhsNumber, List.of("recently-texted"))
                .containsEntry(textedLongAgo.nhsNumber, List.of())
                .containsEntry(textedOtherProgramme.nhsNumber, List.of())
                .containsEntry(twoReasons.nhsNumber, List.of("deceased", "no-mobile"));

        CohortSummary summary = summary("fit-non-returners");
        assertThat(summary.candidates()).isEqualTo(13);
        assertThat(summary.eligible()).isEqualTo(5);
        assertThat(summary.excludedPatients()).isEqualTo(8);
        assertThat(summary.excluded()).containsExactly(Map.entry("deceased", 2L), Map.entry("opted-out", 2L),
                Map.entry("no-mobile", 2L), Map.entry("palliative", 1L), Map.entry("already-diagnosed", 1L),
                Map.entry("recently-texted", 1L), Map.entry("control-arm", 0L), Map.entry("declined", 0L));
        assertThat(summary.byPractice()).containsExactly(
                new CohortSummary.PracticeCount("P84001", "Limehurst Village Surgery", 5, 7),
                new CohortSummary.PracticeCount("P84002", "Whitworth Road Medical Centre", 0, 1));
        assertThat(summary.ruleVersion()).isEqualTo("fit-1");
    }

    @Test
    void aCccSeesOnlyTheirPcnAndAnAdminSeesAll() {
        var ours = fitNonReturner();
        var theirs = records.patient("P99001", "F", lastDayAged(40)).save().event(AS_OF.minusDays(30), "FIT_KIT_ISSUED");

        assertThat(cohort("fit-non-returners")).containsKey(ours.nhsNumber).doesNotContainKey(theirs.nhsNumber);
        assertThat(summary("fit-non-returners").eligible()).isEqualTo(1);
        assertThat(summary("fit-non-returners").byPractice()).extracting(CohortSummary.PracticeCount::practiceCode)
                .containsExactly("P84001");

        String admin = new Api(http).adminToken();
        CohortSummary all = http.retrieve(HttpRequest.GET("/api/cohorts/fit-non-returners?asOf=" + AS_OF)
                .bearerAuth(admin), CohortSummary.class);
        assertThat(all.eligible()).isEqualTo(2);
        String southCcc = new Api(http).user("ccc.south", "CCC", "South PCN");
        assertThat(http.retrieve(HttpRequest.GET("/api/cohorts/fit-non-returners/patients?asOf=" + AS_OF)
                .bearerAuth(southCcc), CohortPage.class).patients()).extracting(CohortMember::nhsNumber)
                .containsExactly(theirs.nhsNumber);
    }

    @Test
    void anUnknownProgrammeIs404WithTheListOfProgrammes() {
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/cohorts/lung-checks").bearerAuth(ccc)))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(404);
                    Map<?, ?> body = e.getResponse().getBody(Map.class).orElseThrow();
                    assertThat(body.get("programmes"))
                            .isEqualTo(List.of("fit-non-returners", "breast-non-attenders", "psa-eligible"));
                });
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/cohorts/fit-non-returners?asOf=15/06/2026")
                .bearerAuth(ccc))).isInstanceOfSatisfying(HttpClientResponseException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(400));
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/cohorts/fit-non-returners?asOf=2020-01-01")
                .bearerAuth(ccc), String.class)).isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(400);
                    assertThat(e.getResponse().getBody(String.class).orElse("")).contains("no rule version in force");
                });
        List<Map<String, Object>> programmes = http.retrieve(HttpRequest.GET("/api/cohorts").bearerAuth(ccc),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
        assertThat(programmes).extracting(p -> p.get("defaultAttributionDays")).containsExactly(28, 90, 90);
    }

    @Test
    void patientsArePagedEligibleFirstAndEachViewIsAudited() {
        for (int i = 0; i < 5; i++) {
            fitNonReturner();
        }
        fitNonReturner().event(AS_OF.minusDays(1), "DECEASED");
        CohortPage first = page("fit-non-returners", "page=0&size=4");
        CohortPage second = page("fit-non-returners", "page=1&size=4");
        assertThat(first.total()).isEqualTo(6);
        assertThat(first.patients()).hasSize(4).allMatch(CohortMember::eligible);
        assertThat(second.patients()).hasSize(2);
        assertThat(second.patients().get(1).exclusions()).containsExactly("deceased");
        assertThat(page("fit-non-returners", "filter=excluded").patients()).hasSize(1);
        assertThat(page("fit-non-returners", "page=5&size=4").total()).isEqualTo(6);
        assertThat(records.count("SELECT count(*) FROM audit_log WHERE action = 'COHORT_PATIENTS_VIEWED' AND username = 'ccc.north'"))
                .isEqualTo(4);
    }

    @Test
    void csvExportListsReasonsAndIsAudited() {
        var a = fitNonReturner();
        var b = records.patient("P84001", "F", lastDayAged(40)).named("=HYPERLINK(\"x\")", "Nowak").noMobile().save()
                .event(AS_OF.minusDays(30), "FIT_KIT_ISSUED");
        HttpResponse<String> response = http.exchange(HttpRequest.GET("/api/cohorts/fit-non-returners/patients.csv?asOf="
                + AS_OF).bearerAuth(ccc), String.class);
        String csv = response.body();
        assertThat(response.getHeaders().get("Content-Disposition")).contains("fit-non-returners-2026-06-15.csv");
        assertThat(csv.lines().findFirst().orElseThrow())
                .isEqualTo("nhs_number,given_name,family_name,age,sex,practice_code,language,message_language,mobile,eligible,exclusions");
        assertThat(csv).contains(a.nhsNumber + ",Amina,Okafor,40,F,P84001,en,en," + a.mobile + ",yes,");
        assertThat(csv).contains(b.nhsNumber + ",\"'=HYPERLINK(\"\"x\"\")\",Nowak,40,F,P84001,en,en,,no,no-mobile");
        assertThat(records.count("SELECT count(*) FROM audit_log WHERE action = 'COHORT_EXPORTED' AND detail LIKE '%rows=2'"))
                .isEqualTo(1);
    }

    @Test
    void estimateGivesMessagesSegmentsAndCostPerLanguage() {
        fitNonReturner();
        fitNonReturner();
        records.patient("P84001", "F", lastDayAged(40)).language("ur").named("Ayesha", "Khan").save()
                .event(AS_OF.minusDays(30), "FIT_KIT_ISSUED");
        records.patient("P84001", "F", lastDayAged(40)).language("xx").save().event(AS_OF.minusDays(30), "FIT_KIT_ISSUED");
        fitNonReturner().event(AS_OF.minusDays(1), "DECEASED");
        // Urdu is sent (and estimated) only once approved (issue 13).
        http.retrieve(HttpRequest.POST("/api/templates/fit-non-returners/ur/approve", "")
                .bearerAuth(new io.uptake.testsupport.Api(http).adminToken()), Map.class);

        CohortEstimate estimate = http.retrieve(HttpRequest.GET("/api/cohorts/fit-non-returners/estimate?template=initial&asOf="
                + AS_OF).bearerAuth(ccc), CohortEstimate.class);

        assertThat(estimate.byLanguage()).extracting(CohortEstimate.Line::lang).containsExactly("en", "ur");
        CohortEstimate.Line en = estimate.byLanguage().get(0);
        CohortEstimate.Line ur = estimate.byLanguage().get(1);
        assertThat(en.messages()).isEqualTo(3); // two English speakers and the unknown language, in English
        assertThat(en.encoding()).isEqualTo("GSM-7");
        assertThat(en.segments()).isEqualTo(3L * en.maxSegmentsPerMessage());
        assertThat(ur.encoding()).isEqualTo("UCS-2");
        assertThat(ur.draft()).isTrue();
        assertThat(ur.segments()).isGreaterThan(en.maxSegmentsPerMessage());
        assertThat(estimate.total().messages()).isEqualTo(4);
        assertThat(estimate.total().segments()).isEqualTo(en.segments() + ur.segments());
        assertThat(estimate.total().cost()).isEqualByComparingTo(
                new java.math.BigDecimal("0.04").multiply(java.math.BigDecimal.valueOf(estimate.total().segments())));
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/cohorts/fit-non-returners/estimate?template=nope")
                .bearerAuth(ccc))).isInstanceOfSatisfying(HttpClientResponseException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(400));
    }

    @Test
    void eligibleMembersAreFrozenIntoRecipientsInOneStatement() {
        fitNonReturner();
        fitNonReturner();
        records.patient("P84001", "F", lastDayAged(40)).language("pl").save().event(AS_OF.minusDays(30), "FIT_KIT_ISSUED");
        fitNonReturner().event(AS_OF.minusDays(1), "PALLIATIVE_CARE");
        records.patient("P99001", "F", lastDayAged(40)).save().event(AS_OF.minusDays(30), "FIT_KIT_ISSUED");
        long campaign = campaign(north, "fit-non-returners");
        // Polish is the message language only once approved (issue 13); until then it is English.
        assertThat(cohorts.members("fit-non-returners", AS_OF, north)).filteredOn(m -> "pl".equals(m.language()))
                .extracting(CohortMember::messageLanguage).containsExactly("en");
        http.retrieve(HttpRequest.POST("/api/templates/fit-non-returners/pl/approve", "")
                .bearerAuth(new io.uptake.testsupport.Api(http).adminToken()), Map.class);

        int inserted = cohorts.insertEligibleRecipients(campaign, "fit-non-returners", AS_OF, north, clock.instant());

        assertThat(inserted).isEqualTo(3);
        assertThat(records.count("SELECT count(*) FROM recipient WHERE campaign_id = ? AND arm = 'TEXTED'", campaign))
                .isEqualTo(3);
        assertThat(records.count("SELECT count(*) FROM recipient WHERE campaign_id = ? AND language = 'pl'", campaign))
                .isEqualTo(1);
    }

    /** A campaign of that programme, sending since now and not launched: a row, not a launch. */
    private long campaign(long pcnId, String programme) {
        return campaigns.campaign(pcnId).name("test").programme(programme).notLaunched().insert();
    }

    /** A delivered first text of the campaign, sent to the patient's mobile at {@code sentAt}. */
    private void sent(long campaignId, Records.Patient p, Instant sentAt) {
        long recipient = campaigns.recipient(campaignId, p.id).language("en").mobile(p.mobile).insert();
        campaigns.message(campaignId, recipient, p.id).status("DELIVERED").sentAt(sentAt).insert();
    }

    private Records.Patient fitNonReturner() {
        return woman(lastDayAged(40)).save().event(AS_OF.minusDays(30), "FIT_KIT_ISSUED");
    }

    private CohortSummary summary(String programme) {
        return http.retrieve(HttpRequest.GET("/api/cohorts/" + programme + "?asOf=" + AS_OF).bearerAuth(ccc),
                CohortSummary.class);
    }

    private CohortPage page(String programme, String query) {
        return http.retrieve(HttpRequest.GET("/api/cohorts/" + programme + "/patients?asOf=" + AS_OF + "&" + query)
                .bearerAuth(ccc), CohortPage.class);
    }

    /** NHS number to exclusion reasons, for every candidate the CCC can see. */
    private Map<String, List<String>> cohort(String programme) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        page(programme, "size=1000").patients().forEach(m -> out.put(m.nhsNumber(), m.exclusions()));
        return out;
    }
}
