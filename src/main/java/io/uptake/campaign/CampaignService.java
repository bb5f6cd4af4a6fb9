package io.uptake.campaign;

import io.micronaut.context.BeanProvider;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.audit.AuditLog;
import io.uptake.booking.BookingLinks;
import io.uptake.outbox.Schedule;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Launch, pause, resume and cancel campaigns; read them back with their counts. */
@Singleton
public class CampaignService {
    private static final Logger LOG = LoggerFactory.getLogger(CampaignService.class);
    private final JdbcOperations jdbc;
    private final Clock clock;
    private final Programmes programmes;
    private final BankHolidays holidays;
    private final BeanProvider<CampaignCohorts> cohorts;
    private final AuditLog audit;
    private final JsonMapper json;
    private final BeanProvider<CampaignScheduler> scheduler;
    private final BookingLinks bookingLinks;
    private final BeanProvider<CampaignLetters> letters;
    private final SecureRandom random = new SecureRandom();

    private final Schedule schedule;

    CampaignService(JdbcOperations jdbc, Clock clock, Programmes programmes, BankHolidays holidays,
                    BeanProvider<CampaignCohorts> cohorts, AuditLog audit, JsonMapper json,
                    BeanProvider<CampaignScheduler> scheduler, Schedule schedule, BookingLinks bookingLinks,
                    BeanProvider<CampaignLetters> letters) {
        this.bookingLinks = bookingLinks;
        this.jdbc = jdbc;
        this.schedule = schedule;
        this.clock = clock;
        this.programmes = programmes;
        this.holidays = holidays;
        this.cohorts = cohorts;
        this.audit = audit;
        this.json = json;
        this.scheduler = scheduler;
        this.letters = letters;
    }

    public static class NotFound extends RuntimeException {
        NotFound() {
            super("No such campaign");
        }
    }

    public static class Conflict extends RuntimeException {
        Conflict(String message) {
            super(message);
        }
    }

