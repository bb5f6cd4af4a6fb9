package io.uptake.campaign;

import io.uptake.campaign.SendEligibility.Cancel;
import io.uptake.campaign.SendEligibility.Decision;
import io.uptake.campaign.SendEligibility.Facts;
import io.uptake.campaign.SendEligibility.Release;
import io.uptake.campaign.SendEligibility.Skip;
import io.uptake.outbox.MessageStatus;
import io.uptake.outbox.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static io.uptake.outbox.MessageStatus.CANCELLED;
import static io.uptake.outbox.MessageStatus.DELIVERED;
import static io.uptake.outbox.MessageStatus.FAILED;
import static io.uptake.outbox.MessageStatus.PENDING;
import static io.uptake.outbox.MessageStatus.QUEUED;
import static io.uptake.outbox.MessageStatus.SENDING;
import static io.uptake.outbox.MessageStatus.SENT;
import static io.uptake.outbox.MessageStatus.SKIPPED;
import static io.uptake.outbox.MessageStatus.UNDELIVERED;
import static io.uptake.outbox.MessageStatus.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every send rule as a row: the facts a claim read, and what the rule decides. No context, no database. */
class SendEligibilityTest {
    static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    static final Instant NEXT_OPEN = Instant.parse("2026-03-02T17:00:00Z");
    static final Duration CATCH_UP = Duration.ofDays(2);

    /** A wave-1 PENDING text of a sending campaign, window open, due an hour ago, nothing against it. */
    static Facts due() {
        return new Facts("SENDING", true, null, NOW.minus(Duration.ofHours(1)), 1, false, false, null, null);
    }

    static Facts with(Facts f, String campaign, boolean open, Instant dueAt, int wave,
                      boolean optedOut, boolean deceased, String conversion, MessageStatus previous) {
        return new Facts(campaign, open, open ? null : NEXT_OPEN, dueAt, wave, optedOut, deceased, conversion,
                previous);
    }

    /** Due, but a later import registered the patient with another PCN's practice. */
    static Facts elsewhere(Facts d, boolean deceased, String conversion) {
        return new Facts("SENDING", true, null, d.dueAt(), 1, false, deceased, conversion, null, true);
    }

    static Facts wave(int wave, MessageStatus previous) {
        Facts f = due();
        return with(f, "SENDING", true, f.dueAt(), wave, false, false, null, previous);
    }

