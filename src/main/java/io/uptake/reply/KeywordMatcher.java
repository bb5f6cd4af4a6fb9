package io.uptake.reply;

import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Understands a reply: a keyword only when it is the WHOLE message (after {@link KeywordText}), never
 * the first word of a sentence, so "stop sending me" goes to a person. Such free text is flagged as a
 * likely opt-out when one of its words is an opt-out keyword, so the CCC can ask and record it.
 */
@Singleton
class KeywordMatcher {
    /** Twilio's default keywords, honoured in every language because Twilio itself honours them. */
    static final Map<Intent, Set<String>> TWILIO_DEFAULTS = Map.of(
            Intent.OPT_OUT, Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"),
            Intent.OPT_IN, Set.of("START", "UNSTOP"),
            Intent.HELP, Set.of("HELP", "INFO"));
    /** Safest first when one word means different things in two languages: an opt-out is always honoured. */
    private static final List<Intent> PRIORITY = List.of(Intent.OPT_OUT, Intent.OPT_IN, Intent.HELP, Intent.CALL_REQUEST);

    private final Map<String, List<Meaning>> meanings;
    private final Set<String> optOutWords;

    KeywordMatcher(ReplyVocabulary vocabulary) {
        Map<String, List<Meaning>> byWord = new HashMap<>();
        TWILIO_DEFAULTS.forEach((intent, words) -> words.forEach(w -> add(byWord, w, intent, "en")));
        for (String language : vocabulary.languages()) {
            for (Intent intent : PRIORITY) {
                vocabulary.keywords(language, intent).forEach(w -> add(byWord, w, intent, language));
            }
        }
        this.meanings = byWord;
        this.optOutWords = byWord.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(m -> m.intent() == Intent.OPT_OUT))
                .map(Map.Entry::getKey).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    private static void add(Map<String, List<Meaning>> byWord, String word, Intent intent, String language) {
        String key = KeywordText.normalise(word);
        if (!key.isEmpty()) {
            List<Meaning> list = byWord.computeIfAbsent(key, k -> new ArrayList<>());
            if (!list.contains(new Meaning(intent, language))) {
                list.add(new Meaning(intent, language));
            }
        }
    }

    /**
     * @param patientLanguage decides between two languages' meanings of the same word
     * @param twilioOptOutType Twilio Advanced Opt-Out's verdict (STOP, START, HELP), which wins: Twilio
     *                         has already acted on it, with keywords configured in its console
     */
    Understanding understand(String body, String patientLanguage, String twilioOptOutType) {
        String text = KeywordText.normalise(body);
        Optional<Intent> twilio = fromOptOutType(twilioOptOutType);
        if (twilio.isPresent()) {
            Meaning m = meaning(text, patientLanguage).orElse(null);
            return new Understanding(twilio.get(), m == null ? null : m.language(), false);
        }
        Optional<Meaning> keyword = meaning(text, patientLanguage);
        if (keyword.isPresent()) {
            return new Understanding(keyword.get().intent(), keyword.get().language(), false);
        }
        return new Understanding(Intent.FREE_TEXT, null, looksLikeOptOut(text));
    }

    /**
     * Whether a normalised reply belongs to STOP handling or a person rather than to a numbered choice
     * ({@link ChoiceReader}): it is an opt-out, opt-in or help keyword of any language, or reads as an opt-out.
     */
    boolean reservedForOptOutHandling(String normalised) {
        List<Meaning> m = meanings.get(normalised);
        if (m != null && m.stream().anyMatch(x -> x.intent() == Intent.OPT_OUT || x.intent() == Intent.OPT_IN
                || x.intent() == Intent.HELP)) {
            return true;
        }
        return looksLikeOptOut(normalised);
    }

    /** Words of {@code body} that are keywords, with their meanings: the CCC's glossary of a foreign reply. */
    Map<String, List<Meaning>> recognisedWords(String body) {
        Map<String, List<Meaning>> found = new LinkedHashMap<>();
        for (String word : KeywordText.normalise(body).split("[^\\p{L}\\p{M}\\p{N}]+")) {
            List<Meaning> m = meanings.get(word);
            if (m != null) {
                found.put(word, m);
            }
        }
        return found;
    }

    private Optional<Meaning> meaning(String text, String patientLanguage) {
        List<Meaning> candidates = meanings.get(text);
        if (candidates == null) {
            return Optional.empty();
        }
        return candidates.stream().filter(m -> m.language().equals(patientLanguage)).findFirst()
                .or(() -> PRIORITY.stream().flatMap(i -> candidates.stream().filter(m -> m.intent() == i)).findFirst());
    }

    /**
     * One of its words, or two neighbours written together ("opt out", "stop all"), is an opt-out keyword; or it
     * has one of the phrases that say the same without a keyword ("no more messages", {@link OptOutPhrases}).
     */
    private boolean looksLikeOptOut(String text) {
        if (OptOutPhrases.shipped().matches(text)) {
            return true;
        }
        String[] words = text.split("[^\\p{L}\\p{M}\\p{N}]+");
        for (int i = 0; i < words.length; i++) {
            if (optOutWords.contains(words[i])
                    || (i + 1 < words.length && optOutWords.contains(words[i] + words[i + 1]))) {
                return true;
            }
        }
        return false;
    }

    private static Optional<Intent> fromOptOutType(String optOutType) {
        if (optOutType == null) {
            return Optional.empty();
        }
        return switch (optOutType.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "STOP" -> Optional.of(Intent.OPT_OUT);
            case "START" -> Optional.of(Intent.OPT_IN);
            case "HELP" -> Optional.of(Intent.HELP);
            default -> Optional.empty();
        };
    }

    record Meaning(Intent intent, String language) {
    }

    /** @param keywordLanguage the language whose keyword matched, null for free text */
    record Understanding(Intent intent, String keywordLanguage, boolean likelyOptOut) {
    }
}
