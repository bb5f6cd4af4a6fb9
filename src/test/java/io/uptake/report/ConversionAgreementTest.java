package io.uptake.report;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.campaign.CampaignHousekeeping;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static io.uptake.report.ReportApiTest.n;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one definition of conversion (V120, docs/reports.md): the campaign's own counts ({@code GET
 * /api/campaigns/{id}}), its report and the reminders housekeeping cancels as "converted" agree on the same data,
 * before and after a late import. The dispatcher and Quartz are off: housekeeping runs when the test calls it.
 */
@MicronautTest(transactional = false)
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = "2026-03-16T10:00:00Z")
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = "uptake.session.idle-timeout", value = "3650d")
@Property(name = "micronaut.security.token.generator.access-token.expiration", value = "315360000")
class ConversionAgreementTest {
    static final int WINDOW = 28;

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TestClock clock;
    @Inject
    CampaignHousekeeping housekeeping;

    BlockingHttpClient http;
    Fixtures db;
    Rows rows;
    long north;
    String lead;
    LocalDate firstText;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        db = new Fixtures(dataSource, clock);
        rows = new Rows(dataSource);
        north = db.pcn("North PCN");
        db.practice("N10001", "Northside Surgery", north);
        lead = new Api(http).user("lead.north", "LEAD", "North PCN");
        firstText = LocalDate.ofInstant(clock.instant(), clock.getZone()).minusDays(10);
    }

    @Test
    void theCampaignCountsTheReportAndTheCancelledRemindersAgreeIncludingAfterALateImport() {
        long campaign = db.campaign(north, "FIT agreement", "fit-non-returners", firstText, WINDOW);
        Fixtures.Patient onTheDay = invited(campaign);
        Fixtures.Patient lastDay = invited(campaign);
        Fixtures.Patient dayBefore = invited(campaign);
        Fixtures.Patient dayAfterTheWindow = invited(campaign);
        Fixtures.Patient lateImport = invited(campaign);
        Fixtures.Patient nothing = invited(campaign);
        // Texted arm, never reached (no index date): measured from the campaign's start, in the report as on the page.
        Fixtures.Patient neverReached = patient();
        db.recipient(campaign, neverReached, "TEXTED", null);
        Fixtures.Patient controlIn = patient();
        db.recipient(campaign, controlIn, "CONTROL", firstText);
        Fixtures.Patient controlBefore = patient();
        db.recipient(campaign, controlBefore, "CONTROL", firstText);

        Instant imported = clock.instant();
        event(onTheDay, firstText, "FIT_KIT_RETURNED", imported);
        event(lastDay, firstText.plusDays(WINDOW), "FIT_RESULT", imported);
        event(dayBefore, firstText.minusDays(1), "FIT_KIT_RETURNED", imported);
        event(dayAfterTheWindow, firstText.plusDays(WINDOW + 1), "FIT_KIT_RETURNED", imported);
        event(neverReached, firstText.plusDays(2), "FIT_KIT_RETURNED", imported);
        event(controlIn, firstText.plusDays(5), "FIT_RESULT", imported);
        event(controlBefore, firstText.minusDays(3), "FIT_RESULT", imported);

        Map<String, Object> counts = counts(campaign);
        Map<String, Object> report = report(campaign);
        assertThat(n(counts, "converted")).as("texted: on the day, last day, never reached").isEqualTo(3);
        assertAgree(counts, report);
        assertThat(n(counts, "controlConverted")).isEqualTo(1);

        housekeeping.run();
        assertThat(cancelledAsConverted(campaign)).as("the reminders of exactly the converted")
                .containsExactlyInAnyOrder(onTheDay.id(), lastDay.id());
        assertThat(reason(campaign, lastDay)).isEqualTo("converted: FIT_RESULT dated " + firstText.plusDays(WINDOW));

        // A result taken inside the window, imported after the window has closed, still counts: everywhere at once.
        clock.set(clock.instant().plus(Duration.ofDays(30)));
        event(lateImport, firstText.plusDays(WINDOW - 1), "FIT_RESULT", clock.instant());
        // A test outside the window imported as late does not.
        event(nothing, firstText.plusDays(WINDOW + 5), "FIT_RESULT", clock.instant());
        Map<String, Object> after = counts(campaign);
        Map<String, Object> reportAfter = report(campaign);
        assertThat(n(after, "converted")).isEqualTo(4);
        assertAgree(after, reportAfter);
        housekeeping.run();
        assertThat(cancelledAsConverted(campaign)).containsExactlyInAnyOrder(onTheDay.id(), lastDay.id(), lateImport.id());
    }

    private static void assertAgree(Map<String, Object> counts, Map<String, Object> report) {
        assertThat(n(counts, "converted")).as("converted: campaign counts = report").isEqualTo(n(report, "converted"));
        assertThat(n(counts, "recipients")).as("both arms").isEqualTo(n(report, "allRecipients"));
        @SuppressWarnings("unchecked")
        Map<String, Object> control = (Map<String, Object>) report.get("control");
        assertThat(n(counts, "control")).isEqualTo(n(control, "patients"));
        assertThat(n(counts, "controlConverted")).as("control converted: campaign counts = report")
                .isEqualTo(n(control, "converted"));
    }

    /** A texted recipient whose invitation went on the first day, with a reminder still to go after it. */
    private Fixtures.Patient invited(long campaign) {
        Fixtures.Patient p = patient();
        long recipient = db.texted(campaign, p, firstText, "DELIVERED", 1);
        Instant due = clock.instant().plus(Duration.ofDays(60));
        new CampaignRows(dataSource, clock).message(campaign, recipient, p.id()).wave(2).to("+447700900123")
                .language("en").dueAt(due).insert();
        return p;
    }

    private Fixtures.Patient patient() {
        return db.patient("N10001", LocalDate.ofInstant(clock.instant(), clock.getZone()).minusYears(60), "F");
    }

    private void event(Fixtures.Patient p, LocalDate date, String type, Instant importedAt) {
        rows.execute("INSERT INTO event (patient_id, event_date, event_type, value, imported_at) VALUES (?, ?, ?, '', ?)",
                p.id(), Date.valueOf(date), type, Timestamp.from(importedAt));
    }

    private List<Long> cancelledAsConverted(long campaign) {
        return rows.queryLongs("""
                SELECT patient_id FROM message WHERE campaign_id = ? AND wave = 2 AND status = 'CANCELLED'
                   AND reason LIKE 'converted: %' ORDER BY patient_id""", campaign);
    }

    private String reason(long campaign, Fixtures.Patient p) {
        return rows.queryString("SELECT reason FROM message WHERE campaign_id = ? AND patient_id = ? AND wave = 2",
                campaign, p.id());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> counts(long campaign) {
        Map<String, Object> view = http.retrieve(HttpRequest.GET("/api/campaigns/" + campaign).bearerAuth(lead), Map.class);
        return (Map<String, Object>) view.get("counts");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> report(long campaign) {
        return http.retrieve(HttpRequest.GET("/api/campaigns/" + campaign + "/report").bearerAuth(lead), Map.class);
    }
}
