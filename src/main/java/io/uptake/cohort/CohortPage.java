package io.uptake.cohort;

import io.micronaut.serde.annotation.Serdeable;

import java.time.LocalDate;
import java.util.List;

/** One page of a cohort's patients; {@code filter} is all, eligible or excluded. */
@Serdeable
public record CohortPage(String programme, LocalDate asOf, String ruleVersion, String filter, int page, int size,
                         long total, List<CohortMember> patients) {
}
