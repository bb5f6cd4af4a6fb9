package io.uptake.cohort;

import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/** What texting a cohort's eligible members one message would take: per message language and in total. */
@Serdeable
public record CohortEstimate(String programme, LocalDate asOf, String ruleVersion, String template,
                             String currency, BigDecimal pricePerSegment, List<Line> byLanguage, Line total) {

    /** {@code encoding} is GSM-7, UCS-2, or "mixed" when names push some texts of a language into UCS-2. */
    @Serdeable
    public record Line(String lang, boolean draft, String encoding, long messages, long segments, BigDecimal cost,
                       int maxSegmentsPerMessage) {
    }
}
