package io.uptake.call;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The call list's two rules as tables: who still needs a call, and which working day each call is for. */
class CallRulesTest {
    static final LocalDate MON = LocalDate.of(2026, 3, 30);
    /** Good Friday and Easter Monday 2026. */
    static final Set<LocalDate> HOLIDAYS = Set.of(LocalDate.of(2026, 4, 3), LocalDate.of(2026, 4, 6));

    @ParameterizedTest(name = "phone={0} optedOut={1} deceased={2} conversion={3} elsewhere={4}: {5}")
    @CsvSource(nullValues = "-", textBlock = """
            true,  false, false, -,                         false, -
            false, false, false, -,                         false, no number to call
            true,  true,  false, -,                         false, opted out
            true,  false, true,  -,                         false, deceased
            true,  false, false, PSA_TEST dated 2026-03-10, false, converted
            true,  true,  true,  PSA_TEST dated 2026-03-10, false, opted out
            true,  false, false, -,                         true,  registered with another PCN's practice
            """)
    void whoStillNeedsACall(boolean phone, boolean optedOut, boolean deceased, String conversion, boolean elsewhere,
                            String why) {
        assertThat(CallNeed.whyNot(new CallNeed.Facts(phone, optedOut, deceased, conversion, elsewhere)).orElse(null))
                .isEqualTo(why);
    }

    static Stream<Arguments> days() {
        LocalDate tue = MON.plusDays(1), wed = MON.plusDays(2), thu = MON.plusDays(3), fri = MON.plusDays(4);
        LocalDate sat = MON.plusDays(5), tueAfterEaster = MON.plusDays(8);
        return Stream.of(
                Arguments.of("fewer than a day's", 2, MON, 3, Map.of(), List.of(MON, MON)),
                Arguments.of("beyond today's go to later days", 7, MON, 3, Map.of(), List.of(MON, MON, MON, tue, tue, tue, wed)),
                Arguments.of("counting the PCN's calls already due", 3, MON, 3, Map.of(MON, 2, tue, 3),
                        List.of(MON, wed, wed)),
                Arguments.of("a weekend, then Easter Monday, are no working days", 2, sat, 5, Map.of(),
                        List.of(tueAfterEaster, tueAfterEaster)),
                Arguments.of("bank holidays and weekends are skipped", 3, thu, 1, Map.of(), List.of(thu, tueAfterEaster,
                        tueAfterEaster.plusDays(1))),
                Arguments.of("a full day is skipped", 1, fri.minusDays(1), 2, Map.of(fri.minusDays(1), 2), List.of(tueAfterEaster)),
                Arguments.of("none", 0, MON, 30, Map.of(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void days(String why, int tasks, LocalDate from, int perDay, Map<LocalDate, Integer> due, List<LocalDate> expected) {
        assertThat(CallDays.assign(tasks, from, perDay, due, HOLIDAYS::contains)).isEqualTo(expected);
    }

    @Test
    void aDayHasAtLeastOneCall() {
        assertThatThrownBy(() -> CallDays.assign(1, MON, 0, Map.of(), d -> false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CallSettings().setPerDay(0)).hasMessageContaining("uptake.calls.per-day");
    }
}
