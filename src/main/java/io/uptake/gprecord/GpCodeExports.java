package io.uptake.gprecord;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A practice's coded entries for one campaign, and the record of what each practice has downloaded. Only a CCC of
 * the campaign's PCN downloads (names and NHS numbers leave the service); each download is audited, and the
 * first download of each entry is kept so that "only new entries" never codes a patient twice.
 */
@Singleton
class GpCodeExports {
    private final JdbcOperations jdbc;
    private final CodedEntries entries;
    private final GpRecordCodes codes;
    private final AuditLog audit;
    private final Clock clock;

    GpCodeExports(JdbcOperations jdbc, CodedEntries entries, GpRecordCodes codes, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.entries = entries;
        this.codes = codes;
        this.audit = audit;
        this.clock = clock;
    }

    enum Format { CSV, FHIR }

    /** What was asked: which practice, only entries not downloaded before, and unverified codes too. */
    record Request(long campaignId, @Nullable String practiceCode, boolean onlyNew, boolean includeUnverified) {
    }

    /** A refused request, with the field it is about, in people's words. */
    static final class Refused extends RuntimeException {
        final String field;

        Refused(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    /** No campaign of the caller's PCN by that id (another PCN's gets the same answer). */
    static final class NotFound extends RuntimeException {
        NotFound() {
            super("No such campaign");
        }
    }

    record Campaign(long id, String name, String programme, long pcnId) {
    }

    record Export(Campaign campaign, String practiceCode, List<CodedEntry> entries, Instant at, String codeList) {
    }

    /** The entries for the practice, recorded as downloaded by the user, in one transaction. */
    @Transactional
    Export export(Request r, Format format, CurrentUser user) {
        Campaign c = campaign(r.campaignId(), user).orElseThrow(NotFound::new);
        String practice = practiceOf(r.practiceCode(), c.pcnId());
        Set<String> already = r.onlyNew() ? exportedKeys(c.id()) : Set.of();
        List<CodedEntry> out = new ArrayList<>();
        for (CodedEntry.Happened h : entries.happened(c.id(), practice)) {
            if (!already.contains(h.key())) {
                CodedEntry.of(h, c.programme(), codes, r.includeUnverified()).ifPresent(out::add);
            }
        }
        Instant now = clock.instant();
        long exportId = jdbc.prepareStatement("""
                INSERT INTO gp_code_export (campaign_id, practice_code, format, only_new, unverified, entries, code_list,
                                            exported_by, exported_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""", ps -> {
            ps.setLong(1, c.id());
            ps.setString(2, practice);
            ps.setString(3, format.name());
            ps.setBoolean(4, r.onlyNew());
            ps.setBoolean(5, r.includeUnverified());
            ps.setInt(6, out.size());
            ps.setString(7, codes.version());
            ps.setString(8, user.username());
            ps.setTimestamp(9, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        jdbc.prepareStatement("""
                INSERT INTO gp_code_exported_entry (campaign_id, entry_key, first_export_id)
                SELECT ?, k, ? FROM unnest(?) AS k
                ON CONFLICT (campaign_id, entry_key) DO NOTHING""", ps -> {
            ps.setLong(1, c.id());
            ps.setLong(2, exportId);
            ps.setArray(3, ps.getConnection().createArrayOf("text", out.stream().map(CodedEntry::key).toArray()));
            return ps.executeUpdate();
        });
        audit.recordFor(user, c.pcnId(), "GP_CODES_EXPORTED", "campaign " + c.id(),
                format + " for " + practice + ": " + out.size() + " entries" + (r.onlyNew() ? ", new only" : "")
                        + (r.includeUnverified() ? ", unverified codes included" : "") + "; codes " + codes.version());
        return new Export(c, practice, out, now, codes.version());
    }

    /** Per practice: entries by fate, how many the practice has downloaded, and its latest download. */
    record PracticeSummary(String practiceCode, String practiceName, int exportable, int unverified, int noCode,
                           int exported, @Nullable Instant lastExportAt, @Nullable String lastExportBy,
                           @Nullable String lastExportFormat) {
        int notYetExported() {
            return exportable - exported;
        }
    }

    /** The campaign's practices that have entries, or that have downloaded before; for the codes page. */
    @Transactional(readOnly = true)
    List<PracticeSummary> summary(Campaign c) {
        Set<String> exported = exportedKeys(c.id());
        // Per practice: exportable, unverified, no code (CodedEntry.Fate order), then downloaded.
        Map<String, int[]> counts = new TreeMap<>();
        for (CodedEntry.Happened h : entries.happened(c.id(), null)) {
            int[] n = counts.computeIfAbsent(h.practiceCode(), p -> new int[4]);
            CodedEntry.Fate fate = CodedEntry.fate(h, c.programme(), codes, false);
            n[fate.ordinal()]++;
            if (fate == CodedEntry.Fate.EXPORTED && exported.contains(h.key())) {
                n[3]++;
            }
        }
        Map<String, LastExport> last = lastExports(c.id());
        last.keySet().forEach(p -> counts.computeIfAbsent(p, k -> new int[4]));
        Map<String, String> names = practiceNames(counts.keySet());
        List<PracticeSummary> out = new ArrayList<>();
        counts.forEach((practice, n) -> {
            LastExport l = last.get(practice);
            out.add(new PracticeSummary(practice, names.getOrDefault(practice, practice), n[0], n[1], n[2], n[3],
                    l == null ? null : l.at(), l == null ? null : l.by(), l == null ? null : l.format()));
        });
        return out;
    }

    @Transactional(readOnly = true)
    Optional<Campaign> campaign(long id, CurrentUser user) {
        return jdbc.prepareStatement("""
                SELECT id, name, programme, pcn_id FROM campaign
                WHERE id = ? AND (CAST(? AS BIGINT) IS NULL OR pcn_id = ?)""", ps -> {
            ps.setLong(1, id);
            ps.setObject(2, user.pcnScope());
            ps.setObject(3, user.pcnScope());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Campaign(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                        : Optional.<Campaign>empty();
            }
        });
    }

    /** The practice asked for, which must be one of the campaign's PCN. */
    private String practiceOf(@Nullable String code, long pcnId) {
        if (code == null || code.isBlank()) {
            throw new Refused("practice", "practice: choose the practice whose records the codes are for (its ODS code, for example P84001)");
        }
        String clean = code.trim().toUpperCase(java.util.Locale.ROOT);
        boolean ours = jdbc.prepareStatement("SELECT 1 FROM practice WHERE code = ? AND pcn_id = ?", ps -> {
            ps.setString(1, clean);
            ps.setLong(2, pcnId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
        if (!ours) {
            throw new Refused("practice", "practice: " + clean + " is not a practice of this campaign's PCN");
        }
        return clean;
    }

    private Set<String> exportedKeys(long campaignId) {
        return jdbc.prepareStatement("SELECT entry_key FROM gp_code_exported_entry WHERE campaign_id = ?", ps -> {
            ps.setLong(1, campaignId);
            Set<String> keys = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
            return keys;
        });
    }

    private record LastExport(Instant at, String by, String format) {
    }

    private Map<String, LastExport> lastExports(long campaignId) {
        return jdbc.prepareStatement("""
                SELECT DISTINCT ON (practice_code) practice_code, exported_at, exported_by, format
                FROM gp_code_export WHERE campaign_id = ? ORDER BY practice_code, exported_at DESC, id DESC""", ps -> {
            ps.setLong(1, campaignId);
            Map<String, LastExport> out = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new LastExport(rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4)));
                }
            }
            return out;
        });
    }

    private Map<String, String> practiceNames(Set<String> codes) {
        if (codes.isEmpty()) {
            return Map.of();
        }
        return jdbc.prepareStatement("SELECT code, name FROM practice WHERE code = ANY (?)", ps -> {
            ps.setArray(1, ps.getConnection().createArrayOf("text", codes.toArray()));
            Map<String, String> out = new TreeMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        });
    }
}
