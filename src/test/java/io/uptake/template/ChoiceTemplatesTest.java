package io.uptake.template;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Numbered choices in the texts (issue 15, ADR 0023): the FIT invitation offers them in every language in place of
 * the call-back sentence, within six segments; the other texts, and so their approvals, are as they were.
 */
class ChoiceTemplatesTest {
    private final MessageTemplates templates = ProjectFiles.templates(ProjectFiles.root());

    @Test
    void theFitInvitationOffersTheFourChoicesInEveryLanguageInsteadOfTheCallBackSentence() {
        assertThat(templates.choices("fit-non-returners")).containsExactly("callMe", "alreadyDone", "newKit", "notForMe");
        for (LanguageInfo l : templates.languages()) {
            RenderedMessage initial = templates.render("fit-non-returners", "initial", l.code(), Placeholders.longest());
            assertThat(initial.lang()).as(l.code()).isEqualTo(l.code());
            String choices = ProjectFiles.i18n(l.code()).getProperty("instruction.choices");
            String callBack = ProjectFiles.i18n(l.code()).getProperty("instruction.callBack");
            assertThat(BidiMarksStripped.of(initial.text())).as(l.code()).contains(choices).doesNotContain(callBack);
            assertThat(initial.segments()).as(l.code()).isLessThanOrEqualTo(6);
            // The reminder keeps its call-back sentence: choices are in the invitation only.
            RenderedMessage reminder = templates.render("fit-non-returners", "reminder", l.code(), Placeholders.longest());
            assertThat(BidiMarksStripped.of(reminder.text())).as(l.code()).contains(callBack).doesNotContain(choices);
        }
    }

    @Test
    void theMeasuredSegmentsOfTheInvitationWithChoicesAreTheAdrs() {
        // docs/adr/0023: with the longest realistic values. A change here is a change to the ADR's figures.
        Map<String, Integer> expected = Map.of("en", 3, "ur", 6, "pl", 6, "ro", 6, "pa", 6, "bn", 6, "ar", 6, "gu", 6);
        expected.forEach((lang, segments) -> assertThat(templates.render("fit-non-returners", "initial", lang,
                Placeholders.longest()).segments()).as(lang).isEqualTo(segments));
    }

    @Test
    void programmesWithoutChoicesKeepTheirVersionsSoTheirApprovalsStillHold() {
        // Digests taken before choices were added (ADR 0023): breast and PSA approvals must not go stale.
        assertThat(versions("breast-non-attenders")).containsExactly("c9b93f81e3af", "ea9c401702e9", "c1bc22becf20",
                "24377b7fb918", "b17560cd9512", "7bd8a2ceb12f", "af54ab1dda84", "a889aebbf982");
        assertThat(versions("psa-eligible")).containsExactly("d3d3b79e216b", "b11ebd4862fe", "fc18d0443c11",
                "f043e80da814", "a3ff58614060", "a582f2677bec", "3ccec60a2d84", "40ec173b1702");
        assertThat(templates.choices("breast-non-attenders")).isEmpty();
        assertThat(templates.choices("psa-eligible")).isEmpty();
    }

    @Test
    void theFitVersionIncludesTheChoicesSentenceSoEditingItNeedsANewApproval() {
        MessageTemplates edited = ProjectFiles.templates(ProjectFiles.edited(Map.of("i18n/ur.properties",
                s -> s.replaceAll("(?m)^(instruction\\.choices=.*)۔$", "$1 "))));
        assertThat(edited.problems()).isEmpty();
        assertThat(edited.version("fit-non-returners", "ur")).isNotEqualTo(templates.version("fit-non-returners", "ur"));
        assertThat(edited.version("psa-eligible", "ur")).isEqualTo(templates.version("psa-eligible", "ur"));
    }

    @Test
    void aChoicesSentenceThatLeavesOutANumberIsCaughtAndTheLanguageFallsBackToEnglishForFitOnly() {
        MessageTemplates t = ProjectFiles.templates(ProjectFiles.edited(Map.of("i18n/pl.properties",
                s -> s.replace(", 3 nowy zestaw", ""))));
        assertThat(t.problems()).contains("pl: instruction.choices does not offer choice 3 by its number");
        assertThat(t.completeLanguages("fit-non-returners")).doesNotContain("pl");
        assertThat(t.completeLanguages("psa-eligible")).contains("pl");
        assertThat(t.render("fit-non-returners", "initial", "pl", Placeholders.sample()).lang()).isEqualTo("en");
    }

    @Test
    void aMissingChoiceWordListIsCaught() {
        MessageTemplates t = ProjectFiles.templates(ProjectFiles.edited(Map.of("i18n/gu.properties",
                s -> s.replaceAll("(?m)^keywords\\.choice\\.newKit=.*$", ""))));
        assertThat(t.problems()).anyMatch(p -> p.startsWith("gu: keywords.choice.newKit is missing"));
        assertThat(t.completeLanguages("fit-non-returners")).doesNotContain("gu");
    }

    @Test
    void aChoiceWordThatIsAnOptOutWordOfAnyLanguageIsCaught() {
        MessageTemplates t = ProjectFiles.templates(ProjectFiles.edited(Map.of("i18n/pl.properties",
                s -> s.replaceAll("(?m)^(keywords\\.choice\\.notForMe=.*)$", "$1,END,بند"))));
        assertThat(t.problems()).contains(
                "pl: keywords.choice.notForMe has END, an opt-out, opt-in or help word: STOP handling owns it",
                "pl: keywords.choice.notForMe has بند, an opt-out, opt-in or help word: STOP handling owns it");
        assertThat(t.completeLanguages("fit-non-returners")).doesNotContain("pl");
        assertThat(t.completeLanguages("psa-eligible")).contains("pl");
    }

    @Test
    void anUnknownChoiceNameStopsTheCatalogue() {
        assertThatThrownBy(() -> ProjectFiles.templates(ProjectFiles.edited(Map.of(
                "templates/fit-non-returners.properties", s -> s.replace("choices=callMe,", "choices=callMe,bookMe,")))))
                .hasMessageContaining("unknown choice 'bookMe'");
    }

    @Test
    void aLetterOfTheInvitationSaysHowToAskForACallInsteadOfTheNumbers() {
        LetterText letter = templates.letter("fit-non-returners", "initial", "en", Placeholders.sample());
        assertThat(letter.body()).contains("If you would like us to call you, ring 0161 496 0000")
                .doesNotContain("Reply 1");
    }

    @Test
    void everyLanguageHasTheWordsOfChoicesTwoToFour() {
        for (LanguageInfo l : templates.languages()) {
            Map<String, List<String>> words = templates.choiceWords(l.code());
            assertThat(words.keySet()).as(l.code()).containsExactly("alreadyDone", "newKit", "notForMe");
            words.forEach((choice, list) -> assertThat(list).as(l.code() + " " + choice).isNotEmpty());
        }
    }

    private List<String> versions(String programme) {
        return templates.languages().stream().map(l -> templates.version(programme, l.code())).toList();
    }

    /** The text without the direction marks BidiMarks adds to right-to-left texts. */
    private static final class BidiMarksStripped {
        static String of(String text) {
            return text.replaceAll("[\\u200E\\u200F\\u2066-\\u2069]", "");
        }
    }
}
