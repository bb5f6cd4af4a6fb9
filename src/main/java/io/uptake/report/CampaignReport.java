package io.uptake.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * GET /api/campaigns/{id}/report. {@code clicked}: patients who opened their tracked booking link (0 for a
 * campaign without one, and for the control arm, who get no text). Counts are patients of the texted arm unless named
 * otherwise, where "texted" is the intervention arm: since issue 14 it also holds the patients reachable only by post,
 * who were written to ({@code channels} splits them out). In particular
 * {@code recipients} is the texted arm (the contract, the denominator of {@code conversionRate}), while
 * {@code allRecipients} is both arms, the figure the campaign API calls {@code counts.recipients}. Rates are
 * raw fractions (0.069, rounded only for display); a null count is either withheld (publication mode, see
 * {@link Publication}) or not measured for this campaign (replies before the replies feature exists;
 * delivery, clicks and segments of an external campaign; abnormal results for a programme without a threshold).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CampaignReport(
        long campaignId, String name, String programme, String source, int attributionDays, int outcomeWindowDays,
        String ruleVersion, Publication publication,
        Long recipients, Long allRecipients, Long sent, Long delivered, Long clicked, Long failed, Long optedOut, Long replied, Long callRequests,
        Long converted, Double conversionRate, List<Double> conversionRateCi95,
        Long abnormal, Long abnormalWithUrgentReferral, Long urgentReferrals, Long cancersDiagnosed,
        Long cancersRuledOut, Double medianDaysReferralToOutcome,
        Long segments, BigDecimal cost, BigDecimal costPerConversion, String currency,
        Arm control, Uplift uplift, Map<String, List<Group>> breakdowns, Choices choices, Calls calls,
        List<Channel> channels) {

    /**
     * Reach and uptake by channel (issue 14), each against its own control: {@code SMS}, the patients with a usable
     * mobile (texted; reached = a text delivered or a letter that left); {@code LETTER}, those reachable only by post
     * (reached = a letter printed or posted); {@code CALL}, for a campaign with a call wave, the patients of each arm
     * not converted by the call list's day (reached = a call answered; converted = on or after that day). The first
     * two partition the campaign, so their figures add up to the report's totals; the call's patients are some of
     * theirs. {@code control} and {@code uplift} are null where the channel's control arm has no patients. Null for
     * an external campaign.
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Channel(String channel, String label, Long patients, Long reached, Long converted,
                          Double conversionRate, List<Double> conversionRateCi95, Arm control, Uplift uplift) {
    }

    /**
     * The call list's outcomes (issue 14), for a campaign with a call wave (null without one): {@code listed}
     * patients put on it, {@code contactAttempts} calls made (answered or not), {@code outcomes} patients by their
     * task's outcome ({@link #OUTCOMES}: NO_ANSWER is a task still open after tries, NOT_CALLED one not tried yet), and
     * the texted arm's breakdowns of DECLINED and ALREADY_SCREENED. A decline on the phone is an informed choice,
     * not an opt-out. The control arm is never called.
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Calls(Long listed, Long contactAttempts, Map<String, Long> outcomes,
                        Map<String, List<ChoiceGroup>> breakdowns) {
        public static final List<String> OUTCOMES = List.of("BOOKED", "DECLINED", "ALREADY_SCREENED", "WRONG_NUMBER",
                "NO_ANSWER", "NOT_CALLED");
        public static final List<String> GROUPED = List.of("DECLINED", "ALREADY_SCREENED");
    }

    /**
     * Numbered replies (issue 15): patients of each arm, and of each breakdown cell of the texted arm, who replied
     * with each choice the programme's texts offer ({@code offered}: CALL_ME, ALREADY_DONE, NEW_KIT, NOT_FOR_ME). A
     * patient who sent two different choices counts under both. Null for a programme that offers no choices.
     * NOT_FOR_ME is an informed decline, not an opt-out: opt-outs are {@code optedOut}.
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Choices(List<String> offered, Map<String, Long> texted, Map<String, Long> control,
                          Map<String, List<ChoiceGroup>> breakdowns) {
    }

    /** One breakdown cell's patients by choice (the texted arm's). */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ChoiceGroup(String value, String label, Map<String, Long> patients) {
    }

    /** The control arm, measured from the day its patients would have been texted. */
    @Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
    public record Arm(Long patients, Long clicked, Long converted, Double conversionRate, List<Double> conversionRateCi95) {
    }

    /** Texted minus control conversion rate, with Newcombe's hybrid score 95% interval. */
    @Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
    public record Uplift(Double difference, List<Double> ci95) {
    }

    /**
     * One cell of a breakdown. lowest: "lowest uptake", significantly below the campaign (its CI wholly below the
     * campaign's rate, and at least uptake.report.lowest-group-min-recipients patients: LowestUptake); belowOverall: its
     * CI wholly below the campaign's rate, whatever its size.
     */
    @Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
    public record Group(String value, String label, Long recipients, Long clicked, Long converted, Double rate, List<Double> ci95,
                        boolean lowest, boolean belowOverall) {
    }

    /** Present in publication mode: the disclosure rules that were applied. */
    @Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
    public record Publication(int suppressedFrom, int suppressedTo, int roundedTo) {
    }
}
