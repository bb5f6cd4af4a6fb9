package io.uptake.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Against values published or worked by hand, not against the code's own output. */
class ProportionsTest {

    @Test
    void wilsonMatchesNewcombe1998Example() {
        // Newcombe, Stat Med 1998;17:857-72, table I: 81/263 -> 0.2553 to 0.3662.
        List<Double> ci = Proportions.wilson(81, 263);
        assertThat(ci.get(0)).isCloseTo(0.2553, within(0.00005));
        assertThat(ci.get(1)).isCloseTo(0.3662, within(0.00005));
    }

    @Test
    void wilsonOfThePilotWorkedByHand() {
        // 37/536: p = 0.069030, z = 1.95996, z^2/n = 0.0071667;
        // centre = p + z^2/2n = 0.072613; spread = z*sqrt(p(1-p)/n + z^2/4n^2) = 0.021601; divide by 1.0071667.
        List<Double> ci = Proportions.wilson(37, 536);
        assertThat(ci.get(0)).isCloseTo(0.0505, within(0.00005));
        assertThat(ci.get(1)).isCloseTo(0.0937, within(0.00005));
    }

    @Test
    void wilsonAtTheEdges() {
        assertThat(Proportions.wilson(0, 0)).isNull();
        // 0/10: low is 0, high = z^2/(n + z^2) = 3.8415/13.8415 = 0.2775.
        assertThat(Proportions.wilson(0, 10).get(0)).isEqualTo(0.0);
        assertThat(Proportions.wilson(0, 10).get(1)).isCloseTo(0.2775, within(0.00005));
        assertThat(Proportions.wilson(10, 10).get(1)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void newcombeHybridScoreMatchesNewcombe1998Example() {
        // Newcombe, Stat Med 1998;17:873-90, example (a): 56/70 - 48/80 = 0.2000, method 10: 0.0524 to 0.3339.
        List<Double> ci = Proportions.newcombe(56, 70, 48, 80);
        assertThat(ci.get(0)).isCloseTo(0.0524, within(0.00005));
        assertThat(ci.get(1)).isCloseTo(0.3339, within(0.00005));
        assertThat(Proportions.newcombe(1, 10, 0, 0)).isNull();
    }
}
