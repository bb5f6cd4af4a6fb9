package io.uptake.template;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which languages of a programme may be sent for a PCN: English (the source) always; a translation only once its
 * current version is approved, by a LEAD for their PCN or by an ADMIN for every PCN. Anyone in an unapproved
 * language is texted the English text (the cohort's message language says so, and so does the review).
 */
@Singleton
public class TemplateApprovals {
    public static final String SOURCE = "source";
    public static final String APPROVED = "approved";
    public static final String DRAFT = "draft";
    /** A translation with a missing or broken text: English is sent, whatever any approval says. */
    public static final String INCOMPLETE = "incomplete";

    private final JdbcOperations jdbc;
    private final MessageTemplates templates;
    private final AuditLog audit;
    private final Clock clock;

    TemplateApprovals(JdbcOperations jdbc, MessageTemplates templates, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.templates = templates;
        this.audit = audit;
        this.clock = clock;
    }

    /** One language of a programme for a PCN (null: the approvals that hold for every PCN). */
    @Serdeable
    public record LanguageApproval(String language, String name, String version, String state,
                                   String approvedBy, Instant approvedAt, boolean forEveryPcn) {
        public boolean sendable() {
            return SOURCE.equals(state) || APPROVED.equals(state);
        }
    }

    /** Every language of {@code programme} with its state for {@code pcnId} (the review page shows this). */
    @Transactional
    public List<LanguageApproval> approvals(String programme, Long pcnId) {
        List<String> complete = templates.completeLanguages(programme);
        List<LanguageApproval> out = new ArrayList<>();
        for (LanguageInfo l : templates.languages()) {
            String version = templates.version(programme, l.code());
            if (l.code().equals(TemplateCatalogue.ENGLISH)) {
                out.add(new LanguageApproval(l.code(), l.name(), version, SOURCE, null, null, true));
                continue;
            }
            if (!complete.contains(l.code())) {
                out.add(new LanguageApproval(l.code(), l.name(), version, INCOMPLETE, null, null, false));
                continue;
            }
            Optional<LanguageApproval> approved = jdbc.prepareStatement("""
                    SELECT approved_by, approved_at, pcn_id IS NULL AS every FROM template_approval
                    WHERE programme = ? AND language = ? AND version = ?
                      AND (pcn_id IS NULL OR pcn_id = CAST(? AS BIGINT))
                    ORDER BY approved_at LIMIT 1""", ps -> {
                ps.setString(1, programme);
                ps.setString(2, l.code());
                ps.setString(3, version);
                ps.setObject(4, pcnId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new LanguageApproval(l.code(), l.name(), version, APPROVED,
                            rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getBoolean(3))) : Optional.empty();
                }
            });
            out.add(approved.orElse(new LanguageApproval(l.code(), l.name(), version, DRAFT, null, null, false)));
        }
        return out;
    }

    /** The languages {@code programme} may be sent in for {@code pcnId}: English and the approved translations. */
    @Transactional
    public List<String> sendableLanguages(String programme, Long pcnId) {
        return approvals(programme, pcnId).stream().filter(LanguageApproval::sendable).map(LanguageApproval::language)
                .toList();
    }

    /**
     * Approves the current version of {@code language} for {@code programme}: for the LEAD's PCN, or for every PCN
     * when an ADMIN approves. Approving again what is approved changes nothing.
     *
     * @throws IllegalArgumentException for an unknown programme or language (in people's words)
     * @throws IllegalStateException    for English or an incomplete translation
     */
    @Transactional
    public LanguageApproval approve(String programme, String language, CurrentUser user) {
        if (!templates.programmes().contains(programme)) {
            throw new IllegalArgumentException("There is no programme called '" + programme + "'.");
        }
        String lang = language == null ? "" : language.toLowerCase(Locale.ROOT);
        LanguageApproval current = approvals(programme, user.pcnId()).stream().filter(a -> a.language().equals(lang))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("There is no language '" + language
                        + "' for these texts."));
        if (SOURCE.equals(current.state())) {
            throw new IllegalStateException("English is the source text and needs no approval.");
        }
        if (INCOMPLETE.equals(current.state())) {
            throw new IllegalStateException("The " + current.name() + " texts are incomplete, so English is sent: "
                    + "they cannot be approved until they are fixed.");
        }
        Long pcn = user.isAdmin() ? null : user.pcnId();
        Instant now = clock.instant();
        int inserted = jdbc.prepareStatement("""
                INSERT INTO template_approval (programme, language, pcn_id, version, approved_by, approved_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""", ps -> {
            ps.setString(1, programme);
            ps.setString(2, lang);
            ps.setObject(3, pcn);
            ps.setString(4, current.version());
            ps.setString(5, user.username());
            ps.setTimestamp(6, Timestamp.from(now));
            return ps.executeUpdate();
        });
        if (inserted > 0) {
            String detail = programme + " " + lang + " version " + current.version()
                    + (pcn == null ? " for every PCN" : "");
            if (pcn == null) {
                audit.record(user, "TEMPLATE_APPROVED", "template:" + programme + "/" + lang, detail);
            } else {
                audit.recordFor(user, pcn, "TEMPLATE_APPROVED", "template:" + programme + "/" + lang, detail);
            }
        }
        return approvals(programme, pcn).stream().filter(a -> a.language().equals(lang)).findFirst().orElseThrow();
    }
}
