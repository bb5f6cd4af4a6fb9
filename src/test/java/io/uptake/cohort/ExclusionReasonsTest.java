package io.uptake.cohort;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExclusionReasonsTest {
    @Test
    void everyReasonACohortGivesHasWordsInTheCohortsOrder() {
        assertThat(ExclusionReasons.labels().keySet()).containsExactlyElementsOf(CohortQuery.REASONS);
        ExclusionReasons.labels().forEach((code, words) -> assertThat(words).isNotBlank().isNotEqualTo(code));
    }

    @Test
    void aReasonThisListDoesNotKnowIsShownAsItIs() {
        assertThat(ExclusionReasons.label("no-mobile")).isEqualTo("No usable mobile");
        assertThat(ExclusionReasons.label("something-new")).isEqualTo("something-new");
    }
}
