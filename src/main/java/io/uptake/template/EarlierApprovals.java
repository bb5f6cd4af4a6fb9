package io.uptake.template;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The version of a language that stays in use while a newer draft of the PCN's waits for its LEAD (hazard H-026):
 * the PCN's last approved version of its own words, else the shipped translation where it is approved (for the PCN
 * or for every PCN), else nothing (patients get English). Without this, a CCC correcting one word of an approved
 * Urdu text moved every Urdu reader to English until a LEAD came back to it.
 *
 * <p>An approval is used again only if the words it recorded ({@code template_approval.text_ids}) still digest to
 * the version it approved: a shipped file changed since (a new release) makes it another version, and then it is not
 * in use until approved again.
 */
@Singleton
class EarlierApprovals {
    private final JdbcOperations jdbc;
    private final MessageTemplates templates;

    EarlierApprovals(JdbcOperations jdbc, MessageTemplates templates) {
        this.jdbc = jdbc;
        this.templates = templates;
    }

    /** The version in use, with the PCN's rows it sends (none: the shipped texts). */
    record Found(TemplateApprovals.InUse inUse, Map<String, PcnTexts.Saved> rows) {
    }

    private record Candidate(String version, String approvedBy, Instant approvedAt, boolean every,
                             @Nullable List<Long> textIds) {
    }

    /** For {@code language} of {@code programme} at {@code pcnId}, whose current version {@code current} waits. */
    Optional<Found> inUse(String programme, long pcnId, String language, String current) {
        // The PCN's own approvals first, newest first; then the approvals for every PCN (of the shipped texts).
        List<Candidate> candidates = jdbc.prepareStatement("""
                SELECT version, approved_by, approved_at, pcn_id IS NULL AS every, text_ids FROM template_approval
                WHERE programme = ? AND language = ? AND (pcn_id = ? OR pcn_id IS NULL) AND version <> ?
                ORDER BY pcn_id IS NULL, approved_at DESC, id DESC""", ps -> {
            ps.setString(1, programme);
            ps.setString(2, language);
            ps.setLong(3, pcnId);
            ps.setString(4, current);
            try (ResultSet rs = ps.executeQuery()) {
                List<Candidate> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Candidate(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                            rs.getBoolean(4), ids(rs.getArray(5))));
                }
                return out;
            }
        });
        for (Candidate c : candidates) {
            Map<String, PcnTexts.Saved> rows = c.textIds() == null || c.every() ? Map.of()
                    : rows(pcnId, programme, language, c.textIds());
            if (rows == null) {
                continue; // a recorded row is not this PCN's text of this language: never send it
            }
            OwnTexts own = rows.isEmpty() ? OwnTexts.NONE : PcnTexts.texts(Map.of(language, rows));
            if (templates.version(programme, language, own).equals(c.version())) {
                return Optional.of(new Found(new TemplateApprovals.InUse(c.version(), !rows.isEmpty(), c.approvedBy(), c.approvedAt(),
                        c.every()), rows));
            }
        }
        return Optional.empty();
    }

    /** The rows by id, by message; null when any is missing or belongs elsewhere. */
    @Nullable
    private Map<String, PcnTexts.Saved> rows(long pcnId, String programme, String language, List<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return jdbc.prepareStatement("""
                SELECT id, message, body, saved_by, saved_at FROM pcn_template_text
                WHERE id = ANY(?) AND pcn_id = ? AND programme = ? AND language = ? ORDER BY id""", ps -> {
            ps.setArray(1, ps.getConnection().createArrayOf("bigint", ids.toArray()));
            ps.setLong(2, pcnId);
            ps.setString(3, programme);
            ps.setString(4, language);
            try (ResultSet rs = ps.executeQuery()) {
                Map<String, PcnTexts.Saved> out = new LinkedHashMap<>();
                while (rs.next()) {
                    out.put(rs.getString("message"), new PcnTexts.Saved(rs.getLong("id"), rs.getString("message"),
                            rs.getString("body"), rs.getString("saved_by"), rs.getTimestamp("saved_at").toInstant()));
                }
                return out.size() == ids.size() ? out : null;
            }
        });
    }

    @Nullable
    private static List<Long> ids(@Nullable Array array) throws SQLException {
        if (array == null) {
            return null;
        }
        List<Long> out = new ArrayList<>();
        for (Object o : (Object[]) array.getArray()) {
            out.add(((Number) o).longValue());
        }
        return out;
    }
}
