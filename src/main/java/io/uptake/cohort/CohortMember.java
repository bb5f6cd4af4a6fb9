package io.uptake.cohort;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * One candidate of a programme at an asOf date. {@code language} is the imported language;
 * {@code messageLanguage} the one they would be texted in (English unless a complete translation exists).
 * Eligible means no exclusion.
 */
@Serdeable
public record CohortMember(long patientId, String nhsNumber, String givenName, String familyName, int age,
                           String sex, String practiceCode, String practiceName, String language,
                           String messageLanguage, @Nullable String mobile,
                           @JsonInclude(JsonInclude.Include.ALWAYS) List<String> exclusions) {
    public CohortMember {
        exclusions = exclusions == null ? List.of() : List.copyOf(exclusions);
    }

    public boolean eligible() {
        return exclusions.isEmpty();
    }
}
