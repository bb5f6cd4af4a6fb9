package io.uptake.report;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.uptake.export.SpreadsheetCsv;
import io.uptake.outcome.RecipientOutcomes;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
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
                   days_to_outcome
            FROM base
            ORDER BY arm DESC, nhs_number
            """;

    private final JdbcOperations jdbc;
    private final RecipientOutcomes outcomes;

    ReportCsv(JdbcOperations jdbc, RecipientOutcomes outcomes) {
        this.jdbc = jdbc;
        this.outcomes = outcomes;
    }

    /** One row per arm total, the uplift, and one row per breakdown cell. */
    String report(CampaignReport raw, CampaignReport shown) {
        StringBuilder out = new StringBuilder();
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(
                "breakdown", "group", "recipients", "sent", "delivered", "failed", "opted_out", "replied",
                "call_requests", "converted", "conversion_rate", "ci95_low", "ci95_high", "abnormal",
                "abnormal_with_urgent_referral", "urgent_referrals", "cancers_diagnosed", "cancers_ruled_out",
                "median_days_referral_to_outcome", "segments", "cost").get())) {
            csv.printRecord(row("total", "texted",
                    cell(raw.recipients(), shown.recipients()), cell(raw.sent(), shown.sent()),
                    cell(raw.delivered(), shown.delivered()), cell(raw.failed(), shown.failed()),
                    cell(raw.optedOut(), shown.optedOut()), cell(raw.replied(), shown.replied()),
                    cell(raw.callRequests(), shown.callRequests()), cell(raw.converted(), shown.converted()),
                    number(shown.conversionRate()), low(shown.conversionRateCi95()), high(shown.conversionRateCi95()),
                    cell(raw.abnormal(), shown.abnormal()),
                    cell(raw.abnormalWithUrgentReferral(), shown.abnormalWithUrgentReferral()),
                    cell(raw.urgentReferrals(), shown.urgentReferrals()),
                    cell(raw.cancersDiagnosed(), shown.cancersDiagnosed()),
                    cell(raw.cancersRuledOut(), shown.cancersRuledOut()),
                    cell(raw.medianDaysReferralToOutcome(), shown.medianDaysReferralToOutcome()),
                    number(shown.segments()), number(shown.cost())));
            if (shown.control() != null) {
                CampaignReport.Arm r = raw.control();
                CampaignReport.Arm s = shown.control();
                csv.printRecord(row("total", "control", cell(r.patients(), s.patients()), "", "", "", "", "", "",
                        cell(r.converted(), s.converted()), number(s.conversionRate()),
                        low(s.conversionRateCi95()), high(s.conversionRateCi95())));
                csv.printRecord(row("uplift", "texted minus control", "", "", "", "", "", "", "", "",
                        number(shown.uplift().difference()), low(shown.uplift().ci95()), high(shown.uplift().ci95())));
            }
            for (Map.Entry<String, List<CampaignReport.Group>> breakdown : shown.breakdowns().entrySet()) {
                List<CampaignReport.Group> rawGroups = raw.breakdowns().get(breakdown.getKey());
                for (int i = 0; i < breakdown.getValue().size(); i++) {
                    CampaignReport.Group g = breakdown.getValue().get(i);
                    CampaignReport.Group r = rawGroups.get(i);
                    csv.printRecord(row(breakdown.getKey(), text(g.label()), cell(r.recipients(), g.recipients()),
                            "", "", "", "", "", "", cell(r.converted(), g.converted()), number(g.rate()),
                            low(g.ci95()), high(g.ci95())));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    String overview(UptakeOverview overview) {
        StringBuilder out = new StringBuilder();
        boolean publication = overview.publication() != null;
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(
                "campaign_id", "pcn", "name", "programme", "source", "status", "started", "texted", "converted",
                "conversion_rate", "ci95_low", "ci95_high", "abnormal", "urgent_referrals", "cancers_diagnosed",
                "control_patients", "control_converted", "control_conversion_rate").get())) {
            for (UptakeOverview.Row r : overview.campaigns()) {
                csv.printRecord(r.campaignId(), text(r.pcn()), text(r.name()), r.programme(), r.source(), r.status(),
                        r.started(), withheld(r.texted(), publication), withheld(r.converted(), publication),
                        number(r.conversionRate()), low(r.conversionRateCi95()), high(r.conversionRateCi95()),
                        r.abnormal() == null ? "" : r.abnormal(), withheld(r.urgentReferrals(), publication),
                        withheld(r.cancersDiagnosed(), publication), number(r.controlPatients()),
                        number(r.controlConverted()), number(r.controlConversionRate()));
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
                            "days_referral_to_outcome").get())) {
                while (rs.next()) {
                    Object abnormal = rs.getObject("abnormal");
                    csv.printRecord(rs.getString("nhs_number"), rs.getString("practice_code"), rs.getString("arm"),
                            rs.getDate("index_date"), rs.getInt("texts"), nz(rs.getString("statuses")),
                            rs.getBoolean("opted_out"), nz(rs.getDate("converted_on")),
                            nz(rs.getObject("days_to_convert")), abnormal == null ? "" : abnormal,
                            nz(rs.getDate("referred_on")), text(rs.getString("pathway")),
                            nz(rs.getDate("diagnosed_on")), text(rs.getString("cancer_site")),
                            nz(rs.getDate("ruled_out_on")), nz(rs.getObject("days_to_outcome")));
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

    private static Object low(List<Double> ci) {
        return ci == null ? "" : ci.get(0);
    }

    private static Object high(List<Double> ci) {
        return ci == null ? "" : ci.get(1);
    }

    private static Object nz(Object value) {
        return value == null ? "" : value;
    }

    /** Text from imported data, defused so that a spreadsheet never runs it as a formula. */
    static String text(String value) {
        return SpreadsheetCsv.text(value);
    }
}
