package io.uptake.campaign;

import io.uptake.booking.BookingLinks;
import io.uptake.template.MessageTemplates;
import io.uptake.template.Placeholders;
import io.uptake.template.RenderedMessage;
import jakarta.inject.Singleton;

/** Renders a campaign text through the template feature with the patient's name and practice. */
@Singleton
class TemplateTexts implements CampaignTexts {
    private final MessageTemplates templates;
    private final BookingLinks links;

    TemplateTexts(MessageTemplates templates, BookingLinks links) {
        this.templates = templates;
        this.links = links;
    }

    @Override
    public String bookingLink(String token) {
        return links.link(token);
    }

    @Override
    public Rendered render(String programme, String templateKey, String language, Placeholders values) {
        RenderedMessage text = templates.render(programme, templateKey, language, values);
        return new Rendered(text.text(), text.segments());
    }
}