    /**
     * Creates and launches a campaign: freezes the cohort into recipients, splits off the control arm with a
     * recorded seed, and writes every wave's messages as PENDING at their first open slot. One transaction:
     * a campaign either exists with all its recipients and messages or not at all.
     */
    @Transactional
    public CampaignView launch(CampaignRequest request, CurrentUser user) {
        if (user.pcnId() == null) {
            throw new CampaignPlan.Invalid(List.of(new CampaignPlan.FieldError("pcn", "only a PCN's staff launch campaigns")));
        }
        Instant now = clock.instant();
        CampaignPlan plan = CampaignPlan.from(request, now, clock.getZone(), programmes);
        List<Instant> due = plan.waveDue(holidays);
        Instant wave1 = due.get(0);
        if (!cohorts.isPresent()) {
            throw new Conflict("The cohort engine is not installed in this build: campaigns cannot be launched");
        }
        StringBuilder reminders = new StringBuilder("[");
        for (int days : plan.reminderDays()) {
            reminders.append(reminders.length() > 1 ? "," : "").append("{\"afterDays\":").append(days).append('}');
        }
        reminders.append(']');
        long id = jdbc.prepareStatement("""
                INSERT INTO campaign (pcn_id, name, programme, status, as_of, start_at, send_window, reminders,
                                      control_fraction, attribution_days, created_by, created_at, booking_url, reply_phone,
                                      daily_cap)
                VALUES (?, ?, ?, 'SCHEDULED', ?, ?, CAST(? AS JSONB), CAST(? AS JSONB), ?, ?, ?, ?, ?, ?, ?) RETURNING id""", ps -> {
            ps.setLong(1, user.pcnId());
            ps.setString(2, plan.name());
            ps.setString(3, plan.programme());
            ps.setDate(4, Date.valueOf(plan.asOf()));
            ps.setTimestamp(5, Timestamp.from(plan.startAt()));
            ps.setString(6, CampaignPlan.windowJson(plan.window()));
            ps.setString(7, reminders.toString());
            ps.setBigDecimal(8, plan.controlFraction());
            ps.setInt(9, plan.attributionDays());
            ps.setString(10, user.username());
            ps.setTimestamp(11, Timestamp.from(now));
            ps.setString(12, plan.bookingUrl());
            ps.setString(13, plan.replyPhone());
            ps.setObject(14, plan.dailyCap(), java.sql.Types.INTEGER);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        CampaignCohorts.Frozen frozen = cohorts.get().freeze(id, plan.programme(), user.pcnId(), plan.asOf());
        leaveOut(id, plan, user, now);
        long seed = random.nextLong();
        long recipients = count("SELECT count(*) FROM recipient WHERE campaign_id = ?", id);
        long control = plan.controlSize(recipients);
        LocalDate wave1Day = wave1.atZone(clock.getZone()).toLocalDate();
        // The split is an ordering by a seeded hash of the patient id: the same seed and cohort give the same
        // arms, so an auditor can reproduce it; the hash spreads practices and ages evenly across both arms.
        jdbc.prepareStatement("""
                UPDATE recipient SET arm = 'CONTROL', index_date = ?
                WHERE id IN (SELECT id FROM recipient WHERE campaign_id = ?
                             ORDER BY md5(CAST(? AS TEXT) || ':' || patient_id), patient_id LIMIT ?)""", ps -> {
            ps.setDate(1, Date.valueOf(wave1Day));
            ps.setLong(2, id);
            ps.setLong(3, seed);
            ps.setLong(4, control);
            return ps.executeUpdate();
        });
        List<CampaignLetters.Wave> waves = new ArrayList<>();
        for (int i = 0; i < due.size(); i++) {
            int number = i + 1;
            CampaignLetters.Wave wave = new CampaignLetters.Wave(number, LaunchReviews.template(number), due.get(i),
                    plan.channel(number));
            createWave(id, wave, now);
            waves.add(wave);
        }
        int links = plan.bookingUrl() == null ? 0 : bookingLinks.issue(id, now);
        // Those no text can reach get letters instead (io.uptake.letter), in this same transaction.
        letters.ifPresent(l -> l.launched(new CampaignLetters.Launch(id, plan.programme(), user.pcnId(), plan.asOf(),
                seed, plan.controlFraction(), waves, now)));
        jdbc.prepareStatement("""
                UPDATE campaign SET rule_version = ?, cohort_summary = CAST(? AS JSONB), split_seed = ?, launched_at = ?
                WHERE id = ?""", ps -> {
            ps.setString(1, frozen.ruleVersion());
            ps.setString(2, frozen.summaryJson());
            ps.setLong(3, seed);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setLong(5, id);
            return ps.executeUpdate();
        });
        audit.record(user, "CAMPAIGN_LAUNCH", "campaign:" + id, plan.programme() + ", " + recipients
                + " recipients, " + control + " control, seed " + seed + ", wave 1 at " + wave1
                + (plan.bookingUrl() == null ? "" : ", booking link " + plan.bookingUrl() + " (" + links + " tracked links)"));
        LOG.info("Campaign {} launched: {} recipients, {} control, wave 1 at {}", id, recipients, control, wave1);
        scheduler.ifPresent(CampaignScheduler::ensureJobs);
        return find(id, user).orElseThrow();
    }

    /**
     * Takes the patients the CCC left out off the frozen list, before the split, and records each with its reason
     * (audited one by one, as the CCC decided one by one). A patient named who is not an eligible member of the
     * cohort refuses the launch: the CCC left out someone they did not see, so what they reviewed is not this.
     */
    private void leaveOut(long id, CampaignPlan plan, CurrentUser user, Instant now) {
        if (plan.leaveOut().isEmpty()) {
            return;
        }
        List<String> nhsNumbers = List.copyOf(plan.leaveOut().keySet());
        List<String> reasons = nhsNumbers.stream().map(plan.leaveOut()::get).toList();
        List<String[]> removed = jdbc.prepareStatement("""
                WITH chosen AS (SELECT * FROM unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[])) AS t(nhs_number, reason)),
                gone AS (
                    DELETE FROM recipient r USING patient p, chosen c
                    WHERE r.campaign_id = ? AND p.id = r.patient_id AND p.nhs_number = c.nhs_number
                    RETURNING r.patient_id, p.nhs_number, c.reason)
                INSERT INTO campaign_left_out (campaign_id, patient_id, reason, left_out_by, left_out_at)
                SELECT ?, patient_id, reason, ?, ? FROM gone
                RETURNING patient_id, (SELECT nhs_number FROM patient WHERE id = patient_id)""", ps -> {
            ps.setArray(1, textArray(ps.getConnection(), nhsNumbers));
            ps.setArray(2, textArray(ps.getConnection(), reasons));
            ps.setLong(3, id);
            ps.setLong(4, id);
            ps.setString(5, user.username());
            ps.setTimestamp(6, Timestamp.from(now));
            List<String[]> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[]{rs.getString(1), rs.getString(2).strip()});
                }
            }
            return out;
        });
        if (removed.size() != nhsNumbers.size()) {
            List<String> found = removed.stream().map(r -> r[1]).toList();
            List<CampaignPlan.FieldError> errors = new ArrayList<>();
            for (int i = 0; i < nhsNumbers.size(); i++) {
                if (!found.contains(nhsNumbers.get(i))) {
                    errors.add(new CampaignPlan.FieldError("leaveOut[" + i + "].nhsNumber",
                            "is not an eligible patient of this cohort"));
                }
            }
            throw new CampaignPlan.Invalid(errors);
        }
        for (String[] r : removed) {
            audit.record(user, "CAMPAIGN_LEAVE_OUT", "campaign:" + id,
                    "patient " + r[0] + " (" + io.uptake.patient.NhsNumber.mask(r[1]) + ") left out: "
                            + plan.leaveOut().get(r[1]));
        }
    }

    /**
     * Records the wave with its channel, and writes its texts when the wave texts the texted arm's recipients
     * (who all have a usable mobile: {@link WaveChannelPolicy}); letters are the letter feature's, calls are
     * listed when the wave falls due ({@code io.uptake.call}).
     */
    private void createWave(long campaignId, CampaignLetters.Wave wave, Instant now) {
        jdbc.prepareStatement("""
                INSERT INTO campaign_wave (campaign_id, wave, template_key, channel, due_at) VALUES (?, ?, ?, ?, ?)""",
                ps -> {
                    ps.setLong(1, campaignId);
                    ps.setInt(2, wave.number());
                    ps.setString(3, wave.templateKey());
                    ps.setString(4, wave.channel().name());
                    ps.setTimestamp(5, Timestamp.from(wave.due()));
                    return ps.executeUpdate();
                });
        WaveChannelPolicy.Reach recipients = WaveChannelPolicy.reach(wave.channel(),
                new WaveChannelPolicy.Patient(false, true, true));
        if (recipients.channel() == Channel.SMS) {
            schedule.enqueueWave(campaignId, wave.number(), wave.templateKey(), wave.due(), now);
        }
    }

    /** The campaign's waves in order, with their channels (V230). */
    List<CampaignView.Wave> waves(long id) {
        return jdbc.prepareStatement("""
                SELECT wave, template_key, channel, due_at FROM campaign_wave WHERE campaign_id = ? ORDER BY wave""", ps -> {
            ps.setLong(1, id);
            List<CampaignView.Wave> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    WaveChannel channel = WaveChannel.valueOf(rs.getString("channel"));
                    out.add(new CampaignView.Wave(rs.getInt("wave"), rs.getString("template_key"), channel,
                            channel.label(), instant(rs, "due_at")));
                }
            }
            return out;
        });
    }

    /** Stops claiming this campaign's messages; a batch in flight re-checks the status before each send. */
    @Transactional
    public CampaignView pause(long id, CurrentUser user) {
        String status = lockStatus(id, user);
        if (!status.equals("SCHEDULED") && !status.equals("SENDING")) {
            throw new Conflict("A " + status + " campaign cannot be paused");
        }
        setStatus(id, "PAUSED");
        audit.record(user, "CAMPAIGN_PAUSE", "campaign:" + id, "was " + status);
        return find(id, user).orElseThrow();
    }

    /**
     * Resumes a paused campaign. Messages that fell due while it was paused move to the next open slot, so
     * that a pause is not mistaken for downtime by the catch-up limit.
     */
    @Transactional
    public CampaignView resume(long id, CurrentUser user) {
        String status = lockStatus(id, user);
        if (!status.equals("PAUSED")) {
            throw new Conflict("A " + status + " campaign cannot be resumed");
        }
        Instant now = clock.instant();
        SendWindow window = window(id);
        Instant next = window.nextOpen(now, holidays);
        jdbc.prepareStatement("""
                UPDATE campaign SET status = CASE WHEN start_at <= ? THEN 'SENDING' ELSE 'SCHEDULED' END,
                                    paused_reason = NULL WHERE id = ?""",
                ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setLong(2, id);
                    return ps.executeUpdate();
                });
        schedule.deferBefore(id, next);
        audit.record(user, "CAMPAIGN_RESUME", "campaign:" + id, "next open slot " + next);
        scheduler.ifPresent(CampaignScheduler::ensureJobs);
        return find(id, user).orElseThrow();
    }

    /** Ends the campaign: nothing more is sent; unsent messages are cancelled with the reason. */
    @Transactional
    public CampaignView cancel(long id, CurrentUser user) {
        String status = lockStatus(id, user);
        if (status.equals("COMPLETED") || status.equals("CANCELLED")) {
            throw new Conflict("A " + status + " campaign cannot be cancelled");
        }
        Instant now = clock.instant();
        setStatus(id, "CANCELLED");
        int cancelled = schedule.cancelCampaign(id, now);
        jdbc.prepareStatement("UPDATE campaign SET completed_at = ? WHERE id = ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setLong(2, id);
            return ps.executeUpdate();
        });
        audit.record(user, "CAMPAIGN_CANCEL", "campaign:" + id, "was " + status + ", " + cancelled + " messages cancelled");
        return find(id, user).orElseThrow();
    }

    private String lockStatus(long id, CurrentUser user) {
        return jdbc.prepareStatement("""
                SELECT status FROM campaign WHERE id = ? AND (CAST(? AS BIGINT) IS NULL OR pcn_id = ?) FOR UPDATE""", ps -> {
            ps.setLong(1, id);
            ps.setObject(2, user.pcnScope());
            ps.setObject(3, user.pcnScope());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFound();
                }
                return rs.getString(1);
            }
        });
    }

    private void setStatus(long id, String status) {
        jdbc.prepareStatement("UPDATE campaign SET status = ? WHERE id = ?", ps -> {
            ps.setString(1, status);
            ps.setLong(2, id);
            return ps.executeUpdate();
        });
    }

    SendWindow window(long id) {
        String stored = jdbc.prepareStatement("SELECT send_window FROM campaign WHERE id = ?", ps -> {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });
        return parseWindow(stored);
    }

    SendWindow parseWindow(String stored) {
        if (stored == null) {
            return SendWindow.standard();
        }
        try {
            return CampaignPlan.storedWindow(json.readValue(stored, CampaignRequest.Window.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Transactional
    public List<CampaignView> list(CurrentUser user) {
        List<Long> ids = jdbc.prepareStatement("""
                SELECT id FROM campaign WHERE (CAST(? AS BIGINT) IS NULL OR pcn_id = ?) ORDER BY created_at DESC, id DESC""", ps -> {
            ps.setObject(1, user.pcnScope());
            ps.setObject(2, user.pcnScope());
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        });
        return ids.stream().map(id -> find(id, user).orElseThrow()).toList();
    }

    /** The campaign if the user's PCN owns it (any for ADMIN); empty otherwise, which the API answers with 404. */
    @Transactional
    public Optional<CampaignView> find(long id, CurrentUser user) {
        return jdbc.prepareStatement("""
                SELECT c.*, CAST(c.send_window AS TEXT) AS window_json, CAST(c.reminders AS TEXT) AS reminders_json
                FROM campaign c WHERE c.id = ? AND (CAST(? AS BIGINT) IS NULL OR c.pcn_id = ?)""", ps -> {
            ps.setLong(1, id);
            ps.setObject(2, user.pcnScope());
            ps.setObject(3, user.pcnScope());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.<CampaignView>empty();
                }
                String programme = rs.getString("programme");
                CampaignRequest.Window window = rs.getString("window_json") == null ? null
                        : json.readValue(rs.getString("window_json"), CampaignRequest.Window.class);
                CampaignRequest.Reminder[] reminders = json.readValue(rs.getString("reminders_json"),
                        CampaignRequest.Reminder[].class);
                long seed = rs.getLong("split_seed");
                Long splitSeed = rs.wasNull() ? null : seed;
                return Optional.of(new CampaignView(id, rs.getString("name"), programme, rs.getString("status"),
                        rs.getDate("as_of").toLocalDate(), instant(rs, "start_at"), window, List.of(reminders),
                        rs.getBigDecimal("control_fraction"), rs.getInt("attribution_days"), rs.getString("rule_version"),
                        splitSeed, rs.getString("created_by"), instant(rs, "created_at"), instant(rs, "launched_at"),
                        instant(rs, "completed_at"), counts(id, programme), rs.getString("booking_url"),
                        rs.getString("reply_phone"), waves(id), (Integer) rs.getObject("daily_cap"),
                        rs.getString("paused_reason")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private CampaignView.Counts counts(long id, String programme) {
        List<String> qualifying = programmes.find(programme).map(Programmes.Definition::getQualifyingEvents).orElse(List.of());
        return jdbc.prepareStatement("""
                WITH m AS (
                    SELECT count(*) FILTER (WHERE status IN ('PENDING', 'SENDING', 'UNKNOWN')) AS pending,
                           count(*) FILTER (WHERE status IN ('QUEUED', 'SENT', 'DELIVERED', 'UNDELIVERED')) AS sent,
                           count(*) FILTER (WHERE status = 'DELIVERED') AS delivered,
                           count(*) FILTER (WHERE status IN ('FAILED', 'UNDELIVERED')) AS failed,
                           count(*) FILTER (WHERE status = 'CANCELLED') AS cancelled,
                           count(*) FILTER (WHERE status = 'SKIPPED') AS skipped
                    FROM message WHERE campaign_id = ?),
                r AS (
                    SELECT count(*) AS recipients,
                           count(*) FILTER (WHERE r.arm = 'CONTROL') AS control,
                           count(*) FILTER (WHERE r.by_post AND r.arm <> 'CONTROL') AS by_post,
                           count(*) FILTER (WHERE r.by_post AND r.arm = 'CONTROL') AS by_post_control,
                           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM opted_out_patient o WHERE o.patient_id = r.patient_id)) AS opted_out,
                           count(*) FILTER (WHERE r.arm = 'TEXTED' AND conv.hit) AS converted,
                           count(*) FILTER (WHERE r.arm = 'CONTROL' AND conv.hit) AS control_converted
                    -- The recipients and the patients reachable only by post (V330), as the report's base has them.
                    FROM (SELECT campaign_id, patient_id, arm, index_date, FALSE AS by_post FROM recipient
                          WHERE campaign_id = ?
                          UNION ALL
                          SELECT campaign_id, patient_id, arm, CAST(NULL AS DATE), TRUE FROM campaign_post_only
                          WHERE campaign_id = ?) r
                    JOIN campaign c ON c.id = r.campaign_id
                    -- The one conversion rule (V120, docs/reports.md), so these counts are the report's.
                    CROSS JOIN LATERAL (SELECT EXISTS (
                        SELECT 1 FROM conversion(r.patient_id, CAST(? AS TEXT[]),
                                                 conversion_index_date(r.index_date, c.start_at, ?),
                                                 c.attribution_days))) AS conv(hit))
                SELECT * FROM m, r""", ps -> {
            ps.setLong(1, id);
            ps.setLong(2, id);
            ps.setLong(3, id);
            ps.setArray(4, ps.getConnection().createArrayOf("text", qualifying.toArray()));
            ps.setString(5, clock.getZone().getId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new CampaignView.Counts(rs.getLong("recipients"), rs.getLong("control"), rs.getLong("pending"),
                        rs.getLong("sent"), rs.getLong("delivered"), rs.getLong("failed"), rs.getLong("cancelled"),
                        rs.getLong("skipped"), rs.getLong("opted_out"), rs.getLong("converted"),
                        rs.getLong("control_converted"), rs.getLong("by_post"), rs.getLong("by_post_control"));
            }
        });
    }

    /** On letter l: not the row of a wave in which the call list has the patient's task. */
    private static final String LETTER_NOT_CALLED = """
            NOT EXISTS (SELECT 1 FROM call_task ct WHERE ct.campaign_id = l.campaign_id AND ct.patient_id = l.patient_id
                               AND ct.wave = l.wave)""";

    /** One page of a campaign's messages (page from 0), audited as a view of a patient list. */
    @Transactional
    public CampaignView.MessagePage messages(long id, int page, int size, CurrentUser user) {
        if (find(id, user).isEmpty()) {
            throw new NotFound();
        }
        // Every way the campaign reached out, wave by wave: texts, then letters, then calls. Control-arm letters
        // (HELD_BACK) are not contact, so they are not listed, as control patients have no text row either. A
        // letter row that says a call wave could not call a patient written to is not listed once the call list
        // has their task after all (a telephone imported after the launch): the task is the wave's row.
        long total = count("""
                WITH c AS (SELECT CAST(? AS BIGINT) AS id)
                SELECT (SELECT count(*) FROM message m, c WHERE m.campaign_id = c.id)
                     + (SELECT count(*) FROM letter l, c WHERE l.campaign_id = c.id AND l.status <> 'HELD_BACK'
                            AND %s)
                     + (SELECT count(*) FROM call_task t, c WHERE t.campaign_id = c.id)""".formatted(LETTER_NOT_CALLED), id);
        List<CampaignView.Message> rows = jdbc.prepareStatement("""
                SELECT x.kind, x.patient_id, x.sent_to, x.language, x.wave, x.body, x.segments, x.status,
                       x.error_code, x.reason, x.due_at, x.sent_at, x.status_at, x.provider,
                       p.nhs_number, p.given_name, p.family_name, pr.name AS practice_name
                FROM (
                    SELECT 0 AS kind, m.id, m.patient_id, m.to_number AS sent_to, m.language, m.wave, m.body,
                           m.segments, m.status, m.error_code, m.reason, m.due_at, m.sent_at, m.status_at,
                           -- Who took the text, as stored when it took it (V232); none until one took it.
                           m.provider
                    FROM message m WHERE m.campaign_id = ?
                    UNION ALL
                    SELECT 1, l.id, l.patient_id, concat_ws(', ', lp.address_line_1, lp.postcode), l.language, l.wave,
                           NULL, NULL, l.status, NULL, l.reason, l.due_at,
                           -- Printed or posted: when it last moved, which is when that happened.
                           CASE WHEN l.status IN ('PRINTED', 'SENT', 'DELIVERED') THEN l.updated_at END, l.updated_at,
                           l.provider
                    FROM letter l JOIN patient lp ON lp.id = l.patient_id
                    WHERE l.campaign_id = ? AND l.status <> 'HELD_BACK' AND %s
                    UNION ALL
                    -- A call's status: still to call, or its final outcome; when it is due, the start of its day.
                    SELECT 2, t.id, t.patient_id, t.phone, t.language, t.wave, NULL, NULL,
                           CASE WHEN t.status = 'DONE' THEN t.outcome ELSE 'TO_CALL' END,
                           NULL, CASE WHEN t.tries > 0 THEN t.tries || CASE WHEN t.tries = 1 THEN ' call made' ELSE ' calls made' END
                                      || COALESCE(', latest: ' || lower(replace(t.outcome, '_', ' ')), '') END,
                           timezone(?, CAST(t.due_on AS TIMESTAMP)), t.last_try_at, t.last_try_at, NULL
                    FROM call_task t WHERE t.campaign_id = ?) x
                JOIN patient p ON p.id = x.patient_id JOIN practice pr ON pr.code = p.practice_code
                ORDER BY x.wave, x.kind, x.id LIMIT ? OFFSET ?""".formatted(LETTER_NOT_CALLED), ps -> {
            ps.setLong(1, id);
            ps.setLong(2, id);
            ps.setString(3, clock.getZone().getId());
            ps.setLong(4, id);
            ps.setInt(5, size);
            ps.setLong(6, (long) page * size);
            List<CampaignView.Message> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int segments = rs.getInt("segments");
                    Integer seg = rs.wasNull() ? null : segments;
                    Channel channel = switch (rs.getInt("kind")) {
                        case 0 -> Channel.SMS;
                        case 1 -> Channel.LETTER;
                        default -> Channel.CALL;
                    };
                    out.add(new CampaignView.Message(rs.getString("nhs_number"), rs.getString("sent_to"),
                            rs.getString("language"), rs.getInt("wave"), rs.getString("body"), seg,
                            rs.getString("status"), rs.getString("error_code"), rs.getString("reason"),
                            instant(rs, "due_at"), instant(rs, "sent_at"), instant(rs, "status_at"),
                            channel, rs.getString("provider"), rs.getLong("patient_id"),
                            rs.getString("given_name") + " " + rs.getString("family_name"),
                            rs.getString("practice_name")));
                }
            }
            return out;
        });
        audit.recordFor(user, count("SELECT pcn_id FROM campaign WHERE id = ?", id), "VIEW_CAMPAIGN_MESSAGES",
                "campaign:" + id, "page " + page + ", size " + size);
        return new CampaignView.MessagePage(page, size, total, rows);
    }

    /**
     * Delivery per practice of the campaign's patients, every practice with a message, by practice name. Counts
     * only: no patient is named, so a LEAD reads it too. Delivered and failed are the progress counts'; texted is
     * every text we tried (the progress counts' sent, and the ones the provider refused), so that texted is never
     * less than delivered and failed together.
     */
    @Transactional
    public List<CampaignView.PracticeDelivery> deliveryByPractice(long id, CurrentUser user) {
        if (find(id, user).isEmpty()) {
            throw new NotFound();
        }
        return jdbc.prepareStatement("""
                SELECT pr.code, pr.name,
                       count(*) FILTER (WHERE m.status IN ('QUEUED', 'SENT', 'DELIVERED', 'UNDELIVERED', 'FAILED')) AS texted,
                       count(*) FILTER (WHERE m.status = 'DELIVERED') AS delivered,
                       count(*) FILTER (WHERE m.status IN ('FAILED', 'UNDELIVERED')) AS failed
                FROM message m JOIN patient p ON p.id = m.patient_id JOIN practice pr ON pr.code = p.practice_code
                WHERE m.campaign_id = ?
                GROUP BY pr.code, pr.name ORDER BY pr.name, pr.code""", ps -> {
            ps.setLong(1, id);
            List<CampaignView.PracticeDelivery> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new CampaignView.PracticeDelivery(rs.getString(1), rs.getString(2), rs.getLong(3),
                            rs.getLong(4), rs.getLong(5)));
                }
            }
            return out;
        });
    }

    /** A patient the CCC left out of a campaign before launch, with the reason they recorded. */
    @io.micronaut.serde.annotation.Serdeable
    public record LeftOut(String nhsNumber, String givenName, String familyName, String practiceCode, String reason,
                          String leftOutBy, Instant leftOutAt) {
    }

    /** Who was left out of the campaign by name, and why (empty for a LEAD, who reads no patient list). */
    @Transactional
    public List<LeftOut> leftOut(long id, CurrentUser user) {
        if (find(id, user).isEmpty()) {
            throw new NotFound();
        }
        if (user.role() == io.uptake.security.Role.LEAD) {
            return List.of();
        }
        return jdbc.prepareStatement("""
                SELECT p.nhs_number, p.given_name, p.family_name, p.practice_code, l.reason, l.left_out_by, l.left_out_at
                FROM campaign_left_out l JOIN patient p ON p.id = l.patient_id
                WHERE l.campaign_id = ? ORDER BY p.family_name, p.given_name, p.id""", ps -> {
            ps.setLong(1, id);
            List<LeftOut> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LeftOut(rs.getString(1).strip(), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), instant(rs, "left_out_at")));
                }
            }
            return out;
        });
    }

    private long count(String sql, long id) {
        return jdbc.prepareStatement(sql, ps -> {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static Array textArray(Connection c, List<String> values) throws SQLException {
        return c.createArrayOf("text", values.toArray());
    }

    static Map<String, Object> error(String message) {
        return Map.of("message", message);
    }
}
