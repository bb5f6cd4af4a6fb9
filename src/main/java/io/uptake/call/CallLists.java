package io.uptake.call;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.TransactionOperations;
import io.uptake.audit.AuditLog;
import io.uptake.campaign.BankHolidays;
import io.uptake.campaign.CampaignSettings;
import io.uptake.campaign.Programmes;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Makes the call list of each CALL wave that has fallen due (campaign sending or completed, not paused or
 * cancelled): one task per recipient of the texted arm, and per patient the campaign wrote to instead (reachable
 * only by post: the letters' arm LETTER, never their control arm), that {@link CallNeed} says still needs a call,
 * each due on the working day {@link CallDays} gives it. A recipient is called on the number texted; a patient
 * written to on their telephone, else their mobile, as the record has them when the wave falls due. Exactly once:
 * each wave is listed in one transaction that holds its {@code campaign_wave} row's lock and marks it listed, and
 * {@code UNIQUE (campaign_id, patient_id, wave)} refuses a second task for anyone, so restarts, retries and two
 * instances make each task once.
 */
@Singleton
public class CallLists {
    private static final Logger LOG = LoggerFactory.getLogger(CallLists.class);
    private final JdbcOperations jdbc;
    private final TransactionOperations<Connection> transactions;
    private final Clock clock;
    private final CallSettings settings;
    private final CampaignSettings campaigns;
    private final Programmes programmes;
    private final BankHolidays holidays;
    private final AuditLog audit;

    CallLists(JdbcOperations jdbc, TransactionOperations<Connection> transactions, Clock clock, CallSettings settings,
              CampaignSettings campaigns, Programmes programmes, BankHolidays holidays, AuditLog audit) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.settings = settings;
        this.campaigns = campaigns;
        this.programmes = programmes;
        this.holidays = holidays;
        this.audit = audit;
    }

    record DueWave(long campaignId, int wave) {
    }

    /** Lists every due CALL wave not yet listed; returns the tasks made. Each wave in its own transaction. */
    public int listDue() {
        Instant now = clock.instant();
        List<DueWave> due = transactions.executeRead(status -> jdbc.prepareStatement("""
                SELECT w.campaign_id, w.wave FROM campaign_wave w JOIN campaign c ON c.id = w.campaign_id
                WHERE w.channel = 'CALL' AND w.calls_listed_at IS NULL AND w.due_at <= ?
                  AND c.status IN ('SENDING', 'COMPLETED')
                ORDER BY w.due_at, w.campaign_id, w.wave""", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            List<DueWave> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DueWave(rs.getLong(1), rs.getInt(2)));
                }
            }
            return out;
        }));
        int made = 0;
        for (DueWave w : due) {
            made += transactions.executeWrite(status -> list(w, now));
        }
        return made;
    }

    /** {@code recipientId} null: a patient written to, not texted ({@code call_task.invited_by} LETTER). */
    private record Candidate(Long recipientId, long patientId, String phone, String language, LocalDate indexDate,
                             CallNeed.Facts facts) {
        String invitedBy() {
            return recipientId == null ? "LETTER" : "SMS";
        }
    }

    /** Oldest index date first (none last), then the texted before those written to, then as the database gave. */
    private static final java.util.Comparator<Candidate> CALL_ORDER = java.util.Comparator
            .comparing(Candidate::indexDate, java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder()))
            .thenComparing(c -> c.recipientId() == null);

    private int list(DueWave w, Instant now) {
        // The row's lock: another instance listing this wave waits here, then finds it listed and skips it.
        Object[] campaign = jdbc.prepareStatement("""
                SELECT c.pcn_id, c.programme FROM campaign_wave w JOIN campaign c ON c.id = w.campaign_id
                WHERE w.campaign_id = ? AND w.wave = ? AND w.channel = 'CALL' AND w.calls_listed_at IS NULL
                  AND c.status IN ('SENDING', 'COMPLETED')
                FOR UPDATE OF w""", ps -> {
            ps.setLong(1, w.campaignId());
            ps.setInt(2, w.wave());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Object[]{rs.getLong(1), rs.getString(2)} : null;
            }
        });
        if (campaign == null) {
            return 0;
        }
        long pcnId = (Long) campaign[0];
        List<String> qualifying = programmes.find((String) campaign[1])
                .map(Programmes.Definition::getQualifyingEvents).orElse(List.of());
        List<Candidate> candidates = new ArrayList<>(jdbc.prepareStatement("""
                SELECT r.id, r.patient_id, r.mobile, r.language, r.index_date,
                       -- The opt-out rule (views of V80): the patient, or the number the campaign texted.
                       (EXISTS (SELECT 1 FROM opted_out_patient o WHERE o.patient_id = r.patient_id)
                        OR EXISTS (SELECT 1 FROM opted_out_number n WHERE n.phone = r.mobile)) AS opted_out,
                       EXISTS (SELECT 1 FROM event e WHERE e.patient_id = r.patient_id
                                   AND e.event_type = ANY(CAST(? AS TEXT[]))) AS deceased,
                       -- The one conversion rule (V120, docs/reports.md), as the reminders and the report.
                       (SELECT cv.event_type || ' dated ' || cv.event_date
                        FROM conversion(r.patient_id, CAST(? AS TEXT[]),
                                        conversion_index_date(r.index_date, c.start_at, ?), c.attribution_days) cv)
                           AS conversion,
                       EXISTS (SELECT 1 FROM patient p JOIN practice pr ON pr.code = p.practice_code
                               WHERE p.id = r.patient_id AND pr.pcn_id <> c.pcn_id) AS registered_elsewhere
                FROM recipient r JOIN campaign c ON c.id = r.campaign_id
                WHERE r.campaign_id = ? AND r.arm = 'TEXTED'
                ORDER BY r.index_date NULLS LAST, r.id""", ps -> {
            ps.setArray(1, ps.getConnection().createArrayOf("text", campaigns.deceasedEventTypes().toArray()));
            ps.setArray(2, ps.getConnection().createArrayOf("text", qualifying.toArray()));
            ps.setString(3, clock.getZone().getId());
            ps.setLong(4, w.campaignId());
            List<Candidate> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String phone = rs.getString(3);
                    Date index = rs.getDate(5);
                    out.add(new Candidate(rs.getLong(1), rs.getLong(2), phone, rs.getString(4),
                            index == null ? null : index.toLocalDate(),
                            new CallNeed.Facts(phone != null && !phone.isBlank(), rs.getBoolean(6), rs.getBoolean(7),
                                    rs.getString(8), rs.getBoolean("registered_elsewhere"))));
                }
            }
            return out;
        }));
        candidates.addAll(writtenTo(w.campaignId(), qualifying));
        candidates.sort(CALL_ORDER);
        List<Candidate> needed = new ArrayList<>();
        Map<String, Integer> notNeeded = new TreeMap<>();
        for (Candidate c : candidates) {
            CallNeed.whyNot(c.facts()).ifPresentOrElse(why -> notNeeded.merge(why, 1, Integer::sum), () -> needed.add(c));
        }
        LocalDate from = now.atZone(clock.getZone()).toLocalDate();
        List<LocalDate> days = CallDays.assign(needed.size(), from, settings.getPerDay(), openByDay(pcnId, from),
                holidays::isHoliday);
        int made = 0;
        for (int i = 0; i < needed.size(); i++) {
            Candidate c = needed.get(i);
            LocalDate day = days.get(i);
            made += jdbc.prepareStatement("""
                    INSERT INTO call_task (campaign_id, recipient_id, patient_id, wave, pcn_id, phone, language,
                                           index_date, due_on, status, created_at, invited_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', ?, ?)
                    ON CONFLICT (campaign_id, patient_id, wave) DO NOTHING""", ps -> {
                ps.setLong(1, w.campaignId());
                ps.setObject(2, c.recipientId(), java.sql.Types.BIGINT);
                ps.setLong(3, c.patientId());
                ps.setInt(4, w.wave());
                ps.setLong(5, pcnId);
                ps.setString(6, c.phone());
                ps.setString(7, c.language());
                ps.setObject(8, c.indexDate());
                ps.setObject(9, day);
                ps.setTimestamp(10, Timestamp.from(now));
                ps.setString(11, c.invitedBy());
                return ps.executeUpdate();
            });
        }
        jdbc.prepareStatement("UPDATE campaign_wave SET calls_listed_at = ? WHERE campaign_id = ? AND wave = ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setLong(2, w.campaignId());
            ps.setInt(3, w.wave());
            return ps.executeUpdate();
        });
        long writtenTo = needed.stream().filter(c -> c.recipientId() == null).count();
        String detail = made + " call tasks for wave " + w.wave()
                + (writtenTo == 0 ? "" : " (" + writtenTo + " of patients written to, not texted)")
                + (days.isEmpty() ? ""
                : ", due " + days.get(0) + " to " + days.get(days.size() - 1)) + ", " + settings.getPerDay()
                + " a working day" + (notNeeded.isEmpty() ? "" : "; not called: " + notNeeded);
        audit.record("system", pcnId, "CALL_LIST_MADE", "campaign:" + w.campaignId(), detail);
        LOG.info("Campaign {}: {}", w.campaignId(), detail);
        return made;
    }

    /**
     * The campaign's patients reachable only by post, in the letters' arm LETTER (never CONTROL: held back from
     * every channel), as view {@code campaign_post_only} (V330) defines them for the report and the campaign counts:
     * never a recipient, written to by an AUTO or LETTER wave, not left out for want of an address. So the call list
     * never says "invited by letter" of a patient no letter was written to, and every patient it calls is in the
     * report's call channel with a control arm. Their number is their telephone,
     * else a mobile imported since the launch. Conversion is measured from the campaign's start (no text sets
     * their index date), by the one conversion rule (V120); the opt-out rule is the patient's, or that number's.
     */
    private List<Candidate> writtenTo(long campaignId, List<String> qualifying) {
        return jdbc.prepareStatement("""
                WITH written AS (
                    -- The one definition of the patients reachable only by post who count (V330), as the report's
                    -- base and the campaign counts read it; TEXTED is its name for the letters' arm LETTER.
                    SELECT po.patient_id, po.language FROM campaign_post_only po
                    WHERE po.campaign_id = ? AND po.arm = 'TEXTED')
                SELECT x.*,
                       (EXISTS (SELECT 1 FROM opted_out_patient o WHERE o.patient_id = x.patient_id)
                        OR EXISTS (SELECT 1 FROM opted_out_number n WHERE n.phone = x.phone)) AS opted_out,
                       EXISTS (SELECT 1 FROM event e WHERE e.patient_id = x.patient_id
                                   AND e.event_type = ANY(CAST(? AS TEXT[]))) AS deceased,
                       (SELECT cv.event_type || ' dated ' || cv.event_date
                        FROM conversion(x.patient_id, CAST(? AS TEXT[]), x.index_date, x.attribution_days) cv)
                           AS conversion
                FROM (SELECT w.patient_id, COALESCE(p.telephone, p.mobile) AS phone, w.language,
                             conversion_index_date(NULL, c.start_at, ?) AS index_date, c.attribution_days,
                             EXISTS (SELECT 1 FROM practice pr WHERE pr.code = p.practice_code
                                         AND pr.pcn_id <> c.pcn_id) AS registered_elsewhere
                      FROM written w JOIN patient p ON p.id = w.patient_id JOIN campaign c ON c.id = ?) x
                ORDER BY x.patient_id""", ps -> {
            ps.setLong(1, campaignId);
            ps.setArray(2, ps.getConnection().createArrayOf("text", campaigns.deceasedEventTypes().toArray()));
            ps.setArray(3, ps.getConnection().createArrayOf("text", qualifying.toArray()));
            ps.setString(4, clock.getZone().getId());
            ps.setLong(5, campaignId);
            List<Candidate> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String phone = rs.getString("phone");
                    out.add(new Candidate(null, rs.getLong("patient_id"), phone, rs.getString("language"),
                            rs.getObject("index_date", LocalDate.class),
                            new CallNeed.Facts(phone != null && !phone.isBlank(), rs.getBoolean("opted_out"),
                                    rs.getBoolean("deceased"), rs.getString("conversion"),
                                    rs.getBoolean("registered_elsewhere"))));
                }
            }
            return out;
        });
    }

    /** The PCN's open tasks due on each day from {@code from}: a new list fills the days after them. */
    private Map<LocalDate, Integer> openByDay(long pcnId, LocalDate from) {
        return jdbc.prepareStatement("""
                SELECT due_on, count(*) FROM call_task WHERE pcn_id = ? AND status = 'OPEN' AND due_on >= ?
                GROUP BY due_on""", ps -> {
            ps.setLong(1, pcnId);
            ps.setObject(2, from);
            Map<LocalDate, Integer> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getObject(1, LocalDate.class), rs.getInt(2));
                }
            }
            return out;
        });
    }
}
