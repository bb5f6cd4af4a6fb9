package io.uptake.report;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The "lowest uptake" mark, as a table: no Micronaut context. */
class LowestUptakeTest {
    @ParameterizedTest(name = "{0} patients, 95% CI {1} to {2}, campaign {3}: marked {4}")
    @CsvSource(nullValues = "null", value = {
            // Significantly below: the whole interval is under the campaign's rate.
            "136, 0.0075, 0.0629, 0.069, true",
            // The smallest rate, but its interval reaches the campaign's rate: chance, not marked.
            "40, 0.02, 0.12, 0.069, false",
            "400, 0.06, 0.069, 0.069, false",
            "400, 0.06, 0.0689, 0.069, true",
            // Too few patients for a rate to mean something.
            "9, 0.0, 0.01, 0.5, false",
            "10, 0.0, 0.01, 0.5, true",
            // Nothing to compare: no interval (withheld), no campaign rate, no count.
            "100, null, null, 0.069, false",
            "100, 0.01, 0.02, null, false",
            "null, 0.01, 0.02, 0.069, false"})
    void marksOnlyAGroupSignificantlyBelowTheCampaign(Long recipients, Double low, Double high, Double campaign,
                                                      boolean marked) {
        List<Double> ci = low == null ? null : List.of(low, high);
        assertThat(LowestUptake.marks(recipients, ci, campaign, 10)).isEqualTo(marked);
    }
}
