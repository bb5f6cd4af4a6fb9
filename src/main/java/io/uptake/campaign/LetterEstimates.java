package io.uptake.campaign;

import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * What a campaign's letters would be and cost, for the review before launch (issue 14: "letter cost is part of the
 * cost shown before launch"). The letter feature answers (letter/LetterCosts); the campaign feature only asks, as it
 * tells the letter feature of a launch through {@link CampaignLetters}, so the two never depend on each other both
 * ways.
 */
public interface LetterEstimates {
    /**
     * {@code letters}: over all waves, to the arm that is contacted; {@code noAddress}: patients only a letter could
     * reach who have no address (they get nothing); the class of post, its unit price and the total.
     */
    @Serdeable
    record Letters(long letters, long noAddress, String postageClass, BigDecimal unitPrice, BigDecimal total) {
    }

    /** For the cohort less those left out by NHS number, with the control share held back, wave by wave. */
    Letters estimate(String programme, LocalDate asOf, long pcnId, List<String> leaveOut, BigDecimal controlFraction,
                     List<WaveChannel> waves);
}
