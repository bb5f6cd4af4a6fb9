package io.uptake.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The report's figures by channel (issue 14), from the cells of one {@link CampaignReports#AGGREGATE} pass: a pure
 * function of them, so its rules are table-tested without a database (ChannelFiguresTest).
 * <ul>
 *   <li>SMS and LETTER are how a patient could be reached (a usable mobile, or post only). The mobile is known
 *   before the control draw, and each group was split with the campaign's fraction, so each channel's arms are
 *   compared with each other: a randomised comparison within the channel, not against everyone's control.</li>
 *   <li>CALL compares the patients of each arm not converted by the first call wave's day: those the call list
 *   takes, and their counterparts the control arm held back from it. Not randomised: who is left by then depends on
 *   the earlier waves, which only the invited arm had, so its uplift is descriptive (H-034).</li>
 * </ul>
 * A channel appears when either arm has patients in it (CALL: when the campaign has a call wave).
 */
final class ChannelFigures {
    private ChannelFigures() {
    }

    static List<CampaignReport.Channel> of(List<CampaignReports.Cell> cells, boolean hasCallWave, Disclosure disclosure) {
        CampaignReports.Cell texted = CampaignReports.total(cells, "TEXTED");
        CampaignReports.Cell control = CampaignReports.total(cells, "CONTROL");
        List<CampaignReport.Channel> out = new ArrayList<>();
        // The text channel is each arm's total less its post-only patients.
        if (texted.recipients - texted.letterPatients + control.recipients - control.letterPatients > 0) {
            out.add(row("SMS", texted.recipients - texted.letterPatients, texted.reached - texted.letterReached,
                    texted.converted - texted.letterConverted, control.recipients - control.letterPatients,
                    control.converted - control.letterConverted, disclosure));
        }
        if (texted.letterPatients + control.letterPatients > 0) {
            out.add(row("LETTER", texted.letterPatients, texted.letterReached, texted.letterConverted,
                    control.letterPatients, control.letterConverted, disclosure));
        }
        if (hasCallWave) {
            out.add(row("CALL", texted.callDue, texted.callAnswered, texted.callConverted,
                    control.callDue, control.callConverted, disclosure));
        }
        return out;
    }

    static String label(String channel) {
        return switch (channel) {
            case "SMS" -> "Text (patients with a mobile)";
            case "LETTER" -> "Letter (no mobile: post only)";
            case "CALL" -> "Call (not tested by the call list's day)";
            default -> channel;
        };
    }

    private static CampaignReport.Channel row(String channel, long patients, long reached, long converted,
                                              long controlPatients, long controlConverted, Disclosure disclosure) {
        Long n = disclosure.count(patients);
        Long k = disclosure.count(converted);
        CampaignReport.Arm control = null;
        CampaignReport.Uplift uplift = null;
        if (controlPatients > 0) {
            Long cn = disclosure.count(controlPatients);
            Long ck = disclosure.count(controlConverted);
            control = new CampaignReport.Arm(cn, null, ck, CampaignReports.rateOf(ck, cn), CampaignReports.intervalOf(ck, cn));
            // Rates and intervals from the published counts only (Disclosure), so a withheld count gives no uplift.
            uplift = n != null && k != null && cn != null && ck != null && n > 0 && cn > 0 && k <= n && ck <= cn
                    ? new CampaignReport.Uplift((double) k / n - (double) ck / cn, Proportions.newcombe(k, n, ck, cn))
                    : new CampaignReport.Uplift(null, null);
        }
        return new CampaignReport.Channel(channel, label(channel), n, disclosure.count(reached), k,
                CampaignReports.rateOf(k, n), CampaignReports.intervalOf(k, n), control, uplift);
    }
}
