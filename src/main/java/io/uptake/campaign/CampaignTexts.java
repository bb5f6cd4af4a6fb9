package io.uptake.campaign;

import io.uptake.template.Placeholders;

/** What the dispatcher needs from the template feature: a programme's message for one patient. */
public interface CampaignTexts {

    /**
     * @param templateKey "initial" or "reminder"
     * @param values the patient's name and practice, read by the dispatcher with the claim
     */
    Rendered render(String programme, String templateKey, String language, Placeholders values);

    /**
     * A message of campaign {@code campaignId}: in the PCN texts the campaign was launched with, where it has them
     * for the language. A stand-in that knows no campaigns renders as {@link #render(String, String, String,
     * Placeholders)}.
     */
    default Rendered render(long campaignId, String programme, String templateKey, String language,
                            Placeholders values) {
        return render(programme, templateKey, language, values);
    }

    /** The short link a text holds for a message's booking-link token. */
    String bookingLink(String token);

    /**
     * The text of one message: its values, with the booking link when it has a token (null: none).
     *
     * @throws IllegalStateException when the patient's practice is not on record ({@code values} null)
     */
    default Rendered render(long campaignId, String programme, String templateKey, String language,
                            Placeholders values, String bookingToken) {
        if (values == null) {
            throw new IllegalStateException("the patient's practice is not on record");
        }
        Placeholders withLink = bookingToken == null ? values : new Placeholders(values.givenName(),
                values.practiceName(), values.practicePhone(), bookingLink(bookingToken));
        return render(campaignId, programme, templateKey, language, withLink);
    }

    record Rendered(String body, int segments) {
    }
}
