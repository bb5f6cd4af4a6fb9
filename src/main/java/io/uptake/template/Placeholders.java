package io.uptake.template;

import io.micronaut.core.annotation.Nullable;
import io.uptake.patient.PlainText;

/**
 * The values a template may use. The opt-out and call-back instructions are not here: they come from
 * the language file, so every text says them in the patient's language.
 */
public record Placeholders(String givenName, String practiceName, String practicePhone,
                           @Nullable String bookingLink) {

    /**
     * Every value is cleaned as it enters a text, whatever its source (an import before the importer cleaned, a
     * practice record, a campaign's link): no control character or bidi override from the data reaches a patient.
     */
    public Placeholders {
        givenName = PlainText.clean(givenName);
        practiceName = PlainText.clean(practiceName);
        practicePhone = PlainText.clean(practicePhone);
        bookingLink = PlainText.clean(bookingLink);
    }

    /**
     * Long but realistic values: the 6-segment validation renders every template with these, so a
     * template that passes fits for nearly everyone.
     */
    public static Placeholders longest() {
        return new Placeholders("Oluwaseyifunmi-Alexandra",
                "Whitworth Road and Limehurst Village Medical Centre",
                "0161 496 0000",
                "https://www.whitworthlimehurst-medical.nhs.uk/book/screening?ref=AB12CD34");
    }

    /** A typical sample for previews when no patient is chosen. */
    public static Placeholders sample() {
        return new Placeholders("Amina", "Limehurst Village Surgery", "0161 496 0000", null);
    }
}
