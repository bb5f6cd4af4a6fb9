package io.uptake.report;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.audit.AuditLog;
import io.uptake.cohort.Cohorts;
import io.uptake.cohort.Programme;
import io.uptake.patient.NhsNumber;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A campaign sent with another tool, evaluated from its send log ({@code nhs_number,sent_at}): a COMPLETED
 * campaign with source EXTERNAL whose recipients are the known patients of the caller's PCN, each with
 * the date of their first text as index date. Bad lines are reported and skipped; good lines are kept.
 */
@Singleton
class ExternalCampaigns {
    static final int MAX_ERRORS_SHOWN = 1000;
    private static final DateTimeFormatter UK_DATE = DateTimeFormatter.ofPattern("d/M/uuuu");
    private final JdbcOperations jdbc;
    private final AuditLog audit;
    private final Clock clock;
    private final Cohorts cohorts;

    ExternalCampaigns(JdbcOperations jdbc, AuditLog audit, Clock clock, Cohorts cohorts) {
        this.cohorts = cohorts;
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    @Serdeable
    record LineError(long line, String field, String message) {
    }

    /**
     * The answer to POST /api/campaigns/external. {@code id} names the campaign as POST /api/campaigns does;
     * {@code campaignId} is the same value under the name this answer used before, kept for one release
     * (deprecated, docs/reports.md) so that scripts written against it keep working.
     */
    @Serdeable
    record Result(Long id, Long campaignId, String name, String programme, int attributionDays, long recipients,
                  long rejected, List<LineError> errors) {
        Result(Long id, String name, String programme, int attributionDays, long recipients, long rejected,
               List<LineError> errors) {
            this(id, id, name, programme, attributionDays, recipients, rejected, errors);
        }
    }

    /** Thrown for a request that cannot be read at all (no header, unknown programme): a 400 with the reason. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    @Transactional
    Result create(CurrentUser user, String name, String programme, Integer attributionDays, String body) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new Refused("name: required, at most 200 characters");
        }
        Map<String, Integer> programmes = programmes();
        if (programme == null || !programmes.containsKey(programme)) {
            throw new Refused("programme: one of " + String.join(", ", programmes.keySet()));
        }
        int days = attributionDays == null ? programmes.get(programme) : attributionDays;
        if (days < 1 || days > 366) {
            throw new Refused("attributionDays: 1 to 366");
        }
        ZoneId zone = clock.getZone();
        LocalDate today = LocalDate.now(clock);

        List<LineError> errors = new ArrayList<>();
        long rejected = 0;
        // First text per NHS number: a send log lists reminders too, and the first text is the index date.
        Map<String, Sent> firstText = new LinkedHashMap<>();
        Map<String, Long> lineOf = new HashMap<>();
        try (CSVParser parser = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).setTrim(true).get()
                .parse(reader(body))) {
            int nhsColumn = -1;
            int sentColumn = -1;
            for (CSVRecord record : parser) {
                long line = record.getRecordNumber();
                if (line == 1) {
                    for (int i = 0; i < record.size(); i++) {
                        String h = record.get(i).toLowerCase(Locale.ROOT).replaceAll("[\\s_-]", "");
                        if (h.equals("nhsnumber")) {
                            nhsColumn = i;
                        } else if (h.equals("sentat")) {
                            sentColumn = i;
                        }
                    }
                    if (nhsColumn < 0 || sentColumn < 0) {
                        throw new Refused("Expected a CSV with the header nhs_number,sent_at");
                    }
                    continue;
                }
                String nhs = NhsNumber.normalise(record.size() > nhsColumn ? record.get(nhsColumn) : null);
                if (!NhsNumber.isValid(nhs)) {
                    errors.add(new LineError(line, "nhs_number", nhs == null ? "missing" : "not a valid NHS number"));
                    rejected++;
                    continue;
                }
                Sent sent;
                try {
                    sent = parseSent(record.size() > sentColumn ? record.get(sentColumn) : "", zone);
                } catch (DateTimeParseException e) {
                    errors.add(new LineError(line, "sent_at", "expected a date (YYYY-MM-DD or DD/MM/YYYY) or an ISO instant"));
                    rejected++;
                    continue;
                }
                if (sent.date().isAfter(today)) {
                    errors.add(new LineError(line, "sent_at", "in the future"));
                    rejected++;
                    continue;
                }
                Sent known = firstText.get(nhs);
                if (known == null || sent.at().isBefore(known.at())) {
                    firstText.put(nhs, sent);
                }
                lineOf.putIfAbsent(nhs, line);
            }
            if (nhsColumn < 0) {
                throw new Refused("Expected a CSV with the header nhs_number,sent_at");
            }
        } catch (IOException e) {
            throw new Refused("Could not read the CSV: " + e.getMessage());
        }

        Map<String, long[]> patients = patientsOfPcn(user.pcnId(), firstText.keySet());
        List<Long> patientIds = new ArrayList<>();
        List<Date> indexDates = new ArrayList<>();
        Instant start = null;
        LocalDate asOf = null;
        for (Map.Entry<String, Sent> e : firstText.entrySet()) {
            long[] patient = patients.get(e.getKey());
            if (patient == null) {
                // The same words whether the number is unknown or belongs to another PCN: nothing leaks.
                errors.add(new LineError(lineOf.get(e.getKey()), "nhs_number", "no patient with this NHS number in your PCN"));
                rejected++;
                continue;
            }
            patientIds.add(patient[0]);
            indexDates.add(Date.valueOf(e.getValue().date()));
            start = start == null || e.getValue().at().isBefore(start) ? e.getValue().at() : start;
            asOf = asOf == null || e.getValue().date().isBefore(asOf) ? e.getValue().date() : asOf;
        }
        errors.sort(java.util.Comparator.comparingLong(LineError::line));
        List<LineError> shown = errors.size() > MAX_ERRORS_SHOWN ? errors.subList(0, MAX_ERRORS_SHOWN) : errors;
        if (patientIds.isEmpty()) {
            return new Result(null, name, programme, days, 0, rejected, List.copyOf(shown));
        }
        long campaignId = insertCampaign(user, name.trim(), programme, days, asOf, start);
        insertRecipients(campaignId, patientIds, indexDates);
        audit.record(user, "EXTERNAL_CAMPAIGN_IMPORTED", "campaign:" + campaignId,
                "recipients=" + patientIds.size() + " rejected=" + rejected);
        return new Result(campaignId, name.trim(), programme, days, patientIds.size(), rejected, List.copyOf(shown));
    }

    private record Sent(LocalDate date, Instant at) {
    }

    /** A date is the day (start of day in the service's zone); an ISO instant or offset date-time is its local day. */
    private static Sent parseSent(String raw, ZoneId zone) {
        String value = raw.trim();
        if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
            LocalDate date = LocalDate.parse(value);
            return new Sent(date, date.atStartOfDay(zone).toInstant());
        }
        if (value.matches("\\d{1,2}/\\d{1,2}/\\d{4}")) {
            LocalDate date = LocalDate.parse(value, UK_DATE);
            return new Sent(date, date.atStartOfDay(zone).toInstant());
        }
        Instant at = value.endsWith("Z") || value.endsWith("z") ? Instant.parse(value.toUpperCase(Locale.ROOT))
                : OffsetDateTime.parse(value).toInstant();
        return new Sent(at.atZone(zone).toLocalDate(), at);
    }

