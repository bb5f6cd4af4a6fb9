package io.uptake.outcome;

import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.sql.DataSource;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conversion rule of V120 as a table, on the real database: which event, dated where against the index date
 * and the attribution window and imported when, is a recipient's conversion. Every use (send-time check,
 * housekeeping, campaign counts, report) goes through these functions; ConversionAgreementTest shows they agree.
 */
@MicronautTest(transactional = false)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
class ConversionRuleTest {
    static final LocalDate INDEX = LocalDate.of(2026, 3, 2);

    @Inject
    DataSource dataSource;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            the day before the index date      | FIT_KIT_RETURNED | -1 | 0   |
            on the index date                  | FIT_KIT_RETURNED | 0  | 0   | FIT_KIT_RETURNED 2026-03-02
            the last day of the window         | FIT_RESULT       | 28 | 0   | FIT_RESULT 2026-03-30
            the day after the window           | FIT_KIT_RETURNED | 29 | 0   |
            inside, imported a year later      | FIT_RESULT       | 10 | 365 | FIT_RESULT 2026-03-12
            after the window, imported at once | FIT_RESULT       | 40 | 0   |
            not a qualifying event             | PSA_TEST         | 3  | 0   |
            """)
    void aQualifyingEventCountsWhenDatedFromTheIndexDateToTheLastDayOfTheWindowHoweverLateItIsImported(
            String edge, String type, int day, int importedDaysLater, String expected) {
        Database.reset(dataSource);
        Rows rows = new Rows(dataSource);
        long pcn = rows.pcn("North PCN");
        rows.practice("N10001", "Northside Surgery", pcn);
        long patient = rows.patient("N10001").insert();
        LocalDate date = INDEX.plusDays(day);
        rows.execute("INSERT INTO event (patient_id, event_date, event_type, value, imported_at) VALUES (?, ?, ?, '', ?)",
                patient, Date.valueOf(date), type,
                Timestamp.from(date.plusDays(importedDaysLater).atStartOfDay().toInstant(java.time.ZoneOffset.UTC)));
        String found = rows.queryString("""
                SELECT (SELECT cv.event_type || ' ' || cv.event_date FROM conversion(?, CAST(? AS TEXT[]), ?, 28) cv)""",
                patient, new String[]{"FIT_KIT_RETURNED", "FIT_RESULT"}, Date.valueOf(INDEX));
        assertThat(found).as(edge).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            reached: the day of the first text            | 2026-03-04 | 2026-03-02T09:00:00Z | 2026-03-04
            never reached: the campaign's start, in London | | 2026-03-01T23:30:00Z | 2026-03-01
            never reached, start late in the London evening (BST) | | 2026-06-01T23:30:00Z | 2026-06-02
            """)
    void theIndexDateIsTheFirstTextsDayOrElseTheCampaignsStartDayInTheServiceZone(
            String edge, LocalDate indexDate, Instant start, LocalDate expected) {
        Rows rows = new Rows(dataSource);
        String found = rows.queryString("SELECT CAST(conversion_index_date(?, ?, 'Europe/London') AS TEXT)",
                indexDate == null ? null : Date.valueOf(indexDate), Timestamp.from(start));
        assertThat(found).as(edge).isEqualTo(expected.toString());
    }
}
