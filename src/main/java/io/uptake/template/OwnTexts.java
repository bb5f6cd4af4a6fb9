package io.uptake.template;

import java.util.Map;

/**
 * A PCN's own words for one programme: language to message to ICU pattern. A message without one here is the
 * shipped text. Which of a PCN's texts these are (current drafts, approved ones, or a campaign's frozen ones) is
 * the caller's choice ({@link PcnTexts}).
 */
public record OwnTexts(Map<String, Map<String, String>> byLanguage) {
    public static final OwnTexts NONE = new OwnTexts(Map.of());

    public OwnTexts {
        byLanguage = Map.copyOf(byLanguage);
    }

    /** The PCN's pattern for {@code message} in {@code language}, or null for the shipped one. */
    public String text(String language, String message) {
        Map<String, String> texts = byLanguage.get(language);
        return texts == null ? null : texts.get(message);
    }

    public boolean has(String language) {
        Map<String, String> texts = byLanguage.get(language);
        return texts != null && !texts.isEmpty();
    }

    /** Only {@code language}'s texts. */
    public OwnTexts only(String language) {
        Map<String, String> texts = byLanguage.get(language);
        return texts == null ? NONE : new OwnTexts(Map.of(language, texts));
    }
}
