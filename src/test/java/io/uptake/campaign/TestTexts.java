package io.uptake.campaign;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/** Stand-in for the template feature in campaign tests: a plain one-segment text naming the wave's template. */
@Singleton
@io.micronaut.context.annotation.Replaces(CampaignTexts.class)
@Requires(property = "spec.name", pattern = "Campaign.*")
class TestTexts implements CampaignTexts {
    @Override
    public String bookingLink(String token) {
        return "https://uptake.test/b/" + token;
    }

    @Override
    public Rendered render(String programme, String templateKey, String language, io.uptake.template.Placeholders values) {
        return new Rendered("Test practice: " + programme + " " + templateKey + " (" + language + "). Reply STOP to opt out.", 1);
    }
}
