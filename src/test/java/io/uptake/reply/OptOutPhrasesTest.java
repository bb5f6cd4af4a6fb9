package io.uptake.reply;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped opt-out phrases, as a table: no Micronaut context. */
class OptOutPhrasesTest {
    @ParameterizedTest(name = "\"{0}\" reads as an opt-out: {1}")
    @CsvSource(delimiter = '|', value = {
            "No more messages please | true",
            "no more texts!! | true",
            "NO MORE MESSAGES | true",
            "Please don't text me again | true",
            "Dont text me | true",
            "Do not contact me about this | true",
            "Please remove me from your list | true",
            "Take me off this | true",
            "Leave me alone | true",
            "I don't want any more of these | true",
            "Stop texting me | true",
            "Thanks, posted it | false",
            "No more questions, I've booked | false",
            "Can I have another kit? | false",
            "I removed the seal, is that ok | false",
            "textbook question: when is the clinic | false",
            "'' | false"})
    void shippedPhrases(String reply, boolean optOut) {
        assertThat(OptOutPhrases.shipped().matches(reply)).isEqualTo(optOut);
    }

    @ParameterizedTest(name = "\"{0}\" against [{1}]: {2}")
    @CsvSource(delimiter = '|', value = {
            "Nie wysyłaj więcej | nie wysylaj | true",
            "nie wysyłajcie | nie wysylaj | false",
            "stop | no more | false"})
    void wholeWordsAccentsFolded(String reply, String phrase, boolean matches) {
        assertThat(OptOutPhrases.of(List.of(phrase)).matches(reply)).isEqualTo(matches);
    }
}
