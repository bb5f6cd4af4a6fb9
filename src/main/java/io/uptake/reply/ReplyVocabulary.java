package io.uptake.reply;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The words patients may reply with and the texts we answer with, per shipped language. Backed by
 * the template feature's {@code i18n/} files so that a translator changes one place.
 */
interface ReplyVocabulary {

    /** ISO 639-1 codes of the shipped languages, English first. */
    List<String> languages();

    /** The single-word (or single-digit) replies meaning {@code intent} in {@code language}, as written. */
    Set<String> keywords(String language, Intent intent);

    /** The auto-reply of {@code kind} in {@code language} (English when the language is not shipped). */
    String autoReply(AutoReply kind, String language, Map<String, String> values);

    /** The language's name in English, for staff pages. */
    String languageName(String language);
}
