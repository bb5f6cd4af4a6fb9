package io.uptake.template;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every language renders every message with realistic names, says how to opt out and ask for a call. */
class MessageTemplatesTest {
    final MessageTemplates templates = ProjectFiles.templates(ProjectFiles.root());

    /** Names a patient of each language might have, as a GP record holds them. */
    static final Map<String, String> NAMES = Map.of("en", "Siobhan", "ur", "Muhammad-Zubair", "pl", "Małgorzata",
            "ro", "Ștefania", "pa", "Gurpreet", "bn", "Shahanara", "ar", "Abdulrahman", "gu", "Hiralben");

    @Test
    void everyLanguageRendersEveryMessageAndReply() {
        for (String lang : TranslationCompletenessTest.SHIPPED) {
            Placeholders values = new Placeholders(NAMES.get(lang), "Limehurst Village Surgery", "0161 496 0123",
                    "https://book.example.nhs.uk/x");
            for (String programme : templates.programmes()) {
                for (String message : templates.messages(programme)) {
                    RenderedMessage m = templates.render(programme, message, lang, values);
                    assertThat(m.lang()).isEqualTo(lang);
                    assertThat(m.text()).as(lang + " " + programme + "." + message)
                            .contains(NAMES.get(lang), "Limehurst Village Surgery", "0161 496 0123",
                                    "https://book.example.nhs.uk/x", "STOP")
                            .doesNotContain("{", "}", "  ");
                    assertThat(templates.keywords(lang).call()).anyMatch(w -> m.text().toUpperCase().contains(w));
                    assertThat(m.segments()).isBetween(1, 6);
                    assertThat(m.cost()).isEqualByComparingTo(new BigDecimal("0.04").multiply(BigDecimal.valueOf(m.segments())));
                }
            }
            for (Reply reply : Reply.values()) {
                RenderedMessage r = templates.renderReply(reply, lang, values);
                assertThat(r.lang()).isEqualTo(lang);
                assertThat(r.text()).contains("Limehurst Village Surgery").doesNotContain("{", "}");
            }
        }
    }

    @Test
    void englishIsGsm7AndOtherScriptsAreUcs2() {
        Placeholders values = Placeholders.sample();
        assertThat(templates.render("fit-non-returners", "initial", "en", values).encoding()).isEqualTo("GSM-7");
        for (String lang : List.of("ur", "pl", "ro", "pa", "bn", "ar", "gu")) {
            assertThat(templates.render("fit-non-returners", "initial", lang, values).encoding()).as(lang)
                    .isEqualTo("UCS-2");
        }
    }

    @Test
    void anUnknownOrMissingLanguageIsEnglishAndDraftsAreMarked() {
        RenderedMessage fr = templates.render("psa-eligible", "initial", "fr", Placeholders.sample());
        assertThat(fr.requestedLang()).isEqualTo("fr");
        assertThat(fr.lang()).isEqualTo("en");
        assertThat(fr.draft()).isFalse();
        assertThat(templates.render("psa-eligible", "initial", null, Placeholders.sample()).lang()).isEqualTo("en");
        RenderedMessage ur = templates.render("psa-eligible", "initial", "UR", Placeholders.sample());
        assertThat(ur.lang()).isEqualTo("ur");
        assertThat(ur.draft()).isTrue();
        assertThat(ur.rtl()).isTrue();
        assertThat(templates.render("psa-eligible", "initial", "ar", Placeholders.sample()).rtl()).isTrue();
        assertThat(templates.render("psa-eligible", "initial", "pl", Placeholders.sample()).rtl()).isFalse();
    }

    @Test
    void withoutABookingLinkNoBookingSentenceIsLeftBehind() {
        RenderedMessage m = templates.render("breast-non-attenders", "initial", "en", Placeholders.sample());
        assertThat(m.text()).doesNotContain("Book online").doesNotContain("  ")
                .isEqualTo("Dear Amina, this is Limehurst Village Surgery. You missed your recent breast screening "
                        + "appointment. It is not too late: call us on 0161 496 0000 to rebook. Reply CALL or 1 and "
                        + "we will call you. Reply STOP to opt out.");
        assertThat(m.segments()).isEqualTo(2);
    }

    @Test
    void keywordsOfEachLanguageIncludeTheCarrierWordsAndNeverYesForACall() {
        for (String lang : TranslationCompletenessTest.SHIPPED) {
            Keywords k = templates.keywords(lang);
            assertThat(k.optOut()).contains("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT");
            assertThat(k.optIn()).contains("START", "UNSTOP");
            assertThat(k.help()).contains("HELP", "INFO");
            assertThat(k.call()).contains("CALL", "1").doesNotContain("YES");
            if (!lang.equals("en")) {
                assertThat(k.optOut()).as(lang + " has a word of its own").hasSizeGreaterThan(8);
                assertThat(k.call()).hasSizeGreaterThan(4);
            }
        }
        assertThat(templates.keywords("ur").optOut()).contains("بند");
        assertThat(templates.keywords("pl").call()).contains("ZADZWOŃ", "ZADZWON");
        assertThat(templates.keywords("xx").language()).isEqualTo("en");
    }
}
