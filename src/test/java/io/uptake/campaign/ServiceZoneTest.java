package io.uptake.campaign;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The send window's hours are in the service clock's zone (uptake.timezone), its one source: no zone is written
 * into SendWindow. Checked with a zone that is not London's, which a hard-coded Europe/London would get wrong.
 */
class ServiceZoneTest {
    static final String CALENDAR = "calendar/bank-holidays-england-and-wales.csv";

    @Test
    void theSendWindowOpensAtEightInTheServiceClocksZone() {
        Instant mondayNineUtc = Instant.parse("2026-03-02T09:00:00Z");
        BankHolidays london = new BankHolidays(CALENDAR, Clock.fixed(mondayNineUtc, ZoneId.of("Europe/London")));
        BankHolidays newYork = new BankHolidays(CALENDAR, Clock.fixed(mondayNineUtc, ZoneId.of("America/New_York")));
        SendWindow window = SendWindow.standard();
        assertThat(window.isOpen(mondayNineUtc, london)).as("09:00 in London").isTrue();
        assertThat(window.isOpen(mondayNineUtc, newYork)).as("04:00 in New York").isFalse();
        assertThat(window.nextOpen(mondayNineUtc, newYork)).isEqualTo(Instant.parse("2026-03-02T13:00:00Z"));
    }
}
