package io.uptake.campaign;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What the letter feature ({@code io.uptake.letter}) does when a campaign launches: writes a letter for each wave
 * to the cohort's patients that no text can reach (AUTO and LETTER waves), and to every texted recipient with an
 * address in a LETTER wave, as {@link WaveChannelPolicy} says. Called inside the launch transaction, after the texts.
 */
public interface CampaignLetters {
    /** A wave as the campaign planned it, with the channel it names. */
    record Wave(int number, String templateKey, Instant due, WaveChannel channel) {
    }

    /** The control split's seed and fraction are the campaign's, so that letters have a control arm too. */
    record Launch(long campaignId, String programme, long pcnId, LocalDate asOf, long seed, BigDecimal controlFraction,
                  List<Wave> waves, Instant now) {
    }

    void launched(Launch launch);
}
