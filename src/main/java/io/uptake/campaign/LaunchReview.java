package io.uptake.campaign;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What a launch would do, computed without creating anything (POST /api/campaigns/preview, and the check-your-answers
 * page): who is in the cohort and who is left out and why, the arms, each wave's date, the languages and their texts,
 * and the full cost, the letters' with the texts'. {@code token} fingerprints the figures, so that the page's confirm can tell when they changed
 * between the review and the launch. {@code dailyCap} is the campaign's cap (null: none) and {@code lastTextOn} the
 * date ({@code uptake.timezone}) its last text will go at that cap ({@link DailyCap#lastSendDay}; null: no texts).
 * {@code staleImports}: the PCN's patient list or events import that is older than {@code uptake.importing
 * .stale-after} or missing (empty: both are fresh). A warning, not a refusal: the CCC may know the data is right.
 */
@Serdeable
public record LaunchReview(String name, String programme, String programmeTitle, LocalDate asOf, String ruleVersion,
                           Cohort cohort, Arms arms, List<Wave> waves, List<Language> languages, Cost cost,
                           List<LeftOut> leftOut, List<NotApproved> notApproved, String token,
                           @Nullable Integer dailyCap, @Nullable LocalDate lastTextOn, List<StaleImport> staleImports,
                           LetterEstimates.Letters letters) {

    /**
     * An import the cohort is built on that is stale: {@code kind} {@code patients} or {@code events}, {@code label}
     * how the page names it, {@code importedAt} its latest import (null: never imported) and {@code days} since it
     * (-1: never), against {@code staleAfterDays}, the setting.
     */
    @Serdeable
    public record StaleImport(String kind, String label, @Nullable Instant importedAt, long days, long staleAfterDays) {
    }

    /**
     * @param eligible   eligible by the programme's rules, before the CCC's leave-outs
     * @param recipients eligible less those left out: who the launch freezes into the campaign
     * @param exclusions every reason with its count (a patient excluded for two reasons is in both), and
     *                   {@code left-out-by-ccc} for the named leave-outs
     */
    @Serdeable
    public record Cohort(long candidates, long eligible, long excludedPatients, long recipients,
                         List<Exclusion> exclusions) {
    }

    @Serdeable
    public record Exclusion(String reason, String label, long patients) {
    }

    /** {@code control} is exactly what the launch holds back: round(recipients x controlFraction). */
    @Serdeable
    public record Arms(long recipients, BigDecimal controlFraction, long control, long texted) {
    }

    /** {@code startsAt}: the first open slot of the send window for this wave; the throttle spreads its texts. */
    @Serdeable
    public record Wave(int wave, String template, Instant startsAt, long texts, WaveChannel channel,
                       String channelLabel) {
    }

    /**
     * A language texts go out in, with its recipients and the text of each wave (sample values), and the approval
     * the launch sends under: {@code approval} is {@code source} (the shipped English) or {@code approved} (by
     * {@code approvedBy} at {@code approvedAt}; {@code ownTexts}: the PCN's own words). Only such languages are sent:
     * patients who read another get the English text and are counted in {@link LaunchReview#notApproved}.
     * {@code draft}: the shipped catalogue marks the translation as not yet checked by a native speaker.
     * {@code note}: a sentence for the CCC where the PCN's own words are waiting (their draft English is not sent).
     */
    @Serdeable
    public record Language(String code, String name, boolean draft, boolean rtl, long recipients, List<Text> texts,
                           String approval, @Nullable String approvedBy, @Nullable Instant approvedAt,
                           boolean ownTexts, @Nullable String note) {
    }

    /**
     * Patients whose language's texts may not be sent for this PCN ({@code state}: {@code draft}, {@code incomplete},
     * or {@code none} for a language with no texts at all): they get the approved English text instead.
     */
    @Serdeable
    public record NotApproved(String code, String name, String state, long patients) {
    }

    @Serdeable
    public record Text(String template, String text, int segments, String encoding) {
    }

    /**
     * The texted arm's segments over all waves, at the price per segment. {@code exact} is false when there is a
     * control arm: which patients are held back is drawn at launch (by a seed no one chooses), and texts differ
     * in length by name and practice, so the figure is the cohort's cost scaled to the texted share.
     * Reminders go only to patients who have not responded by then: the cost is at most this.
     */
    @Serdeable
    public record Cost(String currency, BigDecimal pricePerSegment, long texts, long segments, BigDecimal total,
                       boolean exact, List<LanguageCost> byLanguage) {
    }

    @Serdeable
    public record LanguageCost(String language, long texts, long segments, BigDecimal cost) {
    }

    /** A patient the CCC left out by name, with their reason. */
    @Serdeable
    public record LeftOut(String nhsNumber, @Nullable String givenName, @Nullable String familyName,
                          @Nullable String practiceCode, String reason) {
    }
}
