package io.uptake.campaign;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The send window's hours are in the service clock's zone (uptake.timezone), its one source: no zone is written
 * into SendWindow. Checked with a zone that is not London's, which a hard-coded Europe/London would get wrong.
 */
class ServiceZoneTest {
    static final String CALENDAR = "calendar/bank-holidays-england-and-wales.csv";

    /**
     * The one zone rule, read from the main sources: only the clock factory turns uptake.timezone into a zone, and
     * every other day boundary (send windows, letter dates, reports) takes the clock's zone. A zone written into a
     * feature would put its days an hour out from everyone else's when the setting is not London.
     */
    @Test
    void onlyTheClockFactoryNamesAZone() throws IOException {
        Path main = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(main)) {
            List<String> naming = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> read(f).contains("ZoneId" + ".of("))
                    .map(f -> main.resolve("io/uptake").relativize(f).toString().replace('\\', '/'))
                    .toList();
            assertThat(naming).containsExactly("time/ClockFactory.java");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

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
