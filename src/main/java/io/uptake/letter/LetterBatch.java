package io.uptake.letter;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import io.uptake.sms.NotifySettings;
import io.uptake.template.MessageTemplates;
import io.uptake.template.Placeholders;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A wave's letters as one PDF for a practice that prints and posts its own. One letter that cannot be rendered (no
 * address, a missing font) is marked FAILED with its reason and left out, and the others are printed
 * ({@link LetterRenderer#render(List)}). Printed letters move to PRINTED; a later download prints them again (a
 * jammed printer) and retries the failed ones.
 */
@Singleton
public class LetterBatch {
    private static final Logger LOG = LoggerFactory.getLogger(LetterBatch.class);
    private final JdbcOperations jdbc;
    private final LetterRenderer renderer;
    private final MessageTemplates templates;
    private final AuditLog audit;
    private final Clock clock;
    /** Letters go by GOV.UK Notify (NotifyLetters): only those it could not send are printed here. */
    private final boolean notifyPosts;
    private final LetterStops stops;
    private final LetterFallbacks fallbacks;

    LetterBatch(JdbcOperations jdbc, LetterRenderer renderer, MessageTemplates templates, AuditLog audit, Clock clock,
                NotifySettings notify, LetterStops stops, LetterFallbacks fallbacks) {
        this.stops = stops;
        this.fallbacks = fallbacks;
        this.notifyPosts = notify.isLetters() && NotifySettings.present(notify.getApiKey());
        this.jdbc = jdbc;
        this.renderer = renderer;
        this.templates = templates;
        this.audit = audit;
        this.clock = clock;
    }

    /** No campaign of the caller's PCN by that id (another PCN's is the same answer: reveal nothing). */
    static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }

    /** The request cannot be met as asked; the message says why in people's words. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /** The PDF, how many letters it holds and the ones that failed (id and reason). */
    record Batch(byte[] pdf, int printed, List<Failure> failed, Map<Long, String> cancelled) {
    }

    record Failure(long letterId, String reason) {
    }

    record Row(long id, LetterStatus status, Letter letter) {
    }

    @Transactional
    public Batch print(long campaignId, int wave, CurrentUser user) {
        Optional<String> campaignStatus = jdbc.prepareStatement("""
                SELECT status FROM campaign WHERE id = ? AND (CAST(? AS BIGINT) IS NULL OR pcn_id = ?)""", ps -> {
            ps.setLong(1, campaignId);
            ps.setObject(2, user.pcnScope());
            ps.setObject(3, user.pcnScope());
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
        });
        if (campaignStatus.isEmpty()) {
            throw new NotFound("No such campaign");
        }
        if (campaignStatus.get().equals("CANCELLED")) {
            throw new Refused("This campaign was cancelled: its letters are not to be posted");
        }
        LocalDate today = LocalDate.now(clock);
        // Letters standing in for texts that failed are written every minute; the CCC printing now gets them now.
        fallbacks.write(campaignId);
        List<Row> rows = rows(campaignId, wave, today);
        if (rows.isEmpty()) {
            throw new NotFound("Wave " + wave + " of this campaign has no letters to print");
        }
        // The last check before the letters leave: anyone who opted out, died or had the test since the launch is not printed.
        Map<Long, String> cancelled = stops.cancelStopped(rows.stream().map(Row::id).toList());
        List<Row> toPrint = rows.stream().filter(r -> !cancelled.containsKey(r.id())).toList();
        // One letter's fault (its address, a font) must not keep the others from the post: the renderer prints
        // the others and says why that one could not be.
        LetterRenderer.Printed out = renderer.render(toPrint.stream().map(Row::letter).toList());
        List<Long> printed = out.printed().stream().map(i -> toPrint.get(i).id()).toList();
        List<Failure> failed = new ArrayList<>();
        out.failed().forEach((i, reason) -> {
            LOG.warn("Letter {} of campaign {} could not be rendered: {}", toPrint.get(i).id(), campaignId, reason);
            failed.add(new Failure(toPrint.get(i).id(), reason));
        });
        Timestamp now = Timestamp.from(clock.instant());
        for (long id : printed) {
            move(id, LetterStatus.PRINTED, null, now);
        }
        for (Failure f : failed) {
            move(f.letterId(), LetterStatus.FAILED, f.reason(), now);
        }
        audit.recordFor(user, pcnOf(campaignId), "LETTERS_DOWNLOAD", "campaign:" + campaignId,
                "wave " + wave + ": " + printed.size() + " printed, " + failed.size() + " failed, "
                        + cancelled.size() + " cancelled (opted out, died or had the test since the launch)");
        if (out.pdf() == null) {
            throw new Refused(toPrint.isEmpty()
                    ? "None of wave " + wave + "'s letters is to be posted: every patient left opted out, died or had the test"
                            + " since the launch (" + cancelled.size() + " cancelled)"
                    : "None of wave " + wave + "'s " + toPrint.size() + " letters could be printed: " + failed.get(0).reason());
        }
        return new Batch(out.pdf(), printed.size(), failed, cancelled);
    }

    /** One letter as it would be printed today (for NotifyLetters), or empty when there is no such letter. */
    @Transactional
    Optional<Row> row(long letterId, LocalDate today) {
        return jdbc.prepareStatement(SELECT + " WHERE l.id = ?", ps -> {
            ps.setLong(1, letterId);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs, today)) : Optional.<Row>empty();
            }
        });
    }

    /** Moves a letter forward only: a status it has passed, or a fixed one, stays as it is. */
    private void move(long id, LetterStatus to, String reason, Timestamp now) {
        jdbc.prepareStatement("""
                UPDATE letter SET status = ?, reason = ?, provider = COALESCE(provider, 'print'), updated_at = ?
                WHERE id = ? AND letter_status_rank(status) < letter_status_rank(?)""", ps -> {
            ps.setString(1, to.name());
            ps.setString(2, reason);
            ps.setTimestamp(3, now);
            ps.setLong(4, id);
            ps.setString(5, to.name());
            return ps.executeUpdate();
        });
    }

    private long pcnOf(long campaignId) {
        return jdbc.prepareStatement("SELECT pcn_id FROM campaign WHERE id = ?", ps -> {
            ps.setLong(1, campaignId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static final String SELECT = """
            SELECT l.id, l.status, l.template_key, l.language, l.due_at, c.programme,
                   p.nhs_number, p.given_name, p.family_name, p.address_line_1, p.address_line_2, p.town, p.postcode,
                   pr.name AS practice_name, pr.phone AS practice_phone, pr.address_line_1 AS pr_line_1,
                   pr.address_line_2 AS pr_line_2, pr.town AS pr_town, pr.postcode AS pr_postcode
            FROM letter l JOIN campaign c ON c.id = l.campaign_id JOIN patient p ON p.id = l.patient_id
            JOIN practice pr ON pr.code = p.practice_code""";

    private List<Row> rows(long campaignId, int wave, LocalDate today) {
        // With Notify posting letters, a PENDING letter is Notify's to send: printing it too would post it twice.
        return jdbc.prepareStatement(SELECT + """

                WHERE l.campaign_id = ? AND l.wave = ? AND l.arm = 'LETTER'
                  AND l.status IN ('PENDING', 'FAILED', 'PRINTED') AND (NOT ? OR l.status <> 'PENDING')
                ORDER BY pr.code, p.family_name, p.given_name, l.id""", ps -> {
            ps.setLong(1, campaignId);
            ps.setInt(2, wave);
            ps.setBoolean(3, notifyPosts);
            List<Row> out = new ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs, today));
                }
            }
            return out;
        });
    }

    private Row row(ResultSet rs, LocalDate today) throws SQLException {
        String practice = rs.getString("practice_name");
        String phone = rs.getString("practice_phone");
        var text = templates.letter(rs.getString("programme"), rs.getString("template_key"), rs.getString("language"),
                new Placeholders(rs.getString("given_name"), practice, phone == null ? "" : phone, null));
        // Dated the day it goes out: the wave's day, or today when printed late.
        LocalDate due = rs.getTimestamp("due_at").toInstant().atZone(clock.getZone()).toLocalDate();
        Letter letter = new Letter(practice,
                lines(rs.getString("pr_line_1"), rs.getString("pr_line_2"), rs.getString("pr_town"), rs.getString("pr_postcode")),
                phone, rs.getString("given_name") + " " + rs.getString("family_name"),
                lines(rs.getString("address_line_1"), rs.getString("address_line_2"), rs.getString("town"),
                        rs.getString("postcode")),
                rs.getString("nhs_number"), due.isAfter(today) ? due : today, text);
        return new Row(rs.getLong("id"), LetterStatus.valueOf(rs.getString("status")), letter);
    }

    private static List<String> lines(String... lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (l != null && !l.isBlank()) {
                out.add(l);
            }
        }
        return out;
    }
}
