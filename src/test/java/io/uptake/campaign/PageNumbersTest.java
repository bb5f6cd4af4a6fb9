package io.uptake.campaign;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PageNumbersTest {
    @ParameterizedTest(name = "page {0} of {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "1 | 1 | ''",
            "1 | 2 | 1 2",
            "2 | 3 | 1 2 3",
            "1 | 5 | 1 2 … 5",
            "3 | 5 | 1 2 3 4 5",
            "5 | 10 | 1 … 4 5 6 … 10",
            "4 | 10 | 1 2 3 4 5 … 10",
            "10 | 10 | 1 … 9 10",
            "8 | 10 | 1 … 7 8 9 10"})
    void numbersAroundTheCurrentPage(int current, int pages, String expected) {
        List<String> shown = PageNumbers.around(current, pages).stream().map(n -> n == null ? "…" : n.toString()).toList();
        assertThat(shown).isEqualTo(expected.isEmpty() ? List.of() : Arrays.asList(expected.split(" ")));
    }
}
