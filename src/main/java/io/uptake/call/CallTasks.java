package io.uptake.call;

import io.micronaut.core.annotation.Nullable;
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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The call worklist of a PCN: tasks with the patient's details and what the campaign sent them and heard back
 * (their replies to its texts, and the letters it wrote to them), the outcome of each call, and counts. Tasks are a CCC's, of their own PCN only (the controllers' roles); every query here is
 * scoped to the caller's PCN, and a task of another PCN is "not found".
 */
@Singleton
class CallTasks {
    static final int MAX_NOTE = 500;
    private final JdbcOperations jdbc;
    private final Clock clock;
    private final AuditLog audit;
    private final io.uptake.campaign.CampaignSettings campaigns;
    private final List<String> qualifyingProgrammes = new java.util.ArrayList<>();
    private final List<String> qualifyingEvents = new java.util.ArrayList<>();

    CallTasks(JdbcOperations jdbc, Clock clock, AuditLog audit, io.uptake.campaign.CampaignSettings campaigns,
              io.uptake.campaign.Programmes programmes) {
        // Each programme's qualifying events as (programme, event) pairs, for the conversion rule in SQL.
        for (String code : programmes.codes()) {
            for (String e : programmes.find(code).orElseThrow().getQualifyingEvents()) {
                qualifyingProgrammes.add(code);
                qualifyingEvents.add(e);
            }
        }
        this.campaigns = campaigns;
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
    }

    /** What a call came to. NO_ANSWER leaves the task open for another try; the others close it. */
    enum Outcome {
        BOOKED("Booked"), DECLINED("Declined"), NO_ANSWER("No answer"), WRONG_NUMBER("Wrong number"),
        ALREADY_SCREENED("Already screened elsewhere");

        final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String getLabel() {
            return label;
        }

        boolean closes() {
            return this != NO_ANSWER;
        }

        static Optional<Outcome> parse(String s) {
            if (s == null) {
                return Optional.empty();
            }
            String u = s.strip().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
            for (Outcome o : values()) {
                if (o.name().equals(u)) {
                    return Optional.of(o);
                }
            }
            return Optional.empty();
        }
    }

    /** Which tasks: OPEN (due today or before, the default), UPCOMING (open, due later), DONE, ALL. */
    enum Show {
        OPEN, UPCOMING, DONE, ALL;

