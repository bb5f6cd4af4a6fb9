package io.uptake.reply;

import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A hint for a reply not in English. No translation service is reachable from Uptake (and patient
 * words must not leave it), so the hint is what we know: the language, and which of its words are reply
 * keywords and what they mean. The original text is always shown beside it.
 */
@Singleton
class TranslationHints {
    static final String NO_SERVICE = "No machine translation is available in Uptake: the original is shown. "
            + "Ask a colleague who reads the language, or use your interpreting service.";
    private final KeywordMatcher keywords;
    private final ReplyVocabulary vocabulary;

    TranslationHints(KeywordMatcher keywords, ReplyVocabulary vocabulary) {
        this.keywords = keywords;
        this.vocabulary = vocabulary;
    }

    Inbox.Item withHint(Inbox.Item item) {
        boolean english = "en".equals(item.language())
                && (item.keywordLanguage() == null || "en".equals(item.keywordLanguage()))
                && item.body().chars().allMatch(c -> c < 0x250);
        if (english) {
            return item;
        }
        List<String> recognised = new ArrayList<>();
        keywords.recognisedWords(item.body()).forEach((word, meanings) -> meanings.forEach(m ->
                recognised.add(word + " = " + describe(m.intent()) + " (" + vocabulary.languageName(m.language()) + ")")));
        return item.withHint(new Inbox.TranslationHint(vocabulary.languageName(item.language()), recognised, NO_SERVICE));
    }

    static String describe(Intent intent) {
        return switch (intent) {
            case OPT_OUT -> "stop texts (opt out)";
            case OPT_IN -> "start texts again (opt in)";
            case HELP -> "help";
            case CALL_REQUEST -> "please call me";
            case CHOICE -> "a numbered choice";
            case FREE_TEXT -> intent.name().toLowerCase(Locale.ROOT);
        };
    }
}
