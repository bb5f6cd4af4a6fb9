package io.uptake.cohort;

import io.micronaut.serde.annotation.Serdeable;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One outreach programme: what it is called, the cancer site it is about, the events that count as
 * its conversion (what the outcome attribution looks for after a text), and its rule versions.
 */
@Serdeable
public record Programme(String name, String title, String cancerSite, List<String> cancerSiteValues,
                        List<String> conversionEventTypes, int defaultAttributionDays, List<RuleVersion> versions) {

    /** The rule version in force on {@code asOf}: the latest whose effective date is not after it. */
    public Optional<RuleVersion> versionAt(LocalDate asOf) {
        return versions.stream().filter(v -> !v.effectiveFrom().isAfter(asOf))
                .max(Comparator.comparing(RuleVersion::effectiveFrom));
    }
}
