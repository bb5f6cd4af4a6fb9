package io.uptake.template;

import io.micronaut.core.annotation.Nullable;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which languages of a programme may be sent for a PCN, and in whose words. English (the source) always; a
 * translation only once its current version is approved, by a LEAD for their PCN or by an ADMIN for every PCN.
 * Anyone in an unapproved language is texted the English text (the cohort's message language says so, and so does
 * the review).
 *
 * <p>A PCN's own texts ({@link PcnTexts}) are part of its version of a language, so a saved text is a new version
 * that the PCN's LEAD approves. Until then: a translation with a PCN text is a draft (English is sent), and a PCN's
 * own English is a draft too, for which the shipped English is sent (English itself always goes, as the fallback).
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
    private final PcnTexts pcnTexts;
    private final AuditLog audit;
    private final Clock clock;
    private final EarlierApprovals earlierApprovals;

    TemplateApprovals(JdbcOperations jdbc, MessageTemplates templates, PcnTexts pcnTexts, AuditLog audit, Clock clock,
                      EarlierApprovals earlierApprovals) {
        this.earlierApprovals = earlierApprovals;
        this.jdbc = jdbc;
        this.templates = templates;
        this.pcnTexts = pcnTexts;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * One language of a programme for a PCN (null: the approvals that hold for every PCN). {@code ownTexts}: the
     * version holds texts the PCN wrote itself.
     */
    @Serdeable
    public record LanguageApproval(String language, String name, String version, String state,
                                   String approvedBy, Instant approvedAt, boolean forEveryPcn, boolean ownTexts,
                                   @Nullable InUse inUse) {
        /** Whether this version may be sent (a PCN's draft English is not: the shipped English is sent instead). */
        public boolean sendable() {
            return SOURCE.equals(state) || APPROVED.equals(state);
        }

        /** Whether patients of this language get it: this version, or an approved one while this draft waits. */
        public boolean sent() {
            return sendable() || inUse != null;
        }
    }

    /**
     * For a draft: the approved version patients get while it waits (the PCN's last approved words, or the
     * approved shipped translation). {@code ownTexts}: the PCN's own words; {@code forEveryPcn}: an ADMIN's approval.
     */
    @Serdeable
    public record InUse(String version, boolean ownTexts, String approvedBy, Instant approvedAt, boolean forEveryPcn) {
    }

    /** Every language of {@code programme} with its state for {@code pcnId} (the review page shows this). */
    @Transactional
    public List<LanguageApproval> approvals(String programme, Long pcnId) {
        return read(programme, pcnId, pcnId == null ? Map.of() : pcnTexts.currentRows(pcnId, programme)).stream()
                .map(Sent::approval).toList();
    }

    /** A language's approval, and the PCN's rows that go out in it (none: the shipped texts, or nothing is sent). */
    private record Sent(LanguageApproval approval, Map<String, PcnTexts.Saved> rows) {
    }

    private List<Sent> read(String programme, Long pcnId, Map<String, Map<String, PcnTexts.Saved>> current) {
        OwnTexts own = PcnTexts.texts(current);
        List<String> complete = templates.completeLanguages(programme);
        List<Sent> out = new ArrayList<>();
        for (LanguageInfo l : templates.languages()) {
            boolean mine = own.has(l.code()) && complete.contains(l.code());
            Map<String, PcnTexts.Saved> rows = mine ? current.get(l.code()) : Map.of();
            String version = templates.version(programme, l.code(), mine ? own.only(l.code()) : OwnTexts.NONE);
            if (l.code().equals(TemplateCatalogue.ENGLISH) && !mine) {
                out.add(new Sent(new LanguageApproval(l.code(), l.name(), version, SOURCE, null, null, true, false,
                        null), Map.of()));
                continue;
            }
            if (!complete.contains(l.code())) {
                out.add(new Sent(new LanguageApproval(l.code(), l.name(), version, INCOMPLETE, null, null, false,
                        false, null), Map.of()));
                continue;
            }
            // A PCN's own texts are approved by its LEAD only; an ADMIN's approval for every PCN is of shipped texts.
            Optional<LanguageApproval> approved = jdbc.prepareStatement("""
                    SELECT approved_by, approved_at, pcn_id IS NULL AS every FROM template_approval
                    WHERE programme = ? AND language = ? AND version = ?
                      AND (pcn_id = CAST(? AS BIGINT) OR (pcn_id IS NULL AND NOT ?))
                    ORDER BY approved_at LIMIT 1""", ps -> {
                ps.setString(1, programme);
                ps.setString(2, l.code());
                ps.setString(3, version);
                ps.setObject(4, pcnId);
                ps.setBoolean(5, mine);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new LanguageApproval(l.code(), l.name(), version, APPROVED,
                            rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getBoolean(3), mine, null))
                            : Optional.empty();
                }
            });
            if (approved.isPresent()) {
                out.add(new Sent(approved.get(), rows));
                continue;
            }
            // A draft: the version approved before it stays in use while it waits (hazard H-026).
            Optional<EarlierApprovals.Found> earlier = pcnId == null ? Optional.empty()
                    : earlierApprovals.inUse(programme, pcnId, l.code(), version);
            out.add(new Sent(new LanguageApproval(l.code(), l.name(), version, DRAFT, null, null, false, mine,
                    earlier.map(EarlierApprovals.Found::inUse).orElse(null)),
                    earlier.map(EarlierApprovals.Found::rows).orElse(Map.of())));
        }
        return out;
    }

    /**
     * The languages {@code programme} may be sent in for {@code pcnId}: English (in the PCN's approved words or the
     * shipped ones) and the approved translations.
     */
    @Transactional
    public List<String> sendableLanguages(String programme, Long pcnId) {
        return approvals(programme, pcnId).stream()
                .filter(a -> a.sent() || a.language().equals(TemplateCatalogue.ENGLISH))
                .map(LanguageApproval::language).toList();
    }

    /**
     * The PCN's own texts that would be sent now: those of the languages whose current version, with them, is
     * approved, or whose earlier approved version stays in use while a draft waits. Previews of what a campaign will
     * send (the launch review, the estimate) render with these.
     */
    @Transactional
    public OwnTexts sending(String programme, long pcnId) {
        Map<String, Map<String, PcnTexts.Saved>> out = new HashMap<>();
        for (Sent s : read(programme, pcnId, pcnTexts.currentRows(pcnId, programme))) {
            if (s.approval().sent() && !s.rows().isEmpty()) {
                out.put(s.approval().language(), s.rows());
            }
        }
        return PcnTexts.texts(out);
    }

    /**
     * At a launch: records in {@code campaign_template} the version each message language of the campaign goes
     * out with (the PCN's approved version, or the shipped one), and freezes the PCN's approved texts as the
     * campaign's ({@code campaign_text}), so that every wave sends what was approved at launch.
     *
     * @return the campaign's message languages that may not be sent (their approval changed after the cohort was
     *         read: the launch must not go ahead); empty when all is well
     */
    @Transactional
    public List<String> recordLaunch(long campaignId, String programme, long pcnId) {
        // One read of the PCN's texts: the version checked is the version frozen.
        List<String> refused = new ArrayList<>();
        for (Sent s : read(programme, pcnId, pcnTexts.currentRows(pcnId, programme))) {
            LanguageApproval a = s.approval();
            boolean used = jdbc.prepareStatement("SELECT EXISTS (SELECT 1 FROM recipient WHERE campaign_id = ? AND language = ?)",
                    ps -> {
                        ps.setLong(1, campaignId);
                        ps.setString(2, a.language());
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getBoolean(1);
                        }
                    });
            if (!used) {
                continue;
            }
            String version = a.version();
            boolean approved = true;
            if (a.sent()) {
                // This version, or the approved one in use while a draft waits: its own words are frozen as sent.
                version = a.sendable() ? a.version() : a.inUse().version();
                if (!s.rows().isEmpty()) {
                    pcnTexts.freeze(campaignId, a.language(), s.rows());
                }
            } else if (a.language().equals(TemplateCatalogue.ENGLISH)) {
                // The PCN's English is not approved: the shipped English goes, and that is the version sent.
                version = templates.version(programme, TemplateCatalogue.ENGLISH);
            } else {
                approved = false;
                refused.add(a.language());
            }
            String v = version;
            boolean ok = approved;
            jdbc.prepareStatement("""
                    INSERT INTO campaign_template (campaign_id, language, version, approved) VALUES (?, ?, ?, ?)""",
                    ps -> {
                        ps.setLong(1, campaignId);
                        ps.setString(2, a.language());
                        ps.setString(3, v);
                        ps.setBoolean(4, ok);
                        return ps.executeUpdate();
                    });
        }
        return refused;
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
        return approve(programme, language, user, null);
    }

    /**
     * As {@link #approve(String, String, CurrentUser)}, only if the current version is still {@code expected} (the
     * one the approver read; null: whatever is current): a text saved meanwhile is not approved unread.
     */
    @Transactional
    public LanguageApproval approve(String programme, String language, CurrentUser user, String expected) {
        if (!templates.programmes().contains(programme)) {
            throw new IllegalArgumentException("There is no programme called '" + programme + "'.");
        }
        String lang = language == null ? "" : language.toLowerCase(Locale.ROOT);
        Long pcn = user.isAdmin() ? null : user.pcnId();
        Map<String, Map<String, PcnTexts.Saved>> rows = pcn == null ? Map.of() : pcnTexts.currentRows(pcn, programme);
        LanguageApproval current = read(programme, pcn, rows).stream().map(Sent::approval)
                .filter(a -> a.language().equals(lang))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("There is no language '" + language
                        + "' for these texts."));
        // The words approved, so that this version can stay in use while a later draft waits (EarlierApprovals).
        Long[] textIds = current.ownTexts() ? rows.get(lang).values().stream().map(PcnTexts.Saved::id)
                .sorted().toArray(Long[]::new) : new Long[0];
        if (SOURCE.equals(current.state())) {
            throw new IllegalStateException("English is the source text and needs no approval.");
        }
        if (INCOMPLETE.equals(current.state())) {
            throw new IllegalStateException("The " + current.name() + " texts are incomplete, so English is sent: "
                    + "they cannot be approved until they are fixed.");
        }
        if (expected != null && !expected.isBlank() && !expected.equals(current.version())) {
            throw new IllegalStateException("The " + current.name() + " texts have changed since you read them: read "
                    + "them again before approving.");
        }
        Instant now = clock.instant();
        int inserted = jdbc.prepareStatement("""
                INSERT INTO template_approval (programme, language, pcn_id, version, approved_by, approved_at, text_ids)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""", ps -> {
            ps.setString(1, programme);
            ps.setString(2, lang);
            ps.setObject(3, pcn);
            ps.setString(4, current.version());
            ps.setString(5, user.username());
            ps.setTimestamp(6, Timestamp.from(now));
            ps.setArray(7, ps.getConnection().createArrayOf("bigint", textIds));
            return ps.executeUpdate();
        });
        if (inserted > 0) {
            String detail = programme + " " + lang + " version " + current.version()
                    + (pcn == null ? " for every PCN" : "") + (current.ownTexts() ? " (the PCN's own texts)" : "");
            if (pcn == null) {
                audit.record(user, "TEMPLATE_APPROVED", "template:" + programme + "/" + lang, detail);
            } else {
                audit.recordFor(user, pcn, "TEMPLATE_APPROVED", "template:" + programme + "/" + lang, detail);
            }
        }
        return approvals(programme, pcn).stream().filter(a -> a.language().equals(lang)).findFirst().orElseThrow();
    }
}
