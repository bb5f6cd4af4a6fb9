package io.uptake.template;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every language file has every English key, non-empty, with the same placeholders; and the check itself
 * catches a missing key, an empty value, a dropped and a renamed placeholder.
 */
class TranslationCompletenessTest {
    static final List<String> SHIPPED = List.of("en", "ur", "pl", "ro", "pa", "bn", "ar", "gu");

    @Test
    void theShippedFilesHaveNoProblem() {
        MessageTemplates templates = ProjectFiles.templates(ProjectFiles.root());
        assertThat(templates.problems()).isEmpty();
        assertThat(templates.languages()).extracting(LanguageInfo::code).containsExactlyElementsOf(SHIPPED);
        for (String programme : templates.programmes()) {
            assertThat(templates.completeLanguages(programme)).as(programme).containsExactlyElementsOf(SHIPPED);
        }
        assertThat(templates.programmes()).containsExactly("fit-non-returners", "breast-non-attenders", "psa-eligible");
    }

    @Test
    void everyLanguageFileIsListedAndEveryListedOneExists() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("i18n"))) {
            assertThat(files.map(f -> f.getFileName().toString().replace(".properties", "")))
                    .containsExactlyInAnyOrderElementsOf(SHIPPED);
        }
    }

    @Test
    void aMissingKeyIsCaughtAndThatLanguageFallsBackToEnglishForTheProgramme() {
        MessageTemplates t = broken("i18n/pl.properties", s -> s.replaceAll("(?m)^fit-non-returners\\.reminder=.*$", ""));
        assertThat(t.problems()).anyMatch(p -> p.startsWith("pl: fit-non-returners.reminder is missing"));
        assertThat(t.completeLanguages("fit-non-returners")).doesNotContain("pl");
        // The other programmes still use Polish: only the set that lacks a key falls back.
        assertThat(t.completeLanguages("psa-eligible")).contains("pl");
        RenderedMessage initial = t.render("fit-non-returners", "initial", "pl", Placeholders.sample());
        assertThat(initial.lang()).isEqualTo("en");
        assertThat(initial.text()).startsWith("Dear Amina");
    }

    @Test
    void anEmptyValueIsCaught() {
        MessageTemplates t = broken("i18n/ur.properties", s -> s.replaceAll("(?m)^(reply\\.help=).*$", "$1   "));
        assertThat(t.problems()).anyMatch(p -> p.startsWith("ur: reply.help is missing or empty"));
        assertThat(t.renderReply(Reply.HELP, "ur", Placeholders.sample()).lang()).isEqualTo("en");
    }

    @Test
    void aDroppedPlaceholderIsCaught() {
        MessageTemplates t = broken("i18n/ro.properties",
                s -> s.replaceAll("(?m)^(psa-eligible\\.initial=.*) \\{optOut\\}$", "$1"));
        assertThat(t.problems()).anyMatch(p -> p.startsWith("ro: psa-eligible.initial has placeholders"));
        assertThat(t.completeLanguages("psa-eligible")).doesNotContain("ro");
    }

    @Test
    void aRenamedPlaceholderIsCaught() {
        MessageTemplates t = broken("i18n/ar.properties",
                s -> s.replaceAll("(?m)^(breast-non-attenders\\.initial=.*)\\{practicePhone\\}", "$1{phone}"));
        assertThat(t.problems()).anyMatch(p -> p.startsWith("ar: breast-non-attenders.initial has placeholders")
                && p.contains("phone"));
        assertThat(t.render("breast-non-attenders", "initial", "ar", Placeholders.sample()).lang()).isEqualTo("en");
    }

    @Test
    void aTemplateThatCanExceedSixSegmentsFailsValidation() {
        String padding = " Screening is offered free by the NHS to everyone in the programme.".repeat(10);
        MessageTemplates t = broken("i18n/en.properties",
                s -> s.replaceAll("(?m)^(fit-non-returners\\.reminder=.*)$", "$1" + padding));
        assertThat(t.problems()).anyMatch(p -> p.startsWith("en: fit-non-returners.reminder takes")
                && p.endsWith("the limit is 6"));
    }

    @Test
    void aTextThatDoesNotSayHowToOptOutFailsValidation() {
        String noOptOut = "fit-non-returners.initial=Dear {givenName}, this is {practiceName}. Call {practicePhone}. "
                + "{booking} {callBack}";
        MessageTemplates t = broken("i18n/en.properties",
                s -> s.replaceAll("(?m)^fit-non-returners\\.initial=.*$", java.util.regex.Matcher.quoteReplacement(noOptOut)));
        assertThat(t.problems()).anyMatch(p -> p.startsWith("en: fit-non-returners.initial must name the practice"));
    }

    private static MessageTemplates broken(String file, UnaryOperator<String> edit) {
        return ProjectFiles.templates(ProjectFiles.edited(Map.of(file, edit)));
    }
}