    static Stream<Arguments> atClaim() {
        Facts d = due();
        Instant old = NOW.minus(CATCH_UP).minusSeconds(1);
        Instant justInside = NOW.minus(CATCH_UP);
        return Stream.of(
                Arguments.of("due, nothing against it", d, SendEligibility.SEND),
                Arguments.of("campaign paused", with(d, "PAUSED", true, d.dueAt(), 1, false, false, null, null),
                        new Release(null)),
                Arguments.of("campaign cancelled", with(d, "CANCELLED", true, d.dueAt(), 1, false, false, null,
                        null), new Release(null)),
                Arguments.of("paused beats every patient rule", with(d, "PAUSED", true, d.dueAt(), 1, true,
                        true, "X", null), new Release(null)),
                Arguments.of("window closed", with(d, "SENDING", false, d.dueAt(), 1, false, false, null, null),
                        new Release(NEXT_OPEN)),
                Arguments.of("window closed beats catch-up", with(d, "SENDING", false, old, 1, false, false,
                        null, null), new Release(NEXT_OPEN)),
                Arguments.of("past the catch-up limit", with(d, "SENDING", true, old, 1, false, false, null,
                        null), new Skip("missed: due " + old + ", more than the catch-up limit of 48h ago")),
                Arguments.of("exactly at the catch-up limit", with(d, "SENDING", true, justInside, 1, false,
                        false, null, null), SendEligibility.SEND),
                Arguments.of("catch-up beats opt-out", with(d, "SENDING", true, old, 1, true, false, null,
                        null), new Skip("missed: due " + old + ", more than the catch-up limit of 48h ago")),
                Arguments.of("opted out", with(d, "SENDING", true, d.dueAt(), 1, true, false, null, null),
                        new Cancel("opted out")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void atClaim(String rule, Facts facts, Decision expected) {
        assertThat(SendEligibility.atClaim(facts, NOW, CATCH_UP)).isEqualTo(expected);
    }

    static Stream<Arguments> forPatient() {
        Facts d = due();
        Instant in1m = NOW.plus(Duration.ofMinutes(1));
        return Stream.of(
                Arguments.of("nothing against it", d, SendEligibility.SEND),
                Arguments.of("opted out", with(d, "SENDING", true, d.dueAt(), 1, true, false, null, null),
                        new Cancel("opted out")),
                Arguments.of("deceased", with(d, "SENDING", true, d.dueAt(), 1, false, true, null, null),
                        new Cancel("patient deceased")),
                Arguments.of("opt-out is named before death", with(d, "SENDING", true, d.dueAt(), 1, true,
                        true, null, null), new Cancel("opted out")),
                Arguments.of("registered with another PCN's practice", elsewhere(d, false, null),
                        new Cancel("no longer registered at the practice")),
                Arguments.of("death is named before registration", elsewhere(d, true, null),
                        new Cancel("patient deceased")),
                Arguments.of("registration is named before conversion", elsewhere(d, false,
                        "FIT_RESULT dated 2026-03-01"), new Cancel("no longer registered at the practice")),
                Arguments.of("converted", with(d, "SENDING", true, d.dueAt(), 2, false, false,
                        "FIT_RESULT dated 2026-03-01", QUEUED), new Cancel("converted: FIT_RESULT dated 2026-03-01")),
                Arguments.of("death is named before conversion", with(d, "SENDING", true, d.dueAt(), 1, false,
                        true, "FIT_RESULT dated 2026-03-01", null), new Cancel("patient deceased")),
                Arguments.of("earlier wave failed", wave(2, FAILED), new Cancel("earlier message failed permanently")),
                Arguments.of("earlier wave cancelled", wave(2, CANCELLED), new Cancel("earlier message was not sent")),
                Arguments.of("earlier wave skipped", wave(3, SKIPPED), new Cancel("earlier message was not sent")),
                Arguments.of("earlier wave still pending", wave(2, PENDING), new Release(in1m)),
                Arguments.of("earlier wave being sent", wave(2, SENDING), new Release(in1m)),
                Arguments.of("earlier wave being reconciled", wave(2, UNKNOWN), new Release(in1m)),
                Arguments.of("earlier wave queued", wave(2, QUEUED), SendEligibility.SEND),
                Arguments.of("earlier wave sent", wave(2, SENT), SendEligibility.SEND),
                Arguments.of("earlier wave delivered", wave(2, DELIVERED), SendEligibility.SEND),
                Arguments.of("earlier wave undelivered (it went)", wave(2, UNDELIVERED), SendEligibility.SEND),
                Arguments.of("no earlier message on record", wave(2, null), SendEligibility.SEND),
                Arguments.of("wave 1 ignores a previous status", wave(1, FAILED), SendEligibility.SEND));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void forPatient(String rule, Facts facts, Decision expected) {
        assertThat(SendEligibility.forPatient(facts, NOW)).isEqualTo(expected);
    }

    @Test
    void decisionsBecomeTransitions() {
        assertThat(new Release(null).transition(7)).isEqualTo(new Transition.Release(7, null));
        assertThat(new Release(NEXT_OPEN).transition(7)).isEqualTo(new Transition.Release(7, NEXT_OPEN));
        assertThat(new Cancel("opted out").transition(7)).isEqualTo(new Transition.Stop(7, CANCELLED, "opted out"));
        assertThat(new Skip("missed").transition(7)).isEqualTo(new Transition.Stop(7, SKIPPED, "missed"));
        assertThatThrownBy(() -> SendEligibility.SEND.transition(7)).isInstanceOf(IllegalStateException.class);
    }
}
