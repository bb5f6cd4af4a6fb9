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

    /** The words of each numbered choice but the first in {@code language} (choice 1's are the call keywords). */
    Map<ReplyChoice, Set<String>> choiceWords(String language);

    /** The choices {@code programme}'s texts offer (none for an unknown programme). */
    Set<ReplyChoice> choicesOffered(String programme);

    /** The auto-reply of {@code kind} in {@code language} (English when the language is not shipped). */
    String autoReply(AutoReply kind, String language, Map<String, String> values);

    /** The language's name in English, for staff pages. */
    String languageName(String language);
}
