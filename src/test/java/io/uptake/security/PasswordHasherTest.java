package io.uptake.security;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;

/** The service hashes at bcrypt 10; only the test runner's system property lowers it, and every hash still checks. */
class PasswordHasherTest {
    @Test
    void theServiceHashesAtTenAndOnlyTheTestSwitchLowersIt() {
        assertThat(PasswordHasher.strength(false)).isEqualTo(10);
        assertThat(PasswordHasher.strength(true)).isEqualTo(4);
        // The switch is a system property of the test JVM only (pom.xml), not a setting.
        assertThat(PasswordHasher.TEST_SWITCH).startsWith("uptake.test.");
    }

    @Test
    void aHashStatesItsOwnCostSoOneMadeAtTheServicesStrengthStillMatches() {
        PasswordHasher hasher = new PasswordHasher();
        String made = hasher.hash("correct horse battery");
        assertThat(made).startsWith(hasher.hashPrefix());
        assertThat(hasher.matches("correct horse battery", made)).isTrue();
        String atTen = new BCryptPasswordEncoder(10).encode("correct horse battery");
        assertThat(hasher.matches("correct horse battery", atTen)).isTrue();
        assertThat(hasher.matches("wrong", atTen)).isFalse();
        assertThat(hasher.matches(null, atTen)).isFalse();
    }
}
