package io.uptake.campaign;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The throttle's rate under a provider's own limit (Notify: 3,000 a minute, kept as 45 a second). */
class SendThrottleRateTest {

    @ParameterizedTest(name = "configured {0}, provider {1}: {2}")
    @CsvSource(textBlock = """
            10,  Infinity, 10
            0,   Infinity, 0
            10,  45,       10
            100, 45,       45
            0,   45,       45
            45,  45,       45
            """)
    void neverFasterThanTheProviderAllows(double configured, double providerMax, double expected) {
        assertThat(SendThrottle.rate(configured, providerMax)).isEqualTo(expected);
    }
}
