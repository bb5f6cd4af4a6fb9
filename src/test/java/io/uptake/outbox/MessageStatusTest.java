package io.uptake.outbox;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The forward-only order that provider reports obey. */
class MessageStatusTest {
    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "PENDING, QUEUED, true", "SENDING, QUEUED, true", "UNKNOWN, QUEUED, true",
            "CANCELLED, SENT, true", "SKIPPED, DELIVERED, true",
            "QUEUED, SENT, true", "SENT, DELIVERED, true", "QUEUED, FAILED, true", "SENT, UNDELIVERED, true",
            "SENT, QUEUED, false", "QUEUED, QUEUED, false",
            "DELIVERED, FAILED, false", "FAILED, DELIVERED, false", "UNDELIVERED, DELIVERED, false",
            "DELIVERED, SENT, false", "UNKNOWN, CANCELLED, false", "CANCELLED, UNKNOWN, false"})
    void movesOnlyForward(MessageStatus from, MessageStatus to, boolean forward) {
        assertThat(from.movesForwardTo(to)).isEqualTo(forward);
    }
}
