package io.uptake.security;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The throttle's delay rule: free failures, then a delay doubling from the first, capped. */
class LoginThrottleRuleTest {

    @ParameterizedTest(name = "{0} failures, {1} free -> {2} ms")
    @CsvSource(textBlock = """
            0,    5, 0
            4,    5, 0
            5,    5, 1000
            6,    5, 2000
            7,    5, 4000
            14,   5, 512000
            15,   5, 900000
            40,   5, 900000
            5000, 5, 900000
            19,  20, 0
            20,  20, 1000
            """)
    void delay(int failures, int free, long expectedMillis) {
        assertThat(LoginThrottle.delay(failures, free, Duration.ofSeconds(1), Duration.ofMinutes(15)))
                .isEqualTo(Duration.ofMillis(expectedMillis));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            NULL                      | NULL
            ''                        | NULL
            203.0.113.7               | 203.0.113.7
            198.51.100.1, 203.0.113.7 | 203.0.113.7
            198.51.100.1 ,            | NULL
            """)
    void theProxysOwnEntryIsTheLast(String header, String expected) {
        assertThat(ClientAddress.lastAddress(header)).isEqualTo(expected);
    }
}
