package io.uptake.cohort;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

import java.time.LocalDate;
import java.util.List;

/** One page of a cohort's patients; {@code filter} is all, eligible or excluded. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CohortPage(String programme, LocalDate asOf, String ruleVersion, String filter, int page, int size,
                         long total, List<CohortMember> patients) {
}
