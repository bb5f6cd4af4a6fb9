package io.uptake.cohort;

import io.micronaut.serde.annotation.Serdeable;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Counts of a programme's cohort: {@code excluded} has one count per reason (a patient with two
 * reasons is in both), {@code excludedPatients} counts each excluded patient once.
 */
@Serdeable
public record CohortSummary(String programme, LocalDate asOf, String ruleVersion, long candidates, long eligible,
                            long excludedPatients, Map<String, Long> excluded, List<PracticeCount> byPractice,
                            List<LanguageCount> byLanguage) {

    @Serdeable
    public record PracticeCount(String practiceCode, String practiceName, long eligible, long excluded) {
    }

    /** {@code messageLanguage} is what these patients would be texted in. */
    @Serdeable
    public record LanguageCount(String language, String messageLanguage, long eligible, long excluded) {
    }
}