        static Optional<Show> parse(String s) {
            if (s == null || s.isBlank()) {
                return Optional.of(OPEN);
            }
            try {
                return Optional.of(valueOf(s.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    @Serdeable
    record Reply(Instant receivedAt, String body, String classification) {
    }

    /**
     * A letter of the campaign to the patient, in an earlier wave: its status, in words in {@code label}, when it was
     * printed or posted ({@code sentAt}; null while it has not gone), and why not ({@code reason}) when it did not go.
     */
    @Serdeable
    record Letter(int wave, String status, String label, @Nullable Instant sentAt, @Nullable String reason) {
        static String label(String status) {
            return switch (status) {
                case "PRINTED" -> "Printed by the practice for posting";
                case "SENT" -> "Sent to GOV.UK Notify for posting";
                case "DELIVERED" -> "Posted by GOV.UK Notify";
                case "PENDING" -> "Not sent yet";
                case "FAILED" -> "Could not be printed or sent";
                case "REFUSED" -> "Refused by GOV.UK Notify: not posted";
                case "CANCELLED" -> "Cancelled before it went";
                default -> "Not sent";
            };
        }
    }

    /**
     * {@code invitedBy}: SMS for a recipient of the texts (called on the number texted; {@code replies} are theirs),
     * LETTER for a patient the campaign wrote to instead (called on their telephone; {@code letters} are theirs).
     * {@code landline}: the number is not a mobile, so someone else in the home may answer.
     */
    @Serdeable
    record Task(long id, long campaignId, String campaignName, int wave, long patientId, String nhsNumber,
                String patientName, String phone, String practiceCode, String practiceName, String language,
                @Nullable LocalDate indexDate, LocalDate dueOn, String status, @Nullable String outcome,
                int tries, @Nullable String note, @Nullable Instant lastTryAt, @Nullable String lastTryBy,
                @Nullable String doNotCall, String invitedBy, boolean landline, List<Reply> replies,
                List<Letter> letters) {
    }

    @Serdeable
    /** {@code open}, {@code dueToday}, {@code upcoming}: calls still to make; {@code doNotCall}: open, not to make. */
    record Counts(long open, long dueToday, long upcoming, long booked, long declined, long wrongNumber,
                  long alreadyScreened, long tries, long noAnswerOpen, long doNotCall) {
    }

    /**
     * Every task with what is known of its patient now: {@code do_not_call} is why a listed call must not be made
     * any more (opted out by patient or by the number, died, or had the test, since the list was made), null when
     * it may. Its parameters are set by {@link #bindSelect}: they are the first {@value #SELECT_PARAMETERS}.
     */
    private static final String SELECT = """
            SELECT * FROM (
                SELECT t.id, t.campaign_id, c.name AS campaign_name, t.wave, t.patient_id, p.nhs_number,
                       p.given_name || ' ' || p.family_name AS patient_name, t.phone, p.practice_code,
                       pr.name AS practice_name, t.language, t.index_date, t.due_on, t.status, t.outcome, t.tries,
                       t.note, t.last_try_at, t.last_try_by, t.pcn_id, c.status AS campaign_status, t.invited_by,
                       CASE WHEN EXISTS (SELECT 1 FROM opted_out_patient o WHERE o.patient_id = t.patient_id)
                                 OR EXISTS (SELECT 1 FROM opted_out_number n WHERE n.phone = t.phone) THEN 'opted out'
                            WHEN EXISTS (SELECT 1 FROM event e WHERE e.patient_id = t.patient_id
                                             AND e.event_type = ANY(CAST(? AS TEXT[]))) THEN 'deceased'
                            -- The one conversion rule (V120), as the listing, the reminders and the report read it:
                            -- a test imported after the list was made means the call is no longer needed.
                            WHEN EXISTS (SELECT 1 FROM conversion(t.patient_id,
                                             ARRAY(SELECT q.event_type FROM unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[]))
                                                       AS q(programme, event_type) WHERE q.programme = c.programme),
                                             conversion_index_date(t.index_date, c.start_at, ?), c.attribution_days))
                                THEN 'converted'
                            -- Registered since with another PCN's practice: not this PCN's patient to call (H-007).
                            WHEN pr.pcn_id <> t.pcn_id THEN 'moved'
                       END AS do_not_call
                FROM call_task t JOIN campaign c ON c.id = t.campaign_id JOIN patient p ON p.id = t.patient_id
                JOIN practice pr ON pr.code = p.practice_code) t
            """;

    /** The caller's PCN's tasks (a CCC's: pcnId is never null here), oldest due first, at most {@code limit}. */
    @Transactional(readOnly = true)
    List<Task> list(CurrentUser user, Show show, int limit) {
        LocalDate today = clock.instant().atZone(clock.getZone()).toLocalDate();
        // A call that must not be made any more (do_not_call) is off the lists to call, and shown under all.
        String where = switch (show) {
            case OPEN -> "t.status = 'OPEN' AND t.do_not_call IS NULL AND t.due_on <= ?";
            case UPCOMING -> "t.status = 'OPEN' AND t.do_not_call IS NULL AND t.due_on > ?";
            case DONE -> "t.status = 'DONE' AND CAST(? AS DATE) IS NOT NULL";
            case ALL -> "CAST(? AS DATE) IS NOT NULL";
        };
        List<Task> tasks = jdbc.prepareStatement(SELECT + """
                WHERE t.pcn_id = ? AND t.campaign_status <> 'CANCELLED' AND %s
                ORDER BY t.due_on, t.index_date NULLS LAST, t.id LIMIT ?""".formatted(where), ps -> {
            int i = bindSelect(ps);
            ps.setLong(i + 1, user.pcnId());
            ps.setObject(i + 2, today);
            ps.setInt(i + 3, limit);
            return read(ps.executeQuery());
        });
        return withHistory(tasks);
    }

    @Transactional(readOnly = true)
    Optional<Task> find(CurrentUser user, long id) {
        List<Task> one = jdbc.prepareStatement(SELECT + "WHERE t.id = ? AND t.pcn_id = ?", ps -> {
            int i = bindSelect(ps);
            ps.setLong(i + 1, id);
            ps.setLong(i + 2, user.pcnId());
            return read(ps.executeQuery());
        });
        return withHistory(one).stream().findFirst();
    }

    private static final int SELECT_PARAMETERS = 4;

    /** Sets {@link #SELECT}'s parameters; returns how many, so the caller's own follow. */
    private int bindSelect(java.sql.PreparedStatement ps) throws SQLException {
        return bindSelect(ps, 0);
    }

    /** Sets {@link #SELECT}'s parameters after the statement's first {@code before}; returns the last one's index. */
    private int bindSelect(java.sql.PreparedStatement ps, int before) throws SQLException {
        ps.setArray(before + 1, ps.getConnection().createArrayOf("text", campaigns.deceasedEventTypes().toArray()));
        ps.setArray(before + 2, ps.getConnection().createArrayOf("text", qualifyingProgrammes.toArray()));
        ps.setArray(before + 3, ps.getConnection().createArrayOf("text", qualifyingEvents.toArray()));
        ps.setString(before + 4, clock.getZone().getId());
        return before + SELECT_PARAMETERS;
    }

    /** Recorded: the task as it is now. Not found (another PCN's, or none): empty. Already closed: Conflict. */
    static class Closed extends RuntimeException {
        Closed(String outcome) {
            super("This call is already done (" + outcome + ")");
        }

        Closed(String why, boolean doNotCall) {
            super("Do not call: the patient has " + switch (why) {
                case "deceased" -> "died";
                case "converted" -> "had the test";
                case "moved" -> "registered with another PCN's practice";
                default -> why;
            } + " since this call was listed");
        }
    }

    /**
     * Records a call's outcome: one more try, the note, and for a final outcome the task closed. The task's row
     * is locked, so two CCCs recording at once count two tries, and a closed task takes no more outcomes.
     */
    @Transactional
    Optional<Task> record(CurrentUser user, long id, Outcome outcome, @Nullable String note) {
        String cleanNote = note == null || note.isBlank() ? null : note.strip();
        Optional<String[]> locked = jdbc.prepareStatement(
                "SELECT status, outcome FROM call_task WHERE id = ? AND pcn_id = ? FOR UPDATE", ps -> {
                    ps.setLong(1, id);
                    ps.setLong(2, user.pcnId());
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.of(new String[]{rs.getString(1), rs.getString(2)}) : Optional.<String[]>empty();
                    }
                });
        if (locked.isEmpty()) {
            return Optional.empty();
        }
        if (locked.get()[0].equals("DONE")) {
            throw new Closed(Outcome.valueOf(locked.get()[1]).label);
        }
        String doNotCall = find(user, id).map(Task::doNotCall).orElse(null);
        if (doNotCall != null) {
            throw new Closed(doNotCall, true);
        }
        Instant now = clock.instant();
        jdbc.prepareStatement("""
                UPDATE call_task SET status = ?, outcome = ?, tries = tries + 1, note = COALESCE(?, note),
                       last_try_at = ?, last_try_by = ? WHERE id = ?""", ps -> {
            ps.setString(1, outcome.closes() ? "DONE" : "OPEN");
            ps.setString(2, outcome.name());
            ps.setString(3, cleanNote);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setString(5, user.username());
            ps.setLong(6, id);
            return ps.executeUpdate();
        });
        jdbc.prepareStatement("INSERT INTO call_attempt (task_id, outcome, note, at, by_user) VALUES (?, ?, ?, ?, ?)", ps -> {
            ps.setLong(1, id);
            ps.setString(2, outcome.name());
            ps.setString(3, cleanNote);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setString(5, user.username());
            return ps.executeUpdate();
        });
        Task task = find(user, id).orElseThrow();
        audit.recordFor(user, user.pcnId(), "CALL_OUTCOME", "call:" + id,
                "campaign " + task.campaignId() + ", patient " + task.patientId() + ": " + outcome.name()
                        + ", try " + task.tries() + (cleanNote == null ? "" : ", with a note"));
        return Optional.of(task);
    }

    /** Counts only, no patient: the PCN's (a LEAD's or a CCC's), or every PCN's for an ADMIN. */
    @Transactional(readOnly = true)
    Counts counts(CurrentUser user, @Nullable Long campaignId) {
        LocalDate today = clock.instant().atZone(clock.getZone()).toLocalDate();
        // Open counts only calls that may still be made; those that must not (do_not_call) are counted apart.
        return jdbc.prepareStatement("""
                SELECT count(*) FILTER (WHERE t.status = 'OPEN' AND t.do_not_call IS NULL),
                       count(*) FILTER (WHERE t.status = 'OPEN' AND t.do_not_call IS NULL AND t.due_on <= ?),
                       count(*) FILTER (WHERE t.status = 'OPEN' AND t.do_not_call IS NULL AND t.due_on > ?),
                       count(*) FILTER (WHERE t.outcome = 'BOOKED'),
                       count(*) FILTER (WHERE t.outcome = 'DECLINED'),
                       count(*) FILTER (WHERE t.outcome = 'WRONG_NUMBER'),
                       count(*) FILTER (WHERE t.outcome = 'ALREADY_SCREENED'),
                       coalesce(sum(t.tries), 0),
                       count(*) FILTER (WHERE t.status = 'OPEN' AND t.do_not_call IS NULL AND t.outcome = 'NO_ANSWER'),
                       count(*) FILTER (WHERE t.status = 'OPEN' AND t.do_not_call IS NOT NULL)
                FROM (""" + SELECT + """
                ) t
                WHERE (CAST(? AS BIGINT) IS NULL OR t.pcn_id = ?) AND (CAST(? AS BIGINT) IS NULL OR t.campaign_id = ?)
                  AND t.campaign_status <> 'CANCELLED'""", ps -> {
            // The two days come first in the text, before the sub-select's own parameters.
            ps.setObject(1, today);
            ps.setObject(2, today);
            int i = bindSelect(ps, 2);
            ps.setObject(i + 1, user.pcnScope(), java.sql.Types.BIGINT);
            ps.setObject(i + 2, user.pcnScope(), java.sql.Types.BIGINT);
            ps.setObject(i + 3, campaignId, java.sql.Types.BIGINT);
            ps.setObject(i + 4, campaignId, java.sql.Types.BIGINT);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10));
            }
        });
    }

