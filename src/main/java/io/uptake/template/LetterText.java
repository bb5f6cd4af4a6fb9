package io.uptake.template;

/**
 * The words of one letter, in {@code language} (the patient's, or English when their language's letter text is
 * incomplete). {@code body} is the programme's approved first message; {@code howToBook} and {@code optOut} are
 * the letter's own paragraphs; {@code nhsNumberLabel} heads the patient's NHS number.
 */
public record LetterText(String programme, String requestedLanguage, String language, boolean rtl, boolean draft,
                         String body, String howToBook, String optOut, String nhsNumberLabel) {
}
