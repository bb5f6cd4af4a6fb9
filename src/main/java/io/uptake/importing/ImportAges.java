package io.uptake.importing;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How old a PCN's data is: its latest patient import and its latest events import (import_run is per PCN, not per
 * practice: one CCC's file covers the PCN's practices). One query a kind and one threshold, {@code uptake.importing
 * .stale-after}, for the home page's list and the launch's warning, so the two never disagree (hazard H-007).
 */
@Singleton
public class ImportAges {
    /** The kinds a cohort is built on, in the order they are shown. */
    static final List<String> COHORT_KINDS = List.of("patients", "events");

    /**
     * A kind's latest import ({@code at} null: never), and whether it is stale (older than the setting, or missing).
     * {@code days}: whole days since it, -1 when there is none.
     */
    public record Age(String kind, @Nullable Instant at, long days, boolean stale) {
        /** "patient list", "list of events": how the pages name the import. */
        public String label() {
            return "patients".equals(kind) ? "patient list" : "list of events";
        }
    }

    private final JdbcOperations jdbc;
    private final Clock clock;
    private final Duration staleAfter;

    ImportAges(JdbcOperations jdbc, Clock clock, @Value("${uptake.importing.stale-after}") Duration staleAfter) {
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("uptake.importing.stale-after must be positive, not " + staleAfter);
        }
        this.jdbc = jdbc;
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    public Duration staleAfter() {
        return staleAfter;
    }

    /** The PCN's latest patient and events imports, stale or not; the caller's transaction, if any. */
    public List<Age> latest(long pcnId) {
        Instant now = clock.instant();
        List<Age> out = new ArrayList<>();
        for (String kind : COHORT_KINDS) {
            Timestamp last = jdbc.prepareStatement("SELECT max(at) FROM import_run WHERE kind = ? AND pcn_id = ?", ps -> {
                ps.setString(1, kind);
                ps.setLong(2, pcnId);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getTimestamp(1);
                }
            });
            Instant at = last == null ? null : last.toInstant();
            out.add(new Age(kind, at, at == null ? -1 : Duration.between(at, now).toDays(),
                    at == null || at.isBefore(now.minus(staleAfter))));
        }
        return out;
    }

    /** Only the stale ones: what the launch warns about. */
    public List<Age> stale(long pcnId) {
        return latest(pcnId).stream().filter(Age::stale).toList();
    }
}
