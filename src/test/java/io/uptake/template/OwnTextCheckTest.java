package io.uptake.template;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, "Templates a PCN can own": the checks of a PCN's draft, as the editor shows them while typing and a save
 * applies them. Placeholders as the shipped English message has them and no others, the segment limit with long
 * values, and in a right-to-left language every left-to-right run in its order on a handset.
 */
class OwnTextCheckTest {
    final MessageTemplates templates = ProjectFiles.templates(ProjectFiles.root());

    static final String ENGLISH = "Hello {givenName}, {practiceName} here. Please call {practicePhone} about a PSA "
            + "chat. {booking} {callBack} {optOut}";
    static final String ARABIC = "{givenName}، معك {practiceName}. اتصل على {practicePhone} أو على 0161 496 0999. "
            + "{booking} {callBack} {optOut}";

    @Test
    void aGoodTextHasNoProblemAndItsSegmentsAndCost() {
        TextCheck c = templates.check("psa-eligible", "initial", "en", ENGLISH);
        assertThat(c.problems()).isEmpty();
        assertThat(c.preview()).startsWith("Hello Amina, Limehurst Village Surgery here.").contains("Reply STOP");
        assertThat(c.encoding()).isEqualTo(SmsSegments.GSM7);
        assertThat(c.segments()).isEqualTo(SmsSegments.count(c.preview()).segments());
        assertThat(c.cost()).isEqualByComparingTo(templates.cost(c.segments()));
        assertThat(c.placeholderList()).isEqualTo("{givenName} {practiceName} {practicePhone} {booking} {callBack} {optOut}");
    }

    @Test
    void anUnknownPlaceholderIsNamed() {
        TextCheck c = templates.check("psa-eligible", "initial", "en", ENGLISH.replace("{givenName}", "{firstName}"));
        assertThat(c.problems()).anySatisfy(p -> assertThat(p).startsWith("{firstName} is not a placeholder"))
                .anySatisfy(p -> assertThat(p).startsWith("Put {givenName} back in the text"));
        assertThat(c.rendered()).isFalse();
    }

    @Test
    void droppingTheOptOutOrTheBookingLinkIsRefusedWithWhy() {
        assertThat(templates.check("psa-eligible", "initial", "en", ENGLISH.replace("{optOut}", "")).problems())
                .containsExactly("Put {optOut} back in the text: it tells the patient how to stop the texts.");
        assertThat(templates.check("psa-eligible", "initial", "en", ENGLISH.replace("{booking}", "")).problems())
                .containsExactly("Put {booking} back in the text: it holds the booking link when a campaign has one.");
    }

    @Test
    void anUnclosedBracketOrAComplexArgumentIsRefusedInPlainWords() {
        assertThat(templates.check("psa-eligible", "initial", "en", ENGLISH + " {practiceName").problems())
                .singleElement().satisfies(p -> assertThat(p).startsWith("Each { needs a }"));
        assertThat(templates.check("psa-eligible", "initial", "en",
                ENGLISH.replace("{givenName}", "{givenName, number}")).problems())
                .singleElement().satisfies(p -> assertThat(p).startsWith("Write each placeholder as just its name"));
        assertThat(templates.check("psa-eligible", "initial", "en", "  ").problems())
                .containsExactly("Enter the words of the text.");
    }

    @Test
    void aTextOverTheSegmentLimitWithLongValuesIsRefused() {
        TextCheck c = templates.check("psa-eligible", "initial", "en", ENGLISH + " Thank you.".repeat(70));
        assertThat(c.longestSegments()).isGreaterThan(templates.maxSegments());
        assertThat(c.problems()).singleElement().satisfies(p -> assertThat(p)
                .contains("takes " + c.longestSegments() + " segments; the limit is " + templates.maxSegments()));
    }

    @Test
    void anArabicTextWithATypedPhoneNumberKeepsItsOrderOnAPhone() {
        TextCheck c = templates.check("psa-eligible", "initial", "ar", ARABIC);
        assertThat(c.problems()).isEmpty();
        assertThat(c.rtl()).isTrue();
        assertThat(c.bidiOk()).isTrue();
        assertThat(c.encoding()).isEqualTo(SmsSegments.UCS2);
        assertThat(BidiCheck.rightToLeft(c.preview())).isTrue();
        assertThat(BidiCheck.shown(c.preview())).contains("0161 496 0999").contains("0161 496 0000");
    }

    @Test
    void groupsOfArabicIndicDigitsAreRefused() {
        TextCheck c = templates.check("psa-eligible", "initial", "ar", ARABIC.replace("0161 496 0999", "٠١٦١ ٤٩٦ ٠٩٩٩"));
        assertThat(c.bidiOk()).isFalse();
        assertThat(c.problems()).singleElement().satisfies(p -> assertThat(p).startsWith(BidiCheck.DIGITS));
    }

    @Test
    void theCheckFindsARunAPhoneWouldReverseWhenTheMarksAreMissing() {
        // The safety net itself: the same text without the marks that rendering adds.
        String unmarked = "اتصل على 0161 496 0999 اليوم.";
        assertThat(BidiCheck.problems(unmarked, unmarked, Placeholders.sample()))
                .contains(BidiCheck.WRONG_ORDER + "0161 496 0999\" in the wrong order.");
        assertThat(BidiCheck.problems(unmarked, BidiMarks.mark(unmarked), Placeholders.sample())).isEmpty();
    }

    @Test
    void typedDirectionControlsAndLineBreaksAreNotKept() {
        TextCheck c = templates.check("psa-eligible", "initial", "ar", "\u202E" + ARABIC + "\r\n\u200F");
        assertThat(c.text()).isEqualTo(ARABIC);
        assertThat(c.problems()).isEmpty();
    }

    @Test
    void aPcnTextIsAnotherVersionAndRendersInPlaceOfTheShippedOne() {
        OwnTexts own = new OwnTexts(java.util.Map.of("en", java.util.Map.of("initial", ENGLISH)));
        assertThat(templates.version("psa-eligible", "en", OwnTexts.NONE)).isEqualTo(templates.version("psa-eligible", "en"));
        assertThat(templates.version("psa-eligible", "en", own)).isNotEqualTo(templates.version("psa-eligible", "en"));
        assertThat(templates.render("psa-eligible", "initial", "en", Placeholders.sample(), own).text())
                .startsWith("Hello Amina");
        assertThat(templates.render("psa-eligible", "reminder", "en", Placeholders.sample(), own).text())
                .startsWith("Dear Amina");
        // A language the PCN has no text in: the shipped text.
        assertThat(templates.render("psa-eligible", "initial", "ar", Placeholders.sample(), own).text())
                .isEqualTo(templates.render("psa-eligible", "initial", "ar", Placeholders.sample()).text());
    }
}
