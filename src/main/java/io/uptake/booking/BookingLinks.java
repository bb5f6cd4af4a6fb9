package io.uptake.booking;

import io.micronaut.context.annotation.Value;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tracked links of campaigns: issued once per message at launch, opened by patients.
 *
 * <p>Exactly once: a message's token is written in the launch transaction, keyed by the message, so the text
 * rendered by any attempt (a retry, a reconcile, another instance) holds the same link; nothing else writes one.
 */
@Singleton
public class BookingLinks {
    private final JdbcOperations jdbc;
    private final BookingSettings settings;
    private final String publicUrl;
    private final SecureRandom random = new SecureRandom();

    BookingLinks(JdbcOperations jdbc, BookingSettings settings,
                 @Value("${uptake.public-url:`http://localhost:8080`}") String publicUrl) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.publicUrl = publicUrl;
    }

    /** The link a text holds for {@code token}. */
    public String link(String token) {
        return TrackedLinks.shortLink(publicUrl, token);
    }

    /** A link of a real one's length, for previews and cost estimates. */
    public String sampleLink() {
        return TrackedLinks.sampleLink(publicUrl);
    }

    /**
     * Gives every message of the campaign that will be sent (PENDING) a token, in the caller's transaction.
     * A message that has one keeps it. Returns the number issued.
     */
    @Transactional
    public int issue(long campaignId, Instant now) {
        int issued = 0;
        // A token that happens to collide (2^-96 a pair) is skipped by ON CONFLICT; the next round gives it another.
        for (int round = 0; round < 5; round++) {
            List<Long> ids = jdbc.prepareStatement("""
                    SELECT m.id FROM message m WHERE m.campaign_id = ? AND m.status = 'PENDING'
                      AND NOT EXISTS (SELECT 1 FROM booking_link b WHERE b.message_id = m.id)""", ps -> {
                ps.setLong(1, campaignId);
                List<Long> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
                return out;
            });
            if (ids.isEmpty()) {
                return issued;
            }
            String[] tokens = new String[ids.size()];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = TrackedLinks.newToken(random);
            }
            issued += jdbc.prepareStatement("""
                    INSERT INTO booking_link (message_id, token, campaign_id, created_at, expires_at)
                    SELECT u.id, u.token, m.campaign_id, ?, m.due_at + CAST(? AS INTERVAL)
                    FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[])) AS u(id, token)
                    JOIN message m ON m.id = u.id
                    ON CONFLICT DO NOTHING""", ps -> {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setString(2, settings.getLinkLifetime().toSeconds() + " seconds");
                ps.setArray(3, ps.getConnection().createArrayOf("bigint", ids.toArray()));
                ps.setArray(4, ps.getConnection().createArrayOf("text", tokens));
                return ps.executeUpdate();
            });
        }
        throw new IllegalStateException("Could not issue booking links for campaign " + campaignId);
    }

    /**
     * Records a click on a live token (first and latest click, and the count) and answers where it goes; empty
     * for a token that is unknown or expired.
     */
    @Transactional
    public Optional<String> open(String token, Instant now) {
        if (!TrackedLinks.wellFormed(token)) {
            return Optional.empty();
        }
        return jdbc.prepareStatement("""
                UPDATE booking_link b SET first_clicked_at = COALESCE(b.first_clicked_at, ?), last_clicked_at = ?,
                       clicks = b.clicks + 1
                FROM campaign c
                WHERE b.token = ? AND b.expires_at > ? AND c.id = b.campaign_id AND c.booking_url IS NOT NULL
                RETURNING c.booking_url""", ps -> {
            Timestamp at = Timestamp.from(now);
            ps.setTimestamp(1, at);
            ps.setTimestamp(2, at);
            ps.setString(3, token);
            ps.setTimestamp(4, at);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
        });
    }
}
