package io.uptake.letter;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.campaign.LetterEstimates;
import io.uptake.campaign.WaveChannel;
import io.uptake.cohort.CohortSql;
import io.uptake.cohort.Cohorts;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What a campaign's letters will cost, for the cost shown before launch: the patients of the cohort that only a
 * letter can reach (with an address), less the control arm, times the waves, times the price of the class of
 * post ({@code uptake.letter.postage}).
 */
@Singleton
public class LetterCosts implements LetterEstimates {
    private final JdbcOperations jdbc;
    private final Cohorts cohorts;
    private final LetterSettings settings;

    LetterCosts(JdbcOperations jdbc, Cohorts cohorts, LetterSettings settings) {
        this.jdbc = jdbc;
        this.cohorts = cohorts;
        this.settings = settings;
    }

    /** The estimate: letters, the class and its unit price, the total. */
    public record Estimate(long letters, long noAddress, String postageClass, BigDecimal unitPrice, BigDecimal total) {
    }

    /** The pure rule: reachable patients less the control share (rounded as the split rounds), times waves. */
    static long letters(long reachable, BigDecimal controlFraction, int waves) {
        long control = Math.round(reachable * controlFraction.doubleValue());
        return (reachable - control) * Math.max(0, waves);
    }

    public BigDecimal unitPrice() {
        BigDecimal price = settings.getPostage().get(settings.getPostageClass());
        if (price == null) {
            throw new IllegalStateException("uptake.letter.postage-class " + settings.getPostageClass()
                    + " has no price in uptake.letter.postage " + settings.getPostage().keySet());
        }
        return price;
    }

    /** The review's estimate: per wave, AUTO writes to those only a letter reaches, LETTER to all with an address. */
    @Override
    @Transactional
    public Letters estimate(String programme, LocalDate asOf, long pcnId, List<String> leaveOut,
                           BigDecimal controlFraction, List<WaveChannel> waves) {
        CohortSql sql = cohorts.cohortSql(programme, asOf, pcnId).then("""
                SELECT count(*) FILTER (WHERE c.%2$s AND %1$s), count(*) FILTER (WHERE c.%2$s AND NOT %1$s),
                       count(*) FILTER (WHERE (cardinality(c.exclusions) = 0 OR c.%2$s) AND %1$s)
                FROM cohort c JOIN patient p ON p.id = c.patient_id
                WHERE NOT (CAST(c.nhs_number AS TEXT) = ANY(:leaveOut))"""
                .formatted(LetterCampaigns.HAS_ADDRESS, LetterCampaigns.POST_ONLY), Map.of("leaveOut", leaveOut));
        long[] counts = jdbc.prepareStatement(sql.sql(), ps -> {
            sql.bind(ps);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        });
        long letters = 0;
        boolean anyLetter = false;
        for (WaveChannel w : waves) {
            long reachable = switch (w) {
                case AUTO -> counts[0];
                case LETTER -> counts[2];
                case SMS, CALL -> 0;
            };
            anyLetter |= w == WaveChannel.AUTO || w == WaveChannel.LETTER;
            letters += letters(reachable, controlFraction, 1);
        }
        BigDecimal unit = unitPrice();
        return new Letters(letters, anyLetter ? counts[1] : 0, settings.getPostageClass(), unit,
                unit.multiply(BigDecimal.valueOf(letters)));
    }

    /** As the review's estimate, for a campaign whose every wave is AUTO. */
    @Transactional
    public Estimate estimate(String programme, LocalDate asOf, long pcnId, BigDecimal controlFraction, int waves) {
        CohortSql sql = cohorts.cohortSql(programme, asOf, pcnId).then("""
                SELECT count(*) FILTER (WHERE %1$s), count(*) FILTER (WHERE NOT %1$s)
                FROM cohort c JOIN patient p ON p.id = c.patient_id WHERE c.%2$s"""
                .formatted(LetterCampaigns.HAS_ADDRESS, LetterCampaigns.POST_ONLY), Map.of());
        long[] counts = jdbc.prepareStatement(sql.sql(), ps -> {
            sql.bind(ps);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return new long[]{rs.getLong(1), rs.getLong(2)};
            }
        });
        long letters = letters(counts[0], controlFraction, waves);
        BigDecimal unit = unitPrice();
        return new Estimate(letters, counts[1], settings.getPostageClass(), unit,
                unit.multiply(BigDecimal.valueOf(letters)));
    }
}
