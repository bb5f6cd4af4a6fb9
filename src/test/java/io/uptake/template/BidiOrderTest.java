package io.uptake.template;

import com.ibm.icu.text.Bidi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a handset shows: the visual order of every right-to-left text, computed by ICU's implementation of the
 * Unicode bidi algorithm with the direction taken from the text itself (as a handset and {@code dir="auto"} do).
 * Every merged value must read in its own order, left to right, and the text must be laid out right to left.
 */
class BidiOrderTest {
    final MessageTemplates templates = ProjectFiles.templates(ProjectFiles.root());

    static final String NAME = "Amina";
    static final String PRACTICE = "Limehurst Village Surgery 2";
    static final String PHONE = "0161 496 0000";
    static final String LINK = "https://book.example.nhs.uk/screening?ref=AB12 34";

    /** The text as it appears on screen, left to right, with the invisible controls removed. */
    static String visual(String text) {
        Bidi bidi = new Bidi(text, Bidi.LEVEL_DEFAULT_LTR);
        return bidi.writeReordered(Bidi.DO_MIRRORING | Bidi.REMOVE_BIDI_CONTROLS);
    }

    static boolean laidOutRightToLeft(String text) {
        return new Bidi(text, Bidi.LEVEL_DEFAULT_LTR).getParaLevel() == 1;
    }

    /** Right-to-left languages shipped: those whose language file says so (Arabic and Urdu today). */
    List<String> rtlLanguages() {
        List<String> out = new ArrayList<>();
        templates.languages().stream().filter(LanguageInfo::rtl).forEach(l -> out.add(l.code()));
        return out;
    }

    @Test
    void arabicAndUrduAreShippedRightToLeft() {
        assertThat(rtlLanguages()).contains("ar", "ur");
    }

    @Test
    void withoutMarksTheAlgorithmReversesThePhoneNumber() {
        // The defect itself, so this test shows what the marks prevent.
        String unmarked = "اتصل على " + PHONE + ".";
        assertThat(visual(unmarked)).contains("0000 496 0161").doesNotContain(PHONE);
    }

    @Test
    void everyMessageAndReplyKeepsEveryPlaceholderInOrder() {
        Placeholders values = new Placeholders(NAME, PRACTICE, PHONE, LINK);
        for (String lang : rtlLanguages()) {
            List<RenderedMessage> all = new ArrayList<>();
            for (String programme : templates.programmes()) {
                for (String message : templates.messages(programme)) {
                    all.add(templates.render(programme, message, lang, values));
                }
            }
            for (Reply reply : Reply.values()) {
                all.add(templates.renderReply(reply, lang, values));
            }
            for (RenderedMessage m : all) {
                String what = lang + " " + m.programme() + "." + m.message();
                assertThat(m.lang()).as(what).isEqualTo(lang);
                assertThat(laidOutRightToLeft(m.text())).as(what + " starts right to left").isTrue();
                String shown = visual(m.text());
                assertThat(m.text()).as(what).contains(PRACTICE);
                for (String value : List.of(NAME, PRACTICE, PHONE, LINK)) {
                    if (m.text().contains(value)) {
                        assertThat(shown).as(what + ": " + shown).contains(value);
                    }
                }
            }
        }
    }

    @Test
    void theMarksCountTowardSegmentsAndCost() {
        RenderedMessage m = templates.render("fit-non-returners", "initial", "ar",
                new Placeholders(NAME, PRACTICE, PHONE, null));
        long marks = m.text().chars().filter(c -> c == BidiMarks.LRM || c == BidiMarks.RLM).count();
        assertThat(marks).isGreaterThanOrEqualTo(7); // RLM first, then LRM..RLM around name, practice, phone
        assertThat(m.encoding()).isEqualTo(SmsSegments.UCS2);
        assertThat(m.characters()).isEqualTo(m.text().length());
        assertThat(m.segments()).isEqualTo(SmsSegments.count(m.text()).segments());
    }

    @Test
    void leftToRightLanguagesGetNoMarks() {
        for (String lang : List.of("en", "pl", "ro", "pa", "bn", "gu")) {
            RenderedMessage m = templates.render("fit-non-returners", "initial", lang, Placeholders.sample());
            assertThat(m.text()).as(lang).doesNotContain(String.valueOf(BidiMarks.LRM), String.valueOf(BidiMarks.RLM),
                    String.valueOf(BidiMarks.VALUE_START), String.valueOf(BidiMarks.VALUE_END));
        }
    }

    /** Runs in the template's own words (a PCN's texts may hold a phone or NHS number typed in). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "اتصل على 0161 496 0000 اليوم.|0161 496 0000",
            "رقم NHS الخاص بك 999 001 2687.|999 001 2687",
            "یہ 45 years سے زیادہ عمر کے لیے ہے|45 years",
            "الرمز 12 AB للحجز.|12 AB",
    })
    void runsInTheTemplatesOwnWordsKeepTheirOrder(String literal, String run) {
        String marked = BidiMarks.mark(literal);
        assertThat(visual(literal)).as("unmarked").doesNotContain(run);
        assertThat(laidOutRightToLeft(marked)).isTrue();
        assertThat(visual(marked)).contains(run);
    }

    @Test
    void twoValuesSeparatedByPunctuationStayInTheTextsOrder() {
        // "name: phone" in a right-to-left text: the name is read first, so it is on the right.
        String marked = BidiMarks.mark("معك " + BidiMarks.bracket(PRACTICE) + ": " + BidiMarks.bracket(PHONE));
        String shown = visual(marked);
        assertThat(shown.indexOf(PHONE)).isLessThan(shown.indexOf(PRACTICE));
    }

    @Test
    void aSingleWordOrNumberCostsNoMarks() {
        assertThat(BidiMarks.markLiteral("أرسل STOP أو 1.")).isEqualTo("أرسل STOP أو 1.");
    }
}
