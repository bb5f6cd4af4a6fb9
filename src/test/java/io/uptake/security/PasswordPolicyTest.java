package io.uptake.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** NCSC guidance as a rule: length, the deny-list, the username; no complexity rules. */
class PasswordPolicyTest {
    private static final Set<String> DENIED = Set.of("qwertyuiop123", "password1234");
    private static final PasswordPolicy POLICY = new PasswordPolicy(PasswordPolicy.DENY_LIST);

    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            ccc.north | 1234567890                   | at least 12 characters
            ccc.north | elevenchars                  | at least 12 characters
            ccc.north | NULL                         | at least 12 characters
            ccc.north | password-ccc.north           | must not contain the username
            ccc.north | my-CCC.NORTH-passphrase      | must not contain the username
            ccc.north | QWERTYUIOP123                | one of the most common passwords
            ccc.north | password1234                 | one of the most common passwords
            ccc.north | aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | at most 72 bytes
            ccc.north | twelve chars                 | OK
            ccc.north | all lower case words only    | OK
            ccc.north | café au lait sans sucre      | OK
            admin     | correct staple horse         | OK
            """)
    void rule(String username, String password, String expected) {
        Optional<String> problem = PasswordPolicy.problem(username, password, DENIED);
        if (expected.equals("OK")) {
            assertThat(problem).isEmpty();
        } else {
            assertThat(problem).hasValueSatisfying(p -> assertThat(p).contains(expected));
        }
    }

    @Test
    void theShippedNcscListIsLoaded() {
        // Entries of the NCSC list at least 12 characters long; shorter ones are refused by length anyway.
        assertThat(POLICY.problem("someone", "1qaz2wsx3edc")).hasValueSatisfying(p -> assertThat(p).contains("common"));
        assertThat(POLICY.problem("someone", "Qwerty123456")).hasValueSatisfying(p -> assertThat(p).contains("common"));
        assertThat(POLICY.problem("someone", "1234567890")).hasValueSatisfying(p -> assertThat(p).contains("12"));
        assertThat(PasswordPolicy.load(PasswordPolicy.DENY_LIST, PasswordPolicy.MIN_LENGTH)).hasSizeGreaterThan(1000)
                .noneMatch(e -> e.startsWith("***"));
    }

    @Test
    void generatedPasswordsKeepThePolicy() {
        for (int i = 0; i < 50; i++) {
            String password = POLICY.generate("admin", "demo.ccc");
            assertThat(POLICY.problem("admin", password)).isEmpty();
            assertThat(POLICY.problem("demo.ccc", password)).isEmpty();
        }
    }

    @Test
    void aConfiguredPasswordThatBreaksThePolicyStopsTheServiceNamingTheVariable() {
        assertThatThrownBy(() -> POLICY.checkConfigured("UPTAKE_ADMIN_PASSWORD", "my-admin-password", "admin"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("UPTAKE_ADMIN_PASSWORD")
                .hasMessageContaining("username");
        POLICY.checkConfigured("UPTAKE_ADMIN_PASSWORD", "a long enough passphrase", "admin");
    }
}
