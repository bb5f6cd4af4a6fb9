package io.uptake.campaign;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * England and Wales bank holidays from a versioned data file. The file says until when it is complete
 * ({@code # valid-until:}); asking about a later date is an error, never a silent "not a holiday", so that
 * a stale list stops a campaign from texting on Christmas Day rather than letting it.
 */
@Singleton
public class BankHolidays {
    private final Map<LocalDate, String> holidays = new HashMap<>();
    private final LocalDate validUntil;
    private final String source;
    private final ZoneId zone;

    public BankHolidays(@Value("${uptake.campaign.bank-holidays:calendar/bank-holidays-england-and-wales.csv}") String resource,
                        Clock clock) {
        this.zone = clock.getZone();
        String until = null;
        String from = null;
        var stream = Objects.requireNonNull(getClass().getClassLoader().getResourceAsStream(resource),
                "bank holiday file " + resource + " is missing");
        try (var reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            StringBuilder csv = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#")) {
                    String meta = line.substring(1).trim();
                    if (meta.startsWith("valid-until:")) {
                        until = meta.substring("valid-until:".length()).trim();
                    } else if (meta.startsWith("source:")) {
                        from = meta.substring("source:".length()).trim();
                    }
                } else {
                    csv.append(line).append('\n');
                }
            }
            for (CSVRecord row : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                    .parse(new java.io.StringReader(csv.toString()))) {
                holidays.put(LocalDate.parse(row.get("date")), row.get("title"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (until == null) {
            throw new IllegalStateException("bank holiday file " + resource + " has no '# valid-until:' line");
        }
        this.validUntil = LocalDate.parse(until);
        this.source = from;
    }

    /** @throws CalendarExpiredException when {@code date} is past the end of the list */
    public boolean isHoliday(LocalDate date) {
        if (date.isAfter(validUntil)) {
            throw new CalendarExpiredException("The England and Wales bank holiday list ends on " + validUntil
                    + " and cannot say whether " + date + " is a holiday: add the next year from " + source
                    + " to calendar/bank-holidays-england-and-wales.csv");
        }
        return holidays.containsKey(date);
    }

    /** The zone in which these are days, and send windows are hours: the service clock's (uptake.timezone). */
    public ZoneId zone() {
        return zone;
    }

    public LocalDate validUntil() {
        return validUntil;
    }

    public static class CalendarExpiredException extends IllegalStateException {
        public CalendarExpiredException(String message) {
            super(message);
        }
    }
}
