package io.uptake.reply;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which reply is which numbered choice ({@link ChoiceReader}), row by row, with the shipped words read from the
 * project's i18n files (not from the code under test): digits of every script, whitespace and punctuation, the
 * words of every language, and that STOP and the opt-out words and phrases are never read as a choice.
 */
class ReplyChoicesTest {
    private static final Set<ReplyChoice> ALL = EnumSet.allOf(ReplyChoice.class);
    private static final ShippedVocabulary VOCABULARY = new ShippedVocabulary();
    private static final KeywordMatcher KEYWORDS = new KeywordMatcher(VOCABULARY);
    private static final ChoiceReader READER = ChoiceReader.of(VOCABULARY, KEYWORDS);

    @ParameterizedTest(name = "[{0}] ({1}) -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // the number, as typed
            "2                   | en | ALREADY_DONE",
            "3                   | en | NEW_KIT",
            "4                   | en | NOT_FOR_ME",
            "1                   | en | CALL_ME",
            "\"  4  \"           | en | NOT_FOR_ME",
            "4.                  | en | NOT_FOR_ME",
            "(4)                 | en | NOT_FOR_ME",
            "\"4!!\"             | en | NOT_FOR_ME",
            "\"\u200F٤\u200F\"   | ar | NOT_FOR_ME",
            // digits of other scripts: Arabic-Indic, Extended Arabic-Indic (Urdu), Devanagari, Bengali, Gujarati, Gurmukhi
            "٢                   | ar | ALREADY_DONE",
            "۴                   | ur | NOT_FOR_ME",
            "۳                   | ur | NEW_KIT",
            "३                   | en | NEW_KIT",
            "৪                   | bn | NOT_FOR_ME",
            "২                   | bn | ALREADY_DONE",
            "૨                   | gu | ALREADY_DONE",
            "੩                   | pa | NEW_KIT",
            "੪                   | pa | NOT_FOR_ME",
            "４                  | en | NOT_FOR_ME",
            // the words, in the patient's language or another
            "not for me          | en | NOT_FOR_ME",
            "NOT FOR ME!         | en | NOT_FOR_ME",
            "Already done.       | en | ALREADY_DONE",
            "done                | en | ALREADY_DONE",
            "new kit             | en | NEW_KIT",
            "KIT                 | en | NEW_KIT",
            "nie dla mnie        | pl | NOT_FOR_ME",
            "Nie dla mnie        | en | NOT_FOR_ME",
            "zrobione            | pl | ALREADY_DONE",
            "już zrobione        | pl | ALREADY_DONE",
            "juz zrobione        | pl | ALREADY_DONE",
            "nowy zestaw         | pl | NEW_KIT",
            "nu vreau            | ro | NOT_FOR_ME",
            "Făcut               | ro | ALREADY_DONE",
            "facut               | ro | ALREADY_DONE",
            "kit nou             | ro | NEW_KIT",
            "میرے لیے نہیں       | ur | NOT_FOR_ME",
            "ہو گیا              | ur | ALREADY_DONE",
            "ہوگیا               | ur | ALREADY_DONE",
            "نئی کٹ              | ur | NEW_KIT",
            "mere liye nahi      | ur | NOT_FOR_ME",
            "ho gaya             | pa | ALREADY_DONE",
            "ਮੇਰੇ ਲਈ ਨਹੀਂ         | pa | NOT_FOR_ME",
            "ਨਵੀਂ ਕਿੱਟ            | pa | NEW_KIT",
            "আমার জন্য নয়        | bn | NOT_FOR_ME",
            "নতুন কিট            | bn | NEW_KIT",
            "মারা માટે નહીં      | gu | NONE",
            "મારા માટે નહીં      | gu | NOT_FOR_ME",
            "થઈ ગયું             | gu | ALREADY_DONE",
            "لا يناسبني          | ar | NOT_FOR_ME",
            "عدة جديدة           | ar | NEW_KIT",
            // the number with its own words; with another choice's words a person reads it
            "4 not for me        | en | NOT_FOR_ME",
            "2. already done     | en | ALREADY_DONE",
            "3 - new kit         | en | NEW_KIT",
            "۴ میرے لیے نہیں     | ur | NOT_FOR_ME",
            "2 not for me        | en | NONE",
            "4 done              | en | NONE",
            // not a choice
            "5                   | en | NONE",
            "0                   | en | NONE",
            "24                  | en | NONE",
            "2 4                 | en | NONE",
            "I have done it already, thanks | en | NONE",
            "not for me thanks   | en | NONE",
            "\"\"                | en | NONE",
            // STOP always wins: opt-out, opt-in and help words, and text that reads as an opt-out, are never a choice
            "STOP                | en | NONE",
            "stop.               | en | NONE",
            "4 stop              | en | NONE",
            "stop 4              | en | NONE",
            "4 STOP              | ur | NONE",
            "not for me, stop texting | en | NONE",
            "not for me no more messages | en | NONE",
            "4 no more messages  | en | NONE",
            "unsubscribe         | en | NONE",
            "بند                 | ur | NONE",
            "۴ بند               | ur | NONE",
            "wypisz              | pl | NONE",
            "4 nie wysyłaj       | pl | NONE",
            "nu mai vreau mesaje | ro | NONE",
            "START               | en | NONE",
            "HELP                | en | NONE",
            "2 help              | en | NONE",
    })
    void readsAReply(String body, String patientLanguage, String expected) {
        Optional<ReplyChoice> read = READER.read(body, ALL, patientLanguage);
        if (expected.equals("NONE")) {
            assertThat(read).isEmpty();
        } else {
            assertThat(read).contains(ReplyChoice.valueOf(expected));
        }
    }

    @Test
    void aChoiceTheTextDidNotOfferIsNotRead() {
        assertThat(READER.read("4", EnumSet.of(ReplyChoice.CALL_ME, ReplyChoice.ALREADY_DONE), "en")).isEmpty();
        assertThat(READER.read("not for me", EnumSet.of(ReplyChoice.ALREADY_DONE), "en")).isEmpty();
        assertThat(READER.read("2", EnumSet.noneOf(ReplyChoice.class), "en")).isEmpty();
        assertThat(READER.read("2", EnumSet.of(ReplyChoice.ALREADY_DONE), "en")).contains(ReplyChoice.ALREADY_DONE);
    }

    @Test
    void everyShippedWordOfEveryLanguageIsReadAsItsChoiceAloneAndAfterItsNumber() {
        for (String language : VOCABULARY.languages()) {
            VOCABULARY.choiceWords(language).forEach((choice, words) -> words.forEach(w -> {
                assertThat(READER.read(w, ALL, language)).as(language + " " + w).contains(choice);
                assertThat(READER.read(w.toLowerCase(Locale.ROOT) + ".", ALL, language)).as(language + " " + w)
                        .contains(choice);
                assertThat(READER.read(choice.number() + " " + w, ALL, language)).as(language + " " + w)
                        .contains(choice);
            }));
        }
    }

    @Test
    void noShippedChoiceWordIsAnOptOutOptInOrHelpWordOrReadsAsAnOptOut() {
        for (String language : VOCABULARY.languages()) {
            VOCABULARY.choiceWords(language).forEach((choice, words) -> words.forEach(w ->
                    assertThat(KEYWORDS.reservedForOptOutHandling(KeywordText.normalise(w)))
                            .as(language + " " + w).isFalse()));
        }
    }

    @Test
    void everyOptOutWordOfEveryLanguageAloneOrWithANumberIsNeverAChoice() {
        Set<String> reserved = new LinkedHashSet<>();
        KeywordMatcher.TWILIO_DEFAULTS.values().forEach(reserved::addAll);
        for (String language : VOCABULARY.languages()) {
            for (Intent intent : List.of(Intent.OPT_OUT, Intent.OPT_IN, Intent.HELP)) {
                reserved.addAll(VOCABULARY.keywords(language, intent));
            }
        }
        for (String word : reserved) {
            assertThat(READER.read(word, ALL, "en")).as(word).isEmpty();
            for (ReplyChoice c : ReplyChoice.values()) {
                assertThat(READER.read(c.number() + " " + word, ALL, "en")).as(c.number() + " " + word).isEmpty();
                assertThat(READER.read(word + " " + c.number(), ALL, "en")).as(word + " " + c.number()).isEmpty();
            }
        }
    }

    @Test
    void aWordTwoLanguagesGiveToDifferentChoicesIsReadInThePatientsLanguageOnly() {
        ChoiceReader reader = new ChoiceReader(Map.of(
                "xx", Map.of(ReplyChoice.ALREADY_DONE, Set.of("GATA")),
                "yy", Map.of(ReplyChoice.NOT_FOR_ME, Set.of("GATA"))), s -> false);
        assertThat(reader.read("gata", ALL, "xx")).contains(ReplyChoice.ALREADY_DONE);
        assertThat(reader.read("gata", ALL, "yy")).contains(ReplyChoice.NOT_FOR_ME);
        assertThat(reader.read("gata", ALL, "en")).isEmpty();
    }

    @Test
    void aChoiceWordThatIsReservedIsDroppedFromTheTable() {
        ChoiceReader reader = new ChoiceReader(Map.of("xx", Map.of(ReplyChoice.NOT_FOR_ME, Set.of("ENOUGH", "NOPE"))),
                s -> s.equals("enough"));
        assertThat(reader.read("enough", ALL, "xx")).isEmpty();
        assertThat(reader.read("4 enough", ALL, "xx")).isEmpty();
        assertThat(reader.read("nope", ALL, "xx")).contains(ReplyChoice.NOT_FOR_ME);
    }

    /** The shipped words, read from the project's i18n files as a translator wrote them. */
    static final class ShippedVocabulary implements ReplyVocabulary {
        private final Map<String, Properties> files = new java.util.LinkedHashMap<>();

        ShippedVocabulary() {
            for (String lang : List.of("en", "ur", "pl", "ro", "pa", "bn", "ar", "gu")) {
                try (Reader in = Files.newBufferedReader(Path.of("i18n", lang + ".properties"), StandardCharsets.UTF_8)) {
                    Properties p = new Properties();
                    p.load(in);
                    files.put(lang, p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        @Override
        public List<String> languages() {
            return List.copyOf(files.keySet());
        }

        @Override
        public Set<String> keywords(String language, Intent intent) {
            String key = switch (intent) {
                case OPT_OUT -> "keywords.optOut";
                case OPT_IN -> "keywords.optIn";
                case CALL_REQUEST -> "keywords.call";
                case HELP -> "keywords.help";
                case FREE_TEXT, CHOICE -> null;
            };
            return key == null ? Set.of() : words(language, key);
        }

        @Override
        public Map<ReplyChoice, Set<String>> choiceWords(String language) {
            Map<ReplyChoice, Set<String>> out = new EnumMap<>(ReplyChoice.class);
            for (ReplyChoice c : EnumSet.range(ReplyChoice.ALREADY_DONE, ReplyChoice.NOT_FOR_ME)) {
                out.put(c, words(language, "keywords.choice." + c.templateName()));
            }
            return out;
        }

        @Override
        public Set<ReplyChoice> choicesOffered(String programme) {
            return ALL;
        }

        @Override
        public String autoReply(AutoReply kind, String language, Map<String, String> values) {
            return kind.name();
        }

        @Override
        public String languageName(String language) {
            return language;
        }

        private Set<String> words(String language, String key) {
            String value = files.get(language).getProperty(key, "");
            Set<String> out = new LinkedHashSet<>();
            Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
            return out;
        }
    }
}
