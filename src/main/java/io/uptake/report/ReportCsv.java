package io.uptake.report;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.uptake.export.SpreadsheetCsv;
import io.uptake.outcome.RecipientOutcomes;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import io.uptake.web.PeopleFormats;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The CSV forms of the reports. A withheld count (publication mode) is written as "*", unmeasured as empty. */
@Singleton
class ReportCsv {
    private static final String RECIPIENTS = """
            SELECT nhs_number, practice_code, arm, index_date, texts, statuses, opted_out, converted_on,
                   days_to_convert, abnormal, referred_on, pathway, diagnosed_on, cancer_site, ruled_out_on,
                   days_to_outcome, channel, letters
            FROM base
            ORDER BY arm DESC, nhs_number
            """;

    private final JdbcOperations jdbc;
    private final RecipientOutcomes outcomes;
    private final PeopleFormats people;

    ReportCsv(JdbcOperations jdbc, RecipientOutcomes outcomes, PeopleFormats people) {
        this.jdbc = jdbc;
        this.outcomes = outcomes;
        this.people = people;
    }

    /**
     * One row per arm total, the uplift, and one row per breakdown cell, under people's column names, with rates as
     * percentages to one decimal place. In publication mode (docs/reports.md, "Small numbers") a count in the small
     * range is "*", and so is every rate and interval computed from one: one rule for every cell.
     */
    String report(CampaignReport raw, CampaignReport shown) {
        StringBuilder out = new StringBuilder();
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(
                "Breakdown", "Group", "Patients", "Sent", "Delivered", "Opened booking link", "Failed", "Opted out", "Replied",
                "Call requests", "Converted", "Conversion rate %", "95% CI low %", "95% CI high %", "Abnormal results",
                "Abnormal with urgent referral", "Urgent referrals", "Cancers diagnosed", "Cancers ruled out",
                "Median days from referral to outcome", "Text segments", "Cost £", "Chose 1 call me",
                "Chose 2 already done", "Chose 3 new kit", "Chose 4 not for me (declined)", "Calls made",
                "Declined on a call", "Screened elsewhere (on a call)", "Reached").get())) {
            csv.printRecord(withCalls(raw, shown, ChoiceRow.TEXTED, null, null, withChoices(raw, shown, ChoiceRow.TEXTED, null, null, row("Total", "Texted",
                    cell(raw.recipients(), shown.recipients()), cell(raw.sent(), shown.sent()),
                    cell(raw.delivered(), shown.delivered()), cell(raw.clicked(), shown.clicked()),
                    cell(raw.failed(), shown.failed()),
                    cell(raw.optedOut(), shown.optedOut()), cell(raw.replied(), shown.replied()),
                    cell(raw.callRequests(), shown.callRequests()), cell(raw.converted(), shown.converted()),
                    percent(raw.conversionRate(), shown.conversionRate()),
                    low(raw.conversionRateCi95(), shown.conversionRateCi95()),
                    high(raw.conversionRateCi95(), shown.conversionRateCi95()),
                    cell(raw.abnormal(), shown.abnormal()),
                    cell(raw.abnormalWithUrgentReferral(), shown.abnormalWithUrgentReferral()),
                    cell(raw.urgentReferrals(), shown.urgentReferrals()),
                    cell(raw.cancersDiagnosed(), shown.cancersDiagnosed()),
                    cell(raw.cancersRuledOut(), shown.cancersRuledOut()),
                    cell(raw.medianDaysReferralToOutcome(), shown.medianDaysReferralToOutcome()),
                    number(shown.segments()), number(shown.cost())))));
            if (shown.control() != null) {
                CampaignReport.Arm r = raw.control();
                CampaignReport.Arm s = shown.control();
                // Control patients get no text, so no link: their "opened" is 0, shown so the columns line up.
                csv.printRecord(withCalls(raw, shown, ChoiceRow.CONTROL, null, null, withChoices(raw, shown, ChoiceRow.CONTROL, null, null,
                        row("Total", "Control", cell(r.patients(), s.patients()), "", "",
                        cell(r.clicked(), s.clicked()), "", "", "", "", cell(r.converted(), s.converted()), percent(r.conversionRate(), s.conversionRate()),
                        low(r.conversionRateCi95(), s.conversionRateCi95()),
                        high(r.conversionRateCi95(), s.conversionRateCi95())))));
                csv.printRecord(full(row("Uplift", "Texted minus control (percentage points)", "", "", "", "", "", "", "", "",
                        "", percent(raw.uplift().difference(), shown.uplift().difference()),
                        low(raw.uplift().ci95(), shown.uplift().ci95()), high(raw.uplift().ci95(), shown.uplift().ci95()))));
            }
            channels(csv, raw, shown);
            for (Map.Entry<String, List<CampaignReport.Group>> breakdown : shown.breakdowns().entrySet()) {
                List<CampaignReport.Group> rawGroups = raw.breakdowns().get(breakdown.getKey());
                String title = ReportPageController.BREAKDOWN_TITLES.getOrDefault(breakdown.getKey(), breakdown.getKey());
                for (int i = 0; i < breakdown.getValue().size(); i++) {
                    CampaignReport.Group g = breakdown.getValue().get(i);
                    CampaignReport.Group r = rawGroups.get(i);
                    csv.printRecord(withCalls(raw, shown, ChoiceRow.GROUP, breakdown.getKey(), i, withChoices(raw, shown, ChoiceRow.GROUP, breakdown.getKey(), i,
                            row(title, text(g.label()), cell(r.recipients(), g.recipients()),
                            "", "", cell(r.clicked(), g.clicked()), "", "", "", "", cell(r.converted(), g.converted()), percent(r.rate(), g.rate()),
                            low(r.ci95(), g.ci95()), high(r.ci95(), g.ci95())))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Each channel's rows (issue 14): the texted arm with the patients reached (the last column), the control arm, and
     * the uplift, under the breakdown "Channel", so a lead's spreadsheet can filter them as any other breakdown.
     */
    private static void channels(CSVPrinter csv, CampaignReport raw, CampaignReport shown) throws IOException {
        if (shown.channels() == null) {
            return;
        }
        for (int i = 0; i < shown.channels().size(); i++) {
            CampaignReport.Channel s = shown.channels().get(i);
            CampaignReport.Channel r = raw.channels().get(i);
            // "texted" for the text channel; the letters' and the call's intervention arm is named for what it got.
            String arm = switch (s.channel()) {
                case "SMS" -> "texted";
                case "LETTER" -> "written to";
                default -> "invited";
            };
            List<Object> texted = full(row("Channel", s.label() + ": " + arm, cell(r.patients(), s.patients()), "", "", "",
                    "", "", "", "", cell(r.converted(), s.converted()), percent(r.conversionRate(), s.conversionRate()),
                    low(r.conversionRateCi95(), s.conversionRateCi95()), high(r.conversionRateCi95(), s.conversionRateCi95())));
            texted.set(COLUMNS - 1, cell(r.reached(), s.reached()));
            csv.printRecord(texted);
            if (s.control() == null) {
                continue;
            }
            csv.printRecord(full(row("Channel", s.label() + ": control", cell(r.control().patients(), s.control().patients()),
                    "", "", "", "", "", "", "", cell(r.control().converted(), s.control().converted()),
                    percent(r.control().conversionRate(), s.control().conversionRate()),
                    low(r.control().conversionRateCi95(), s.control().conversionRateCi95()),
                    high(r.control().conversionRateCi95(), s.control().conversionRateCi95()))));
            csv.printRecord(full(row("Channel uplift", s.label() + ": " + arm + " minus control (percentage points)", "", "",
                    "", "", "", "", "", "", "", percent(r.uplift().difference(), s.uplift().difference()),
                    low(r.uplift().ci95(), s.uplift().ci95()), high(r.uplift().ci95(), s.uplift().ci95()))));
        }
    }

    /** Every campaign in view, with the same column names, percentages and small-number rule as the report's. */
    String overview(UptakeOverview overview) {
        StringBuilder out = new StringBuilder();
        boolean publication = overview.publication() != null;
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(
                "Campaign ID", "PCN", "Campaign", "Programme", "Sent by", "Status", "Started", "Texted", "Converted",
                "Conversion rate %", "95% CI low %", "95% CI high %", "Abnormal results", "Urgent referrals",
                "Cancers diagnosed", "Control patients", "Control converted", "Control conversion rate %").get())) {
            for (UptakeOverview.Row r : overview.campaigns()) {
                boolean textedWithheld = publication && (r.texted() == null || r.converted() == null);
                boolean controlWithheld = publication && r.controlPatients() == null && r.controlConverted() != null
                        || publication && r.controlPatients() != null && r.controlConverted() == null;
                csv.printRecord(r.campaignId(), text(r.pcn()), text(r.name()), text(people.programme(r.programme())),
                        "EXTERNAL".equals(r.source()) ? "Texts sent outside Uptake" : "Uptake",
                        people.status(r.status()), r.started(), withheld(r.texted(), publication),
                        withheld(r.converted(), publication),
                        r.conversionRate() == null && textedWithheld ? "*" : percent(r.conversionRate()),
                        r.conversionRateCi95() == null && textedWithheld ? "*" : lowOf(r.conversionRateCi95()),
                        r.conversionRateCi95() == null && textedWithheld ? "*" : highOf(r.conversionRateCi95()),
                        r.abnormal() == null ? "" : r.abnormal(), withheld(r.urgentReferrals(), publication),
                        withheld(r.cancersDiagnosed(), publication), number(r.controlPatients()),
                        number(r.controlConverted()),
                        r.controlConversionRate() == null && controlWithheld ? "*" : percent(r.controlConversionRate()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Per patient: arm, texts and their statuses, conversion date and outcomes. Stays inside the PCN. */
    @Transactional(readOnly = true)
    Export recipients(long campaignId) {
        return jdbc.prepareStatement(outcomes.sql(RECIPIENTS), ps -> {
            outcomes.bind(ps, campaignId);
            ps.setFetchSize(5_000);
            StringBuilder out = new StringBuilder();
            long rows = 0;
            try (ResultSet rs = ps.executeQuery(); CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder()
                    .setHeader("nhs_number", "practice_code", "arm", "index_date", "texts", "message_statuses",
                            "opted_out", "converted_on", "days_to_convert", "abnormal", "urgent_referral_on",
                            "pathway", "cancer_diagnosed_on", "cancer_site", "cancer_ruled_out_on",
                            "days_referral_to_outcome", "channel", "letters").get())) {
                while (rs.next()) {
                    Object abnormal = rs.getObject("abnormal");
                    csv.printRecord(rs.getString("nhs_number"), rs.getString("practice_code"), rs.getString("arm"),
                            rs.getDate("index_date"), rs.getInt("texts"), nz(rs.getString("statuses")),
                            rs.getBoolean("opted_out"), nz(rs.getDate("converted_on")),
                            nz(rs.getObject("days_to_convert")), abnormal == null ? "" : abnormal,
                            nz(rs.getDate("referred_on")), text(rs.getString("pathway")),
                            nz(rs.getDate("diagnosed_on")), text(rs.getString("cancer_site")),
                            nz(rs.getDate("ruled_out_on")), nz(rs.getObject("days_to_outcome")),
                            rs.getString("channel"), rs.getInt("letters"));
                    rows++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Export(out.toString(), rows);
        });
    }

    record Export(String csv, long rows) {
    }

    private enum ChoiceRow { TEXTED, CONTROL, GROUP }

    private static final int COLUMNS_BEFORE_CHOICES = 22;
    private static final List<String> CHOICE_COLUMNS = List.of("CALL_ME", "ALREADY_DONE", "NEW_KIT", "NOT_FOR_ME");

    /**
     * The row padded to the choice columns, then each choice's patients (issue 15): empty for a programme that does
     * not offer them, or a choice it does not offer; "*" when withheld, as every other count.
     */
    private static List<Object> withChoices(CampaignReport raw, CampaignReport shown, ChoiceRow kind,
                                            String dimension, Integer index, List<Object> row) {
        if (shown.choices() == null) {
            return row;
        }
        while (row.size() < COLUMNS_BEFORE_CHOICES) {
            row.add("");
        }
        Map<String, Long> r = choiceCounts(raw.choices(), kind, dimension, index);
        Map<String, Long> s = choiceCounts(shown.choices(), kind, dimension, index);
        for (String choice : CHOICE_COLUMNS) {
            row.add(r == null || !r.containsKey(choice) ? "" : cell(r.get(choice), s == null ? null : s.get(choice)));
        }
        return row;
    }

    private static final int COLUMNS_BEFORE_CALLS = COLUMNS_BEFORE_CHOICES + CHOICE_COLUMNS.size();

    /**
     * The row padded to the call columns, then the call list's figures (issue 14): calls made (the texted arm's total
     * only), and patients who declined or were screened elsewhere on a call, per arm total and per group; empty
     * without a call wave, and for the control arm, which is never called.
     */
    private static List<Object> withCalls(CampaignReport raw, CampaignReport shown, ChoiceRow kind, String dimension,
                                          Integer index, List<Object> row) {
        while (row.size() < COLUMNS_BEFORE_CALLS) {
            row.add("");
        }
        if (shown.calls() == null || kind == ChoiceRow.CONTROL) {
            return full(row);
        }
        Map<String, Long> r = kind == ChoiceRow.TEXTED ? raw.calls().outcomes() : callGroup(raw.calls(), dimension, index);
        Map<String, Long> s = kind == ChoiceRow.TEXTED ? shown.calls().outcomes() : callGroup(shown.calls(), dimension, index);
        row.add(kind == ChoiceRow.TEXTED ? cell(raw.calls().contactAttempts(), shown.calls().contactAttempts()) : "");
        for (String outcome : CampaignReport.Calls.GROUPED) {
            row.add(r == null ? "" : cell(r.get(outcome), s == null ? null : s.get(outcome)));
        }
        return full(row);
    }

    /** The call columns, then "Reached", filled on the channel rows only. */
    private static final int COLUMNS = COLUMNS_BEFORE_CALLS + 3 + 1;

    /** Every row as wide as the header, so that a strict CSV reader (one that checks each record) takes the file. */
    private static List<Object> full(List<Object> row) {
        while (row.size() < COLUMNS) {
            row.add("");
        }
        return row;
    }

    private static Map<String, Long> callGroup(CampaignReport.Calls calls, String dimension, Integer index) {
        List<CampaignReport.ChoiceGroup> groups = calls.breakdowns().get(dimension);
        return groups == null || index >= groups.size() ? null : groups.get(index).patients();
    }

    private static Map<String, Long> choiceCounts(CampaignReport.Choices c, ChoiceRow kind, String dimension,
                                                  Integer index) {
        return switch (kind) {
            case TEXTED -> c.texted();
            case CONTROL -> c.control();
            case GROUP -> {
                List<CampaignReport.ChoiceGroup> groups = c.breakdowns().get(dimension);
                yield groups == null || index >= groups.size() ? null : groups.get(index).patients();
            }
        };
    }

    private static List<Object> row(Object... values) {
        return new ArrayList<>(Arrays.asList(values));
    }

    /** A count as published: "*" when it was withheld, empty when it was never measured. */
    private static Object cell(Object raw, Object shown) {
        if (shown != null) {
            return shown;
        }
        return raw == null ? "" : "*";
    }

    private static Object withheld(Long shown, boolean publication) {
        return shown != null ? shown : publication ? "*" : "";
    }

    private static Object number(Object value) {
        return value == null ? "" : value;
    }

    /** A rate (0.0689) as a percentage to one decimal place ("6.9"), empty when there is none. */
    static String percent(Double rate) {
        return rate == null ? "" : BigDecimal.valueOf(rate * 100).setScale(1, RoundingMode.HALF_UP).toPlainString();
    }

    /** A rate as published: "*" when it was computed from a withheld count, empty when never measured. */
    private static String percent(Double raw, Double shown) {
        return shown != null ? percent(shown) : raw == null ? "" : "*";
    }

    private static String low(List<Double> raw, List<Double> shown) {
        return shown != null ? percent(shown.get(0)) : raw == null ? "" : "*";
    }

    private static String high(List<Double> raw, List<Double> shown) {
        return shown != null ? percent(shown.get(1)) : raw == null ? "" : "*";
    }

    private static String lowOf(List<Double> ci) {
        return ci == null ? "" : percent(ci.get(0));
    }

    private static String highOf(List<Double> ci) {
        return ci == null ? "" : percent(ci.get(1));
    }

    private static Object nz(Object value) {
        return value == null ? "" : value;
    }

    /** Text from imported data, defused so that a spreadsheet never runs it as a formula. */
    static String text(String value) {
        return SpreadsheetCsv.text(value);
    }
}
