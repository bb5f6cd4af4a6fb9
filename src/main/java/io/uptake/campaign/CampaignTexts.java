package io.uptake.campaign;

import io.uptake.template.Placeholders;

/** What the dispatcher needs from the template feature: a programme's message for one patient. */
public interface CampaignTexts {

    /**
     * @param templateKey "initial" or "reminder"
     * @param values the patient's name and practice, read by the dispatcher with the claim
     */
    Rendered render(String programme, String templateKey, String language, Placeholders values);

    /** The short link a text holds for a message's booking-link token. */
    String bookingLink(String token);

    /**
     * The text of one message: its values, with the booking link when it has a token (null: none).
     *
     * @throws IllegalStateException when the patient's practice is not on record ({@code values} null)
     */
    default Rendered render(String programme, String templateKey, String language, Placeholders values,
                            String bookingToken) {
        if (values == null) {
            throw new IllegalStateException("the patient's practice is not on record");
        }
        Placeholders withLink = bookingToken == null ? values : new Placeholders(values.givenName(),
                values.practiceName(), values.practicePhone(), bookingLink(bookingToken));
        return render(programme, templateKey, language, withLink);
    }

    record Rendered(String body, int segments) {
    }
}
