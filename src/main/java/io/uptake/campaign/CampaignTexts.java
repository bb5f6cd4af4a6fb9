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

    record Rendered(String body, int segments) {
    }
}
