package io.uptake.campaign;

/** What the dispatcher needs from the template feature: a programme's message for one patient. */
public interface CampaignTexts {

    /** @param templateKey "initial" or "reminder" */
    Rendered render(String programme, String templateKey, String language, long patientId);

    record Rendered(String body, int segments) {
    }
}