    private static List<Task> read(ResultSet rs) throws SQLException {
        try (rs) {
            List<Task> out = new ArrayList<>();
            while (rs.next()) {
                Timestamp last = rs.getTimestamp("last_try_at");
                out.add(new Task(rs.getLong("id"), rs.getLong("campaign_id"), rs.getString("campaign_name"),
                        rs.getInt("wave"), rs.getLong("patient_id"), rs.getString("nhs_number").strip(),
                        rs.getString("patient_name"), rs.getString("phone"), rs.getString("practice_code"),
                        rs.getString("practice_name"), rs.getString("language"),
                        rs.getObject("index_date", LocalDate.class), rs.getObject("due_on", LocalDate.class),
                        rs.getString("status"), rs.getString("outcome"), rs.getInt("tries"), rs.getString("note"),
                        last == null ? null : last.toInstant(), rs.getString("last_try_by"),
                        rs.getString("do_not_call"), rs.getString("invited_by"), !isMobile(rs.getString("phone")),
                        List.of(), List.of()));
            }
            return out;
        }
    }

    /** UK mobiles are +447 (libphonenumber's mobile ranges; the import refuses pagers and personal numbers). */
    static boolean isMobile(String e164) {
        return e164 != null && e164.startsWith("+447");
    }

    /**
     * Each task's patient's replies in its campaign, oldest first, and the letters it wrote to them in its other
     * waves (a call wave's own row says only that no letter goes in it), by wave: two queries for the whole list.
     */
    private List<Task> withHistory(List<Task> tasks) {
        if (tasks.isEmpty()) {
            return tasks;
        }
        Map<String, List<Reply>> replies = new HashMap<>();
        Map<String, List<Letter>> letters = new HashMap<>();
        Object[] ids = tasks.stream().map(Task::id).toArray();
        jdbc.prepareStatement("""
                SELECT i.campaign_id, i.patient_id, i.received_at, i.body, i.classification FROM inbound_message i
                WHERE (i.campaign_id, i.patient_id) IN (SELECT campaign_id, patient_id FROM call_task WHERE id = ANY(?))
                ORDER BY i.received_at, i.id""", ps -> {
            ps.setArray(1, ps.getConnection().createArrayOf("bigint", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    replies.computeIfAbsent(rs.getLong(1) + ":" + rs.getLong(2), k -> new ArrayList<>())
                            .add(new Reply(rs.getTimestamp(3).toInstant(), rs.getString(4), rs.getString(5)));
                }
            }
            return null;
        });
        jdbc.prepareStatement("""
                SELECT l.campaign_id, l.patient_id, l.wave, l.status, l.reason,
                       CASE WHEN l.status IN ('PRINTED', 'SENT', 'DELIVERED') THEN l.updated_at END AS sent_at
                FROM letter l JOIN campaign_wave w ON w.campaign_id = l.campaign_id AND w.wave = l.wave
                WHERE (l.campaign_id, l.patient_id) IN (SELECT campaign_id, patient_id FROM call_task WHERE id = ANY(?))
                  AND w.channel <> 'CALL' AND l.status <> 'HELD_BACK'
                ORDER BY l.wave, l.id""", ps -> {
            ps.setArray(1, ps.getConnection().createArrayOf("bigint", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp sent = rs.getTimestamp("sent_at");
                    String status = rs.getString("status");
                    letters.computeIfAbsent(rs.getLong(1) + ":" + rs.getLong(2), k -> new ArrayList<>())
                            .add(new Letter(rs.getInt("wave"), status, Letter.label(status),
                                    sent == null ? null : sent.toInstant(), rs.getString("reason")));
                }
            }
            return null;
        });
        return tasks.stream().map(t -> {
            String key = t.campaignId() + ":" + t.patientId();
            return new Task(t.id(), t.campaignId(), t.campaignName(), t.wave(), t.patientId(), t.nhsNumber(),
                    t.patientName(), t.phone(), t.practiceCode(), t.practiceName(), t.language(), t.indexDate(),
                    t.dueOn(), t.status(), t.outcome(), t.tries(), t.note(), t.lastTryAt(), t.lastTryBy(),
                    t.doNotCall(), t.invitedBy(), t.landline(), List.copyOf(replies.getOrDefault(key, List.of())),
                    List.copyOf(letters.getOrDefault(key, List.of())));
        }).toList();
    }
}
