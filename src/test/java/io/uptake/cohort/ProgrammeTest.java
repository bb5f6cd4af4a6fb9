package io.uptake.cohort;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProgrammeTest {
    final Programme fit = new Programme("fit-non-returners", "FIT", "colorectal", List.of("colorectal"),
            List.of("FIT_KIT_RETURNED", "FIT_RESULT"), 28, List.of(
            new RuleVersion("fit-1", LocalDate.of(2025, 4, 1), "first", Map.of("issuedMinDaysAgo", 14)),
            new RuleVersion("fit-2", LocalDate.of(2026, 1, 1), "second", Map.of("issuedMinDaysAgo", 28))));

    @Test
    void theVersionInForceIsTheLatestEffectiveOnOrBeforeAsOf() {
        assertThat(fit.versionAt(LocalDate.of(2025, 3, 31))).isEmpty();
        assertThat(fit.versionAt(LocalDate.of(2025, 4, 1)).orElseThrow().version()).isEqualTo("fit-1");
        assertThat(fit.versionAt(LocalDate.of(2025, 12, 31)).orElseThrow().version()).isEqualTo("fit-1");
        assertThat(fit.versionAt(LocalDate.of(2026, 1, 1)).orElseThrow().integer("issuedMinDaysAgo")).isEqualTo(28);
    }

    @Test
    void aMissingOrMistypedParameterIsAnError() {
        RuleVersion v = fit.versions().get(0);
        assertThatThrownBy(() -> v.integer("issuedMaxDaysAgo")).hasMessageContaining("lacks parameter issuedMaxDaysAgo");
        assertThatThrownBy(() -> v.flag("issuedMinDaysAgo")).hasMessageContaining("not true/false");
    }
}
