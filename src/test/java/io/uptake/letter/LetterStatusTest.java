package io.uptake.letter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class LetterStatusTest {
    @ParameterizedTest
    @CsvSource({
            "PENDING,PRINTED,true", "PENDING,FAILED,true", "FAILED,PRINTED,true", "PRINTED,SENT,true",
            "SENT,DELIVERED,true", "PENDING,HELD_BACK,true",
            "PRINTED,PENDING,false", "PRINTED,FAILED,false", "DELIVERED,SENT,false", "SENT,SENT,false",
            "HELD_BACK,PENDING,false", "EXCLUDED,PRINTED,false", "HELD_BACK,EXCLUDED,false",
            "PENDING,CANCELLED,true", "PRINTED,CANCELLED,true", "CANCELLED,PENDING,false", "CANCELLED,PRINTED,false"})
    void statusesMoveOnlyForward(LetterStatus from, LetterStatus to, boolean allowed) {
        assertThat(from.mayMoveTo(to)).isEqualTo(allowed);
    }

    @ParameterizedTest
    @CsvSource({"10,0,2,20", "8,0.25,2,12", "10,0.25,1,7", "0,0.5,3,0", "5,0,0,0"})
    void lettersAreTheReachableLessTheControlTimesTheWaves(long reachable, BigDecimal fraction, int waves, long letters) {
        assertThat(LetterCosts.letters(reachable, fraction, waves)).isEqualTo(letters);
    }
}
