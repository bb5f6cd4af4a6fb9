package io.uptake.reply;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The CCC's work queue: free-text replies and call requests. Scoped by the PCN stored with each reply
 * (the PCN of the campaign that texted the number, or of the patient's practice). A reply from a number
 * we cannot place has no PCN and only an ADMIN sees it: it may belong to anyone, and showing it to every
 * PCN would leak one PCN's patient's words to another.
 */
@Singleton
class Inbox {
    /** UNREAD: open and not yet opened by anyone in the PCN (the navigation's count). */
    enum Status { OPEN, UNREAD, DONE, ALL }

    /**
     * What a CCC records when an item is done. {@code manual} ones are chosen in the form; OPTED_OUT is set only by
     * {@link ReplyOptOuts#confirm}, which also enters the opt-out in the ledger, so that the two cannot disagree.
     */
    enum Outcome {
        CALLED("Called", true), NO_ANSWER("Rang, no answer", true), BOOKED_TEST("Booked test", true),
        ALREADY_SCREENED("Already screened elsewhere", true), NOT_INTERESTED("Not interested", true),
        WRONG_NUMBER("Wrong number", true),
        /** Set by a reply of choice 3 (issue 15), or chosen for a patient who asked for one in their own words. */
        NEW_KIT("New kit requested", true),
        OPTED_OUT("Opted out (confirmed from their reply)", false);

        private final String label;
        private final boolean manual;

        Outcome(String label, boolean manual) {
            this.label = label;
            this.manual = manual;
        }

        public String label() {
            return label;
        }

        public boolean manual() {
            return manual;
        }

        static List<Outcome> chosenByHand() {
            return java.util.Arrays.stream(values()).filter(Outcome::manual).toList();
        }

        static String labelOf(@Nullable String name) {
            if (name == null) {
                return "";
            }
            try {
                return valueOf(name).label;
            } catch (IllegalArgumentException e) {
                return name;
            }
        }

        /** "called", "no answer" or "NO_ANSWER": one of the outcomes chosen by hand, else empty. */
        static Optional<Outcome> parse(@Nullable String raw) {
            if (raw == null || raw.isBlank()) {
                return Optional.empty();
            }
            try {
                Outcome o = valueOf(raw.trim().toUpperCase(Locale.ROOT).replace(' ', '_'));
                return o.manual ? Optional.of(o) : Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    /**
     * What the CCC asked the list for. Null or blank parts do not filter.
     *
     * @param query    a name (any part, any case) or an NHS number (with or without spaces; a prefix will do)
     * @param practice a practice code
     * @param language a language code
     */
    record Filter(Status status, @Nullable String query, @Nullable Long campaignId, @Nullable String practice,
                  @Nullable String language) {
        static Filter of(Status status) {
            return new Filter(status, null, null, null, null);
        }

        @Nullable String nhsDigits() {
            String q = query == null ? "" : query.replaceAll("[\\s-]", "");
            return q.matches("\\d{1,10}") ? q : null;
        }

        @Nullable String namePattern() {
            if (query == null || query.isBlank() || nhsDigits() != null) {
                return null;
            }
            return "%" + query.trim().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                    .replaceAll("\\s+", " ") + "%";
        }

        boolean narrowed() {
            return (query != null && !query.isBlank()) || campaignId != null || (practice != null && !practice.isBlank())
                    || (language != null && !language.isBlank());
        }
    }

    private final JdbcOperations jdbc;
    private final Clock clock;

    Inbox(JdbcOperations jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    List<Item> list(CurrentUser user, Status status, int limit) {
        return list(user, Filter.of(status), limit);
    }

    /** Newest first, within the caller's PCN. */
    @Transactional
    List<Item> list(CurrentUser user, Filter filter, int limit) {
        String status = filter.status() == Status.UNREAD ? "OPEN" : filter.status().name();
        String digits = filter.nhsDigits();
        String name = filter.namePattern();
        String practice = blankToNull(filter.practice());
        String language = blankToNull(filter.language());
        return jdbc.prepareStatement(SELECT + """
                WHERE im.inbox_status IN ('OPEN', 'DONE')
                  AND (CAST(? AS TEXT) = 'ALL' OR im.inbox_status = ?)
                  AND (CAST(? AS BOOLEAN) = FALSE OR im.opened_at IS NULL)
                  AND (CAST(? AS BIGINT) IS NULL OR im.pcn_id = ?)
                  AND (CAST(? AS TEXT) IS NULL OR p.nhs_number LIKE ? || '%')
                  AND (CAST(? AS TEXT) IS NULL OR (p.given_name || ' ' || p.family_name) ILIKE ?
                       OR (p.family_name || ' ' || p.given_name) ILIKE ?)
                  AND (CAST(? AS BIGINT) IS NULL OR im.campaign_id = ?)
                  AND (CAST(? AS TEXT) IS NULL OR p.practice_code = ?)
                  AND (CAST(? AS TEXT) IS NULL OR im.language = ?)
                ORDER BY im.received_at DESC, im.id DESC
                LIMIT ?""", ps -> {
            int i = 1;
            ps.setString(i++, status);
            ps.setString(i++, status);
            ps.setBoolean(i++, filter.status() == Status.UNREAD);
            ps.setObject(i++, user.pcnScope(), Types.BIGINT);
            ps.setObject(i++, user.pcnScope(), Types.BIGINT);
            ps.setString(i++, digits);
            ps.setString(i++, digits);
            ps.setString(i++, name);
            ps.setString(i++, name);
            ps.setString(i++, name);
            ps.setObject(i++, filter.campaignId(), Types.BIGINT);
            ps.setObject(i++, filter.campaignId(), Types.BIGINT);
            ps.setString(i++, practice);
            ps.setString(i++, practice);
            ps.setString(i++, language);
            ps.setString(i++, language);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<Item> items = new ArrayList<>();
                while (rs.next()) {
                    items.add(read(rs));
                }
                return items;
            }
        });
    }

    /**
     * Locks the reply's row until the caller's transaction ends, so that work on it (the opt-out confirm) is done
     * once. Scope is not checked here: the caller finds the item for its user next. @return false when there is none
     */
    @Transactional
    boolean lock(long id) {
        return jdbc.prepareStatement("SELECT 1 FROM inbound_message WHERE id = ? FOR UPDATE", ps -> {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }

    /** Empty when there is no such item or the caller may not see it: both answer 404. */
    @Transactional
    Optional<Item> find(CurrentUser user, long id) {
        return jdbc.prepareStatement(SELECT + """
                WHERE im.id = ? AND im.inbox_status IN ('OPEN', 'DONE')
                  AND (CAST(? AS BIGINT) IS NULL OR im.pcn_id = ?)""", ps -> {
            ps.setLong(1, id);
            ps.setObject(2, user.pcnScope(), Types.BIGINT);
            ps.setObject(3, user.pcnScope(), Types.BIGINT);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.<Item>empty();
            }
        });
    }

    /** Open items that nobody in the caller's PCN has opened yet (an ADMIN: in any PCN, or none). */
    @Transactional(readOnly = true)
    long unread(CurrentUser user) {
        return jdbc.prepareStatement("""
                SELECT count(*) FROM inbound_message
                WHERE inbox_status = 'OPEN' AND opened_at IS NULL AND (CAST(? AS BIGINT) IS NULL OR pcn_id = ?)""", ps -> {
            ps.setObject(1, user.pcnScope(), Types.BIGINT);
            ps.setObject(2, user.pcnScope(), Types.BIGINT);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /**
     * The patient's inbox items are opened: their page shows every reply in full. The first opening is kept (who
     * first picked it up); later ones change nothing.
     *
     * @return how many items this opened
     */
    @Transactional
    int markOpenedForPatient(long patientId, CurrentUser user) {
        return jdbc.prepareStatement("""
                UPDATE inbound_message SET opened_at = ?, opened_by = ?
                WHERE patient_id = ? AND opened_at IS NULL AND inbox_status IN ('OPEN', 'DONE')
                  AND (CAST(? AS BIGINT) IS NULL OR pcn_id = ?)""", ps -> {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setString(2, user.username());
            ps.setLong(3, patientId);
            ps.setObject(4, user.pcnScope(), Types.BIGINT);
            ps.setObject(5, user.pcnScope(), Types.BIGINT);
            return ps.executeUpdate();
        });
    }

    /** The choices of the list's filters: the caller's PCN's campaigns and practices that have inbox items. */
    @Transactional(readOnly = true)
    FilterChoices choices(CurrentUser user) {
        List<CampaignRef> campaigns = jdbc.prepareStatement("""
                SELECT c.id, c.name FROM campaign c
                WHERE EXISTS (SELECT 1 FROM inbound_message im WHERE im.campaign_id = c.id AND im.inbox_status <> 'NONE')
                  AND (CAST(? AS BIGINT) IS NULL OR c.pcn_id = ?)
                ORDER BY c.name, c.id""", ps -> {
            ps.setObject(1, user.pcnScope(), Types.BIGINT);
            ps.setObject(2, user.pcnScope(), Types.BIGINT);
            List<CampaignRef> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new CampaignRef(rs.getLong(1), rs.getString(2)));
                }
            }
            return list;
        });
        List<PracticeRef> practices = jdbc.prepareStatement("""
                SELECT pr.code, pr.name FROM practice pr
                WHERE CAST(? AS BIGINT) IS NULL OR pr.pcn_id = ?
                ORDER BY pr.name, pr.code""", ps -> {
            ps.setObject(1, user.pcnScope(), Types.BIGINT);
            ps.setObject(2, user.pcnScope(), Types.BIGINT);
            List<PracticeRef> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new PracticeRef(rs.getString(1), rs.getString(2)));
                }
            }
            return list;
        });
        return new FilterChoices(campaigns, practices);
    }

    record FilterChoices(List<CampaignRef> campaigns, List<PracticeRef> practices) {
    }

    record PracticeRef(String code, String name) {
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** @return false when it was already done (a second click, or a colleague) */
    @Transactional
    boolean markDone(long id, Outcome outcome, @Nullable String note, CurrentUser user) {
        Instant now = clock.instant();
        return jdbc.prepareStatement("""
                UPDATE inbound_message SET inbox_status = 'DONE', outcome = ?, outcome_note = ?, done_by = ?, done_at = ?,
                    opened_at = COALESCE(opened_at, done_at, ?), opened_by = COALESCE(opened_by, ?)
                WHERE id = ? AND inbox_status = 'OPEN'""", ps -> {
            ps.setString(1, outcome.name());
            ps.setString(2, note == null || note.isBlank() ? null : note.trim());
            ps.setString(3, user.username());
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setTimestamp(5, Timestamp.from(now));
            ps.setString(6, user.username());
            ps.setLong(7, id);
            return ps.executeUpdate() == 1;
        });
    }

    /** The practices of the patients these replies were matched to, for auditing an ADMIN's view against their PCNs. */
    static List<String> practicesOf(List<Item> items) {
        return items.stream().filter(i -> i.patient() != null).map(i -> i.patient().practiceCode()).distinct().toList();
    }

    static Status status(@Nullable String raw) {
        return raw == null || raw.isBlank() ? Status.OPEN : Status.valueOf(raw.trim().toUpperCase(Locale.ROOT));
    }

    /** Like {@link #status}, for a page: anything unknown reads as the default (open) rather than an error page. */
    static Status statusOrOpen(@Nullable String raw) {
        try {
            return status(raw);
        } catch (IllegalArgumentException e) {
            return Status.OPEN;
        }
    }

    private static final String SELECT = """
            SELECT im.id, im.received_at, im.from_number, im.body, im.language, im.classification,
                   im.keyword_language, im.likely_opt_out, im.candidate_patients, im.auto_reply, im.no_reply_reason,
                   im.inbox_status, im.outcome, im.outcome_note, im.done_by, im.done_at, im.opened_at, im.opened_by,
                   p.id AS patient_id, p.nhs_number, p.given_name, p.family_name, p.practice_code,
                   c.id AS campaign_id, c.name AS campaign_name,
                   m.id AS message_id, m.body AS message_body, m.sent_at AS message_sent_at,
                   EXISTS (SELECT 1 FROM opted_out_patient o WHERE o.patient_id = p.id) AS patient_opted_out
            FROM inbound_message im
            LEFT JOIN patient p ON p.id = im.patient_id
            LEFT JOIN campaign c ON c.id = im.campaign_id
            LEFT JOIN message m ON m.id = im.answered_message_id
            """;

    private static Item read(ResultSet rs) throws SQLException {
        long patientId = rs.getLong("patient_id");
        PatientRef patient = rs.wasNull() ? null : new PatientRef(patientId, rs.getString("nhs_number"),
                rs.getString("given_name") + " " + rs.getString("family_name"), rs.getString("practice_code"),
                rs.getBoolean("patient_opted_out"));
        long campaignId = rs.getLong("campaign_id");
        CampaignRef campaign = rs.wasNull() ? null : new CampaignRef(campaignId, rs.getString("campaign_name"));
        long messageId = rs.getLong("message_id");
        AnsweredMessage answered = rs.wasNull() ? null : new AnsweredMessage(messageId, rs.getString("message_body"),
                instant(rs, "message_sent_at"));
        return new Item(rs.getLong("id"), instant(rs, "received_at"), rs.getString("from_number"), rs.getString("body"),
                rs.getString("language"), rs.getString("classification"), rs.getString("keyword_language"),
                rs.getBoolean("likely_opt_out"), rs.getInt("candidate_patients"),
                rs.getInt("candidate_patients") > 1, rs.getString("auto_reply"), rs.getString("no_reply_reason"),
                rs.getString("inbox_status"), rs.getString("outcome"), rs.getString("outcome_note"),
                rs.getString("done_by"), instant(rs, "done_at"), instant(rs, "opened_at"), rs.getString("opened_by"),
                patient, campaign, answered, null);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    @Serdeable
    record PatientRef(long id, String nhsNumber, String name, String practiceCode, boolean optedOut) {
    }

    @Serdeable
    record CampaignRef(long id, String name) {
    }

    @Serdeable
    record AnsweredMessage(long id, @Nullable String body, @Nullable Instant sentAt) {
    }

    /**
     * @param sharedNumber the number belongs to more than one patient: the match is the most recently texted
     * @param translationHint null for English; otherwise the recognised words and what they mean
     */
    @Serdeable
    record Item(long id, Instant receivedAt, String from, String body, String language, String classification,
                @Nullable String keywordLanguage, boolean likelyOptOut, int candidatePatients, boolean sharedNumber,
                @Nullable String autoReply, @Nullable String noReplyReason, String status, @Nullable String outcome,
                @Nullable String outcomeNote, @Nullable String doneBy, @Nullable Instant doneAt,
                @Nullable Instant openedAt, @Nullable String openedBy,
                @Nullable PatientRef patient, @Nullable CampaignRef campaign, @Nullable AnsweredMessage answered,
                @Nullable TranslationHint translationHint) {

        Item withHint(TranslationHint hint) {
            return new Item(id, receivedAt, from, body, language, classification, keywordLanguage, likelyOptOut,
                    candidatePatients, sharedNumber, autoReply, noReplyReason, status, outcome, outcomeNote, doneBy,
                    doneAt, openedAt, openedBy, patient, campaign, answered, hint);
        }

        /** The outcome as the CCC chose it ("Already screened elsewhere"), for pages and the API alike. */
        public String outcomeLabel() {
            return Outcome.labelOf(outcome);
        }

        /**
         * The one-click opt-out is offered for a reply that reads as one, from a patient we matched on a number no one
         * else has, who is not opted out yet. On a shared mobile we cannot know who wrote it: the CCC calls first.
         */
        public boolean optOutConfirmOffered() {
            return likelyOptOut && patient != null && !patient.optedOut() && !sharedNumber;
        }
    }

    /** What we can say about a reply not in English without a translation service (none is reachable). */
    @Serdeable
    record TranslationHint(String languageName, List<String> recognised, String note) {
    }
}