    private static Reader reader(String body) {
        String text = body == null ? "" : body;
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        if (text.isBlank()) {
            throw new Refused("Expected a CSV with the header nhs_number,sent_at");
        }
        return new StringReader(text);
    }

    private Map<String, Integer> programmes() {
        Map<String, Integer> result = new LinkedHashMap<>();
        for (Programme p : cohorts.programmes()) {
            result.put(p.name(), p.defaultAttributionDays());
        }
        return result;
    }

    /** NHS number -> [patient id] for the patients of this PCN among {@code numbers}. */
    private Map<String, long[]> patientsOfPcn(Long pcnId, java.util.Collection<String> numbers) {
        if (numbers.isEmpty() || pcnId == null) {
            return Map.of();
        }
        return jdbc.prepareStatement("""
                SELECT p.nhs_number, p.id FROM patient p JOIN practice pr ON pr.code = p.practice_code
                WHERE p.nhs_number = ANY (?) AND pr.pcn_id = ?""", ps -> {
            ps.setArray(1, ps.getConnection().createArrayOf("text", numbers.toArray()));
            ps.setLong(2, pcnId);
            Map<String, long[]> result = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.put(rs.getString(1), new long[]{rs.getLong(2)});
                }
            }
            return result;
        });
    }

    private long insertCampaign(CurrentUser user, String name, String programme, int days, LocalDate asOf,
                                Instant start) {
        Timestamp now = Timestamp.from(clock.instant());
        return jdbc.prepareStatement("""
                INSERT INTO campaign (pcn_id, name, programme, source, status, as_of, start_at, control_fraction,
                                      attribution_days, created_by, created_at, launched_at, completed_at)
                VALUES (?, ?, ?, 'EXTERNAL', 'COMPLETED', ?, ?, 0, ?, ?, ?, ?, ?) RETURNING id""", ps -> {
            ps.setLong(1, user.pcnId());
            ps.setString(2, name);
            ps.setString(3, programme);
            ps.setDate(4, Date.valueOf(asOf));
            ps.setTimestamp(5, Timestamp.from(start));
            ps.setInt(6, days);
            ps.setString(7, user.username());
            ps.setTimestamp(8, now);
            ps.setTimestamp(9, Timestamp.from(start));
            ps.setTimestamp(10, now);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private void insertRecipients(long campaignId, List<Long> patientIds, List<Date> indexDates) {
        jdbc.prepareStatement("""
                INSERT INTO recipient (campaign_id, patient_id, arm, language, mobile, index_date, created_at)
                SELECT ?, p.id, 'TEXTED', p.language, NULL, x.index_date, ?
                FROM unnest(CAST(? AS BIGINT[]), CAST(? AS DATE[])) AS x(patient_id, index_date)
                JOIN patient p ON p.id = x.patient_id""", ps -> {
            ps.setLong(1, campaignId);
            ps.setTimestamp(2, Timestamp.from(clock.instant()));
            ps.setArray(3, ps.getConnection().createArrayOf("bigint", patientIds.toArray()));
            ps.setArray(4, ps.getConnection().createArrayOf("date", indexDates.toArray()));
            return ps.executeUpdate();
        });
    }
}
