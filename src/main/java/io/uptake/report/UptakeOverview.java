package io.uptake.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

import java.time.LocalDate;
import java.util.List;

/** GET /api/reports/uptake: every campaign in scope side by side. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record UptakeOverview(LocalDate from, LocalDate to, CampaignReport.Publication publication, List<Row> campaigns) {

    @Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
    public record Row(long campaignId, String pcn, String name, String programme, String source, String status,
                      LocalDate started, Long texted, Long converted, Double conversionRate,
                      List<Double> conversionRateCi95, Long abnormal, Long urgentReferrals, Long cancersDiagnosed,
                      Long controlPatients, Long controlConverted, Double controlConversionRate) {
    }
}
