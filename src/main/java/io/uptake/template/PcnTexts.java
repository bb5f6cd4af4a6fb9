package io.uptake.template;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A PCN's own words for its programmes' messages (table {@code pcn_template_text}, append-only: each save is a
 * new row and the latest row of a message is the PCN's current text). Saving is a CCC's; a saved text is a new
 * version of its language, which the PCN's LEAD approves before it is sent ({@link TemplateApprovals}).
 */
@Singleton
public class PcnTexts {
    private final JdbcOperations jdbc;
    private final MessageTemplates templates;
    private final AuditLog audit;
    private final Clock clock;
    /** A campaign's frozen texts never change (campaign_text is written once, at launch): kept once read. */
    private final Map<Long, OwnTexts> byCampaign = new ConcurrentHashMap<>();
    private static final int MAX_CAMPAIGNS_KEPT = 1000;

    PcnTexts(JdbcOperations jdbc, MessageTemplates templates, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.templates = templates;
        this.audit = audit;
        this.clock = clock;
    }

    /** One saved text: the row that is current for its message. */
    @Serdeable
    public record Saved(long id, String message, String text, String savedBy, Instant savedAt) {
    }

    /** The refusal of a save, with the checks that failed (in people's words) and what was typed. */
    public static final class Refused extends RuntimeException {
        private final transient TextCheck check;

        Refused(TextCheck check) {
            super("refused", null, false, false);
            this.check = check;
        }

        public TextCheck check() {
            return check;
        }
    }

    /** The PCN's current texts of {@code programme}, language to message to row. */
    @Transactional(readOnly = true)
    public Map<String, Map<String, Saved>> currentRows(long pcnId, String programme) {
        return jdbc.prepareStatement("""
                SELECT DISTINCT ON (language, message) id, language, message, body, saved_by, saved_at
                FROM pcn_template_text WHERE pcn_id = ? AND programme = ?
                ORDER BY language, message, id DESC""", ps -> {
            ps.setLong(1, pcnId);
            ps.setString(2, programme);
            try (ResultSet rs = ps.executeQuery()) {
                Map<String, Map<String, Saved>> out = new LinkedHashMap<>();
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString("language"), l -> new LinkedHashMap<>())
                            .put(rs.getString("message"), saved(rs));
                }
                return out;
            }
        });
    }

    static OwnTexts texts(Map<String, Map<String, Saved>> rows) {
        Map<String, Map<String, String>> out = new HashMap<>();
        rows.forEach((lang, messages) -> {
            Map<String, String> m = new HashMap<>();
            messages.forEach((message, saved) -> m.put(message, saved.text()));
            out.put(lang, m);
        });
        return new OwnTexts(out);
    }

    /** The PCN's current texts of {@code programme}, approved or not (the editor and the approvals show these). */
    @Transactional(readOnly = true)
    public OwnTexts current(long pcnId, String programme) {
        return texts(currentRows(pcnId, programme));
    }

    /**
     * Saves {@code typed} as the PCN's current text of {@code message}, after the checks the editor shows. Saving
     * what is already current adds no row.
     *
     * @throws Refused                  when a check fails (nothing is saved)
     * @throws IllegalArgumentException for an unknown programme, message or language
     * @throws IllegalStateException    for a user without a PCN
     */
    @Transactional
    public Saved save(CurrentUser user, String programme, String language, String message, String typed) {
        if (user.pcnId() == null) {
            throw new IllegalStateException("only a PCN's staff write its texts");
        }
        long pcnId = user.pcnId();
        TextCheck check = templates.check(programme, message, language, typed);
        if (!check.ok()) {
            throw new Refused(check);
        }
        Saved current = currentRows(pcnId, programme).getOrDefault(language, Map.of()).get(message);
        if (current != null && current.text().equals(check.text())) {
            return current;
        }
        Instant now = clock.instant();
        Saved saved = jdbc.prepareStatement("""
                INSERT INTO pcn_template_text (pcn_id, programme, language, message, body, saved_by, saved_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id, message, body, saved_by, saved_at""", ps -> {
            ps.setLong(1, pcnId);
            ps.setString(2, programme);
            ps.setString(3, language);
            ps.setString(4, message);
            ps.setString(5, check.text());
            ps.setString(6, user.username());
            ps.setTimestamp(7, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return saved(rs);
            }
        });
        String version = templates.version(programme, language, current(pcnId, programme).only(language));
        // The words themselves stay out of the audit row (a log line); the row id leads to them.
        audit.recordFor(user, pcnId, "TEMPLATE_TEXT_SAVED", "template:" + programme + "/" + language + "/" + message,
                "text " + saved.id() + ", new version " + version + " (not approved)");
        return saved;
    }

    /** Freezes the rows {@code rows} of {@code language} as what {@code campaignId} sends in it. */
    @Transactional
    void freeze(long campaignId, String language, Map<String, Saved> rows) {
        for (Saved s : rows.values()) {
            jdbc.prepareStatement("""
                    INSERT INTO campaign_text (campaign_id, language, message, text_id) VALUES (?, ?, ?, ?)""", ps -> {
                ps.setLong(1, campaignId);
                ps.setString(2, language);
                ps.setString(3, s.message());
                ps.setLong(4, s.id());
                return ps.executeUpdate();
            });
        }
    }

    /** The PCN texts a campaign was launched with (none: it sends the shipped texts). */
    @Transactional(readOnly = true)
    public OwnTexts ofCampaign(long campaignId) {
        OwnTexts known = byCampaign.get(campaignId);
        if (known != null) {
            return known;
        }
        OwnTexts read = jdbc.prepareStatement("""
                SELECT c.language, c.message, t.body FROM campaign_text c JOIN pcn_template_text t ON t.id = c.text_id
                WHERE c.campaign_id = ?""", ps -> {
            ps.setLong(1, campaignId);
            try (ResultSet rs = ps.executeQuery()) {
                Map<String, Map<String, String>> out = new HashMap<>();
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), l -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
                }
                return new OwnTexts(out);
            }
        });
        if (byCampaign.size() >= MAX_CAMPAIGNS_KEPT) {
            byCampaign.clear();
        }
        byCampaign.put(campaignId, read);
        return read;
    }

    private static Saved saved(ResultSet rs) throws SQLException {
        return new Saved(rs.getLong("id"), rs.getString("message"), rs.getString("body"), rs.getString("saved_by"),
                rs.getTimestamp("saved_at").toInstant());
    }
}
