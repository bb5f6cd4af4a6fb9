package io.uptake.reply;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether a free-text reply reads as an opt-out by one of the phrases in {@code reply/opt-out-phrases/<lang>.txt}
 * ("no more messages", "mujhe message mat bhejo", "nie wysyłajcie"). A pure rule: a match only flags the reply for
 * a CCC, who confirms it.
 *
 * <p>Every language's phrases are matched against every reply, whatever language the patient's record gives:
 * patients often answer in another language than their record's (a record left at English, a reply written by a
 * relative, an Urdu speaker texting Roman Urdu or English), a flag costs a CCC one look, and a phrase of one script
 * cannot match a reply in another, so only the Latin-letter lists (English, Polish, Romanian and the
 * transliterations) can meet a foreign reply at all.
 */
final class OptOutPhrases {
    /** One file per language of {@code i18n/} ({@code OptOutPhrasesTest} checks that none is missing). */
    static final List<String> LANGUAGES = List.of("en", "ar", "bn", "gu", "pa", "pl", "ro", "ur");
    static final String RESOURCES = "/reply/opt-out-phrases/";
    private static final OptOutPhrases SHIPPED = load();
    /** Each language's phrases, as words separated by one space. */
    private final Map<String, List<String>> phrases;

    private OptOutPhrases(Map<String, List<String>> phrases) {
        Map<String, List<String>> words = new LinkedHashMap<>();
        phrases.forEach((language, list) -> words.put(language,
                list.stream().map(OptOutPhrases::words).filter(p -> !p.isBlank()).distinct().toList()));
        this.phrases = words;
    }

    /** English phrases (for tests of the matching itself). */
    static OptOutPhrases of(List<String> phrases) {
        return new OptOutPhrases(Map.of("en", phrases));
    }

    /** The phrases shipped with the service, in every language. */
    static OptOutPhrases shipped() {
        return SHIPPED;
    }

    /** True when one of the phrases appears in the reply as whole words, whatever the case, accents or punctuation. */
    boolean matches(String reply) {
        return find(reply).isPresent();
    }

    /** The first phrase found in the reply, and the language of its list. */
    Optional<Match> find(String reply) {
        String text = " " + words(reply) + " ";
        for (Map.Entry<String, List<String>> language : phrases.entrySet()) {
            for (String phrase : language.getValue()) {
                if (text.contains(" " + phrase + " ")) {
                    return Optional.of(new Match(language.getKey(), phrase));
                }
            }
        }
        return Optional.empty();
    }

    /** A language's phrases as compared (words separated by one space). */
    List<String> phrases(String language) {
        return phrases.getOrDefault(language, List.of());
    }

    /**
     * The reply's words, lower case, separated by one space: "Don't TEXT me!" reads "don t text me". A word is
     * letters, combining marks and digits, so the vowel signs and viramas of Bengali, Gujarati and Gurmukhi (marks,
     * {@code \p{M}}) stay inside their word: "পাঠাবেন" is one word, not "প" "ঠ" "ব" "ন".
     */
    static String words(String text) {
        return Arrays.stream(KeywordText.normalise(text).split("[^\\p{L}\\p{M}\\p{N}]+"))
                .filter(w -> !w.isEmpty()).collect(Collectors.joining(" "));
    }

    private static OptOutPhrases load() {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (String language : LANGUAGES) {
            all.put(language, read(RESOURCES + language + ".txt"));
        }
        return new OptOutPhrases(all);
    }

    static List<String> read(String resource) {
        try (InputStream in = OptOutPhrases.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param phrase as compared (normalised words) */
    record Match(String language, String phrase) {
    }
}
