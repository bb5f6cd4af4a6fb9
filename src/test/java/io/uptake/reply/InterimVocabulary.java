package io.uptake.reply;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** TEMPORARY until feat/cohorts' MessageTemplates and i18n files are merged: English only. */
@Singleton
@Requires(missingBeans = ReplyVocabulary.class)
class InterimVocabulary implements ReplyVocabulary {
    @Override
    public List<String> languages() {
        return List.of("en");
    }

    @Override
    public Set<String> keywords(String language, Intent intent) {
        return intent == Intent.CALL_REQUEST ? Set.of("CALL", "1") : Set.of();
    }

    @Override
    public String autoReply(AutoReply kind, String language, Map<String, String> values) {
        return "[" + language + "] " + kind;
    }

    @Override
    public String languageName(String language) {
        return language;
    }
}
