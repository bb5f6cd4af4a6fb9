package io.uptake.budget;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

/** The budget's sentences, in people's words: pounds as "£5.28", the month by name, an overspend as "over". */
class BudgetWordsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            within the budget | GBP | 3.00   | 2.40   | 0.60  | 5.28 | The estimated cost of £5.28 is more than is left of North PCN's budget for March 2026: £0.60 left of £3.00 (£2.40 spent)
            already over it   | GBP | 100.00 | 103.40 | -3.40 | 1.00 | The estimated cost of £1.00 is more than is left of North PCN's budget for March 2026: £3.40 over £100.00 (£103.40 spent)
            another currency  | EUR | 3.00   | 2.40   | 0.60  | 5.28 | The estimated cost of EUR 5.28 is more than is left of North PCN's budget for March 2026: EUR 0.60 left of EUR 3.00 (EUR 2.40 spent)
            """)
    void aRefusedLaunchSaysWhy(String name, String currency, BigDecimal budget, BigDecimal spent, BigDecimal left,
                               BigDecimal estimate, String expected) {
        Budgets.Month m = new Budgets.Month(1, "North PCN", "2026-03", currency, budget, spent, left);
        assertThat(Budgets.refusal(m, estimate)).isEqualTo(expected);
    }
}
