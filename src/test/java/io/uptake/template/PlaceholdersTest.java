package io.uptake.template;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A value merged into a text carries no control or bidi character, whatever record it came from. */
class PlaceholdersTest {
    @Test
    void valuesAreCleanedAsTheyEnterAText() {
        Placeholders values = new Placeholders("\u202EAda\u0007", "Moss\u001B Side", "\u20660161 496 0000\u2069",
                "https://example.nhs.uk/\u202Ebook");
        assertThat(values.givenName()).isEqualTo("Ada");
        assertThat(values.practiceName()).isEqualTo("Moss  Side");
        assertThat(values.practicePhone()).isEqualTo("0161 496 0000");
        assertThat(values.bookingLink()).isEqualTo("https://example.nhs.uk/book");
        assertThat(new Placeholders("Ada", "Moss Side", null, null).practicePhone()).isNull();
    }
}
