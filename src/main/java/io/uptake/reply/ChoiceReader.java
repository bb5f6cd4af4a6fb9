package io.uptake.reply;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which numbered choice a reply is, if any: a pure function of the reply's words, the choices the text offered, the
 * patient's language and the shipped words (no database, no clock), tested row for row by {@code ReplyChoicesTest}.
 *
 * <p>A reply is a choice when, after {@link KeywordText#normalise} (case, accents, surrounding whitespace and
 * punctuation, any script's digits as ASCII: "٤", "৪", "੪", "૪", "४" are all 4), it is exactly:
 * <ul>
 *   <li>the choice's number ("4", "4.", " (4) ");</li>
 *   <li>one of the choice's words in any shipped language ("not for me", "nie dla mnie");</li>
 *   <li>the number followed by one of that same choice's words ("4 not for me", "2. already done"). A number with
 *       another choice's words ("2 not for me") is not understood: a person reads it.</li>
 * </ul>
 * Anything else is not a choice, and neither is a reply that is an opt-out, opt-in or help keyword, or reads as an
 * opt-out ({@code reserved}): STOP handling always wins, so "STOP", "4 stop" or "not for me, stop texting" are
 * never coded as a decline. A word two languages give to different choices is read in the patient's language, and
 * otherwise not at all.
 */
final class ChoiceReader {
    private static final Pattern NUMBER = Pattern.compile("(\\d)");
    private static final Pattern NUMBER_THEN_WORDS = Pattern.compile("(\\d)[\\p{P}\\s]+(.+)");

    /** Normalised word to the choices it names, by language. */
    private final Map<String, Map<String, ReplyChoice>> byWord;
    private final Predicate<String> reserved;

    /**
     * @param words    each language's words of each choice, as written (normalised here)
     * @param reserved true for a normalised reply that must go to STOP handling or a person: an opt-out, opt-in or
     *                 help keyword, or text that reads as an opt-out
     */
    ChoiceReader(Map<String, Map<ReplyChoice, Set<String>>> words, Predicate<String> reserved) {
        Map<String, Map<String, ReplyChoice>> table = new HashMap<>();
        words.forEach((language, choices) -> choices.forEach((choice, list) -> list.forEach(w -> {
            String key = KeywordText.normalise(w);
            if (!key.isEmpty() && !reserved.test(key)) {
                table.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(language, choice);
            }
        })));
        this.byWord = table;
        this.reserved = reserved;
    }

    /** Built from the shipped words; {@code keywords} says what is reserved for STOP handling. */
    static ChoiceReader of(ReplyVocabulary vocabulary, KeywordMatcher keywords) {
        Map<String, Map<ReplyChoice, Set<String>>> words = new LinkedHashMap<>();
        for (String language : vocabulary.languages()) {
            Map<ReplyChoice, Set<String>> mine = new EnumMap<>(ReplyChoice.class);
            mine.putAll(vocabulary.choiceWords(language));
            mine.put(ReplyChoice.CALL_ME, vocabulary.keywords(language, Intent.CALL_REQUEST));
            words.put(language, mine);
        }
        return new ChoiceReader(words, keywords::reservedForOptOutHandling);
    }

    /**
     * @param offered         the choices the campaign's texts offer (none: never a choice)
     * @param patientLanguage decides between two languages' meanings of one word
     */
    Optional<ReplyChoice> read(String body, Set<ReplyChoice> offered, String patientLanguage) {
        String text = KeywordText.normalise(body);
        if (text.isEmpty() || offered.isEmpty() || reserved.test(text)) {
            return Optional.empty();
        }
        Matcher number = NUMBER.matcher(text);
        if (number.matches()) {
            return offeredNumber(number.group(1), offered);
        }
        Matcher numbered = NUMBER_THEN_WORDS.matcher(text);
        if (numbered.matches()) {
            Optional<ReplyChoice> byNumber = offeredNumber(numbered.group(1), offered);
            Set<ReplyChoice> named = named(numbered.group(2), patientLanguage);
            return byNumber.filter(named::contains);
        }
        Set<ReplyChoice> named = named(text, patientLanguage);
        return named.size() == 1 ? named.stream().findFirst().filter(offered::contains) : Optional.empty();
    }

    private static Optional<ReplyChoice> offeredNumber(String digit, Set<ReplyChoice> offered) {
        return Optional.ofNullable(ReplyChoice.ofNumber(Integer.parseInt(digit))).filter(offered::contains);
    }

    /** The choices {@code words} names: the patient's language's one if it has it, else every language's. */
    private Set<ReplyChoice> named(String words, String patientLanguage) {
        Map<String, ReplyChoice> meanings = byWord.get(words);
        if (meanings == null || reserved.test(words)) {
            return Set.of();
        }
        ReplyChoice own = meanings.get(patientLanguage);
        if (own != null) {
            return EnumSet.of(own);
        }
        return EnumSet.copyOf(meanings.values());
    }
}
