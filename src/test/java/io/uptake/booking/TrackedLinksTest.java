package io.uptake.booking;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The booking-link rules as a table: no Micronaut context. */
class TrackedLinksTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "https://www.oak-surgery.nhs.uk/book            | -",
            "HTTPS://book.example.nhs.uk/fit?ref=sms         | -",
            "''                                              | -",
            "http://www.oak-surgery.nhs.uk/book             | must start with https://",
            "javascript:alert(1)                             | must start with https://",
            "www.oak-surgery.nhs.uk/book                     | must start with https://",
            "ftp://files.example.nhs.uk                      | must start with https://",
            "https://localhost/book                          | must be a web address like",
            "https://user:pass@book.example.nhs.uk/          | must be a web address like",
            "https://book example.nhs.uk                     | is not a web address",
    })
    void bookingUrls(String url, String problem) {
        var found = TrackedLinks.bookingUrlProblem(url);
        if (problem == null) {
            assertThat(found).isEmpty();
        } else {
            assertThat(found).hasValueSatisfying(p -> assertThat(p).startsWith(problem));
        }
    }

    @Test
    void aVeryLongUrlIsRefused() {
        assertThat(TrackedLinks.bookingUrlProblem("https://book.example.nhs.uk/" + "a".repeat(500)))
                .hasValue("must be at most 500 characters");
    }

    @Test
    void tokensCarryNinetySixRandomBitsAndNothingElse() {
        SecureRandom random = new SecureRandom();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String token = TrackedLinks.newToken(random);
            assertThat(token).hasSize(TrackedLinks.TOKEN_LENGTH).matches("[A-Za-z0-9_-]+");
            assertThat(Base64.getUrlDecoder().decode(token)).hasSize(12);
            assertThat(TrackedLinks.wellFormed(token)).isTrue();
            seen.add(token);
        }
        assertThat(seen).hasSize(10_000);
        assertThat(TrackedLinks.TOKEN_BYTES * 8).isGreaterThanOrEqualTo(96);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {"-", "short", "AAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAA/", "AAAAAAAA AAAAAAA"})
    void malformedTokensAreNotLookedUp(String token) {
        assertThat(TrackedLinks.wellFormed(token)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "https://uptake.example.nhs.uk, https://uptake.example.nhs.uk/b/AbCdEfGhIjKlMnOp",
            "https://uptake.example.nhs.uk/, https://uptake.example.nhs.uk/b/AbCdEfGhIjKlMnOp",
            "http://localhost:8080, http://localhost:8080/b/AbCdEfGhIjKlMnOp",
    })
    void theShortLinkIsThePublicUrlAndTheToken(String publicUrl, String link) {
        assertThat(TrackedLinks.shortLink(publicUrl, "AbCdEfGhIjKlMnOp")).isEqualTo(link);
    }

    @Test
    void theSampleLinkIsAsLongAsARealOne() {
        String real = TrackedLinks.shortLink("https://u.example.nhs.uk", TrackedLinks.newToken(new SecureRandom()));
        assertThat(TrackedLinks.sampleLink("https://u.example.nhs.uk")).hasSameSizeAs(real);
    }
}
