package io.uptake.reply;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether a free-text reply reads as an opt-out by one of the phrases in {@code reply/opt-out-phrases.txt}
 * ("no more messages", "please remove me"). A pure rule: a match only flags the reply for a CCC, who confirms it.
 */
final class OptOutPhrases {
    static final String RESOURCE = "/reply/opt-out-phrases.txt";
    private static final OptOutPhrases SHIPPED = load();
    private final List<String> phrases;

    private OptOutPhrases(List<String> phrases) {
        this.phrases = phrases.stream().map(OptOutPhrases::words).filter(p -> !p.isBlank()).distinct().toList();
    }

    static OptOutPhrases of(List<String> phrases) {
        return new OptOutPhrases(phrases);
    }

    /** The phrases shipped with the service. */
    static OptOutPhrases shipped() {
        return SHIPPED;
    }

    /** True when one of the phrases appears in the reply as whole words, whatever the case, accents or punctuation. */
    boolean matches(String reply) {
        String text = " " + words(reply) + " ";
        return phrases.stream().anyMatch(p -> text.contains(" " + p + " "));
    }

    /** The reply's words, lower case, separated by one space: "Don't TEXT me!" reads "don t text me". */
    private static String words(String text) {
        return Arrays.stream(KeywordText.normalise(text).split("[^\\p{L}\\p{M}\\p{N}]+"))
                .filter(w -> !w.isEmpty()).collect(Collectors.joining(" "));
    }

    private static OptOutPhrases load() {
        try (InputStream in = OptOutPhrases.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            return of(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
